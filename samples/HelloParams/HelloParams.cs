// LDD's hellop: module parameters. It greets `whom` `howmany` times, adds up `numbers`, and
// names the process that loaded it:
//   insmod hellop.ko howmany=3 whom=Mom numbers=1,2,3
using System;
using KernelSharp;
using KernelSharp.Tasks;

namespace HelloParams;

[KernelModule("hellop", Author = "KernelSharp", Description = "Hello with parameters: whom, howmany, numbers")]
public sealed partial class HelloParamsModule : IKernelModule
{
    // The kernel refuses values outside the range: insmod fails with EINVAL, the log names howmany.
    [ModuleParameter("How many times to greet (1-100)", Minimum = 1, Maximum = 100)]
    public static int howmany = 1;

    // A string of at most 32 bytes; the build tool implements the property.
    [ModuleParameter("Whom to greet", MaxLength = 32, Default = "world")]
    public static partial ReadOnlySpan<byte> whom { get; }

    // Up to 8 comma-separated integers.
    [ModuleParameter("Numbers to add up", MaxCount = 8)]
    public static partial ReadOnlySpan<int> numbers { get; }

    public static Result Init()
    {
        for (int i = 0; i < howmany; i++)
            Log.Info($"({i}) Hello, {whom}");
        Log.Info($"The process is \"{CurrentTask.Command}\" (pid {CurrentTask.Pid})");
        long sum = 0;
        foreach (int number in numbers)
            sum += number;
        Log.Info($"hellop: {numbers.Length} numbers add up to {sum}");
        return Result.Ok;
    }

    public static void Exit() => Log.Info($"Goodbye, {whom}");
}
