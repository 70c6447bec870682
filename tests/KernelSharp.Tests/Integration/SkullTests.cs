using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>samples/Skull: port probing, the ISA memory map, and usage counts in a booted kernel.</summary>
[Trait("Category", "Integration")]
public class SkullTests
{
    private static readonly Lazy<Task<GuestResult>> Boot = new(() => Guest.Run("""
        echo "== probe"
        grep -E '^ *000[cf][0-9a-f]{4}-000[cf][0-9a-f]{4} : (Video|Adapter|System) ROM$' /proc/iomem | sed 's/^ */iomem /'
        insmod /skull.ko debug_zones=3 || exit 10
        grep skull /proc/ioports
        echo "== usage"
        echo hold > /dev/skull || exit 11
        echo "count held: $(grep '^skull ' /proc/modules | cut -d' ' -f3)"
        rmmod skull
        echo "rmmod while held: $?"
        echo hold > /dev/skull 2>/dev/null
        echo "second hold: $?"
        echo release > /dev/skull || exit 12
        echo "count released: $(grep '^skull ' /proc/modules | cut -d' ' -f3)"
        echo release > /dev/skull 2>/dev/null
        echo "second release: $?"
        for i in 1 2 3 4 5; do echo "bad$i" > /dev/skull 2>/dev/null; done
        echo "bad command: $?"
        rmmod skull
        echo "rmmod after release: $? ioports $(grep -c skull /proc/ioports)"
        echo "== taken ports"
        insmod /poweroff.ko port=0x280 || exit 13
        insmod /skull.ko || exit 14
        grep skull /proc/ioports
        rmmod skull
        rmmod poweroff
        echo "== given base"
        insmod /skull.ko skull_port_base=0x2a0 || exit 15
        grep skull /proc/ioports
        rmmod skull
        insmod /skull.ko skull_port_base=0x60
        echo "base taken: $? ioports $(grep -c skull /proc/ioports)"
        dmesg | grep -E 'skull: (probing|usage)' || echo "no debug lines"
        """, Guest.Module("samples/Skull"), Guest.PowerOff));

    [Fact]
    public async Task Reserves_the_first_free_port_region_from_0x280()
    {
        var result = await Boot.Value;
        GuestAssert.InOrder(result, "== probe", "0280-028f : skull", "== usage");
        // With 0x280-0x283 taken (by poweroff), the probe moves on to the next region.
        GuestAssert.InOrder(result, "== taken ports", "0290-029f : skull", "== given base");
    }

    [Fact]
    public async Task A_given_base_is_tried_alone_and_a_taken_one_is_ebusy()
    {
        var result = await Boot.Value;
        GuestAssert.InOrder(result, "== given base", "02a0-02af : skull", "base taken: 16 ioports 0");
    }

    // The harness runs QEMU with -nodefaults: no VGA card. The i440FX sends a0000-bffff to the
    // PCI bus (its SMRAM window is closed), where nothing answers, so the guest RAM under it
    // shows through. The kernel's "Video ROM" at c0000 is the option ROM QEMU boots the -kernel
    // image with, its "System ROM" at f0000 the BIOS (SeaBIOS). The option ROM's size depends
    // on how the kernel is booted (PVH: c0000-c7fff; the debug kernel's bzImage: c0000-c05ff),
    // so skull must report the ranges /proc/iomem has.
    [Fact]
    public async Task Maps_the_isa_hole_finding_ram_in_the_empty_vga_window_and_the_roms_the_kernel_claimed()
    {
        var result = await Boot.Value;
        string[] roms = [.. result.Console.Split('\n').Where(line => line.StartsWith("iomem ", StringComparison.Ordinal))
            .Select(line => line[6..].Split(' ')[0].Split('-'))
            // skull looks at the hole in 2 KiB steps, as LDD3's does: a claimed range ends at its step's end.
            .Select(range => $"skull: {Convert.ToInt64(range[0], 16):x}-{((Convert.ToInt64(range[1], 16) + 0x800) & ~0x7ffL) - 1:x}: ROM (claimed)")];
        Assert.True(roms.Length >= 2, result.Describe(consoleLines: 60));
        Assert.StartsWith("skull: c0000-", roms[0]);
        GuestAssert.InOrder(result, ["skull: a0000-bffff: RAM", .. roms]);
        Assert.Equal("skull: f0000-fffff: ROM (claimed)", roms[^1]);
    }

    [Fact]
    public async Task A_held_reference_makes_rmmod_refuse_until_it_is_dropped()
    {
        var result = await Boot.Value;
        GuestAssert.InOrder(result, "count held: 1", "rmmod while held: 1", "second hold: 1",
            "count released: 0", "second release: 1", "rmmod after release: 0 ioports 0");
    }

    [Fact]
    public async Task Bad_commands_are_logged_with_a_hex_dump_at_most_three_a_second()
    {
        var result = await Boot.Value;
        GuestAssert.Contains(result, "bad command: 1");
        GuestAssert.InOrder(result, "skull: unknown command (4 bytes):", "skull: 00000000: 62 61 64 31", "bad1");
        GuestAssert.Contains(result, "skull: 00000000: 62 61 64 33");
        GuestAssert.DoesNotContain(result, "skull: 00000000: 62 61 64 34");
    }

    [Fact]
    public async Task A_release_build_has_no_debug_zone_messages_at_all()
    {
        var result = await Boot.Value;
        // debug_zones=3 was given, but the release build compiled the calls out ...
        GuestAssert.DoesNotContain(result, "skull: probing");
        GuestAssert.DoesNotContain(result, "usage count now");
        GuestAssert.Contains(result, "no debug lines");
        // ... with their text: the object does not even hold it.
        byte[] module = await File.ReadAllBytesAsync((await Guest.Module("samples/Skull")).ModulePath);
        Assert.Equal(-1, module.AsSpan().IndexOf("usage count now"u8));
        Assert.Equal(-1, module.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes("usage count now"))); // C# literals are UTF-16
    }
}
