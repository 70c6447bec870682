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
        ScullGuest.AssertCheckPassed(result, test, ScullGuest.CheckTests.Single(t => t.Test == test).Checks);
    }
}

/// <summary>
/// The checks can fail: the C original built wrong on purpose (the test-only switches at the
/// top of benchmarks/c/scull/scull.c) fails the scullcheck checks meant to catch that. One
/// boot, with the vCPUs and kernel arguments of the real scull boots, runs both variants.
/// </summary>
[Trait("Category", "Integration")]
public class ScullReferenceBrokenTests
{
    private static readonly Lazy<Task<GuestResult>> Boot = new(() => Guest.Run(new GuestRun("""
        echo "cpus: $(nproc)"
        grep -o 'init_on_alloc=[0-9]' /proc/cmdline
        echo "== no locks"
        insmod /scull_c_nolocks.ko || exit 10
        /scullcheck concurrent /dev/scull_c0; echo "scullcheck-exit concurrent $?"
        rmmod scull_c || exit 11
        echo "== no zero"
        insmod /scull_c_nozero.ko || exit 12
        /scullcheck rw /dev/scull_c0; echo "scullcheck-exit rw $?"
        rmmod scull_c || exit 13
        """)
    {
        ExtraFiles = [ScullGuest.ScullCheck, Variant("nolocks", "-DSCULL_TEST_NO_LOCKS"), Variant("nozero", "-DSCULL_TEST_NO_ZERO")],
        ExtraKernelArguments = ScullGuest.KernelArguments,
        // Racing writers without the lock both allocate a missing quantum, and one pointer overwrites the other:
        // the debug kernel's kmemleak finds the lost one. That is this driver broken on purpose, when the race hits.
        MayProvoke = Guest.Kernel.IsDebug ? KernelProblemKind.Leak : KernelProblemKind.None,
    }));

    /// <summary>The harness's default vCPU count, which every test boot has.</summary>
    private static int Cpus => new GuestOptions { KernelImagePath = Guest.Kernel.ImagePath }.Cpus;

    /// <summary>scull_c built with <paramref name="flags"/>, at /scull_c_NAME.ko in the guest.</summary>
    private static Task<GuestFile> Variant(string name, string flags) =>
        Guest.CModule("benchmarks/c/scull", "scull_c", name, $"SCULL_TEST_FLAGS={flags}")
            .ContinueWith(built => built.Result with { GuestPath = $"/scull_c_{name}.ko" }, TaskContinuationOptions.ExecuteSynchronously);

    [Fact]
    public async Task Without_locks_concurrent_writers_lose_records()
    {
        var result = await Boot.Value;
        // The race needs two CPUs; on one, the writers interleave only where the kernel reschedules.
        Assert.True(Cpus >= 2, "the race needs at least two vCPUs");
        GuestAssert.Contains(result, $"cpus: {Cpus}");
        // The trim applied the race's quantum, so the writers did share quanta.
        GuestAssert.Contains(result, "scullcheck: PASS concurrent/race-quantum");
        GuestAssert.Contains(result, "scullcheck: FAIL concurrent/final-records: ");
        GuestAssert.Contains(result, "scullcheck-exit concurrent 1");
        AssertFailures(result, "concurrent");
    }

    // Not on the debug kernel: KASAN keeps freed memory in quarantine and kmalloc never hands back the old
    // data this check looks for (it would need KMSAN, which 6.1 has only for clang).
    [Trait("DebugKernel", "skip")]
    [Fact]
    public async Task Without_zeroing_a_hole_in_a_written_quantum_shows_old_data()
    {
        var result = await Boot.Value;
        GuestAssert.Contains(result, ScullGuest.KernelArguments);
        GuestAssert.Contains(result, "scullcheck: FAIL rw/hole-in-quantum: ");
        // Never-written quanta are not allocated at all: they read as zeros either way.
        GuestAssert.Contains(result, "scullcheck: PASS rw/hole-zeros");
        GuestAssert.Contains(result, "scullcheck-exit rw 1");
        AssertFailures(result, "rw");
    }

    /// <summary>scullcheck <paramref name="test"/> finished (its summary is there) with at least one failure.</summary>
    private static void AssertFailures(GuestResult result, string test)
    {
        var summary = System.Text.RegularExpressions.Regex.Match(result.Console, $@"scullcheck: {test}: (\d+) passed, (\d+) failed");
        Assert.True(summary.Success && int.Parse(summary.Groups[2].Value) > 0,
            $"expected scullcheck {test}'s summary with failures\n{result.Describe(consoleLines: 200)}");
    }
}
