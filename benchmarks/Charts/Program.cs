// ksharp-charts DATA.tsv CHART.svg
//
// Draws a benchmark's rounds (the TSV benchmarks/scull and benchmarks/run write, see Measurements) as an SVG
// chart of every series against the reference one (C). The scripts run it with their --chart option; run it by
// hand to redraw a chart from a TSV kept in docs/charts.
using KernelSharp.Charts;

if (args.Length != 2 || args[0].StartsWith('-') || args[1].StartsWith('-'))
{
    Console.Error.WriteLine("usage: ksharp-charts DATA.tsv CHART.svg");
    return 2;
}

Measurements data;
try
{
    data = Measurements.Parse(File.ReadAllText(args[0]));
}
catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"charts: {args[0]}: {e.Message}");
    return 1;
}
File.WriteAllText(args[1], ComparisonChart.ToSvg(data));
Console.Error.WriteLine($"charts: wrote {args[1]} ({data.Metrics.Count} metrics, {data.Series.Count} series)");
return 0;
