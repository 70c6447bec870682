using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// The C original (benchmarks/c/scull, module scull_c) passes the same scullcheck tests as
/// the C# driver: the checks describe scull, not one implementation's quirks, and the
/// benchmark compares drivers that behave alike.
/// </summary>
[Trait("Category", "Integration")]
public class ScullReferenceTests
{
    private static readonly Lazy<Task<GuestResult>> Reference = new(() => Guest.Run(new GuestRun($"""
        insmod /scull_c.ko || exit 10
        {ScullGuest.CheckScript("/dev/scull_c0", "scull_c")}
        rmmod scull_c || exit 11
        """) { ExtraFiles = [ScullGuest.ScullCheck, Guest.CModule("benchmarks/c/scull", "scull_c")], ExtraKernelArguments = ScullGuest.KernelArguments }));

    [Theory]
    [InlineData("rw")]
    [InlineData("seek")]
    [InlineData("trim")]
    [InlineData("ioctl")]
    [InlineData("unpriv")]
    [InlineData("concurrent")]
    public async Task The_c_original_passes_the_same_checks(string test)
    {
        var result = await Reference.Value;
        ScullGuest.AssertCheckPassed(result, test, ScullGuest.CheckTests.Single(t => t.Test == test).MinimumChecks);
    }
}
