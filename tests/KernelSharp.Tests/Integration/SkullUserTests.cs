using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>Symbols exported by one C# module (skull) and used by another (skulluser), in a booted kernel.</summary>
[Trait("Category", "Integration")]
public class SkullUserTests
{
    private static readonly Lazy<Task<GuestResult>> Boot = new(() => Guest.Run("""
        mkdir -p /lib/modules/$(uname -r) && touch /lib/modules/$(uname -r)/modules.dep
        modinfo /skulluser.ko | grep depends
        insmod /skulluser.ko 2>/dev/null
        echo "without skull: $? loaded $(grep -c '^skulluser ' /proc/modules)"
        insmod /skull.ko || exit 10
        insmod /skulluser.ko || exit 11
        echo "holders: $(grep '^skull ' /proc/modules | cut -d' ' -f3,4)"
        rmmod skull
        echo "rmmod skull while used: $?"
        rmmod skulluser || exit 12
        rmmod skull
        echo "rmmod skull after: $?"
        """, Guest.Module("samples/SkullUser")));

    [Fact]
    public async Task Modinfo_shows_the_dependency()
    {
        var result = await Boot.Value;
        GuestAssert.Contains(result, "depends:        skull");
    }

    [Fact]
    public async Task Loading_without_the_exporter_fails_with_unknown_symbols()
    {
        var result = await Boot.Value;
        GuestAssert.Contains(result, "without skull: 2 loaded 0");
        foreach (string symbol in new[] { "skull_fn1", "skull_fn2", "skull_variable" })
            GuestAssert.Contains(result, $"skulluser: Unknown symbol {symbol}");
    }

    [Fact]
    public async Task Calls_exported_functions_and_shares_the_exported_variable()
    {
        var result = await Boot.Value;
        // skull_fn1 is skull's first port, skull_fn2(2) adds skull_variable (set to 40 by skulluser).
        GuestAssert.Contains(result, "skulluser: skull_fn1() = 280, skull_variable = 40, skull_fn2(2) = 42");
        GuestAssert.Contains(result, "skulluser: leaving skull_variable at 40");
    }

    [Fact]
    public async Task The_exporter_cannot_be_unloaded_while_its_user_is_loaded()
    {
        var result = await Boot.Value;
        GuestAssert.InOrder(result, "holders: 1 skulluser,", "rmmod skull while used: 1", "rmmod skull after: 0");
    }
}
