// Delays (<linux/delay.h>): sleeping for a while, or spinning where sleeping is not allowed.
using KernelSharp.Interop;

namespace KernelSharp.Time
{
    /// <summary>
    /// Waiting for a while. Sleep where you can (process context, no spin lock held): the CPU
    /// runs other tasks meanwhile. Spin only for microseconds, and only where you may not sleep
    /// (a timer handler, a spin lock held): the CPU does nothing else meanwhile.
    /// </summary>
    public static class Delay
    {
        /// <summary>
        /// Sleeps at least <paramref name="milliseconds"/> ms (msleep). It may sleep up to a
        /// tick longer; for less than 20 ms use <see cref="SleepRange"/>. A signal does not end it.
        /// </summary>
        [MaySleep]
        public static void Sleep(uint milliseconds) => Native.ksharp_msleep(milliseconds);

        /// <summary>
        /// Sleeps between <paramref name="minMicroseconds"/> and <paramref name="maxMicroseconds"/> µs
        /// (usleep_range): the range lets the kernel wake this task with others. For 10 µs to 20 ms.
        /// </summary>
        [MaySleep]
        public static void SleepRange(uint minMicroseconds, uint maxMicroseconds) =>
            Native.ksharp_usleep_range(minMicroseconds, maxMicroseconds < minMicroseconds ? minMicroseconds : maxMicroseconds);

        /// <summary>
        /// Busy-waits <paramref name="microseconds"/> µs (udelay, a millisecond at a time). Never
        /// sleeps, so it works in any context; the CPU is lost to everything else meanwhile.
        /// </summary>
        public static void Spin(uint microseconds) => Native.ksharp_udelay(microseconds);
    }
}
