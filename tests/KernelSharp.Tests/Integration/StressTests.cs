using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// Lifecycle and concurrency stress on the debug kernel: many load/use/unload cycles of each sample with nothing
/// left and no memory lost; several processes on one scull device with every byte checked; rmmod racing open.
/// KASAN, lockdep and kmemleak watch every run.
/// </summary>
[Trait("Category", "DebugKernel")]
public partial class StressTests
{
    /// <summary>Load/use/unload cycles per sample: 40 in the suite, 1000 in a full reliability run.</summary>
    public static int Cycles => Reliability.Full ? 1000 : 40;

    /// <summary>What each cycle does with a sample once it is loaded (PowerOff's writes go nowhere: the guest has no
    /// isa-debug-exit device in these runs).</summary>
    public static readonly TheoryData<string, string, string> Samples = new()
    {
        { "samples/Scull", "scull", "echo cycle > /dev/scull0; cat /dev/scull0 /proc/scullmem > /dev/null" },
        { "samples/PowerOff", "poweroff", "echo 7 > /dev/poweroff" },
        { "samples/Skull", "skull", "echo hold > /dev/skull; echo release > /dev/skull" },
        { "samples/HelloParams", "hellop", ":" },
        { "samples/Hello", "hello", ":" },
    };

    /// <summary>The cycles, and MemFree after the first few (warm caches) and after the last.</summary>
    public static string CycleScript(string module, string use, int cycles) => GuestScripts.Snapshot + $$"""
        snapshot > /tmp/before 2>&1
        i=0
        while [ $i -lt {{cycles}} ]; do
            insmod /{{module}}.ko || { echo "cycle $i: insmod failed"; exit 10; }
            {{use}} || { echo "cycle $i: use failed"; exit 11; }
            rmmod {{module}} || { echo "cycle $i: rmmod failed"; exit 12; }
            i=$((i + 1))
            [ $i -eq 5 ] && echo "memfree warm $(grep MemFree /proc/meminfo | tr -s ' ' | cut -d' ' -f2)"
        done
        leftovers /tmp/before || exit 13
        echo "memfree after $(grep MemFree /proc/meminfo | tr -s ' ' | cut -d' ' -f2)"
        echo "cycles: {{cycles}} done"
        """;

    [GeneratedRegex(@"^memfree (?<when>warm|after) (?<kb>\d+)$", RegexOptions.Multiline)]
    private static partial Regex MemFree();

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Load_use_unload_cycles_leave_nothing_and_lose_no_memory(string project, string module, string use)
    {
        Assert.True(Guest.Kernel.IsDebug, $"stress runs on the debug kernel (KSHARP_TEST_KERNEL={DebugKernel.Name})");
        var result = await Guest.Run(new GuestRun(CycleScript(module, use, Cycles))
        {
            DebugExitDevice = false,
            Timeout = Reliability.Timeout,
        }, Guest.Module(project));

        GuestAssert.ScriptExited(result, 0);
        GuestAssert.Contains(result, $"cycles: {Cycles} done");
        var free = MemFree().Matches(result.Console).ToDictionary(m => m.Groups["when"].Value, m => long.Parse(m.Groups["kb"].Value));
        // KASAN's quarantine holds freed memory back (up to 1/32 of RAM, 8 MiB here) and kmemleak has its own
        // objects: a loss beyond that would be memory the cycles never gave back.
        Assert.True(free["warm"] - free["after"] < 8 * 1024, $"MemFree fell from {free["warm"]} kB to {free["after"]} kB over {Cycles - 5} cycles");
        Reliability.Record($"cycles {project}", $"{Cycles} load/use/unload cycles in {result.Elapsed.TotalSeconds:0} s, MemFree {free["warm"]} kB after 5, {free["after"]} kB after all, nothing left");
    }

    private static Task<GuestFile> Stress => Guest.Program("tests/Guest/ksstress.c");

    private static string Device(string module) => module == "scull" ? "/dev/scull0" : "/dev/scull_c0";

    /// <summary>Runs <paramref name="command"/> (a guest program's) between loading and unloading scull: the C#
    /// sample (module "scull") or the C original ("scull_c").</summary>
    private static Task<GuestResult> OnScull(string module, string command, Task<GuestFile> program)
    {
        var run = new GuestRun($"""
            insmod /{module}.ko || exit 10
            {command}
            status=$?
            rmmod {module} || exit 11
            exit $status
            """)
        { ExtraFiles = module == "scull" ? [program] : [program, Guest.CModule("benchmarks/c/scull", "scull_c")] };
        return module == "scull" ? Guest.Run(run, Guest.Module("samples/Scull")) : Guest.Run(run);
    }

