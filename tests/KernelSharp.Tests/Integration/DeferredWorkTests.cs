using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

// Kernel timers and work items in a booted kernel (tests/Drivers/Deferred): a periodic timer
// fires as often as asked, within the expected jiffies; a work item that sleeps and queues
// itself again runs as often as asked; and unloading while both are still going cancels them
// synchronously, with no oops and nothing left (kmemleak on the debug kernel).
[Trait("Category", "Integration")]
public partial class DeferredWorkTests
{
    [Fact]
    public async Task Timers_fire_on_time_work_runs_and_unloading_with_both_pending_is_safe()
    {
        var result = await Guest.Run("""
            insmod /deferred.ko || exit 10
            echo 50 > /dev/cktimer
            cat /dev/cktimer
            echo -20 > /dev/cktimer
            cat /dev/cktimer
            echo 20 > /dev/ckwork
            cat /dev/ckwork
            echo 100000 > /dev/cktimer
            echo 100000 > /dev/ckwork
            echo nonsense > /dev/cktimer 2>/dev/null || echo "refused nonsense"
            sleep 1
            rmmod deferred || exit 11
            echo "unloaded with both pending"
            """, Guest.Module("tests/Drivers/Deferred"));

        GuestAssert.ScriptExited(result, 0);
        // 50 rounds 10 ms apart, each counted from the expiry before it: 49 periods between the first and the last.
        var timers = TimerLine().Matches(result.Console);
        Assert.True(timers.Count == 2, $"{timers.Count} timer lines\n{result.Describe(consoleLines: 30)}");
        var timer = timers[0];
        Assert.Equal("50", timer.Groups["done"].Value);
        long period = long.Parse(timer.Groups["period"].Value), took = long.Parse(timer.Groups["took"].Value);
        Assert.InRange(took, 49 * period, 49 * period + 2 * period);
        // 20 rounds, each restarted by the handler's own Start (a rearm from when it returns: never early).
        Assert.Equal("20", timers[1].Groups["done"].Value);
        Assert.True(long.Parse(timers[1].Groups["took"].Value) >= 19 * period, timers[1].Value);
        Assert.Matches(@"deferred: work ran 20 times in \d+ jiffies", result.Console);
        GuestAssert.Contains(result, "refused nonsense");
        // Unloaded mid-run: the timer had rounds left, and each data was disposed once, after its handler stopped.
        Assert.Matches(@"deferred: at unload the timer had \d+ rounds left", result.Console);
        Assert.Equal(2, Regex.Matches(result.Console, @"deferred: data disposed after \d+ rounds").Count);
        GuestAssert.Contains(result, "unloaded with both pending");
    }

    [GeneratedRegex(@"deferred: timer fired (?<done>\d+) times in (?<took>\d+) jiffies, period (?<period>\d+)")]
    private static partial Regex TimerLine();
}
