using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// The debug kernel's fault injection on the samples. Every allocation of a module's load (its init and the loader
/// around it) fails in turn, through /proc/thread-self/fail-nth and failslab: each failure leaves nothing behind,
/// and kmemleak, after the script, finds nothing leaked. And scull's writes and reads, with a fifth of the writer's
/// allocations failing at random: a failed write changes nothing, and what was written before stays.
/// </summary>
[Trait("Category", "DebugKernel")]
public partial class FaultInjectionTests
{
    private static Task<GuestFile> FailNth => Guest.Program("tests/Guest/ksfailnth.c");
    private static Task<GuestFile> FaultIo => Guest.Program("tests/Guest/ksfaultio.c");

    /// <summary>failslab and fail_page_alloc for every allocation, also those that may sleep or are a single page
    /// (they skip those by default); one line per injected failure (verbose 1: no stack dump, which would be a report
    /// of its own). fail_usercopy takes part in fail-nth whatever its settings, so it is made as quiet.</summary>
    private const string ArmFailNth = """
        for attr in failslab fail_page_alloc fail_usercopy; do echo 1 > /sys/kernel/debug/$attr/verbose; done
        echo N > /sys/kernel/debug/failslab/ignore-gfp-wait
        echo N > /sys/kernel/debug/fail_page_alloc/ignore-gfp-wait
        echo 0 > /sys/kernel/debug/fail_page_alloc/min-order

        """;

    /// <summary>Points failed one by one at the end of the load, where the module's own init runs (it comes after
    /// the loader's work); before them, every <see cref="Stride"/>-th. A full reliability run fails every point.</summary>
    public const int Tail = 80;

    /// <summary>See <see cref="Tail"/>.</summary>
    public static int Stride => Reliability.Full ? 1 : 16;

    /// <summary>The load of <paramref name="module"/> with fault-injection points failing in turn (the last
    /// <paramref name="tail"/> all, every <paramref name="stride"/>-th before them), after loading
    /// <paramref name="before"/> normally; nothing may be left after a failure.</summary>
    public static string LoadFailingEachStep(string module, string[] before, int tail, int stride) => GuestScripts.Snapshot + ArmFailNth
        + string.Concat(before.Select(m => $"insmod /{m}.ko || exit 20\n")) + $$"""
        snapshot > /tmp/before 2>&1
        counted=$(/ksfailnth count /{{module}}.ko) || exit 21
        echo "$counted"
        rmmod {{module}} || exit 22
        points=${counted#ksfailnth: count }
        points=${points%%:*}
        n=1
        while :; do
            out=$(/ksfailnth $n /{{module}}.ko)
            echo "$out"
            case "$out" in
                *": loaded") rmmod {{module}} || { echo "fail-nth: rmmod failed after point $n"; exit 31; } ;;
                *": failed "*) ;;
                *) echo "fail-nth: no result for point $n"; exit 34 ;;
            esac
            leftovers /tmp/before || { echo "fail-nth: something left after point $n"; exit 32; }
            case "$out" in
                *"not reached"*) echo "fail-nth: {{module}} loads through $((n - 1)) points"; break ;;
            esac
            if [ $n -ge $((points - {{tail}})) ]; then n=$((n + 1)); else n=$((n + {{stride}})); fi
            [ $n -le $((points + 50)) ] || { echo "fail-nth: the load never ran out of points"; exit 33; }
        done
        """ + string.Concat(before.Reverse().Select(m => $"\nrmmod {m}"));

    [GeneratedRegex(@"^ksfailnth: (?<n>\d+) injected: (?<outcome>loaded|failed (?<errno>\w+))$", RegexOptions.Multiline)]
    private static partial Regex InjectedLine();

