// LDD3's jit ("just in time", chapter 7): /proc files that show the kernel's ways of waiting.
// - currentime: jiffies, jiffies_64, the wall-clock time and its coarse (last tick) value;
// - jitbusy, jitsched, jitqueue, jitschedto: one line "j0 j1" after waiting `delay` jiffies by
//   busy-waiting, by yielding the CPU, on a wait queue's timeout and by schedule_timeout
//   (JitDelays.cs);
// - jitimer, jitasklet: five lines from a kernel timer firing every `tdelay` jiffies, and from
//   the work item that replaces LDD3's tasklet, each saying where it ran (JitDeferred.cs).
using KernelSharp;
using KernelSharp.FileSystem;
using KernelSharp.Sync;
using KernelSharp.Tasks;
using KernelSharp.Time;

namespace Jit;

[KernelModule("jit", Author = "KernelSharp", Description = "LDD3's jit: delays, kernel timers and deferred work shown in /proc")]
public sealed class JitModule : IKernelModule
{
    [ModuleParameter("Delay of jitbusy, jitsched, jitqueue and jitschedto, in jiffies (0: one second)")]
    public static int delay = 0;

    [ModuleParameter("Jiffies between the lines of jitimer and jitasklet")]
    public static int tdelay = 10;

    private static ProcEntry s_currentTime, s_busy, s_sched, s_queue, s_scheduleTimeout, s_timerEntry, s_taskletEntry;
    internal static Timer<JitTimer, Lines> s_timer;
    internal static Work<JitTasklet, Lines> s_tasklet;
    /// <summary>One reader of jitimer and one of jitasklet at a time: each has one timer or work item.</summary>
    internal static Mutex s_timerReader, s_taskletReader;
    /// <summary>jitimer's and jitasklet's readers wait here for their handler's last line, which sets the flag.</summary>
    internal static WaitQueue s_linesDone;
    internal static Atomic32 s_timerFinished, s_taskletFinished;
    /// <summary>jitqueue waits on this for a wake-up that never comes, so only its timeout ends the wait.</summary>
    internal static WaitQueue s_never;

    public static Result Init()
    {
        if (delay <= 0)
            delay = (int)Jiffies.PerSecond;
        if (tdelay < 1)
        {
            Log.Error($"jit: tdelay must be at least 1 jiffy");
            return Error.EINVAL;
        }
        Result result = Timer<JitTimer, Lines>.Create(out s_timer);
        if (result.IsOk)
            result = Work<JitTasklet, Lines>.Create(WorkQueueKind.HighPriority, out s_tasklet);
        if (result.IsOk)
            result = Mutex.Create(out s_timerReader);
        if (result.IsOk)
            result = Mutex.Create(out s_taskletReader);
        if (result.IsOk)
            result = WaitQueue.Create(out s_linesDone);
        if (result.IsOk)
            result = WaitQueue.Create(out s_never);
        if (result.IsOk)
            result = ProcEntry.Create<CurrentTime>("currentime"u8, out s_currentTime);
        if (result.IsOk)
            result = ProcEntry.Create<JitBusy>("jitbusy"u8, out s_busy);
        if (result.IsOk)
            result = ProcEntry.Create<JitSched>("jitsched"u8, out s_sched);
        if (result.IsOk)
            result = ProcEntry.Create<JitQueue>("jitqueue"u8, out s_queue);
        if (result.IsOk)
            result = ProcEntry.Create<JitScheduleTimeout>("jitschedto"u8, out s_scheduleTimeout);
        if (result.IsOk)
            result = ProcEntry.Create<JitTimerFile>("jitimer"u8, out s_timerEntry);
        if (result.IsOk)
            result = ProcEntry.Create<JitTaskletFile>("jitasklet"u8, out s_taskletEntry);
        return result;
    }

    public static void Exit()
    {
        // The files first: no reader starts the timer or the work after this. Their Dispose
        // then cancels whatever is still pending, synchronously.
        s_taskletEntry.Dispose();
        s_timerEntry.Dispose();
        s_scheduleTimeout.Dispose();
        s_queue.Dispose();
        s_sched.Dispose();
        s_busy.Dispose();
        s_currentTime.Dispose();
        s_tasklet.Dispose();
        s_timer.Dispose();
        s_never.Dispose();
        s_linesDone.Dispose();
        s_taskletReader.Dispose();
        s_timerReader.Dispose();
    }
}

/// <summary>/proc/currentime: jiffies in hex, 32 and 64 bits, then the time of day to the microsecond and its coarse value to the nanosecond.</summary>
public sealed class CurrentTime : ISeqShow
{
    public static Result Show(SeqFile output)
    {
        ulong j1 = Jiffies.Now, j2 = Jiffies.Now;
        WallTime now = Clock.RealTime, coarse = Clock.CoarseRealTime;
        output.Print($"0x{(uint)j1:x8} 0x{j2:x16} {now.Seconds,10}.{now.Microseconds:D6}\n{coarse.Seconds,40}.{coarse.Nanoseconds:D9}\n");
        return Result.Ok;
    }
}
