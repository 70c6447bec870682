using System.Text.RegularExpressions;
using KernelSharp.Harness;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// samples/Scull in a booted kernel. The behaviour checks are tests/Guest/scullcheck.c, the
/// same program ScullReferenceTests runs against the C original, so both drivers meet one
/// definition of scull. One boot serves each class; every test reads its own part.
/// </summary>
[Trait("Category", "Integration")]
public class ScullTests
{
    // Two vCPUs (the harness's default), so scullcheck concurrent's writers really run at once.
    private static readonly Lazy<Task<GuestResult>> Behaviour = new(() => Guest.Run(new GuestRun($"""
        insmod /scull.ko || exit 10
        echo "devices: $(grep ' scull$' /proc/devices | wc -l)"
        for i in 0 1 2 3; do [ -c /dev/scull$i ] && echo "node scull$i"; done
        {ScullGuest.CheckScript("/dev/scull0", "scull")}

        echo "== known writes"
        printf hello > /dev/scull1
        dd if=/dev/zero of=/dev/scull2 bs=4000 count=1001 2>/dev/null
        echo "== scullmem"
        cat /proc/scullmem
        echo "== end scullmem"

        echo "== unload"
        exec 3</dev/scull3
        rmmod scull
        echo "rmmod while open: $?"
        exec 3<&-
        rmmod scull
        echo "rmmod after close: $?"
        echo "left: nodes $(ls /dev | grep -c '^scull') proc $(ls /proc | grep -c '^scullmem$') class $(ls /sys/class | grep -c '^scull$') region $(grep -c ' scull$' /proc/devices)"
        """) { ExtraFiles = [ScullGuest.ScullCheck], ExtraKernelArguments = ScullGuest.KernelArguments }, ScullGuest.Scull));

    [Theory]
    [InlineData("rw")]
    [InlineData("seek")]
    [InlineData("trim")]
    [InlineData("ioctl")]
    [InlineData("unpriv")]
    [InlineData("concurrent")]
    public async Task Behaves_like_ldd3_scull(string test)
    {
        var result = await Behaviour.Value;
        ScullGuest.AssertCheckPassed(result, test, ScullGuest.CheckTests.Single(t => t.Test == test).Checks);
    }

    [Fact]
    public async Task Registers_its_numbers_and_creates_four_nodes()
    {
        var result = await Behaviour.Value;
        GuestAssert.Contains(result, "devices: 1");
        GuestAssert.InOrder(result, "node scull0", "node scull1", "node scull2", "node scull3");
    }

    [Fact]
    public async Task Proc_scullmem_shows_each_device_like_ldd3()
    {
        var result = await Behaviour.Value;
        string console = result.Console.Replace("\r", "");
        int start = console.IndexOf("== scullmem\n", StringComparison.Ordinal), end = console.IndexOf("== end scullmem", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, result.Describe(consoleLines: 120));
        string text = console[(start + "== scullmem\n".Length)..end];
        // %p prints a 32-bit hash zero-padded to 16 digits; LDD3's "%8p" for quanta is the
        // hash alone, space-padded to 8.
        const string Hash = "[0-9a-f]{16}", ShortHash = " *[0-9a-f]{1,8}";
        string expected =
            "^\nDevice 0: qset 1000, q 4000, sz 0\n" +
            "\nDevice 1: qset 1000, q 4000, sz 5\n" +
            $"  item at {Hash}, qset at {Hash}\n" +
            $"       0: {ShortHash}\n" +
            // 1001 quanta of 4000 bytes: a full quantum set, then one quantum in the second.
            "\nDevice 2: qset 1000, q 4000, sz 4004000\n" +
            $"  item at {Hash}, qset at {Hash}\n" +
            $"  item at {Hash}, qset at {Hash}\n" +
            $"       0: {ShortHash}\n" +
            "\nDevice 3: qset 1000, q 4000, sz 0\n$";
        Assert.Matches(new Regex(expected), text);
    }

