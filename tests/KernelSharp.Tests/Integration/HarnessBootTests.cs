using System.Collections.Concurrent;
using KernelSharp.Harness;
using Xunit;
using Xunit.Abstractions;

namespace KernelSharp.Tests.Integration;

/// <summary>Boots the kernel under test in QEMU (TCG) through the harness; a few seconds per boot.</summary>
[Trait("Category", "Integration")]
public sealed class HarnessBootTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Script_output_and_exit_status_come_back_from_the_guest()
    {
        var streamed = new ConcurrentQueue<string>();
        var result = await GuestRunner.RunAsync(new GuestOptions
        {
            KernelImagePath = Guest.Kernel.ImagePath,
            DirectKernelBoot = Guest.Kernel.DirectBoot,
            Script = "cat /proc/ioports | head -3; echo hello-from-guest; exit 7",
            Timeout = TimeSpan.FromMinutes(2),
            OnConsoleLine = streamed.Enqueue,
        });
        output.WriteLine(result.ToString());
        GuestAssert.KernelProblems(result);

        Assert.False(result.TimedOut, result.ToString());
        Assert.Equal(7, result.ScriptExitStatus);
        Assert.Equal(0, result.QemuExitCode);
        Assert.Null(result.DebugExitValue);
        Assert.Contains("hello-from-guest\n", result.Console);
        Assert.Contains(GuestRunner.StatusMarker + "7\n", result.Console);
        Assert.DoesNotContain('\x1b', result.Console);
        Assert.DoesNotContain('\r', result.Console);
        // The callback saw exactly the console, line by line.
        Assert.Equal(result.Console, string.Concat(streamed.Select(line => line + "\n")));
    }

    [Fact]
    public async Task Guest_files_are_present_and_the_debug_exit_port_ends_qemu_with_its_value()
    {
        var scratch = Directory.CreateTempSubdirectory("ksharp-boot-test-");
        try
        {
            var payload = Path.Combine(scratch.FullName, "payload.txt");
            await File.WriteAllTextAsync(payload, "payload-from-host\n");
            var result = await GuestRunner.RunAsync(new GuestOptions
            {
                KernelImagePath = Guest.Kernel.ImagePath,
                DirectKernelBoot = Guest.Kernel.DirectBoot,
                Files = [new GuestFile("/data/payload.txt", payload, UnixModes.RegularFile)],
                // Busybox has no outb, but writing a byte at offset 0x10f4 of /dev/port is one. Value 3 -> exit 7.
                Script = """
                    cat /data/payload.txt
                    ls -l /data/payload.txt
                    printf '\003' | dd of=/dev/port bs=1 seek=$((0x10f4)) count=1
                    echo still-running
                    """,
                Timeout = TimeSpan.FromMinutes(2),
            });
            output.WriteLine(result.ToString());
            GuestAssert.KernelProblems(result);

            Assert.False(result.TimedOut, result.ToString());
            Assert.Contains("payload-from-host\n", result.Console);
            // The archive gives every file uid 0, gid 0 and modification time 0 (the epoch).
            Assert.Matches(@"(?m)^-rw-r--r-- +1 0 +0 +18 Jan  1  1970 /data/payload\.txt\r?$", result.Console);
            Assert.Equal(7, result.QemuExitCode);
            Assert.Equal(3, result.DebugExitValue);
            Assert.Null(result.ScriptExitStatus);
            Assert.DoesNotContain("still-running", result.Console);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}

/// <summary>Kept apart from <see cref="HarnessBootTests"/> so xunit runs its 20 s wait alongside those boots.</summary>
[Trait("Category", "Integration")]
public sealed class HarnessTimeoutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_hanging_guest_is_killed_at_the_timeout()
    {
        var timeout = TimeSpan.FromSeconds(20);
        var result = await GuestRunner.RunAsync(new GuestOptions
        {
            KernelImagePath = Guest.Kernel.ImagePath,
            DirectKernelBoot = Guest.Kernel.DirectBoot,
            Script = "echo going-to-sleep; sleep 1000",
            Timeout = timeout,
        });
        output.WriteLine(result.ToString());
        GuestAssert.KernelProblems(result);

        Assert.True(result.TimedOut, result.ToString());
        Assert.Null(result.ScriptExitStatus);
        Assert.Null(result.DebugExitValue);
        Assert.Contains("going-to-sleep", result.Console);
        Assert.Contains("QEMU was killed after the 20 s timeout.", result.Notes);
        Assert.InRange(result.Elapsed, timeout, timeout + TimeSpan.FromSeconds(15));
        // QEMU is gone: no process is still running with this run's initramfs.
        var initramfs = result.QemuArguments[result.QemuArguments.ToList().IndexOf("-initrd") + 1];
        Assert.False(File.Exists(initramfs), "the run's temporary directory should be deleted");
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc").Select(CommandLineOf), line => line.Contains(initramfs, StringComparison.Ordinal));
    }

    private static string CommandLineOf(string processDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processDirectory, "cmdline")).Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ""; // the process ended while we looked, or is not ours to read
        }
    }
}
