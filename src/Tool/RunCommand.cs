using KernelSharp.Harness;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool;

/// <summary>'ksharp run' and 'ksharp demo': build a module, boot it in QEMU, report the guest's status.</summary>
public static class RunCommand
{
    /// <summary>What the guest does when no --script is given: load, show, unload.</summary>
    public static string DefaultScript(string module) => $"""
        insmod /{module}.ko || exit $?
        echo "ksharp-run: loaded {module}"
        dmesg | tail -n 20
        rmmod {module} || exit $?
        echo "ksharp-run: unloaded {module}"
        dmesg | tail -n 5
        """;

    public static async Task<int> RunAsync(Arguments parsed)
    {
        TimeSpan timeout = TimeSpan.FromSeconds(parsed.Option("--timeout") is { } seconds
            ? double.TryParse(seconds, out double value) && value > 0 ? value : throw new UsageError($"--timeout takes a number of seconds, not '{seconds}'")
            : 120);
        string? scriptPath = parsed.Option("--script");
        if (scriptPath is not null && !File.Exists(scriptPath))
            throw new BuildError($"guest script not found: {scriptPath}");
        KernelImage kernel = Cli.ChooseKernel(parsed);
        BuildOutput built = Cli.BuildModule(parsed, KernelHeaders.Open(kernel.HeadersPath));
        string script = scriptPath is not null ? File.ReadAllText(scriptPath) : DefaultScript(built.Model.Module.Name);

        GuestResult result = await Boot(kernel, built, script, timeout, ExtraFiles(parsed));
        return Report(result, built);
    }

    /// <summary>Boots QEMU with the module at /MODULE.ko and streams the console.</summary>
    public static async Task<GuestResult> Boot(KernelImage kernel, BuildOutput built, string script, TimeSpan timeout,
        IReadOnlyList<GuestFile>? extraFiles = null, bool debugExitDevice = true)
    {
        Console.WriteLine($"ksharp: booting {kernel.Version} ({Path.GetFileName(kernel.ImagePath)}) in QEMU (TCG) with /{built.Model.Module.Name}.ko; console follows");
        try
        {
            return await GuestRunner.RunAsync(new GuestOptions
            {
                KernelImagePath = kernel.ImagePath,
                DirectKernelBoot = kernel.DirectBoot,
                Files = [new GuestFile($"/{built.Model.Module.Name}.ko", built.ModulePath),
                    .. built.Dependencies.Select(d => new GuestFile($"/{d.Model.Module.Name}.ko", d.ModulePath)),
                    .. extraFiles ?? []],
                Script = script,
                Timeout = timeout,
                DebugExitDevice = debugExitDevice,
                OnConsoleLine = line => Console.WriteLine($"  | {line}"),
            });
        }
        catch (HarnessException e)
        {
            throw new BuildError(e.Message);
        }
    }

    /// <summary>Exit code when the guest finished but the kernel reported problems (an oops, a warning, a leak, ...).</summary>
    public const int KernelProblemExitCode = 3;

    /// <summary>
    /// Prints how the guest ended and every problem the kernel reported; returns the guest's status as ksharp's exit
    /// code, or <see cref="KernelProblemExitCode"/> when the script succeeded but the kernel did not.
    /// </summary>
    /// <param name="built">The module booted: when it is a debug build, each C# frame of a report is followed by its
    /// C# name and line, as <c>ksharp decode</c> prints it.</param>
    public static int Report(GuestResult result, BuildOutput? built = null)
    {
        int status = ReportEnd(result);
        if (result.Problems.Count == 0)
            return status;
        PrintProblems(result, built);
        return status == 0 ? KernelProblemExitCode : status;
    }

