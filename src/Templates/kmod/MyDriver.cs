// A Linux kernel module in C#: Init runs at insmod, Exit at rmmod. See the KernelSharp guide.
using KernelSharp;

namespace MyDriver;

[KernelModule("mydriver", Description = "MyDriver, a kernel module in C#")]
public sealed class MyDriverModule : IKernelModule
{
    [ModuleParameter("How many times to say hello at load")]
    public static int times = 1;

    public static Result Init()
    {
        for (int i = 0; i < times; i++)
            Log.Info($"mydriver: hello from C#");
        return Result.Ok;
    }

    public static void Exit() => Log.Info($"mydriver: goodbye");
}
