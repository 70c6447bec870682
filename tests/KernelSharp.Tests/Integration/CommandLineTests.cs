using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Integration;

// The ksharp command as a user runs it: a separate process, its output and exit status.
[Trait("Category", "Integration")]
public class CommandLineTests
{
    private static string Root => Unit.Drivers.Toolchain.Value.RequireRepository("the tests");

    private static ProcessRunner.Outcome Ksharp(params string[] arguments) => Ksharp(null, arguments);

    private static ProcessRunner.Outcome Ksharp(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        ProcessRunner.Run("dotnet", [Path.Combine(Root, "artifacts", "bin", "KernelSharp.Tool", "release", "ksharp.dll"), .. arguments], Root, environment);

    private static void Expect(ProcessRunner.Outcome outcome, int exitCode, params string[] lines)
    {
        if (outcome.ExitCode != exitCode)
            Assert.Fail($"ksharp exited with {outcome.ExitCode}, expected {exitCode}\n{outcome.Output}");
        GuestAssert.InOrder(outcome.Output, lines, "ksharp's output", () => outcome.Output);
    }

    [Fact]
    public void Run_builds_boots_streams_the_console_and_exits_with_the_script_status()
    {
        string script = Path.Combine(Directory.CreateTempSubdirectory("ksharp-script").FullName, "guest.sh");
        File.WriteAllText(script, "insmod /hello.ko && rmmod hello && echo guest-says-done\nexit 3\n");
        var outcome = Ksharp("run", "samples/Hello", "--kernel", Guest.Kernel.Version, "--script", script, "--timeout", "150",
            "--out", Guest.Output("cli-run"));

        Expect(outcome, 3,
            "[1/6] compile C#", "[5/6] machine code", "[6/6] kbuild", "ksharp: module hello ready in",
            $"ksharp: booting {Guest.Kernel.Version} ", "] Hello, world", "] Goodbye, cruel world", "  | guest-says-done",
            "ksharp: guest script exited with status 3");
    }

    [Fact]
    public void Demo_shows_the_ioports_line_and_qemu_exits_with_43()
    {
        Expect(Ksharp("demo", "--kernel", Guest.Kernel.Version), 0,
            $"ksharp: booting {Guest.Kernel.Version} ",
            "demo: /proc/ioports now has:", "  |   10f4-10f7 : poweroff",
            "ksharp: QEMU exited with status 43: the guest wrote 21 to isa-debug-exit",
            "ksharp: demo done");
    }

    [Fact]
    public void Package_deb_builds_the_module_once_and_writes_the_dkms_deb()
    {
        string output = Guest.Output("cli-deb");
        Expect(Ksharp("package", "deb", "samples/Hello", "--kernel", Guest.Kernel.Version, "--version", "3.1", "--out", output), 0,
            $"ksharp: building samples/Hello against {Guest.Kernel.HeadersPath}", "ksharp: module hello ready in",
            "ksharp: packing hello-dkms 3.1 with dpkg-deb", $"ksharp: wrote {output}/hello-dkms_3.1_all.deb (",
            "ksharp: on the target: apt install ./hello-dkms_3.1_all.deb");
        Assert.True(File.Exists(Path.Combine(output, "hello-dkms_3.1_all.deb")));
        Assert.Empty(Directory.EnumerateDirectories(output));
    }

    [Fact]
    public void Build_errors_are_one_clear_message_and_exit_1()
    {
        Expect(Ksharp("build", "no/such/driver"), 1, "ksharp: error: driver project not found: ");
        Expect(Ksharp("build", "samples/Hello", "--kernel-headers", "/nonexistent"), 1,
            "ksharp: error: kernel headers not found: /nonexistent does not exist (Debian: apt-get install linux-headers-amd64)");
        Expect(Ksharp("run", "samples/Hello", "--timeout", "soon"), 2, "ksharp: --timeout takes a number of seconds, not 'soon'", "usage:");
        Expect(Ksharp("run", "samples/Hello", "--kernel", "/boot/no-such-vmlinuz"), 1, "ksharp: error: kernel image not found: /boot/no-such-vmlinuz");
        Expect(Ksharp("build", "samples/Hello", "--kernel", "5.99"), 1, "ksharp: error: no installed kernel matches --kernel 5.99; installed with headers: ",
            "; and no headers for kernel 5.99 (looked in /lib/modules/5.99/build and /usr/src/linux-headers-5.99): install linux-headers-5.99");
        Expect(Ksharp("build", "samples/Hello", "--kernel", "6.1", "--kernel-headers", Guest.Kernel.HeadersPath), 2, "ksharp: give --kernel or --kernel-headers, not both");
        Expect(Ksharp("package"), 2, "ksharp: missing package kind: usage: ksharp package dkms|deb <driver-project-dir>");
        Expect(Ksharp("package", "rpm", "samples/Hello"), 2, "ksharp: unknown package kind 'rpm': usage: ksharp package dkms|deb");
        Expect(Ksharp("package", "deb", "samples/Hello", "--version", "v2"), 2, "ksharp: --version 'v2': a Debian package's version starts with a digit");
        Expect(Ksharp("package", "dkms", "samples/Hello", "--maintainer", "Jane <jane@example.org>"), 2, "ksharp: --maintainer is for ksharp package deb");
        string noPackages = Directory.CreateTempSubdirectory("ksharp-nuget").FullName;
        Expect(Ksharp(new Dictionary<string, string> { ["NUGET_PACKAGES"] = noPackages }, "build", "samples/Hello"), 1,
            $"ksharp: error: ILCompiler not found at {noPackages}/runtime.linux-x64.microsoft.dotnet.ilcompiler/10.0.10/tools/ilc: restore it with 'dotnet restore'");
    }
}
