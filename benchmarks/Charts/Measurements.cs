using System.Globalization;

namespace KernelSharp.Charts;

/// <summary>One number a benchmark measured: one metric, one driver (series), one round.</summary>
public sealed record Measurement(string Metric, string Unit, string Better, string Series, int Round, double Value);

/// <summary>
/// A benchmark's rounds as the scripts write them: a tab-separated file with two comment lines
/// naming the chart and the series everything is compared with, a header, and one line per
/// number, in the order the script measured them.
/// <code>
/// # title	scull: C# against C, 5 rounds
/// # reference	C (scull_c)
/// metric	unit	better	series	round	value
/// ns per 1-byte write	ns	lower	C# (scull)	1	1464
/// </code>
/// </summary>
public sealed class Measurements
{
    public const string Header = "metric\tunit\tbetter\tseries\tround\tvalue";

    private Measurements(string title, string reference, IReadOnlyList<Measurement> rows)
    {
        Title = title;
        Reference = reference;
        Rows = rows;
    }

    public string Title { get; }

    /// <summary>The series every metric is divided by (the C driver): it sits at 1.0.</summary>
    public string Reference { get; }

    public IReadOnlyList<Measurement> Rows { get; }

    /// <summary>The metrics in the order they first appear, which is the order of the script's table.</summary>
    public IReadOnlyList<string> Metrics => Rows.Select(r => r.Metric).Distinct().ToList();

    /// <summary>The series in the order they first appear.</summary>
    public IReadOnlyList<string> Series => Rows.Select(r => r.Series).Distinct().ToList();

    public IEnumerable<double> Values(string metric, string series) =>
        Rows.Where(r => r.Metric == metric && r.Series == series).Select(r => r.Value);

    /// <summary>Reads the file's text; a malformed line is a <see cref="FormatException"/> naming its line number.</summary>
    public static Measurements Parse(string text)
    {
        string? title = null, reference = null;
        bool sawHeader = false;
        var rows = new List<Measurement>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            int number = i + 1;
            if (line.Length == 0)
                continue;
            if (line.StartsWith('#'))
            {
                string[] comment = line.TrimStart('#', ' ').Split('\t', 2);
                if (comment.Length == 2 && comment[0] == "title")
                    title = comment[1];
                else if (comment.Length == 2 && comment[0] == "reference")
                    reference = comment[1];
                continue;
            }
            if (!sawHeader)
            {
                if (line != Header)
                    throw new FormatException($"line {number}: expected the header '{Header.Replace("\t", "<tab>")}'");
                sawHeader = true;
                continue;
            }
            rows.Add(ParseRow(line, number));
        }
        if (title is null)
            throw new FormatException("no '# title<tab>TEXT' line");
        if (reference is null)
            throw new FormatException("no '# reference<tab>SERIES' line");
        if (rows.Count == 0)
            throw new FormatException("no measurements");
        var measurements = new Measurements(title, reference, rows);
        foreach (string metric in measurements.Metrics)
        {
            // Without the reference's numbers a metric has nothing to be relative to.
            if (!measurements.Values(metric, reference).Any())
                throw new FormatException($"metric '{metric}' has no rounds of the reference series '{reference}'");
            if (!(Spread.Of(measurements.Values(metric, reference)).Median > 0))
                throw new FormatException($"metric '{metric}': the reference series' median is not above 0, nothing can be relative to it");
            if (rows.Where(r => r.Metric == metric).Select(r => (r.Unit, r.Better)).Distinct().Count() > 1)
                throw new FormatException($"metric '{metric}' has more than one unit or direction");
        }
        return measurements;
    }

    private static Measurement ParseRow(string line, int number)
    {
        string[] fields = line.Split('\t');
        if (fields.Length != 6)
            throw new FormatException($"line {number}: {fields.Length} tab-separated fields, expected 6 ({Header.Replace("\t", ", ")})");
        if (fields[2] != "lower" && fields[2] != "higher")
            throw new FormatException($"line {number}: better is 'lower' or 'higher', not '{fields[2]}'");
        if (!int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out int round))
            throw new FormatException($"line {number}: round '{fields[4]}' is not a whole number");
        if (!double.TryParse(fields[5], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new FormatException($"line {number}: value '{fields[5]}' is not a number");
        return new Measurement(fields[0], fields[1], fields[2], fields[3], round, value);
    }
}
