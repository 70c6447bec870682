// The first module of "Linux Device Drivers": a line in the kernel log at load and unload.
using KernelSharp;

namespace Hello;

[KernelModule("hello", Author = "KernelSharp", Description = "Says hello at load and goodbye at unload")]
public sealed class HelloModule : IKernelModule
{
    public static Result Init()
    {
        Log.Info("Hello, world"u8);
        return Result.Ok;
    }

    public static void Exit() => Log.Info("Goodbye, cruel world"u8);
}
