using System.Globalization;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace KernelSharp.Charts;

/// <summary>
/// The chart of a benchmark: one row per metric, in it one point per series at its median and
/// a whisker from its fastest to its slowest round. Every metric is divided by the reference
/// series' median, so C sits at 1.0 and ns, MB/s, seconds and bytes share one axis whose
/// numbers read as "times C"; each row's label gives C's median in the metric's own unit
/// and which way is better.
/// </summary>
public static class ComparisonChart
{
    /// <summary>Series colours in order of appearance: C# in .NET's purple, C in grey, then others.</summary>
    public static readonly IReadOnlyList<OxyColor> Palette =
    [
        OxyColor.FromRgb(0x68, 0x21, 0x7a),
        OxyColor.FromRgb(0x55, 0x55, 0x55),
        OxyColor.FromRgb(0xd9, 0x6b, 0x00),
        OxyColor.FromRgb(0x1f, 0x77, 0xb4),
    ];

    private const double RowHeight = 64;
    private const double Width = 960;
    private const int LabelWidth = 40;   // characters per line of a row's label

    public static string ToSvg(Measurements data)
    {
        PlotModel model = Build(data);
        double height = 150 + RowHeight * data.Metrics.Count;
        var exporter = new SvgExporter
        {
            Width = Width,
            Height = height,
            TextMeasurer = new PixelTextMeasurer(Width, height),
            // Multi-line labels centred as a block, without relying on dominant-baseline, which not every SVG viewer honours.
            UseVerticalTextAlignmentWorkaround = true,
        };
        return exporter.ExportToString(model);
    }

    public static PlotModel Build(Measurements data)
    {
        IReadOnlyList<string> metrics = data.Metrics;
        IReadOnlyList<string> series = data.Series;
        if (series.Count > Palette.Count)
            throw new FormatException($"{series.Count} series; the chart has colours for {Palette.Count}");

        var model = new PlotModel
        {
            Title = data.Title,
            TitleFontSize = 15,
            // Measured with Helvetica's metrics (PixelTextMeasurer), which Arial and Liberation Sans share.
            DefaultFont = "Arial, Helvetica, Liberation Sans, sans-serif",
            DefaultFontSize = 12,
            Background = OxyColors.White,
        };
        model.Legends.Add(new Legend
        {
            LegendPlacement = LegendPlacement.Outside,
            LegendPosition = LegendPosition.TopCenter,
            LegendOrientation = LegendOrientation.Horizontal,
            LegendBorderThickness = 0,
        });
        // Metrics down the left, first at the top; a faint line between rows.
        var metricAxis = new CategoryAxis
        {
            Key = "metric",
            Position = AxisPosition.Left,
            StartPosition = 1,
            EndPosition = 0,
            IsZoomEnabled = false,
            IsPanEnabled = false,
            MajorTickSize = 0,
            ExtraGridlines = [.. Enumerable.Range(0, metrics.Count - 1).Select(i => i + 0.5)],
            ExtraGridlineColor = OxyColor.FromRgb(0xdd, 0xdd, 0xdd),
        };
        metricAxis.Labels.AddRange(metrics.Select(m => Label(data, m)));
        model.Axes.Add(metricAxis);
        model.Axes.Add(new LinearAxis
        {
            Key = "relative",
            Position = AxisPosition.Bottom,
            Minimum = 0,
            MaximumPadding = 0.05,
            IsZoomEnabled = false,
            IsPanEnabled = false,
            MajorGridlineStyle = LineStyle.Dot,
            MajorGridlineColor = OxyColor.FromRgb(0xcc, 0xcc, 0xcc),
            Title = $"times {data.Reference}'s median: a point is a median, its whisker the range (min–max) of the rounds",
        });
        model.Annotations.Add(new LineAnnotation
        {
            Type = LineAnnotationType.Vertical,
            X = 1,
            XAxisKey = "relative",
            YAxisKey = "metric",
            Color = OxyColors.Gray,
            LineStyle = LineStyle.Dash,
        });

        for (int s = 0; s < series.Count; s++)
        {
            // The series of a row side by side within it, in legend order from the top.
            double offset = (s - (series.Count - 1) / 2.0) * 0.8 / series.Count;
            var points = new BoxPlotSeries
            {
                Title = series[s],
                XAxisKey = "metric",
                YAxisKey = "relative",
                Stroke = Palette[s],
                Fill = Palette[s],
                StrokeThickness = 1.5,
                // No box: the whisker runs from min through the median to max, with caps at both ends.
                ShowBox = false,
                ShowMedianAsDot = true,
                MedianPointSize = 4,
                BoxWidth = 0.8 / series.Count,
                WhiskerWidth = 0.6,
                OutlierType = MarkerType.None,
                // Anti-aliased like the points: crisp edges snap each whisker to a whole pixel, one thin, the next thick.
                EdgeRenderingMode = EdgeRenderingMode.PreferGeometricAccuracy,
            };
            for (int m = 0; m < metrics.Count; m++)
            {
                double[] values = [.. data.Values(metrics[m], series[s])];
                if (values.Length == 0)
                    continue;   // a series that does not have this metric (scull_c's FPU section has no pipes)
                Spread spread = Spread.Of(values).RelativeTo(ReferenceMedian(data, metrics[m]));
                points.Items.Add(new BoxPlotItem(m + offset, spread.Min, spread.Median, spread.Median, spread.Median, spread.Max));
            }
            model.Series.Add(points);
        }
        return model;
    }

    /// <summary>"ns per 1-byte write" over "lower is better; C (scull_c): 1680 ns", long names wrapped.</summary>
    private static string Label(Measurements data, string metric)
    {
        Measurement first = data.Rows.First(r => r.Metric == metric);
        return string.Join('\n', Wrap(metric, LabelWidth))
            + $"\n{first.Better} is better; {data.Reference}: {Number(ReferenceMedian(data, metric))} {first.Unit}";
    }

    /// <summary>Breaks at spaces into lines of at most <paramref name="width"/> characters (a longer word keeps a line of its own).</summary>
    private static IEnumerable<string> Wrap(string text, int width)
    {
        string line = "";
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line;
                line = "";
            }
            line = line.Length == 0 ? word : line + " " + word;
        }
        if (line.Length > 0)
            yield return line;
    }

    private static double ReferenceMedian(Measurements data, string metric) =>
        Spread.Of(data.Values(metric, data.Reference)).Median;

    /// <summary>Three significant digits or the whole number, as the tables print them.</summary>
    private static string Number(double value) =>
        value.ToString(Math.Abs(value) >= 100 ? "F0" : Math.Abs(value) >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture);
}
