// jitbusy, jitsched, jitqueue and jitschedto: each read waits `delay` jiffies its own way and
// prints the jiffies before and after, as LDD3's jit_fn does. Busy-waiting keeps the CPU;
// yielding gives it to others but comes back at once when no one else runs; the wait queue's
// timeout and schedule_timeout sleep, and a signal ends them early.
using KernelSharp;
using KernelSharp.FileSystem;
using KernelSharp.Sync;
using KernelSharp.Tasks;
using KernelSharp.Time;

namespace Jit;

public enum DelayKind
{
    Busy,
    Sched,
    Queue,
    ScheduleTimeout,
}

public static class JitDelays
{
    public static Result Show(SeqFile output, DelayKind kind)
    {
        ulong j0 = Jiffies.Now, j1 = j0 + (ulong)JitModule.delay;
        switch (kind)
        {
            case DelayKind.Busy:
                while (Jiffies.Now < j1)
                    Cpu.Relax();
                break;
            case DelayKind.Sched:
                while (Jiffies.Now < j1)
                    Scheduler.Yield();
                break;
            case DelayKind.Queue:
                JitModule.s_never.WaitInterruptibleTimeout(new Never(), JitModule.delay);
                break;
            case DelayKind.ScheduleTimeout:
                Scheduler.Sleep(JitModule.delay);
                break;
        }
        output.Print($"{j0,9} {Jiffies.Now,9}\n");
        return Result.Ok;
    }
}

/// <summary>What jitqueue waits for: nothing, so only the timeout (or a signal) ends the wait.</summary>
public struct Never : IWaitCondition
{
    public readonly bool IsMet() => false;
}

public sealed class JitBusy : ISeqShow
{
    public static Result Show(SeqFile output) => JitDelays.Show(output, DelayKind.Busy);
}

public sealed class JitSched : ISeqShow
{
    public static Result Show(SeqFile output) => JitDelays.Show(output, DelayKind.Sched);
}

public sealed class JitQueue : ISeqShow
{
    public static Result Show(SeqFile output) => JitDelays.Show(output, DelayKind.Queue);
}

public sealed class JitScheduleTimeout : ISeqShow
{
    public static Result Show(SeqFile output) => JitDelays.Show(output, DelayKind.ScheduleTimeout);
}
