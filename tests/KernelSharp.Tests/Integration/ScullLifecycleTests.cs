using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// Scull's init and exit in a booted kernel: every point where init can fail leaves nothing
/// behind, a fixed major works, and load/unload cycles with data give all memory back.
/// </summary>
[Trait("Category", "Integration")]
public class ScullLifecycleTests
{
    /// <summary>
    /// Acquisitions in init with 4 devices and 4 pipes: three number regions, the parameter
    /// lock, the device array and a shared device each, the pipe array and a shared pipe each,
    /// the class, a cdev and a node per device and per pipe; for the access devices two spin
    /// locks, a wait queue, scullpriv's mutex, three shared devices, a cdev and a node each of
    /// four; /proc/scullmem and /proc/scullpipe. scull_fail_at=k fails the k-th.
    /// </summary>
    private const int Acquisitions = 3 + 1 + 1 + 4 + 1 + 4 + 1 + 4 * 2 + 4 * 2 + (4 + 3 + 4 * 2) + 2;

    private static readonly Lazy<Task<GuestResult>> Lifecycle = new(() => Guest.Run($$"""
        # A cdev left behind would still answer opens of its number (major 200, fixed below).
        [ -e /probe0 ] || mknod /probe0 c 200 0
        cdev() { if cat /probe0 > /dev/null 2>&1; then echo open; else echo none; fi; }
        leftovers() { echo "nodes $(ls /dev | grep -c '^scull') proc $(ls /proc | grep -cE '^scull(mem|pipe)$') class $(ls /sys/class | grep -c '^scull$') region $(grep -cE ' scull[pa]?$' /proc/devices) module $(grep -c '^scull ' /proc/modules) cdev $(cdev)"; }
        echo "== failure injection"
        k=1
        while [ $k -le {{Acquisitions + 1}} ]; do
            insmod /scull.ko scull_major=200 scull_fail_at=$k
            echo "fail_at $k: status $? $(leftovers)"
            rmmod scull 2>/dev/null
            k=$((k + 1))
        done

        echo "== fixed major"
        insmod /scull.ko scull_major=200 scull_minor=5 scull_nr_devs=2 || exit 10
        echo "fixed: $(grep ' scull$' /proc/devices) $(stat -c '%t:%T' /dev/scull0 /dev/scull1 | tr '\n' ' ')"
        printf abc > /dev/scull1
        echo "fixed read: $(cat /dev/scull1)"
        echo "major param: $(cat /sys/module/scull/parameters/scull_major)"
        rmmod scull || exit 11
        insmod /scull.ko scull_quantum=0
        echo "quantum 0: status $? $(leftovers)"
        insmod /scull.ko scull_minor=1048573
        echo "minor past 20 bits: status $? $(leftovers)"
        insmod /scull.ko scull_p_buffer=1
        echo "pipe buffer 1: status $? $(leftovers)"
        insmod /scull.ko scull_p_nr_devs=0
        echo "no pipes: status $? $(leftovers)"

        echo "== cycles"
        cycle() {
            insmod /scull.ko || exit 12
            /scullcheck fill /dev/scull0 1048576 > /dev/null || exit 13
            /scullcheck fill /dev/scull3 65536 > /dev/null || exit 14
            rmmod scull || exit 15
        }
        memfree() { grep MemFree /proc/meminfo | tr -s ' ' | cut -d' ' -f2; }
        cycle
        before=$(memfree)
        i=0
        while [ $i -lt 20 ]; do cycle; i=$((i + 1)); done
        after=$(memfree)
        echo "memfree before $before after $after"
        """, [ScullGuest.ScullCheck], ScullGuest.Scull));

    [Fact]
    public async Task Every_failure_point_in_init_leaves_nothing_behind()
    {
        var result = await Lifecycle.Value;
        for (int k = 1; k <= Acquisitions; k++)
            GuestAssert.Contains(result, $"fail_at {k}: status 12 nodes 0 proc 0 class 0 region 0 module 0 cdev none");
        // One past the last acquisition nothing fails: proof that the count above covers init
        // (and that the cdev probe sees a live device).
        GuestAssert.Contains(result, $"fail_at {Acquisitions + 1}: status 0 nodes 12 proc 2 class 1 region 3 module 1 cdev open");
    }

    [Fact]
    public async Task A_fixed_major_and_first_minor_are_honoured()
    {
        var result = await Lifecycle.Value;
        GuestAssert.Contains(result, "fixed: 200 scull c8:5 c8:6 ");
        GuestAssert.Contains(result, "fixed read: abc");
        GuestAssert.Contains(result, "major param: 200");
    }

    [Fact]
    public async Task Impossible_geometry_is_refused_at_load()
    {
        var result = await Lifecycle.Value;
        GuestAssert.Contains(result, "quantum 0: status 22 nodes 0 proc 0 class 0 region 0 module 0 cdev none");
        GuestAssert.Contains(result, "minor past 20 bits: status 22 nodes 0 proc 0 class 0 region 0 module 0 cdev none");
        GuestAssert.Contains(result, "pipe buffer 1: status 22 nodes 0 proc 0 class 0 region 0 module 0 cdev none");
        GuestAssert.Contains(result, "no pipes: status 22 nodes 0 proc 0 class 0 region 0 module 0 cdev none");
    }

    [Fact]
    public async Task Twenty_load_unload_cycles_with_data_give_the_memory_back()
    {
        var result = await Lifecycle.Value;
        Match memory = Regex.Match(result.Console, @"memfree before (\d+) after (\d+)");
        Assert.True(memory.Success, result.Describe(consoleLines: 80));
        long before = long.Parse(memory.Groups[1].Value), after = long.Parse(memory.Groups[2].Value);
        // Each cycle stores 1.06 MiB; a leak of it would cost 21 MiB over 20 cycles.
        Assert.True(before - after < 3 * 1024, $"MemFree fell from {before} kB to {after} kB over 20 cycles");
    }
}
