using KernelSharp.Harness;
using Xunit;

namespace KernelSharp.Tests.Unit;

/// <summary>The parts of the QEMU harness that can be checked without booting anything.</summary>
public sealed class HarnessGuestRunnerTests
{
    [Theory]
    [InlineData("\x1b" + "c\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2)\r", "SeaBIOS (version 1.16.2)")]
    [InlineData("Booting from ROM..\x1b" + "c\x1b[?7l\x1b[2J[    0.000000] Linux version 6.1.0", "Booting from ROM..[    0.000000] Linux version 6.1.0")]
    [InlineData("\x1b[1;31mred\x1b[0m\ttab", "red\ttab")]
    [InlineData("\x1b]0;window title\x07text", "text")]
    [InlineData("\x1b(Bcharset\x1b", "charset")]
    [InlineData("plain text stays", "plain text stays")]
    [InlineData("bell\x07 and nul\0 go", "bell and nul go")]
    public void Console_control_sequences_are_stripped(string raw, string expected)
    {
        Assert.Equal(expected, ConsoleText.StripControlSequences(raw));
    }

    [Fact]
    public void Init_script_runs_the_guest_script_reports_its_status_and_powers_off()
    {
        var init = GuestRunner.BuildInitScript(new GuestOptions { KernelImagePath = "/boot/vmlinuz", ConsoleLogLevel = 8 });

        Assert.StartsWith("#!/bin/busybox sh\n", init);
        var lines = init.Split('\n');
        var run = Array.IndexOf(lines, "sh -c '. /ksharp-functions.sh; . /guest.sh' </dev/null");
        Assert.True(run > Array.IndexOf(lines, "mount -t devtmpfs devtmpfs /dev"));
        Assert.Equal("status=$?", lines[run + 1]);
        // After the script: the kmemleak scan where the kernel has one, the taint flags on the console, the whole
        // kernel log on the second serial port, then the status.
        var scan = GuestRunner.KmemleakScan.TrimEnd('\n').Split('\n');
        Assert.Equal(scan, lines[(run + 2)..(run + 2 + scan.Length)]);
        var after = run + 2 + scan.Length;
        Assert.Equal($"echo \"{GuestRunner.TaintedMarker}$(cat /proc/sys/kernel/tainted)\"", lines[after]);
        Assert.Equal($"{{ dmesg -r; echo \"{GuestRunner.KernelLogEndMarker}\"; }} > /dev/ttyS1", lines[after + 1]);
        Assert.Equal($"echo \"{GuestRunner.StatusMarker}$status\"", lines[after + 2]);
        Assert.Contains("echo 8 > /proc/sys/kernel/printk", lines);
        Assert.Equal("poweroff -f", lines[^2]);

        var quiet = GuestRunner.BuildInitScript(new GuestOptions { KernelImagePath = "/boot/vmlinuz", ConsoleLogLevel = null });
        Assert.DoesNotContain("printk", quiet);
    }

    [Fact]
    public void Boots_appended_to_the_boot_log_at_once_all_arrive_whole()
    {
        var log = Path.GetTempFileName();
        try
        {
            // As xunit's parallel boots and `ksharp run` child processes do, only more often.
            var writers = Enumerable.Range(0, 16).Select(w => new Thread(() =>
            {
                for (int i = w * 125; i < (w + 1) * 125; i++)
                    GuestRunner.AppendToBootLog(log, $"/boot/vmlinuz-{i}", TimeSpan.FromSeconds(3));
            })).ToList();
            writers.ForEach(t => t.Start());
            writers.ForEach(t => t.Join());

            var lines = File.ReadAllLines(log);
            Assert.Equal(2000, lines.Length);
            Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"/boot/vmlinuz-{i}\t3.0"), lines.Order(StringComparer.Ordinal).OrderBy(l => int.Parse(l[14..l.IndexOf('\t')])));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public void Missing_qemu_gives_one_clear_error_naming_the_Debian_package()
    {
        var error = Assert.Throws<HarnessException>(() => GuestRunner.FindQemu("qemu-system-does-not-exist"));
        Assert.Contains("qemu-system-does-not-exist", error.Message);
        Assert.Contains("apt-get install qemu-system-x86", error.Message);
    }

    [Fact]
    public async Task Missing_kernel_image_is_reported_before_anything_starts()
    {
        var options = new GuestOptions { KernelImagePath = "/boot/vmlinuz-0.0.0-no-such-kernel", QemuExecutable = "/bin/true" };

        var error = await Assert.ThrowsAsync<HarnessException>(() => GuestRunner.RunAsync(options));
        Assert.Contains("vmlinuz-0.0.0-no-such-kernel", error.Message);
        Assert.Contains("linux-image-amd64", error.Message);
    }

    [Fact]
    public async Task Dynamically_linked_busybox_is_refused_with_the_package_to_install()
    {
        var kernel = Path.GetTempFileName();
        try
        {
            // /bin/true is dynamically linked on every Debian machine, as a non-static busybox would be.
            var options = new GuestOptions { KernelImagePath = kernel, QemuExecutable = "/bin/true", BusyboxPath = "/bin/true" };

            var error = await Assert.ThrowsAsync<HarnessException>(() => GuestRunner.RunAsync(options));
            Assert.Contains("busybox-static", error.Message);
        }
        finally
        {
            File.Delete(kernel);
        }
    }

    [Theory]
    [InlineData("/init")]
    [InlineData("/guest.sh")]
    [InlineData("/bin/busybox")]
    public async Task Files_may_not_replace_what_the_harness_writes(string guestPath)
    {
        var options = new GuestOptions
        {
            KernelImagePath = "/boot/vmlinuz",
            Files = [new GuestFile(guestPath, "/etc/hostname")],
        };

        await Assert.ThrowsAsync<ArgumentException>(() => GuestRunner.RunAsync(options));
    }

    [Theory]
    [InlineData(7, false, 3)]
    [InlineData(0x21, false, 0x10)]
    [InlineData(0, false, null)]
    [InlineData(137, true, null)]
    public void Debug_exit_value_is_derived_from_odd_exit_codes(int exitCode, bool timedOut, int? expected)
    {
        Assert.Equal(expected, new GuestResult { QemuExitCode = exitCode, TimedOut = timedOut }.DebugExitValue);
    }

    [Fact]
    public void Summary_shows_the_outcome_and_the_end_of_the_console()
    {
        var result = new GuestResult
        {
            QemuExitCode = 0,
            ScriptExitStatus = 7,
            Console = string.Concat(Enumerable.Range(1, 50).Select(i => $"line {i}\n")),
            Elapsed = TimeSpan.FromSeconds(4.2),
        };

        var summary = result.Describe(consoleLines: 3);
        Assert.StartsWith("QEMU exit code 0, script exit status 7, 4.2 s", summary);
        Assert.EndsWith("console (last 3 of 50 lines):\n  line 48\n  line 49\n  line 50", summary);
    }
}
