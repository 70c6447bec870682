using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>Debug zones in a debug build of samples/Skull: on and off at run time through the parameter.</summary>
[Trait("Category", "Integration")]
public class DebugZoneTests
{
    [Fact]
    public async Task Zones_print_only_while_their_bit_is_set()
    {
        var result = await Guest.Run("""
            # KERN_DEBUG lines stay off the console: each phase prints (and clears) the log.
            phase() { dmesg -c | grep -E 'skull: (probing|usage)'; }
            insmod /skull.ko debug_zones=1 || exit 10
            echo hold > /dev/skull; echo release > /dev/skull
            phase
            echo "== usage zone on"
            echo 3 > /sys/module/skull/parameters/debug_zones
            echo hold > /dev/skull; echo release > /dev/skull
            phase
            echo "== all zones off"
            echo 0 > /sys/module/skull/parameters/debug_zones
            echo hold > /dev/skull; echo release > /dev/skull
            phase
            echo "== end"
            rmmod skull
            """, Guest.DebugModule("samples/Skull"));
        GuestAssert.ScriptExited(result, 0);
        string console = result.Console;
        int usageOn = console.IndexOf("== usage zone on", StringComparison.Ordinal);
        int allOff = console.IndexOf("== all zones off", StringComparison.Ordinal);
        Assert.True(usageOn > 0 && allOff > usageOn, result.Describe(consoleLines: 60));
        // Zone 1 (probing) was on from the start, zone 2 (usage) only in the middle.
        GuestAssert.Contains(result, "skull: probing 280: free");
        Assert.DoesNotContain("usage count now", console[..usageOn]);
        Assert.Contains("skull: usage count now 2", console[usageOn..allOff]);
        Assert.DoesNotContain("usage count now", console[allOff..]);
        byte[] module = await File.ReadAllBytesAsync((await Guest.DebugModule("samples/Skull")).ModulePath);
        // C# string literals are stored as UTF-16.
        Assert.NotEqual(-1, module.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes("usage count now")));
    }
}
