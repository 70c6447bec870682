using System.Globalization;
using System.Xml.Linq;
using KernelSharp.Charts;

namespace KernelSharp.Tests.Unit;

// The benchmark charts (benchmarks/Charts): a TSV of rounds in, an SVG with every series, every
// metric and one whisker per series per metric out.
public class ComparisonChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // Two metrics; the third series (scull_c's FPU section) has only the first, as in benchmarks/scull.
    private const string Rounds = """
        # title	scull: C# against C, 3 rounds
        # reference	C (scull_c)
        metric	unit	better	series	round	value
        ns per 1-byte write	ns	lower	C# (scull)	1	1400
        ns per 1-byte write	ns	lower	C (scull_c)	1	1700
        ns per 1-byte write	ns	lower	C + empty FPU section	1	3000
        MB/s through one scullpipe	MB/s	higher	C# (scull)	1	66.1
        MB/s through one scullpipe	MB/s	higher	C (scull_c)	1	76.7
        ns per 1-byte write	ns	lower	C# (scull)	2	1500
        ns per 1-byte write	ns	lower	C (scull_c)	2	1600
        ns per 1-byte write	ns	lower	C + empty FPU section	2	3100
        MB/s through one scullpipe	MB/s	higher	C# (scull)	2	55.0
        MB/s through one scullpipe	MB/s	higher	C (scull_c)	2	80.0
        ns per 1-byte write	ns	lower	C# (scull)	3	2100
        ns per 1-byte write	ns	lower	C (scull_c)	3	1680
        ns per 1-byte write	ns	lower	C + empty FPU section	3	2900
        MB/s through one scullpipe	MB/s	higher	C# (scull)	3	86.5
        MB/s through one scullpipe	MB/s	higher	C (scull_c)	3	52.0

        """;

    [Fact]
    public void The_svg_has_every_series_every_metric_and_a_whisker_per_series_and_metric()
    {
        Measurements data = Measurements.Parse(Rounds);
        XDocument svg = XDocument.Parse(ComparisonChart.ToSvg(data));
        Assert.Equal(Svg + "svg", svg.Root!.Name);

        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("scull: C# against C, 3 rounds", texts);
        foreach (string series in new[] { "C# (scull)", "C (scull_c)", "C + empty FPU section" })
            Assert.Contains(series, texts);   // the legend
        // Each row's label: the metric, then which way is better and C's median in the metric's unit.
        Assert.Contains("ns per 1-byte write", texts);
        Assert.Contains("lower is better; C (scull_c): 1680 ns", texts);
        Assert.Contains("MB/s through one scullpipe", texts);
        Assert.Contains("higher is better; C (scull_c): 76.7 MB/s", texts);
        Assert.True(Top(svg, "ns per 1-byte write") < Top(svg, "MB/s through one scullpipe"), "rows are in the table's order, first at the top");

        Assert.Equal(2, Whiskers(svg, ComparisonChart.Palette[0]));
        Assert.Equal(2, Whiskers(svg, ComparisonChart.Palette[1]));
        Assert.Equal(1, Whiskers(svg, ComparisonChart.Palette[2]));
    }

    [Fact]
    public void A_whisker_runs_from_the_fastest_to_the_slowest_round_through_the_median()
    {
        XDocument svg = XDocument.Parse(ComparisonChart.ToSvg(Measurements.Parse(Rounds)));
        // C#'s writes: 1400, 1500, 2100 ns, so the median is a seventh of the way from min to max.
        var (left, median, right) = Whisker(svg, ComparisonChart.Palette[0], row: 0);
        Assert.Equal(1.0 / 7, (median - left) / (right - left), 3);
    }

    [Theory]
    [InlineData("metric\tunit\tbetter\tseries\tround\tvalue\nw\tns\tlower\tC\t1\tfast\n", "line 4: value 'fast' is not a number")]
    [InlineData("metric\tunit\tbetter\tseries\tround\tvalue\nw\tns\tsmaller\tC\t1\t2\n", "line 4: better is 'lower' or 'higher', not 'smaller'")]
    [InlineData("metric\tunit\tbetter\tseries\tround\tvalue\nw\tns\tlower\tC#\t1\t2\n", "metric 'w' has no rounds of the reference series 'C'")]
    [InlineData("w\tns\tlower\tC\t1\t2\n", "line 3: expected the header")]
    public void Malformed_rounds_are_refused_with_the_line_or_metric(string body, string message)
    {
        var error = Assert.Throws<FormatException>(() => Measurements.Parse("# title\tt\n# reference\tC\n" + body));
        Assert.StartsWith(message, error.Message);
    }

    // The whiskers of one series: each median is a dot of the series' colour with the whisker's
    // horizontal halves drawn through it (the legend's symbol is upright, so it does not count).
    private static int Whiskers(XDocument svg, OxyPlot.OxyColor color) =>
        Dots(svg, color).Count(dot => Halves(svg, color, dot).Any());

    private static (double Left, double Median, double Right) Whisker(XDocument svg, OxyPlot.OxyColor color, int row)
    {
        var dot = Dots(svg, color).Where(d => Halves(svg, color, d).Any()).OrderBy(d => d.Y).ElementAt(row);
        var xs = Halves(svg, color, dot).SelectMany(h => h).Select(p => p.X).ToList();
        return (xs.Min(), dot.X, xs.Max());
    }

    private static IEnumerable<(double X, double Y)> Dots(XDocument svg, OxyPlot.OxyColor color) =>
        svg.Descendants(Svg + "ellipse")
            .Where(e => Style(e).Contains($"fill:{Css(color)};"))
            .Select(e => (Number(e, "cx"), Number(e, "cy")));

    private static IEnumerable<(double X, double Y)[]> Halves(XDocument svg, OxyPlot.OxyColor color, (double X, double Y) dot) =>
        svg.Descendants(Svg + "polyline")
            .Where(p => Style(p).Contains($"stroke:{Css(color)};"))
            .Select(p => p.Attribute("points")!.Value.Split(' ').Select(Point).ToArray())
            .Where(points => points.All(q => Math.Abs(q.Y - dot.Y) < 0.01) && points.Any(q => Math.Abs(q.X - dot.X) < 0.01));

    private static double Top(XDocument svg, string text)
    {
        string transform = svg.Descendants(Svg + "text").First(t => t.Value == text).Attribute("transform")!.Value;
        return Point(transform["translate(".Length..^1]).Y;
    }

    private static string Style(XElement element) => element.Attribute("style")?.Value ?? "";

    private static string Css(OxyPlot.OxyColor color) => $"rgb({color.R},{color.G},{color.B})";

    private static double Number(XElement element, string attribute) =>
        double.Parse(element.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    private static (double X, double Y) Point(string pair)
    {
        string[] xy = pair.Split(',');
        return (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture));
    }
}
