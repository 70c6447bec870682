// LDD3's complete (chapter 5): a read waits for a completion, and each write completes it
// once, letting exactly one reader through. wait_for_completion became its interruptible
// form, so a signal ends the wait with ERESTARTSYS instead of leaving the reader unkillable.
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.Sync;
using KernelSharp.Tasks;

namespace Complete;

[KernelModule("complete", Author = "KernelSharp", Description = "Each write lets one waiting reader through (LDD3's complete)")]
public sealed class CompleteModule : IKernelModule
{
    internal static Completion s_done;
    private static MiscDevice s_device;

    public static Result Init()
    {
        Result result = Completion.Create(out s_done);
        return result.Failed ? result : MiscDevice.Register<CompleteFile>("complete"u8, out s_device, 0x1b6);
    }

    public static void Exit()
    {
        s_device.Dispose();
        s_done.Dispose();
    }
}

public sealed class CompleteFile : IRead, IWrite
{
    public static Result<nint> Read(File file, UserWriter destination, ref long position)
    {
        Log.Debug($"process {CurrentTask.Pid} ({CurrentTask.Command}) going to sleep");
        if (CompleteModule.s_done.WaitInterruptible().Failed)
            return Error.ERESTARTSYS;
        Log.Debug($"awoken {CurrentTask.Pid} ({CurrentTask.Command})");
        return 0; // end of file
    }

    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        Log.Debug($"process {CurrentTask.Pid} ({CurrentTask.Command}) awakening the readers...");
        CompleteModule.s_done.Complete();
        return (nint)source.Length; // succeed, to avoid retrial
    }
}
