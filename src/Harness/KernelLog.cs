using System.Globalization;
using System.Text.RegularExpressions;

namespace KernelSharp.Harness;

/// <summary>One kernel log record: its time stamp in seconds since boot, its level when known (0 emergency … 7
/// debug; the console does not show it) and its text.</summary>
public sealed record KernelLogLine(double Seconds, int? Level, string Text)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Seconds,12:0.000000}] {Text}");
}

/// <summary>
/// The guest kernel's log, put together from the two places it reaches the host: the serial console, where the
/// kernel prints every message below the console log level as it happens (including the last words of a panic),
/// and the dump of the whole ring buffer that the harness's <c>/init</c> writes to a second serial port after the
/// script (including what the console does not show: debug messages, and messages printed while a script had the
/// console level lowered). Either may be missing a part: the dump lacks what a script cleared with <c>dmesg -c</c>
/// and is absent when the run ended early; the console lacks levels above its own. The union has both.
/// </summary>
public static partial class KernelLog
{
    // "[    2.336085] Hello, world" on the console; "<6>[    2.336085] Hello, world" from `dmesg -r`.
    [GeneratedRegex(@"^(?:<(?<level>\d+)>)?\[\s*(?<seconds>\d+\.\d+)\] ?(?<text>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex RecordPattern();

    // A console record anywhere: the serial console interleaves bytes, so the kernel's line may
    // arrive in the middle of a line the script was writing.
    [GeneratedRegex(@"\[\s*\d+\.\d{6}\] [^\n]*\n", RegexOptions.CultureInvariant)]
    private static partial Regex ConsoleRecord();

    /// <summary>
    /// <paramref name="console"/> without the kernel's records: what the script wrote, each line whole, also where
    /// a kernel message cut into it (<c>"== jiq[    1.93] ksharp-guest: ...\nwq\n"</c> becomes <c>"== jiqwq\n"</c>).
    /// </summary>
    public static string WithoutRecords(string console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return ConsoleRecord().Replace(console, "");
    }

    /// <summary>The kernel records among <paramref name="text"/>'s lines; other lines (a script's output) are
    /// skipped. A level prefix (<c>&lt;N&gt;</c>, as <c>dmesg -r</c> prints it) keeps only the severity.</summary>
    public static IReadOnlyList<KernelLogLine> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<KernelLogLine>();
        foreach (var line in text.Split('\n'))
        {
            var match = RecordPattern().Match(line.TrimEnd('\r'));
            if (!match.Success)
                continue;
            int? level = match.Groups["level"].Success
                ? int.Parse(match.Groups["level"].ValueSpan, CultureInfo.InvariantCulture) & 7 // the facility is in the higher bits
                : null;
            lines.Add(new KernelLogLine(double.Parse(match.Groups["seconds"].ValueSpan, CultureInfo.InvariantCulture), level, match.Groups["text"].Value));
        }
        return lines;
    }

    /// <summary>
    /// The union of the dumped log and the console's kernel lines, in time order, each record once. A record both
    /// hold keeps the dump's copy, which knows its level.
    /// </summary>
    public static IReadOnlyList<KernelLogLine> Merge(IReadOnlyList<KernelLogLine> dump, IReadOnlyList<KernelLogLine> console)
    {
        ArgumentNullException.ThrowIfNull(dump);
        ArgumentNullException.ThrowIfNull(console);
        var seen = new HashSet<(double, string)>(dump.Select(line => (line.Seconds, line.Text)));
        var merged = new List<KernelLogLine>(dump);
        merged.AddRange(console.Where(line => seen.Add((line.Seconds, line.Text))));
        // A stable sort: records with one time stamp (the lines of one message) keep their order.
        return [.. merged.Select((line, index) => (line, index)).OrderBy(x => x.line.Seconds).ThenBy(x => x.index).Select(x => x.line)];
    }
}
