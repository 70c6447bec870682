// LDD3's jiq ("just in queue", chapter 7): how deferred work "feels" its environment. A read of
// /proc/jiqwq queues a work item on the system workqueue that prints a line about where it runs
// (jiffies, the delta since the last line, preempt_count, pid, CPU, command) and queues itself
// again at once, until a page's worth of lines is there (LDD3's LIMIT); /proc/jiqwqdelay does
// the same with `delay` jiffies between runs (delayed work). The reader sleeps until the last
// line; a signal cancels the work and ends the read, and unloading cancels it too.
using System.Runtime.CompilerServices;
using KernelSharp;
using KernelSharp.FileSystem;
using KernelSharp.Sync;
using KernelSharp.Tasks;
using KernelSharp.Time;

namespace Jiq;

[KernelModule("jiq", Author = "KernelSharp", Description = "LDD3's jiq: work queues seen from the inside, in /proc")]
public sealed class JiqModule : IKernelModule
{
    [ModuleParameter("Jiffies between the lines of jiqwqdelay")]
    public static int delay = 1;

    internal static Work<JiqWork, JiqLines> s_work;
    /// <summary>One reader at a time: one work item serves both files.</summary>
    internal static Mutex s_reader;
    internal static WaitQueue s_done;
    internal static Atomic32 s_finished;
    private static ProcEntry s_now, s_delayed;

    public static Result Init()
    {
        if (delay < 0)
        {
            Log.Error($"jiq: delay must not be negative");
            return Error.EINVAL;
        }
        Result result = Work<JiqWork, JiqLines>.Create(WorkQueueKind.System, out s_work);
        if (result.IsOk)
            result = Mutex.Create(out s_reader);
        if (result.IsOk)
            result = WaitQueue.Create(out s_done);
        if (result.IsOk)
            result = ProcEntry.Create<JiqWorkFile>("jiqwq"u8, out s_now);
        if (result.IsOk)
            result = ProcEntry.Create<JiqDelayedWorkFile>("jiqwqdelay"u8, out s_delayed);
        return result;
    }

    public static void Exit()
    {
        s_delayed.Dispose();
        s_now.Dispose();
        s_work.Dispose(); // cancels work still queued, waits for a handler still running
        s_done.Dispose();
        s_reader.Dispose();
    }

    /// <summary>What both files do: queue the work with <paramref name="jiffies"/> between runs, sleep until its last line, print them.</summary>
    internal static Result Show(SeqFile output, int jiffies)
    {
        Result locked = s_reader.LockInterruptible(out MutexGuard reader);
        if (locked.Failed)
            return locked;
        using (reader)
        {
            s_finished.Set(0);
            using (MutexGuard<JiqLines> lines = s_work.LockData())
                lines.Data.Begin(jiffies);
            s_work.Schedule(jiffies);
            if (s_done.WaitInterruptible(new Finished()).Failed)
            {
                s_work.Cancel(); // one that queues itself again included
                return Error.ERESTARTSYS;
            }
            using (MutexGuard<JiqLines> lines = s_work.LockData())
                lines.Data.Print(output);
        }
        return Result.Ok;
    }
}

public sealed class JiqWorkFile : ISeqShow
{
    public static Result Show(SeqFile output) => JiqModule.Show(output, 0);
}

public sealed class JiqDelayedWorkFile : ISeqShow
{
    public static Result Show(SeqFile output) => JiqModule.Show(output, JiqModule.delay);
}

/// <summary>What the reader waits for: the handler's last line.</summary>
public struct Finished : IWaitCondition
{
    public readonly bool IsMet() => JiqModule.s_finished.Read() != 0;
}

/// <summary>The work handler: a line, then again after the delay, until the lines are full.</summary>
public sealed class JiqWork : IWorkHandler<JiqLines>
{
    public static WorkNext Run(ref JiqLines data)
    {
        if (data.Record())
            return WorkNext.After(data.Delay);
        JiqModule.s_finished.Set(1);
        JiqModule.s_done.WakeUp();
        return WorkNext.Done;
    }
}

public struct JiqLine
{
    public ulong Jiffies;
    public long Delta;
    public int PreemptCount;
    public int Pid;
    public int Cpu;
    public TaskCommand Command;
}

/// <summary>The lines of one read: as many as LDD3's LIMIT (a page less 128 bytes) holds at about 48 bytes each.</summary>
public struct JiqLines : System.IDisposable
{
    public const int Count = 80;

    public JiqLineArray Items;
    public int Filled;
    public int Delay;
    public ulong Previous;

    public void Begin(int delay)
    {
        Filled = 0;
        Delay = delay;
        Previous = Jiffies.Now;
    }

    /// <summary>Records where the handler runs now; true while more lines are wanted.</summary>
    public bool Record()
    {
        ulong now = Jiffies.Now;
        ref JiqLine line = ref Items[Filled++];
        line.Jiffies = now;
        line.Delta = (long)(now - Previous);
        line.PreemptCount = Cpu.PreemptCount;
        line.Pid = CurrentTask.Pid;
        line.Cpu = Cpu.Current;
        line.Command = CurrentTask.Command;
        Previous = now;
        return Filled < Count;
    }

    public readonly void Print(SeqFile output)
    {
        output.Write("    time  delta preempt   pid cpu command\n"u8);
        for (int i = 0; i < Filled; i++)
        {
            ref readonly JiqLine line = ref Items[i];
            output.Print($"{line.Jiffies,9}  {line.Delta,4}     {line.PreemptCount,3} {line.Pid,5} {line.Cpu,3} {line.Command}\n");
        }
    }

    public void Dispose() { }
}

[InlineArray(JiqLines.Count)]
public struct JiqLineArray
{
    private JiqLine _first;
}
