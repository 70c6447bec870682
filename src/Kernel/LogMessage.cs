#nullable disable // also compiled into the host tests, where nullable analysis is on
// The interpolated string handler behind Log: formats one line into a bounded stack
// buffer. Depends only on spans and Utf8Builder, so the host tests compile this same file.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using KernelSharp.Text;

namespace KernelSharp
{
    /// <summary>
    /// Builds one log line from an interpolated string: <c>Log.Info($"port {port:x}")</c>.
    /// Holes take any <see cref="IUtf8SpanFormattable"/> (integers, bool, <see cref="KernelSharp.Error"/>)
    /// with .NET format strings ("x", "X4", "D3") and alignment ({i,4}, {name,-8}), UTF-8
    /// spans and strings.
    /// </summary>
    [InterpolatedStringHandler]
    public ref struct LogMessage
    {
        /// <summary>Longest line, in bytes: a stack buffer, well under the kernel's own limit.</summary>
        public const int MaxLength = 256;

        /// <summary>Replaces the end of a line that did not fit.</summary>
        public static ReadOnlySpan<byte> TruncationMark => "[...]"u8;

        /// <summary>
        /// How many bytes of <paramref name="line"/> a log line keeps: all of a line that fits, else as many as
        /// leave room for <paramref name="mark"/> (the truncation mark, empty when nothing is cut) at a character boundary.
        /// </summary>
        internal static int Fit(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> mark)
        {
            mark = default;
            if (line.Length <= MaxLength)
                return line.Length;
            mark = TruncationMark;
            return Utf8Builder.CharacterBoundary(line, MaxLength - mark.Length);
        }

        private LineBuffer _buffer;
        private int _length;
        private bool _truncated;

        public LogMessage(int literalLength, int formattedCount)
        {
            _length = 0;
            _truncated = false;
        }

        [UnscopedRef] private Span<byte> Buffer => _buffer;

        /// <summary>The finished line, with the truncation mark when text was cut.</summary>
        [UnscopedRef]
        public ReadOnlySpan<byte> Text
        {
            get
            {
                if (!_truncated)
                    return Buffer.Slice(0, _length);
                ReadOnlySpan<byte> mark = TruncationMark;
                Span<byte> buffer = Buffer;
                int keep = Utf8Builder.CharacterBoundary(buffer, MaxLength - mark.Length);
                mark.CopyTo(buffer.Slice(keep));
                return buffer.Slice(0, keep + mark.Length);
            }
        }

        public bool Truncated => _truncated;

        public void AppendLiteral(string literal)
        {
            Utf8Builder text = Builder();
            text.Append(literal.AsSpan());
            Advance(text.Length, text.Overflowed);
        }

        public void AppendFormatted(string value)
        {
            Utf8Builder text = Builder();
            text.Append(value.AsSpan());
            Advance(text.Length, text.Overflowed);
        }

        public void AppendFormatted(scoped ReadOnlySpan<byte> utf8)
        {
            Utf8Builder text = Builder();
            text.Append(utf8);
            Advance(text.Length, text.Overflowed);
        }

        // .NET's bool has no UTF-8 formatting; it prints as bool.ToString() does.
        public void AppendFormatted(bool value) => AppendFormatted(value ? "True"u8 : "False"u8);

        public void AppendFormatted(char value)
        {
            Utf8Builder text = Builder();
            text.Append(value);
            Advance(text.Length, text.Overflowed);
        }

        public void AppendFormatted<T>(T value) where T : IUtf8SpanFormattable
        {
            Utf8Builder text = Builder();
            text.Append(value);
            Advance(text.Length, text.Overflowed);
        }

        public void AppendFormatted<T>(T value, string format) where T : IUtf8SpanFormattable
        {
            Utf8Builder text = Builder();
            text.Append(value, format.AsSpan());
            Advance(text.Length, text.Overflowed);
        }

        /// <summary>{value,alignment}: right-aligned in that many bytes when positive, left-aligned when negative.</summary>
        public void AppendFormatted<T>(T value, int alignment) where T : IUtf8SpanFormattable
        {
            int start = _length;
            AppendFormatted(value);
            Pad(start, alignment);
        }

        public void AppendFormatted<T>(T value, int alignment, string format) where T : IUtf8SpanFormattable
        {
            int start = _length;
            AppendFormatted(value, format);
            Pad(start, alignment);
        }

        // Pads the text appended since start with spaces to |alignment| bytes, as .NET does.
        private void Pad(int start, int alignment)
        {
            int width = alignment < 0 ? -alignment : alignment;
            int written = _length - start;
            if (_truncated || written >= width)
                return;
            int padding = width - written;
            if (_length + padding > MaxLength)
            {
                _truncated = true;
                return;
            }
            Span<byte> buffer = Buffer;
            if (alignment > 0)
            {
                buffer.Slice(start, written).CopyTo(buffer.Slice(start + padding));
                buffer.Slice(start, padding).Fill((byte)' ');
            }
            else
            {
                buffer.Slice(_length, padding).Fill((byte)' ');
            }
            _length += padding;
        }

        // Once a line is cut, later holes are dropped: the builder gets no room at all.
        [UnscopedRef] private Utf8Builder Builder() => new(_truncated ? default : Buffer.Slice(_length));

        private void Advance(int appended, bool overflowed)
        {
            _length += appended;
            _truncated |= overflowed;
        }

        [InlineArray(MaxLength)]
        private struct LineBuffer
        {
            private byte _first;
        }
    }
}
