#nullable disable // also compiled into the host tests, where nullable analysis is on
using System;

namespace KernelSharp.Text
{
    /// <summary>
    /// Appends UTF-8 text into a caller-provided buffer. Never allocates; what does not fit
    /// is dropped and <see cref="Overflowed"/> says so, so callers can mark the truncation.
    /// </summary>
    public ref struct Utf8Builder
    {
        private readonly Span<byte> _buffer;
        private int _length;
        private bool _overflowed;

        public Utf8Builder(Span<byte> buffer)
        {
            _buffer = buffer;
            _length = 0;
            _overflowed = false;
        }

        /// <summary>
        /// The largest length at most <paramref name="limit"/> that does not end inside a UTF-8
        /// sequence of <paramref name="utf8"/> (which must be longer than the limit), so cut
        /// text never holds half a character.
        /// </summary>
        public static int CharacterBoundary(ReadOnlySpan<byte> utf8, int limit)
        {
            while (limit > 0 && (utf8[limit] & 0xC0) == 0x80)
                limit--;
            return limit;
        }

        public readonly int Length => _length;
        public readonly bool Overflowed => _overflowed;
        public readonly ReadOnlySpan<byte> Written => _buffer.Slice(0, _length);

        public void Append(scoped ReadOnlySpan<byte> utf8)
        {
            if (_overflowed)
                return;
            Span<byte> free = _buffer.Slice(_length);
            if (utf8.Length <= free.Length)
            {
                utf8.CopyTo(free);
                _length += utf8.Length;
                return;
            }
            int fit = CharacterBoundary(utf8, free.Length);
            utf8.Slice(0, fit).CopyTo(free);
            _length += fit;
            _overflowed = true;
        }

        /// <summary>Appends UTF-16 text (string literals) as UTF-8.</summary>
        public void Append(scoped ReadOnlySpan<char> utf16)
        {
            Span<byte> encoded = stackalloc byte[4];
            for (int i = 0; i < utf16.Length && !_overflowed; i++)
            {
                uint c = utf16[i];
                int count;
                if (c < 0x80)
                {
                    encoded[0] = (byte)c;
                    count = 1;
                }
                else if (c < 0x800)
                {
                    encoded[0] = (byte)(0xC0 | (c >> 6));
                    encoded[1] = (byte)(0x80 | (c & 0x3F));
                    count = 2;
                }
                else if (c - 0xD800 < 0x400 && i + 1 < utf16.Length && (uint)utf16[i + 1] - 0xDC00 < 0x400)
                {
                    uint scalar = 0x10000 + ((c - 0xD800) << 10) + ((uint)utf16[++i] - 0xDC00);
                    encoded[0] = (byte)(0xF0 | (scalar >> 18));
                    encoded[1] = (byte)(0x80 | ((scalar >> 12) & 0x3F));
                    encoded[2] = (byte)(0x80 | ((scalar >> 6) & 0x3F));
                    encoded[3] = (byte)(0x80 | (scalar & 0x3F));
                    count = 4;
                }
                else
                {
                    if (c - 0xD800 < 0x800)
                        c = 0xFFFD; // a lone surrogate becomes U+FFFD, as .NET's encoder does
                    encoded[0] = (byte)(0xE0 | (c >> 12));
                    encoded[1] = (byte)(0x80 | ((c >> 6) & 0x3F));
                    encoded[2] = (byte)(0x80 | (c & 0x3F));
                    count = 3;
                }
                Append(encoded.Slice(0, count));
            }
        }

        public void Append<T>(T value, scoped ReadOnlySpan<char> format = default) where T : IUtf8SpanFormattable
        {
            if (_overflowed)
                return;
            if (value.TryFormat(_buffer.Slice(_length), out int written, format, null))
            {
                _length += written;
                return;
            }
            // Too long for what is left: format into scratch space and keep what fits.
            Span<byte> scratch = stackalloc byte[128];
            if (value.TryFormat(scratch, out written, format, null))
                Append(scratch.Slice(0, written));
            else
                _overflowed = true;
        }

        public void Append(char c)
        {
            Span<char> one = stackalloc char[1];
            one[0] = c;
            Append(one);
        }
    }
}
