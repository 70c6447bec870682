namespace System
{
    /// <summary>Formats a value as UTF-8 text into a caller-provided buffer (.NET's interface).</summary>
    public interface IUtf8SpanFormattable
    {
        bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider provider);
    }
}