    [Fact]
    public async Task An_open_device_pins_the_module_and_unload_releases_everything()
    {
        var result = await Behaviour.Value;
        GuestAssert.Contains(result, "rmmod while open: 1");
        GuestAssert.Contains(result, "rmmod after close: 0");
        GuestAssert.Contains(result, "left: nodes 0 proc 0 class 0 region 0");
    }
}

/// <summary>What the scull test classes share: the module, the check program and how to read its report.</summary>
public static class ScullGuest
{
    public static Task<BuildOutput> Scull => Guest.Module("samples/Scull");
    public static Task<GuestFile> ScullCheck => Guest.Program("tests/Guest/scullcheck.c");

    /// <summary>
    /// Debian zeroes every allocation (init_on_alloc=1); without that, a driver that hands out
    /// unzeroed quanta shows it in scullcheck rw's hole checks.
    /// </summary>
    public const string KernelArguments = "init_on_alloc=0";

    /// <summary>
    /// The checks of scullcheck concurrent, main's cleanup-reset included: set-quantum,
    /// set-qset, race-quantum, reads-whole, writer-a, writer-b, final-size, final-records.
    /// </summary>
    private const int ConcurrentChecks = 8 + 1;

    /// <summary>
    /// The scullcheck tests and how many checks each reports. Exact: scullcheck runs the same checks on every
    /// driver and kernel (loops over fixed tables, no counts that depend on timing), so a check that silently
    /// stopped running, or one added without updating this table, fails too.
    /// </summary>
    public static readonly (string Test, int Checks)[] CheckTests =
        [("rw", 23), ("seek", 19), ("trim", 8), ("ioctl", 65), ("unpriv", 17), ("concurrent", ConcurrentChecks)];

    /// <summary>Runs every scullcheck test on <paramref name="node"/>, each fenced by its exit status; ioctl also checks the module's sysfs parameters.</summary>
    public static string CheckScript(string node, string module) => string.Join('\n',
        CheckTests.Select(t => $"/scullcheck {t.Test} {node}{(t.Test == "ioctl" ? " " + module : "")}; echo \"scullcheck-exit {t.Test} $?\""));

    /// <summary>Boots <paramref name="module"/> (a scull.ko built some other way, as DKMS does) and asserts that it passes every
    /// scullcheck test and unloads.</summary>
    public static async Task AssertModulePassesScullCheck(string module)
    {
        var result = await Guest.Run(new GuestRun($"""
            insmod /scull.ko || exit 10
            {CheckScript("/dev/scull0", "scull")}
            rmmod scull || exit 11
            """) { ExtraFiles = [Task.FromResult(new GuestFile("/scull.ko", module)), ScullCheck], ExtraKernelArguments = KernelArguments });
        GuestAssert.ScriptExited(result, 0);
        foreach (var (test, checks) in CheckTests)
            AssertCheckPassed(result, test, checks);
    }

    /// <summary>
    /// Asserts that <paramref name="program"/>'s (a tests/Guest check program's) <paramref name="test"/> passed
    /// every check, ran exactly <paramref name="checks"/>, and exited 0 (its "PROGRAM-exit TEST STATUS" line).
    /// </summary>
    public static void AssertCheckPassed(GuestResult result, string test, int checks, string program = "scullcheck")
    {
        // The failing checks themselves, by name, in the message: the console excerpt may not reach them.
        string[] failures = [.. result.Console.Split('\n').Where(line => line.Contains($"{program}: FAIL {test}/", StringComparison.Ordinal))];
        if (failures.Length > 0)
            Assert.Fail($"{program} {test} failed {failures.Length} check(s):\n{string.Join('\n', failures)}\n{result.Describe(consoleLines: 40)}");
        Match summary = Regex.Match(result.Console, $@"{program}: {test}: (\d+) passed, (\d+) failed");
        if (!summary.Success)
            Assert.Fail($"{program} {test} printed no summary\n{result.Describe(consoleLines: 200)}");
        Assert.Equal("0", summary.Groups[2].Value);
        Assert.True(int.Parse(summary.Groups[1].Value) == checks, $"{program} {test} ran {summary.Groups[1].Value} checks, expected {checks}");
        GuestAssert.Contains(result, $"{program}-exit {test} 0");
    }
}