    [Theory]
    [InlineData("samples/Scull", "scull", new string[0])]
    [InlineData("samples/PowerOff", "poweroff", new string[0])]
    [InlineData("samples/Skull", "skull", new string[0])]
    [InlineData("samples/SkullUser", "skulluser", new[] { "skull" })]
    [InlineData("samples/HelloParams", "hellop", new string[0])]
    public async Task Each_allocation_of_the_load_fails_in_turn_cleanly(string project, string module, string[] before)
    {
        Assert.True(Guest.Kernel.IsDebug, $"fault injection needs the debug kernel (KSHARP_TEST_KERNEL={DebugKernel.Name})");
        // The kernel's own words for a failed allocation that did not ask for silence (the loader's vmalloc of
        // the module file: "insmod: vmalloc error: ...") are expected here, and only here.
        var result = await Guest.Run(new GuestRun(LoadFailingEachStep(module, before, Tail, Stride))
        {
            ExtraFiles = [FailNth],
            Timeout = Reliability.Timeout,
            ExpectedProblems = KernelProblemKind.AllocationFailure,
            MayProvoke = KernelProblemKind.Leak,
        }, Guest.Module(project));
        var leaks = LeakedObjects(result);
        Assert.True(leaks.All(IsClassNameLeak), $"{module}: kmemleak found objects the kernel's known leak does not explain:\n{string.Join("\n\n", leaks.Where(l => !IsClassNameLeak(l)).Select(l => string.Join('\n', l)))}");

        GuestAssert.ScriptExited(result, 0);
        var injected = InjectedLine().Matches(result.Console);
        var points = int.Parse(Regex.Match(result.Console, @"^ksfailnth: count (\d+): loaded$", RegexOptions.Multiline).Groups[1].Value);
        // Every point of the tail failed, but for the few by which the last load may have fewer than the counting one.
        Assert.True(injected.Count >= Math.Min(points, Tail) - 20, $"{injected.Count} of {points} points failed in {module}'s load\n{result.Describe(consoleLines: 40)}");
        // A failed allocation fails the load with ENOMEM; one the load can do without leaves it loaded. Two
        // exceptions are the kernel's. request_region returns NULL when its resource cannot be allocated, as when the
        // ports are taken, and drivers (poweroff's C original too) answer EBUSY. And fail_usercopy fails the loader's
        // own copy of the parameter string (strndup_user in load_module), which it answers with EFAULT before any
        // module code runs: none of these modules copies user memory in its init.
        var errors = injected.Where(m => m.Groups["errno"].Success).Select(m => m.Groups["errno"].Value).Distinct().ToList();
        bool requestsPorts = module is "poweroff" or "skull";
        Assert.True(errors.All(e => e is "ENOMEM" or "EFAULT" || (requestsPorts && e == "EBUSY")), $"{module}: loads failed with {string.Join(", ", errors)}\n{result.Describe(consoleLines: 40)}");
        // The counting load and the last one differ by some points: the first load fills caches, and whether an
        // allocation needs a new slab page (a fail_page_alloc point) depends on how full the slabs are after the
        // loads before it. Measured: up to 20 points in the suite's runs, 51 of Skull's 1243 after a full sweep.
        var through = Regex.Match(result.Console, $@"^fail-nth: {module} loads through (\d+) points$", RegexOptions.Multiline);
        Assert.True(through.Success && Math.Abs(int.Parse(through.Groups[1].Value) - points) <= Math.Max(20, points / 16), $"counted {points} points; {through.Value}\n{result.Describe(consoleLines: 20)}");
        Reliability.Record($"init failing at each allocation {project}", $"{injected.Count} of {points} fault-injection points of the load failed in turn (failslab, fail_page_alloc, fail_usercopy through fail-nth), each failed load {string.Join(" or ", errors)}, nothing left",
            leaks.Count == 0 ? "0 (besides the kernel's own allocation-failure warnings)"
                : $"{leaks.Count} kmemleak report{(leaks.Count == 1 ? "" : "s")}, each the kernel's own leak in `__class_register` (below), besides its allocation-failure warnings");
    }

