using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// The harness's failure detection against the real thing: tests/Drivers/KernelFaults (module ksfaults) makes the
/// kernel under test report each kind of problem in its own words, and every kind must be found, attributed to
/// the fault that caused it, and nothing else.
/// </summary>
[Trait("Category", "Integration")]
public class KernelProblemDetectionTests
{
    private static Task<GuestFile> FaultModule => Guest.CModule("tests/Drivers/KernelFaults", "ksfaults");

    /// <summary>Each fault and the kinds its part of the log must show, in the order the script provokes them. The
    /// hung-task check comes before the oopses: khungtaskd stops looking once the kernel has died once. The soft
    /// lockup comes before the RCU stall: its 4 s spin would stall a grace period begun under the 3 s timeout.</summary>
    public static readonly (string Fault, KernelProblemKind Kinds)[] Faults =
    [
        ("warn", KernelProblemKind.Warning),
        ("stack", KernelProblemKind.CallTrace),
        ("atomic", KernelProblemKind.SleepInAtomic),
        ("hang", KernelProblemKind.HungTask),
        ("lockup", KernelProblemKind.SoftLockup),
        ("rcu", KernelProblemKind.RcuStall),
        ("bug", KernelProblemKind.Oops),
        ("null", KernelProblemKind.Oops),
        ("gpf", KernelProblemKind.Oops),
    ];

    /// <summary>The guest script: a "ksfaults-test: == FAULT" kernel line before each, so each part of the console
    /// can be checked alone (a marker in the kernel log keeps its place among the kernel's reports; the script's own
    /// output can reach the console after a later printk). The detectors' thresholds are lowered for their fault
    /// only (1 s hung task, 3 s RCU stall, 2 s soft lockup).</summary>
    public const string Script = """
        insmod /ksfaults.ko || exit 10
        fault() { echo "ksfaults-test: == $1" > /dev/kmsg; sh -c "echo $2 > /dev/ksfaults"; }
        fault warn warn
        fault stack stack
        fault atomic atomic
        echo 1 > /proc/sys/kernel/hung_task_timeout_secs
        fault hang hang
        echo 0 > /proc/sys/kernel/hung_task_timeout_secs
        echo 1 > /proc/sys/kernel/watchdog_thresh
        fault lockup spin
        echo 10 > /proc/sys/kernel/watchdog_thresh
        # A grace period reads the stall timeout when it starts: let the ones begun before the change end.
        echo 3 > /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout
        sleep 1
        fault rcu spin
        echo 21 > /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout
        fault bug bug
        fault null null
        fault gpf gpf
        echo "ksfaults-test: == end" > /dev/kmsg
        """;

    /// <summary>What <paramref name="fault"/> reports on <paramref name="kernel"/>. The debug kernel reports no RCU
    /// stall for the same spin (measured: none in three 12 s spins with an 8 s timeout and a grace period waited for
    /// on the other CPU), so there the "rcu" part must show nothing; the Debian kernels check the detector.</summary>
    public static KernelProblemKind KindsOn(KernelImage kernel, string fault) =>
        kernel.IsDebug && fault == "rcu" ? KernelProblemKind.None : Faults.Single(f => f.Fault == fault).Kinds;

    private static readonly Lazy<Task<GuestResult>> Boot = new(() => Guest.RunExpecting(
        Faults.Aggregate(KernelProblemKind.None, (all, f) => all | KindsOn(Guest.Kernel, f.Fault)), Script, [FaultModule]));

    /// <summary>The console from the marker of <paramref name="fault"/> to the next marker. A marker is a kernel line
    /// "ksfaults-test: == FAULT", or a script line "== FAULT" (the logs kept for the unit tests).</summary>
    public static string Part(string console, string fault)
    {
        string[] lines = console.Split('\n');
        int start = Array.FindIndex(lines, line => IsMarker(line) && line.EndsWith("== " + fault, StringComparison.Ordinal));
        Assert.True(start >= 0, $"no part for {fault} in the console");
        int end = Array.FindIndex(lines, start + 1, IsMarker);
        return string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]);
    }

    private static bool IsMarker(string line) =>
        line.StartsWith("== ", StringComparison.Ordinal) || line.Contains("] ksfaults-test: == ", StringComparison.Ordinal);

    [Theory]
    [InlineData("warn")]
    [InlineData("stack")]
    [InlineData("atomic")]
    [InlineData("hang")]
    [InlineData("lockup")]
    [InlineData("rcu")]
    [InlineData("bug")]
    [InlineData("null")]
    [InlineData("gpf")]
    public async Task Each_fault_is_found_as_its_own_kind_with_the_module_in_its_trace(string fault)
    {
        var result = await Boot.Value;
        AssertPartShows(result.Console, fault, KindsOn(Guest.Kernel, fault));
    }

    /// <summary>The reports in <paramref name="fault"/>'s part of <paramref name="console"/> (a booted run's, or a log
    /// kept for the unit tests) are exactly <paramref name="kinds"/>, and, unless there are none, one of them has
    /// ksfaults in its trace.</summary>
    internal static void AssertPartShows(string console, string fault, KernelProblemKind kinds)
    {
        string part = Part(console, fault);
        var problems = KernelProblems.Find(KernelLog.Parse(part));
        Assert.True(KernelProblems.KindsOf(problems) == kinds,
            $"{fault}: expected {kinds}, found {string.Join("; ", problems)}\nits part of the console:\n{part}");
        if (kinds != KernelProblemKind.None)
            Assert.Contains(problems, p => p.Excerpt.Any(line => line.Contains("[ksfaults]", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_whole_run_has_those_kinds_the_taint_they_explain_and_the_full_log()
    {
        var result = await Boot.Value;
        GuestAssert.ScriptExited(result, 0);
        Assert.True(result.KernelLogComplete, result.Describe(consoleLines: 20));
        // die (D), warning (W), soft lockup (L), out-of-tree (O) and, where the kernel checks signatures (Debian's,
        // not the debug kernel), unsigned (E) modules.
        long unsigned = new KernelSharp.Tool.Build.KernelHeaders(Guest.Kernel.HeadersPath).Configured("CONFIG_MODULE_SIG") ? 1L << 13 : 0;
        Assert.Equal((1L << 7) | (1L << 9) | (1L << 12) | unsigned | (1L << 14), result.Tainted);
        // The dump has what the console never showed: "ksfaults: warn" is KERN_INFO, shown, but the
        // module's KERN_DEBUG-free log still arrives with levels.
        Assert.Contains(result.KernelLog, line => line.Level == 4 && line.Text.StartsWith("WARNING: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_panic_is_found_though_the_run_ends_with_it()
    {
        var result = await Guest.RunExpecting(KernelProblemKind.Panic, """
            insmod /ksfaults.ko || exit 10
            sh -c "echo panic > /dev/ksfaults"
            echo "still running"
            """, [FaultModule]);
        Assert.Null(result.ScriptExitStatus);
        Assert.False(result.KernelLogComplete);
        Assert.Contains(result.Problems, p => p.Headline == "Kernel panic - not syncing: ksfaults: panic on request");
        GuestAssert.DoesNotContain(result, "still running");
    }
}
