using OxyPlot;

namespace KernelSharp.Charts;

/// <summary>
/// OxyPlot's own SVG export measures text with its PDF context (built-in Helvetica metrics, no
/// font library needed), but that context works in points: it measures 12 px text as 9 pt
/// text, three quarters of the width the SVG then draws, so axis labels and legend entries
/// overflow the room laid out for them (oxyplot issue 1737). This measurer gives the metrics
/// in pixels, and a fifth wider: the SVG names Arial first, whose widths are Helvetica's, but a
/// viewer without it draws its own sans-serif, and DejaVu Sans (Linux's usual one) is up to a
/// fifth wider (12 to 20 % on this chart's labels).
/// </summary>
internal sealed class PixelTextMeasurer(double width, double height) : PdfRenderContext(width, height, OxyColors.Undefined)
{
    private const double PixelsPerPoint = 96.0 / 72.0;
    private const double WidestFallback = 1.2;

    public override OxySize MeasureText(string text, string fontFamily, double fontSize, double fontWeight)
    {
        OxySize size = base.MeasureText(text, fontFamily, fontSize, fontWeight);
        return new OxySize(size.Width * PixelsPerPoint * WidestFallback, size.Height * PixelsPerPoint);
    }
}