    /// <summary>Each object kmemleak reported after the script: its record's lines.</summary>
    private static List<List<string>> LeakedObjects(GuestResult result)
    {
        var objects = new List<List<string>>();
        foreach (var line in result.KernelLog.Select(l => l.Text).Where(t => t.StartsWith("kmemleak: ", StringComparison.Ordinal)))
        {
            if (line.StartsWith("kmemleak: unreferenced object ", StringComparison.Ordinal))
                objects.Add([]);
            if (objects.Count > 0)
                objects[^1].Add(line);
        }
        return objects;
    }

    /// <summary>
    /// The one leak this test found that is the kernel's: 6.1's <c>__class_register</c> (drivers/base/class.c)
    /// frees its <c>subsys_private</c> when <c>kset_register</c> fails without freeing the kobject's name that
    /// <c>kobject_set_name</c> just duplicated, so a failed allocation inside <c>class_create</c> leaks the class's
    /// name (8 bytes for "scull"). The module got ENOMEM and undid its own work; nothing of its own leaked.
    /// </summary>
    private static bool IsClassNameLeak(List<string> record)
    {
        int name = record.FindIndex(l => l.Contains(" kobject_set_name+", StringComparison.Ordinal));
        return name > 0 && record.Skip(name).Any(l => l.Contains(" __class_register+", StringComparison.Ordinal))
            && record.Take(name).All(l => !l.Contains("0xffffffffa", StringComparison.Ordinal));
    }

    /// <summary>failslab and fail_page_alloc for the task that sets make-it-fail only, for a fifth of its allocations.</summary>
    private const string ArmRandomFailures = """
        for attr in failslab fail_page_alloc; do
            echo Y > /sys/kernel/debug/$attr/task-filter
            echo N > /sys/kernel/debug/$attr/ignore-gfp-wait
            echo 20 > /sys/kernel/debug/$attr/probability
            echo 1 > /sys/kernel/debug/$attr/interval
            echo -1 > /sys/kernel/debug/$attr/times
            echo 0 > /sys/kernel/debug/$attr/verbose
        done
        echo 0 > /sys/kernel/debug/fail_page_alloc/min-order

        """;

    [GeneratedRegex(@"^ksfaultio: (?<ops>\d+) operations: (?<writes>\d+) writes \((?<failed>\d+) failed with ENOMEM\), \d+ reads \(\d+ failed with ENOMEM\), (?<other>\d+) other errors, (?<torn>\d+) torn$", RegexOptions.Multiline)]
    private static partial Regex FaultIoSummary();

    [Fact]
    public async Task Scull_writes_failing_with_enomem_change_nothing_and_keep_what_was_written()
    {
        Assert.True(Guest.Kernel.IsDebug, $"fault injection needs the debug kernel (KSHARP_TEST_KERNEL={DebugKernel.Name})");
        var result = await Guest.Run(new GuestRun(ArmRandomFailures + $"""
            insmod /scull.ko || exit 10
            /ksfaultio /dev/scull0 {(Reliability.Full ? 100_000 : 3000)} 20261202
            status=$?
            rmmod scull || exit 11
            exit $status
            """) { ExtraFiles = [FaultIo], Timeout = Reliability.Timeout }, Guest.Module("samples/Scull"));

        GuestAssert.ScriptExited(result, 0);
        var summary = FaultIoSummary().Match(result.Console);
        Assert.True(summary.Success, result.Describe(consoleLines: 40));
        Assert.Equal("0", summary.Groups["torn"].Value);
        Assert.Equal("0", summary.Groups["other"].Value);
        // The faults reached the driver: some writes failed, most did not.
        int writes = int.Parse(summary.Groups["writes"].Value), failed = int.Parse(summary.Groups["failed"].Value);
        Assert.InRange(failed, 20, writes / 2);
        Reliability.Record("random allocation failures in scull's writes", summary.Value["ksfaultio: ".Length..]);
    }
}
