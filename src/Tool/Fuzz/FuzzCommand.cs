using System.Globalization;
using KernelSharp.Harness;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.Fuzz;

/// <summary>'ksharp fuzz': build a driver, boot it, and run the syscall fuzzer on everything it creates.</summary>
public static class FuzzCommand
{
    public static async Task<int> RunAsync(Arguments parsed)
    {
        var options = new FuzzOptions(
            Number(parsed, "--ops", 100_000),
            parsed.Option("--seed") is { } seed ? ulong.Parse(seed, CultureInfo.InvariantCulture) : (ulong)Random.Shared.NextInt64(1, 1L << 40),
            (int)Number(parsed, "--procs", 4))
        { ModuleParameters = [.. parsed.All("--param")] };
        KernelImage kernel = Cli.ChooseKernel(parsed);
        BuildOutput built = Cli.BuildModule(parsed, KernelHeaders.Open(kernel.HeadersPath));
        string fuzzer = GuestProgram.Build(Path.Combine(Toolchain.Locate().RequireRepository("ksharp fuzz"), FuzzRun.ProgramSource),
            Path.Combine(parsed.Option("--out") ?? Path.Combine(parsed.Positional(0, "driver-project-dir"), "bin"), "guest"));
        string[] modules = [.. built.Dependencies.Select(d => d.Model.Module.Name), built.Model.Module.Name];
        Console.WriteLine($"ksharp: fuzzing {built.Model.Module.Name} on {kernel.Version}: {options.Operations} operations, seed {options.Seed}, {options.Processes} processes");
        // A fuzzer writes to ports on purpose: without isa-debug-exit no write can end QEMU (PowerOff's own port).
        GuestResult result = await RunCommand.Boot(kernel, built, FuzzRun.Script(modules, options), Timeout(parsed, options),
            [new GuestFile(FuzzRun.ProgramPath, fuzzer, UnixModes.Executable)], debugExitDevice: false);
        FuzzReport report = FuzzRun.Parse(result.Console);
        Console.WriteLine($"ksharp: fuzzed {string.Join(' ', report.Targets)}");
        Console.WriteLine(report.Histogram());
        if (report.Operations is { } done && report.Seconds is { } seconds)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ksharp: {done} operations in {seconds:0.0} s ({done / Math.Max(seconds, 0.001):0} per second), {report.Violations.Count} violations, {(report.Clean ? "nothing left after rmmod" : "something left after rmmod")}"));
        Console.WriteLine($"ksharp: reproduce with: ./ksharp fuzz {parsed.Positional(0, "driver-project-dir")} --ops {options.Operations} --seed {options.Seed} --procs {options.Processes} --kernel {parsed.Option("--kernel") ?? kernel.Version}{string.Concat(options.ModuleParameters.Select(p => " --param " + p))}");
        return RunCommand.Report(result);
    }

    private static long Number(Arguments parsed, string option, long fallback) =>
        parsed.Option(option) is not { } text ? fallback
            : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0 ? value
            : throw new UsageError($"{option} takes a positive number, not '{text}'");

    // A minute to boot and unload, and room for a slow kernel: 200 operations a second is slower than any run measured.
    private static TimeSpan Timeout(Arguments parsed, FuzzOptions options) =>
        parsed.Option("--timeout") is { } seconds ? TimeSpan.FromSeconds(Number(parsed, "--timeout", 1))
            : TimeSpan.FromSeconds(60 + options.Operations / 200);
}
