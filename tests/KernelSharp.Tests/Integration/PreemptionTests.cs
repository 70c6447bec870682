using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// Compiled C# is ordinary preemptible kernel code (no FPU section): it sleeps directly, in a
/// contended mutex and in msleep, and a long C# loop does not stall its CPU. The kernel is
/// booted fully preemptible (Debian's kernels choose at boot; the RT kernel always is) with
/// the soft-lockup detector at its most sensitive: a CPU held for 2 s is reported. Any
/// "scheduling while atomic" or soft-lockup report fails the run (Guest.Run).
/// </summary>
[Trait("Category", "Integration")]
public class PreemptionTests
{
    private static readonly Lazy<Task<GuestResult>> Checks = new(() => Guest.Run(new GuestRun("""
        insmod /preemption.ko || exit 10
        echo "watchdog_thresh $(cat /proc/sys/kernel/watchdog_thresh)"
        (echo "hold 600" > /dev/preemption; echo "first holder done $?") &
        sleep 0.2
        echo "hold 600" > /dev/preemption; echo "second holder done $?"
        wait
        echo "spin 6000" > /dev/preemption; echo "spin done $?"
        rmmod preemption
        """) { ExtraKernelArguments = "preempt=full watchdog_thresh=1" }, Guest.Module("tests/Drivers/Preemption")));

    [Fact]
    public async Task A_contended_mutex_and_msleep_sleep_directly_in_csharp()
    {
        var result = await Checks.Value;
        GuestAssert.Contains(result, "first holder done 0");
        GuestAssert.Contains(result, "second holder done 0");
        GuestAssert.Contains(result, "preemption: hold 1 took the lock after");
        // The second writer found the lock held for 600 ms of msleep and slept in mutex_lock.
        Match second = Regex.Match(result.Console, @"preemption: hold 2 took the lock after (\d+) ms");
        Assert.True(second.Success, result.Describe(consoleLines: 40));
        Assert.True(int.Parse(second.Groups[1].Value) >= 300, $"the second holder waited only {second.Groups[1].Value} ms\n{result.Describe(consoleLines: 40)}");
        GuestAssert.Contains(result, "preemption: unloaded after 2 holds, at most 1 holder(s) at once");
    }

    [Fact]
    public async Task A_long_csharp_loop_does_not_stall_its_cpu()
    {
        var result = await Checks.Value;
        GuestAssert.Contains(result, "watchdog_thresh 1");
        // Separate streams (the kernel log, the script's output): no order between them is promised.
        GuestAssert.Contains(result, "preemption: spun 6000 ms (looping)");
        GuestAssert.Contains(result, "spin done 0");
    }
}
