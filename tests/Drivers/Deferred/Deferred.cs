// A test module for deferred work in a booted kernel: a periodic kernel timer and a work item
// that queues itself again, each owning its data, each started by a write and waited for by a
// read; and unloading while both are still going, which their Dispose must make safe.
using System;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.Sync;
using KernelSharp.Tasks;
using KernelSharp.Time;

namespace Deferred;

[KernelModule("deferred", Description = "KernelSharp timer and work item checks")]
public sealed class DeferredModule : IKernelModule
{
    internal static Timer<Ticker, Rounds> s_timer;
    internal static Work<Worker, Rounds> s_work;
    internal static WaitQueue s_finished;
    private static MiscDevice s_timerDevice, s_workDevice;

    public static Result Init()
    {
        Result result = WaitQueue.Create(out s_finished);
        if (result.IsOk)
            result = Timer<Ticker, Rounds>.Create(out s_timer);
        if (result.IsOk)
            result = Work<Worker, Rounds>.Create(WorkQueueKind.System, out s_work);
        if (result.IsOk)
            result = MiscDevice.Register<TimerDevice>("cktimer"u8, out s_timerDevice, 0x1b6);
        if (result.IsOk)
            result = MiscDevice.Register<WorkDevice>("ckwork"u8, out s_workDevice, 0x1b6);
        return result;
    }

    public static void Exit()
    {
        s_workDevice.Dispose();
        s_timerDevice.Dispose();
        using (SpinLockGuard<Rounds> timer = s_timer.LockData())
            Log.Info($"deferred: at unload the timer had {timer.Data.Left} rounds left");
        s_timer.Dispose();
        s_work.Dispose();
        s_finished.Dispose();
    }

    /// <summary>The rounds a write asked for (a decimal number, at most 100 000; negative: the handler restarts its timer with Start instead of asking to fire again).</summary>
    internal static Result<int> Rounds(ref UserReader source)
    {
        Span<byte> text = stackalloc byte[8];
        Result<nint> copied = source.CopyTo(text);
        if (copied.Failed)
            return copied.Error;
        ReadOnlySpan<byte> digits = text.Slice(0, (int)copied.Value);
        if (digits.Length > 0 && digits[^1] == (byte)'\n')
            digits = digits.Slice(0, digits.Length - 1);
        return int.TryParse(digits, out int rounds) && rounds != 0 && rounds >= -100_000 && rounds <= 100_000 ? rounds : Error.EINVAL;
    }
}

/// <summary>How many rounds are left and how they went.</summary>
public struct Rounds : IDisposable
{
    public int Left;
    public int Done;
    public bool ByStart;
    public ulong Started;
    public ulong Last;

    /// <summary>Starts counting <paramref name="rounds"/> rounds (negative: the timer handler restarts its timer with Start; the work handler ignores that).</summary>
    public void Begin(int rounds)
    {
        Left = Math.Abs(rounds);
        ByStart = rounds < 0;
        Done = 0;
        Started = Jiffies.Now;
    }

    public void Dispose() => Log.Info($"deferred: data disposed after {Done} rounds");
}

/// <summary>Fires every 10 ms until no rounds are left, then wakes the reader.</summary>
public sealed class Ticker : ITimerHandler<Rounds>
{
    public static long Period => Jiffies.FromMilliseconds(10);

    public static TimerNext Expired(ref Rounds data)
    {
        data.Done++;
        data.Last = Jiffies.Now;
        if (--data.Left > 0)
        {
            if (!data.ByStart)
                return TimerNext.After(Period);
            DeferredModule.s_timer.Start(Period); // from its own handler: a rearm when it returns
            return TimerNext.Stop;
        }
        DeferredModule.s_finished.WakeUp();
        return TimerNext.Stop;
    }
}

/// <summary>Sleeps 10 ms a round (a work handler may), queueing itself again until no rounds are left.</summary>
public sealed class Worker : IWorkHandler<Rounds>
{
    public static WorkNext Run(ref Rounds data)
    {
        Delay.Sleep(10);
        data.Done++;
        data.Last = Jiffies.Now;
        if (--data.Left > 0)
            return WorkNext.After(0);
        DeferredModule.s_finished.WakeUp();
        return WorkNext.Done;
    }
}

public struct TimerDone : IWaitCondition
{
    public readonly bool IsMet()
    {
        using SpinLockGuard<Rounds> guard = DeferredModule.s_timer.LockData();
        return guard.Data.Left == 0;
    }
}

/// <summary>/dev/cktimer: a write of N starts N rounds; a read waits for them and logs how long they took.</summary>
public sealed class TimerDevice : IRead, IWrite
{
    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        nint length = (nint)source.Length;
        Result<int> rounds = DeferredModule.Rounds(ref source);
        if (rounds.Failed)
            return rounds.Error;
        using (SpinLockGuard<Rounds> guard = DeferredModule.s_timer.LockData())
            guard.Data.Begin(rounds.Value);
        DeferredModule.s_timer.Start(Ticker.Period);
        return length;
    }

    public static Result<nint> Read(File file, UserWriter destination, ref long position)
    {
        if (DeferredModule.s_finished.WaitInterruptible(new TimerDone()).Failed)
            return Error.ERESTARTSYS;
        int done;
        ulong took;
        using (SpinLockGuard<Rounds> guard = DeferredModule.s_timer.LockData())
        {
            done = guard.Data.Done;
            took = guard.Data.Last - guard.Data.Started;
        }
        Log.Info($"deferred: timer fired {done} times in {took} jiffies, period {Ticker.Period}");
        return 0;
    }
}

/// <summary>/dev/ckwork: a write of N queues N rounds of work; a read waits for them and logs how long they took.</summary>
public sealed class WorkDevice : IRead, IWrite
{
    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        nint length = (nint)source.Length;
        Result<int> rounds = DeferredModule.Rounds(ref source);
        if (rounds.Failed)
            return rounds.Error;
        using (MutexGuard<Rounds> guard = DeferredModule.s_work.LockData())
            guard.Data.Begin(rounds.Value);
        DeferredModule.s_work.Schedule();
        return length;
    }

    public static Result<nint> Read(File file, UserWriter destination, ref long position)
    {
        while (true)
        {
            using (MutexGuard<Rounds> guard = DeferredModule.s_work.LockData())
                if (guard.Data.Left == 0)
                {
                    Log.Info($"deferred: work ran {guard.Data.Done} times in {guard.Data.Last - guard.Data.Started} jiffies");
                    return 0;
                }
            if (DeferredModule.s_finished.WaitInterruptibleTimeout(new Never(), Jiffies.FromMilliseconds(20)).Failed)
                return Error.ERESTARTSYS;
        }
    }
}

/// <summary>A condition that never holds: a plain interruptible sleep for the timeout.</summary>
public struct Never : IWaitCondition
{
    public readonly bool IsMet() => false;
}
