// LDD3's sleepy (chapter 6): a read sleeps until a write wakes it. The flag is an Atomic32 and
// the sleep a wait queue's WaitInterruptible with a condition, as wait_event_interruptible(wq,
// flag != 0) is in C; a signal ends the sleep with ERESTARTSYS (LDD3's read ignored it).
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.Sync;
using KernelSharp.Tasks;

namespace Sleepy;

[KernelModule("sleepy", Author = "KernelSharp", Description = "A read sleeps until a write wakes it (LDD3's sleepy)")]
public sealed class SleepyModule : IKernelModule
{
    internal static WaitQueue s_queue;
    internal static Atomic32 s_flag;
    private static MiscDevice s_device;

    public static Result Init()
    {
        Result result = WaitQueue.Create(out s_queue);
        return result.Failed ? result : MiscDevice.Register<SleepyFile>("sleepy"u8, out s_device, 0x1b6);
    }

    public static void Exit()
    {
        s_device.Dispose();
        s_queue.Dispose();
    }
}

/// <summary>What a sleeping reader waits for: a write has set the flag.</summary>
public struct FlagSet : IWaitCondition
{
    public readonly bool IsMet() => SleepyModule.s_flag.Read() != 0;
}

public sealed class SleepyFile : IRead, IWrite
{
    public static Result<nint> Read(File file, UserWriter destination, ref long position)
    {
        Log.Debug($"process {CurrentTask.Pid} ({CurrentTask.Command}) going to sleep");
        if (SleepyModule.s_queue.WaitInterruptible(new FlagSet()).Failed)
            return Error.ERESTARTSYS;
        SleepyModule.s_flag.Set(0);
        Log.Debug($"awoken {CurrentTask.Pid} ({CurrentTask.Command})");
        return 0; // end of file
    }

    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        Log.Debug($"process {CurrentTask.Pid} ({CurrentTask.Command}) awakening the readers...");
        SleepyModule.s_flag.Set(1);
        SleepyModule.s_queue.WakeUp();
        return (nint)source.Length; // succeed, to avoid retrial
    }
}