    /// <summary>Every problem the kernel reported, each C# frame of a debug build followed by its C# name and line.</summary>
    public static void PrintProblems(GuestResult result, BuildOutput? built)
    {
        Console.WriteLine($"ksharp: the kernel reported {result.Problems.Count} problem(s): {KernelProblems.KindsOf(result.Problems)}");
        var modules = built is null ? [] : built.Dependencies.Prepend(built).Select(b => Debugging.ModuleSymbols.Load(b.ModulePath)).Where(m => m.HasCSharpDebugInfo).ToList();
        var decoder = new Debugging.TraceDecoder(modules);
        foreach (KernelProblem problem in result.Problems)
            Console.WriteLine($"kernel problem: {problem.Kinds}" + string.Concat(problem.Excerpt.Select(line => "\n  ! " + decoder.Decode(line))));
    }

    private static int ReportEnd(GuestResult result)
    {
        if (result.TimedOut)
        {
            Console.WriteLine($"ksharp: the guest did not finish within {result.Elapsed.TotalSeconds:0} s; QEMU was stopped");
            return 124;
        }
        if (result.ScriptExitStatus is { } status)
        {
            Console.WriteLine($"ksharp: guest script exited with status {status} ({result.Elapsed.TotalSeconds:0.0} s)");
            return status;
        }
        if (result.DebugExitValue is { } value)
            Console.WriteLine($"ksharp: QEMU exited with status {result.QemuExitCode}: the guest wrote {value} to isa-debug-exit ({result.Elapsed.TotalSeconds:0.0} s)");
        else
            Console.WriteLine($"ksharp: QEMU exited with status {result.QemuExitCode} before the script finished ({result.Elapsed.TotalSeconds:0.0} s)");
        return result.QemuExitCode;
    }

    /// <summary>The --file HOST[:GUEST] options as guest files; a missing host file is an error.</summary>
    public static IReadOnlyList<GuestFile> ExtraFiles(Arguments parsed)
    {
        var files = new List<GuestFile>();
        foreach (string spec in parsed.All("--file"))
        {
            int colon = spec.IndexOf(':');
            string host = colon < 0 ? spec : spec[..colon];
            string guest = colon < 0 ? "/" + Path.GetFileName(host) : spec[(colon + 1)..];
            if (!File.Exists(host))
                throw new BuildError($"--file: host file not found: {host}");
            if (!guest.StartsWith('/') || guest.EndsWith('/'))
                throw new BuildError($"--file: the guest path must be an absolute file path, not '{guest}'");
            bool executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(host) & UnixFileMode.UserExecute) != 0;
            files.Add(new GuestFile(guest, host, executable ? UnixModes.Executable : UnixModes.RegularFile));
        }
        return files;
    }

    /// <summary>'ksharp demo': PowerOff reserves its ports, then powers QEMU off with status 43.</summary>
    public static async Task<int> DemoAsync(Arguments demo)
    {
        const int Code = 21;
        string root = Toolchain.Locate().RequireRepository("ksharp demo");
        string sample = Path.Combine(root, "samples", "PowerOff");
        string output = Path.Combine(root, "artifacts", "demo");
        KernelImage kernel = Cli.ChooseKernel(demo);
        var parsed = Arguments.Parse(["demo", sample, "--out", Path.Combine(output, kernel.Version)]);
        BuildOutput built = Cli.BuildModule(parsed, KernelHeaders.Open(kernel.HeadersPath));
        string script = $"""
            echo "demo: insmod poweroff.ko"
            insmod /poweroff.ko || exit 1
            echo "demo: /proc/ioports now has:"
            grep poweroff /proc/ioports
            echo "demo: echo {Code} > /dev/poweroff  (QEMU should exit with 2*{Code}+1 = {2 * Code + 1})"
            echo {Code} > /dev/poweroff
            echo "demo: still running: the write did not power off"
            exit 1
            """;
        GuestResult result = await Boot(kernel, built, script, TimeSpan.FromSeconds(180));
        Report(result);
        if (result.DebugExitValue == Code && result.Problems.Count == 0)
        {
            Console.WriteLine($"ksharp: demo done: QEMU exited with status {result.QemuExitCode} = 2*{Code}+1, as the C# driver asked");
            return 0;
        }
        Console.WriteLine("ksharp: demo failed: QEMU did not exit with the requested status");
        return 1;
    }
}
