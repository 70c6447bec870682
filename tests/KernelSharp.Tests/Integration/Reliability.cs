namespace KernelSharp.Tests.Integration;

/// <summary>
/// The scale of the debug kernel's reliability runs (FuzzTests, FaultInjectionTests, StressTests): small in the
/// suite, the sizes with <c>KSHARP_RELIABILITY=full</c> (<c>./ksharp test --reliability</c>), which also
/// writes each run's figures to the file <c>KSHARP_RELIABILITY_REPORT</c> names, for docs/reliability.md.
/// </summary>
public static class Reliability
{
    /// <summary>Whether this is a full run.</summary>
    public static bool Full { get; } = Environment.GetEnvironmentVariable("KSHARP_RELIABILITY") == "full";

    /// <summary>Guest time to allow a run that the suite's scale finishes in a few minutes.</summary>
    public static TimeSpan Timeout => Full ? TimeSpan.FromMinutes(40) : TimeSpan.FromMinutes(8);

    private static readonly Lock ReportLock = new();

    /// <summary>Adds a row to the report: the run, its figures and what the kernel reported.</summary>
    public static void Record(string run, string figures, string reports = "0")
    {
        if (Environment.GetEnvironmentVariable("KSHARP_RELIABILITY_REPORT") is not { Length: > 0 } path)
            return;
        lock (ReportLock)
            File.AppendAllText(path, $"| {run} | {figures} | {reports} |\n");
    }
}
