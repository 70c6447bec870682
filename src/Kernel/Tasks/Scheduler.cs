// The scheduler (<linux/sched.h>): giving up the CPU, with or without a timeout.
using KernelSharp.Interop;

namespace KernelSharp.Tasks
{
    /// <summary>
    /// Giving the CPU to other tasks from process context. To wait for something, use a
    /// <see cref="Sync.WaitQueue"/> or a <see cref="Sync.Completion"/>: these are for waiting for time.
    /// </summary>
    public static class Scheduler
    {
        /// <summary>
        /// schedule() while runnable: other runnable tasks run first, then this one goes on. A
        /// loop of these until a jiffy count passes is LDD3's jitsched, a delay that wastes less
        /// CPU than spinning but still keeps it busy when nothing else runs.
        /// </summary>
        [MaySleep]
        public static void Yield() => Native.ksharp_schedule();

        /// <summary>
        /// Sleeps <paramref name="jiffies"/> jiffies (schedule_timeout_interruptible). The value is
        /// 0 when the time passed, or the jiffies left when a signal woke the task early.
        /// </summary>
        [MaySleep]
        public static long Sleep(long jiffies) => Native.ksharp_schedule_timeout(jiffies < 0 ? 0 : jiffies);
    }
}
