using System.Globalization;
using System.Text.RegularExpressions;

namespace KernelSharp.Harness;

/// <summary>One test of a KTAP report: its number and name in its suite, whether it passed, and the C# assertions that failed in it.</summary>
public sealed record KtapTest(string Suite, int Number, string Name, bool Passed, bool Skipped, IReadOnlyList<KtapFailure> Failures);

/// <summary>A failed assertion, as "File.cs:LINE: message" in the test's diagnostics.</summary>
public sealed record KtapFailure(string File, int Line, string Message);

/// <summary>
/// Reads KTAP, the kernel's test output format (Documentation/dev-tools/ktap.rst), from a
/// kernel log: KUnit's suites as the debug kernel prints them, and the same shape printed by a
/// KernelSharp test build where the kernel has no KUnit. A suite starts at "# Subtest: NAME";
/// its tests are the indented "ok N NAME" / "not ok N NAME" lines, and the diagnostic lines
/// before each belong to it. KUnit's own lines ("EXPECTATION FAILED at ksharp_test.c:...")
/// point at the shim; the C# place is the "File.cs:LINE: ..." line after it.
/// </summary>
public static partial class KtapReport
{
    [GeneratedRegex(@"^(?<indent>\s*)# Subtest: (?<name>\S+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SubtestLine();

    [GeneratedRegex(@"^(?<indent>\s+)(?<result>not ok|ok) (?<number>\d+) (?:- )?(?<name>.+?)(?:\s+#\s*(?<directive>SKIP.*))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TestLine();

    [GeneratedRegex(@"(?<file>[\w./-]+\.cs):(?<line>\d+): (?<message>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex FailureLine();

    /// <summary>Every test of every suite in <paramref name="lines"/> (a kernel log's text, one record or line each), in order.</summary>
    public static IReadOnlyList<KtapTest> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var tests = new List<KtapTest>();
        string? suite = null;
        var failures = new List<KtapFailure>();
        foreach (string raw in lines)
        {
            string line = raw.TrimEnd('\r');
            if (SubtestLine().Match(line) is { Success: true } subtest)
            {
                suite = subtest.Groups["name"].Value;
                failures.Clear();
                continue;
            }
            if (suite is null)
                continue;
            if (FailureLine().Match(line) is { Success: true } failure)
            {
                failures.Add(new KtapFailure(failure.Groups["file"].Value, int.Parse(failure.Groups["line"].ValueSpan, CultureInfo.InvariantCulture), failure.Groups["message"].Value.Trim()));
                continue;
            }
            if (TestLine().Match(line) is { Success: true } test)
            {
                bool skipped = test.Groups["directive"].Success;
                tests.Add(new KtapTest(suite, int.Parse(test.Groups["number"].ValueSpan, CultureInfo.InvariantCulture), test.Groups["name"].Value,
                    test.Groups["result"].Value == "ok", skipped, [.. failures]));
                failures.Clear();
                continue;
            }
            // The suite's own result line ends it ("ok 1 NAME" without indentation).
            if (line.StartsWith("ok ", StringComparison.Ordinal) || line.StartsWith("not ok ", StringComparison.Ordinal))
                suite = null;
        }
        return tests;
    }
}
