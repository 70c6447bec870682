// jitimer and jitasklet: a read starts a kernel timer (or queues a work item) that records a
// line each time it runs, five times, `tdelay` jiffies apart (the work item: as soon as it can),
// then prints them in LDD3's format. The lines show where the handler ran: the timer in softirq
// context ("inirq" 1) on behalf of whatever task the tick interrupted, the work item in a kernel
// worker thread. The work item on the high-priority system queue is what replaces LDD3's
// tasklet (docs/guide.md says why). A signal ends the read's wait, and the timer or work is
// cancelled before the read returns; unloading cancels them too.
using System.Runtime.CompilerServices;
using KernelSharp;
using KernelSharp.FileSystem;
using KernelSharp.Sync;
using KernelSharp.Tasks;
using KernelSharp.Time;

namespace Jit;

/// <summary>One line: when and where the handler (or, first, the reader) ran.</summary>
public struct Line
{
    public ulong Jiffies;
    public long Delta;
    public bool InInterrupt;
    public int Pid;
    public int Cpu;
    public TaskCommand Command;
}

/// <summary>The lines of one read (LDD3's struct jit_data without its timer and wait queue).</summary>
public struct Lines : System.IDisposable
{
    /// <summary>The reader's line and then JIT_ASYNC_LOOPS (5) from the handler.</summary>
    public const int Count = 6;

    public LineArray Items;
    public int Filled;
    public ulong Previous;

    /// <summary>Starts over with the reader's own line.</summary>
    public void Begin()
    {
        Filled = 0;
        Previous = Jiffies.Now;
        Record();
    }

    /// <summary>Records where the caller runs now; true while more lines are wanted.</summary>
    public bool Record()
    {
        ulong now = Jiffies.Now;
        ref Line line = ref Items[Filled++];
        line.Jiffies = now;
        line.Delta = (long)(now - Previous);
        line.InInterrupt = Cpu.InInterrupt;
        line.Pid = CurrentTask.Pid;
        line.Cpu = Cpu.Current;
        line.Command = CurrentTask.Command;
        Previous = now;
        return Filled < Count;
    }

    public readonly void Print(SeqFile output)
    {
        output.Write("   time   delta  inirq    pid   cpu command\n"u8);
        for (int i = 0; i < Filled; i++)
        {
            ref readonly Line line = ref Items[i];
            output.Print($"{line.Jiffies,9}  {line.Delta,3}     {(line.InInterrupt ? 1 : 0)}    {line.Pid,6}   {line.Cpu}   {line.Command}\n");
        }
    }

    public void Dispose() { }
}

[InlineArray(Lines.Count)]
public struct LineArray
{
    private Line _first;
}

/// <summary>jitimer's handler: a line each time it fires, then it wakes the reader.</summary>
public sealed class JitTimer : ITimerHandler<Lines>
{
    public static TimerNext Expired(ref Lines data)
    {
        if (data.Record())
            return TimerNext.After(JitModule.tdelay);
        JitModule.s_timerFinished.Set(1);
        JitModule.s_linesDone.WakeUp();
        return TimerNext.Stop;
    }
}

/// <summary>jitasklet's handler: a line each time it runs, queueing itself again at once.</summary>
public sealed class JitTasklet : IWorkHandler<Lines>
{
    public static WorkNext Run(ref Lines data)
    {
        if (data.Record())
            return WorkNext.After(0);
        JitModule.s_taskletFinished.Set(1);
        JitModule.s_linesDone.WakeUp();
        return WorkNext.Done;
    }
}

/// <summary>What a jitimer or jitasklet reader waits for: its handler's last line.</summary>
public struct Finished(int which) : IWaitCondition
{
    public readonly bool IsMet() => (which == 0 ? JitModule.s_timerFinished.Read() : JitModule.s_taskletFinished.Read()) != 0;
}

public sealed class JitTimerFile : ISeqShow
{
    public static Result Show(SeqFile output)
    {
        Result locked = JitModule.s_timerReader.LockInterruptible(out MutexGuard reader);
        if (locked.Failed)
            return locked;
        using (reader)
        {
            JitModule.s_timerFinished.Set(0);
            using (SpinLockGuard<Lines> lines = JitModule.s_timer.LockData())
                lines.Data.Begin();
            JitModule.s_timer.Start(JitModule.tdelay);
            if (JitModule.s_linesDone.WaitInterruptible(new Finished(0)).Failed)
            {
                JitModule.s_timer.Cancel(); // a handler that rearms itself included
                return Error.ERESTARTSYS;
            }
            using (SpinLockGuard<Lines> lines = JitModule.s_timer.LockData())
                lines.Data.Print(output);
        }
        return Result.Ok;
    }
}

public sealed class JitTaskletFile : ISeqShow
{
    public static Result Show(SeqFile output)
    {
        Result locked = JitModule.s_taskletReader.LockInterruptible(out MutexGuard reader);
        if (locked.Failed)
            return locked;
        using (reader)
        {
            JitModule.s_taskletFinished.Set(0);
            using (MutexGuard<Lines> lines = JitModule.s_tasklet.LockData())
                lines.Data.Begin();
            JitModule.s_tasklet.Schedule();
            if (JitModule.s_linesDone.WaitInterruptible(new Finished(1)).Failed)
            {
                JitModule.s_tasklet.Cancel();
                return Error.ERESTARTSYS;
            }
            using (MutexGuard<Lines> lines = JitModule.s_tasklet.LockData())
                lines.Data.Print(output);
        }
        return Result.Ok;
    }
}