    [GeneratedRegex(@"^ksstress: 4 writers, 2 readers, (?<ops>\d+) operations in [0-9.]+ s: 0 bad bytes, 0 errors$", RegexOptions.Multiline)]
    private static partial Regex StressClean();

    [Theory]
    [InlineData("scull")]
    [InlineData("scull_c")]
    public async Task Four_writers_and_two_readers_on_one_scull_device_keep_every_byte(string module)
    {
        Assert.True(Guest.Kernel.IsDebug, $"stress runs on the debug kernel (KSHARP_TEST_KERNEL={DebugKernel.Name})");
        var result = await OnScull(module, $"/ksstress {Device(module)} 4 2 {(Reliability.Full ? 600 : 30)} 20261202", Stress);

        GuestAssert.ScriptExited(result, 0);
        var clean = StressClean().Match(result.Console);
        Assert.True(clean.Success, result.Describe(consoleLines: 40));
        Reliability.Record($"concurrency {module}", clean.Value["ksstress: ".Length..]);
    }

    [Fact]
    public async Task Rmmod_racing_open_and_read_is_refused_or_clean()
    {
        Assert.True(Guest.Kernel.IsDebug, $"stress runs on the debug kernel (KSHARP_TEST_KERNEL={DebugKernel.Name})");
        // Two processes open and read the device in a loop while the module is unloaded and loaded again: rmmod
        // either finds it in use (EAGAIN from busybox) or unloads it between opens, which then fail with ENOENT
        // or ENXIO. KASAN sees any access to what the unload freed.
        var result = await Guest.Run(new GuestRun(GuestScripts.Snapshot + """
            snapshot > /tmp/before 2>&1
            insmod /scull.ko || exit 10
            echo data > /dev/scull0
            opener() { while [ ! -e /tmp/stop ]; do cat /dev/scull0 /proc/scullmem > /dev/null 2>&1; done; }
            opener & a=$!
            opener & b=$!
            unloaded=0 refused=0 i=0
            while [ $i -lt 60 ]; do
                if rmmod scull 2>/dev/null; then
                    unloaded=$((unloaded + 1))
                    insmod /scull.ko || exit 11
                else
                    refused=$((refused + 1))
                fi
                i=$((i + 1))
            done
            touch /tmp/stop
            wait $a $b
            rmmod scull || exit 12
            leftovers /tmp/before || exit 13
            echo "rmmod race: $unloaded unloaded, $refused refused"
            """), Guest.Module("samples/Scull"));

        GuestAssert.ScriptExited(result, 0);
        var race = Regex.Match(result.Console, @"^rmmod race: (\d+) unloaded, (\d+) refused$", RegexOptions.Multiline);
        Assert.True(race.Success, result.Describe(consoleLines: 40));
        // Both outcomes happened, so the unload really raced the opens.
        Assert.True(int.Parse(race.Groups[1].Value) > 0 && int.Parse(race.Groups[2].Value) > 0, race.Value);
        Reliability.Record("rmmod racing open (samples/Scull)", race.Value);
    }

    private static Task<GuestFile> Signal => Guest.Program("tests/Guest/kssignal.c");

    [Theory]
    [InlineData("scull")]
    [InlineData("scull_c")]
    public async Task A_signal_ends_a_wait_for_the_device_mutex_with_eintr_and_changes_nothing(string module)
    {
        Assert.True(Guest.Kernel.IsDebug, $"stress runs on the debug kernel (KSHARP_TEST_KERNEL={DebugKernel.Name})");
        // One write holds scull's mutex, stalled in copy_from_user on a page userfaultfd keeps missing; another
        // waits for the mutex (mutex_lock_interruptible: Mutex<T>.LockInterruptible in C#) until SIGUSR1.
        var result = await OnScull(module, $"/kssignal {Device(module)}", Signal);

        GuestAssert.ScriptExited(result, 0);
        var line = Regex.Match(result.Console, @"^kssignal: blocked write: EINTR after [0-9.]+ s; holder wrote 64 bytes; contents intact$", RegexOptions.Multiline);
        Assert.True(line.Success, result.Describe(consoleLines: 30));
        Reliability.Record($"signal during a mutex wait ({module})", line.Value["kssignal: ".Length..]);
    }
}
