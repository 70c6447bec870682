using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// The debug kernel's checkers against the real thing: ksfaults makes KASAN, UBSAN, lockdep, debugobjects and
/// kmemleak each report a bug of its kind, and the harness must find each as its own kind, in the fault's part of
/// the log, with the module in the report. Category DebugKernel: only the debug kernel has these checkers, so
/// <c>./ksharp test</c> runs this class in its debug-kernel pass only.
/// </summary>
[Trait("Category", "DebugKernel")]
public class DebugKernelDetectionTests
{
    private static Task<GuestFile> FaultModule => Guest.CModule("tests/Drivers/KernelFaults", "ksfaults");

    /// <summary>Each fault and the kinds its part of the log must show, in the order the script provokes them.
    /// debugobjects reports through WARN(), so its report is a warning too. lockdep goes first: a KASAN report taints
    /// the kernel in a way that turns lockdep off. The leak is reported after the script, by the harness's kmemleak
    /// scan.</summary>
    public static readonly (string Fault, KernelProblemKind Kinds)[] Faults =
    [
        ("abba", KernelProblemKind.Lockdep),
        ("shift", KernelProblemKind.Ubsan),
        ("odebug", KernelProblemKind.DebugObjects | KernelProblemKind.Warning),
        ("uaf", KernelProblemKind.Kasan),
        ("oob", KernelProblemKind.Kasan),
    ];

    private const string Script = """
        insmod /ksfaults.ko || exit 10
        fault() { echo "ksfaults-test: == $1" > /dev/kmsg; sh -c "echo $1 > /dev/ksfaults"; }
        fault abba
        fault shift
        fault odebug
        fault uaf
        fault oob
        fault leak
        echo "ksfaults-test: == end" > /dev/kmsg
        rmmod ksfaults
        """;

    private static readonly Lazy<Task<GuestResult>> Boot = new(() =>
    {
        Assert.True(Guest.Kernel.IsDebug, $"these checks need the debug kernel (KSHARP_TEST_KERNEL={DebugKernel.Name}), not {Guest.Kernel.Version}");
        // KASAN reports only its first bug unless told otherwise.
        return Guest.Run(new GuestRun(Script)
        {
            ExtraFiles = [FaultModule],
            ExtraKernelArguments = "kasan_multi_shot",
            ExpectedProblems = Faults.Aggregate(KernelProblemKind.Leak, (all, f) => all | f.Kinds),
        });
    });

    [Theory]
    [InlineData("uaf")]
    [InlineData("oob")]
    [InlineData("shift")]
    [InlineData("abba")]
    [InlineData("odebug")]
    public async Task Each_checker_report_is_found_as_its_own_kind_with_the_module_in_it(string fault)
    {
        var result = await Boot.Value;
        KernelProblemDetectionTests.AssertPartShows(result.Console, fault, Faults.Single(f => f.Fault == fault).Kinds);
    }

    [Fact]
    public async Task A_kasan_report_keeps_where_the_memory_was_allocated_and_freed()
    {
        var result = await Boot.Value;
        var kasan = result.Problems.First(p => p.Kinds == KernelProblemKind.Kasan);
        Assert.Matches(@"^BUG: KASAN: (slab-)?use-after-free in ksfaults_uaf\+0x", kasan.Headline);
        Assert.True(kasan.Excerpt.Any(line => line.StartsWith("Freed by task", StringComparison.Ordinal)), kasan.Describe());
    }

    [Fact]
    public async Task A_leak_is_found_by_the_scan_after_the_script_with_its_allocation_trace()
    {
        var result = await Boot.Value;
        GuestAssert.ScriptExited(result, 0);
        var leak = Assert.Single(result.Problems, p => p.Kinds == KernelProblemKind.Leak);
        Assert.Matches(@"^kmemleak: \d+ new suspected memory leaks", leak.Headline);
        // ksfaults_leak fills its 1234 bytes with 'Z'; kmalloc gave it a 2048-byte object.
        Assert.True(leak.Excerpt.Any(line => line.Contains("(size 2048)", StringComparison.Ordinal)), leak.Describe());
        Assert.True(leak.Excerpt.Any(line => line.EndsWith("ZZZZZZZZZZZZZZZZ", StringComparison.Ordinal)), leak.Describe());
        Assert.True(leak.Excerpt.Any(line => line.Contains("ksfaults+0x", StringComparison.Ordinal)), leak.Describe());
    }
}
