using KernelSharp.Harness;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool;

/// <summary>What one 'ksharp test' run found: the module, the booted guest, and each test as KTAP reported it.</summary>
public sealed record KernelTestRun(BuildOutput Built, KernelImage Kernel, GuestResult Guest, IReadOnlyList<KtapTest> Tests)
{
    public int Passed => Tests.Count(t => t.Passed && !t.Skipped);
    public int Failed => Tests.Count(t => !t.Passed);
}

/// <summary>
/// 'ksharp test DIR': the module's [KernelTest] methods, run in the booted kernel. The test build
/// runs them when the module loads (its init, once Init succeeded, hands them to KUnit as a suite, or
/// runs them itself where the kernel has no KUnit), so the guest only loads and unloads it; the report
/// is the KTAP in the kernel log.
/// </summary>
public static class TestCommand
{
    public static async Task<int> RunAsync(Arguments parsed)
    {
        TimeSpan timeout = TimeSpan.FromSeconds(parsed.Option("--timeout") is { } seconds
            ? double.TryParse(seconds, out double value) && value > 0 ? value : throw new UsageError($"--timeout takes a number of seconds, not '{seconds}'")
            : 180);
        KernelImage kernel = Cli.ChooseKernel(parsed);
        BuildOutput built = Cli.BuildModule(parsed, KernelHeaders.Open(kernel.HeadersPath), tests: true);
        KernelTestRun run = await RunAsync(kernel, built, timeout);
        foreach (string line in Describe(run, parsed.Positional(0, "driver-project-dir")))
            Console.WriteLine(line);
        if (run.Guest.Problems.Count > 0)
            RunCommand.PrintProblems(run.Guest, built);
        return run.Failed > 0 || run.Tests.Count != built.Model.Tests.Count ? 1 : run.Guest.Problems.Count > 0 ? RunCommand.KernelProblemExitCode : 0;
    }

    /// <summary>The guest script of a test run: the tests run while insmod loads the module.</summary>
    public static string Script(string module) => $"""
        insmod /{module}.ko || exit $?
        rmmod {module} || exit $?
        """;

    /// <summary>Boots the test build and reads its KTAP report from the kernel log.</summary>
    public static async Task<KernelTestRun> RunAsync(KernelImage kernel, BuildOutput built, TimeSpan timeout)
    {
        string module = built.Model.Module.Name;
        GuestResult guest = await RunCommand.Boot(kernel, built, Script(module), timeout);
        var tests = KtapReport.Parse(guest.KernelLog.Select(line => line.Text)).Where(t => t.Suite == module).ToList();
        return new KernelTestRun(built, kernel, guest, tests);
    }

    /// <summary>
    /// The report: a line per test, each failed assertion as FILE(LINE): error: ... with the file
    /// found among the driver's sources (editors jump to it), then the totals.
    /// </summary>
    public static IReadOnlyList<string> Describe(KernelTestRun run, string driverDirectory)
    {
        var sources = DriverCompiler.FindSources(driverDirectory);
        var lines = new List<string>();
        string how = run.Tests.Count == 0 ? "nothing"
            : run.Guest.KernelLog.Any(l => l.Text.EndsWith("# " + CGlueGenerator.TestRunnerMark, StringComparison.Ordinal)) ? "the module's runner" : "KUnit";
        lines.Add($"ksharp: {run.Tests.Count} test(s) of {run.Built.Model.Module.Name} ran on {run.Kernel.Version} (KTAP from {how})");
        foreach (KtapTest test in run.Tests)
        {
            lines.Add($"  {(test.Skipped ? "skipped" : test.Passed ? "ok     " : "FAILED ")} {test.Name}");
            foreach (KtapFailure failure in test.Failures)
                lines.Add($"    {SourcePath(sources, driverDirectory, failure.File)}({failure.Line}): error: {test.Name}: {failure.Message}");
        }
        var missing = run.Built.Model.Tests.Select(t => t.Name).Except(run.Tests.Select(t => t.Name)).ToList();
        foreach (string name in missing)
            lines.Add($"  MISSING {name}: no result in the kernel log (the module did not load, or the run stopped)");
        lines.Add($"ksharp: {run.Passed} passed, {run.Failed} failed{(missing.Count > 0 ? $", {missing.Count} without a result" : "")}");
        return lines;
    }

    // The driver source the kernel's report names by its path in the project.
    private static string SourcePath(IReadOnlyList<string> sources, string driverDirectory, string file) =>
        sources.FirstOrDefault(s => Path.GetRelativePath(driverDirectory, s) == file) ?? file;
}
