namespace KernelSharp.Charts;

/// <summary>
/// The median and the range of a metric's rounds, the way the benchmark scripts' tables
/// summarise them (an even count takes the mean of the middle two, as their awk does).
/// </summary>
public readonly record struct Spread(double Median, double Min, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("no values", nameof(values));
        int middle = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[^1]);
    }

    /// <summary>The same spread divided by <paramref name="reference"/> (the C driver's median).</summary>
    public Spread RelativeTo(double reference) => new(Median / reference, Min / reference, Max / reference);
}
