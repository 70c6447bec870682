using System.Diagnostics;
using System.Xml.Linq;

namespace KernelSharp.Mutations;

/// <summary>What one dotnet build or dotnet test run in the scratch copy did.</summary>
public sealed record TestRun(bool Succeeded, bool BuildFailed, int Total, int Failed,
    IReadOnlyList<(string Name, string Message)> FailedTests, string Output);

/// <summary>Runs dotnet in the scratch copy and reads the test results from a TRX report.</summary>
public static class TestRunner
{
    private static string TestProject(string root) => Path.Combine(root, "tests", "KernelSharp.Tests", "KernelSharp.Tests.csproj");

    public static TestRun Build(string root)
    {
        var (code, output) = Dotnet(root, ["build", TestProject(root), "-c", "Release", "-v", "quiet", "-nologo", "-clp:ErrorsOnly"], null);
        return new TestRun(code == 0, code != 0, 0, 0, [], output);
    }

    /// <summary>Runs the tests matching <paramref name="filter"/>; dotnet test first rebuilds what the mutation
    /// changed (a library), and the tests build the samples from the scratch copy's sources.</summary>
    public static TestRun Run(string root, string filter, string? kernel)
    {
        string results = Path.Combine(root, "artifacts", "mutation-results", Guid.NewGuid().ToString("N"));
        var (code, output) = Dotnet(root, ["test", TestProject(root), "-c", "Release", "-nologo", "--filter", filter,
            "--logger", "trx;LogFileName=results.trx", "--results-directory", results], kernel);
        string trx = Path.Combine(results, "results.trx");
        if (!File.Exists(trx))
            return new TestRun(false, true, 0, 0, [], output);
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        var tests = XDocument.Load(trx).Descendants(ns + "UnitTestResult").ToList();
        var failed = tests.Where(t => (string?)t.Attribute("outcome") == "Failed")
            .Select(t => ((string?)t.Attribute("testName") ?? "", t.Descendants(ns + "Message").FirstOrDefault()?.Value ?? ""))
            .ToList();
        return new TestRun(code == 0, false, tests.Count, failed.Count, failed, output);
    }

    private static (int Code, string Output) Dotnet(string root, string[] arguments, string? kernel)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (kernel is not null)
            start.Environment["KSHARP_TEST_KERNEL"] = kernel;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
