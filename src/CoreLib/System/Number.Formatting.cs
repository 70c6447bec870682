// Integer formatting to UTF-8, matching .NET's invariant-culture output for the formats it
// supports. This file also compiles into the host test project (which compares it with .NET),
// so it uses only spans and primitive operations and reports every failure as false.
namespace System
{
    internal static partial class Number
    {
        /// <summary>
        /// Reads a standard integer format: "" or "G"/"g" (decimal), "D"/"d" (decimal), "X"/"x"
        /// (hex) and "B"/"b" (binary), the last three with an optional minimum digit count.
        /// Returns false for anything else, where .NET would throw or use a format not
        /// implemented here (custom formats, "N", "G5", ...).
        /// </summary>
        internal static bool TryParseIntegerFormat(ReadOnlySpan<char> format, out char fmt, out int digits)
        {
            fmt = 'D';
            digits = 0;
            // Like .NET's ParseFormatSpecifier, a NUL ends the format (a remnant of C strings).
            if (format.Length == 0 || format[0] == '\0')
                return true;

            int i = 1;
            while (i < format.Length && (uint)(format[i] - '0') <= 9)
            {
                // .NET allows at most 999,999,999 and throws a FormatException beyond.
                if (digits >= 100_000_000)
                    return false;
                digits = digits * 10 + (format[i++] - '0');
            }
            if (i < format.Length && format[i] != '\0')
                return false;

            switch (format[0])
            {
                case 'G' or 'g':
                    // With a precision, "G" switches to scientific notation once the value has more
                    // digits than that; only the plain form, which is "D", is implemented.
                    return digits == 0;
                case 'D' or 'd':
                    return true;
                case 'X' or 'x' or 'B' or 'b':
                    fmt = format[0];
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>
        /// Formats a signed value. <paramref name="hexMask"/> selects the bits of the type's width
        /// ("X" and "B" print a negative value's two's complement in that width, as .NET does).
        /// </summary>
        internal static bool TryFormatInt64(long value, ulong hexMask, ReadOnlySpan<char> format, Span<byte> destination, out int bytesWritten)
        {
            if (TryParseIntegerFormat(format, out char fmt, out int digits))
                return TryFormatInt64(value, hexMask, fmt, digits, destination, out bytesWritten);
            bytesWritten = 0;
            return false;
        }

        internal static bool TryFormatUInt64(ulong value, ReadOnlySpan<char> format, Span<byte> destination, out int bytesWritten)
        {
            if (TryParseIntegerFormat(format, out char fmt, out int digits))
                return TryFormatUInt64(value, fmt, digits, destination, out bytesWritten);
            bytesWritten = 0;
            return false;
        }

        /// <summary>Formats with a format already read by <see cref="TryParseIntegerFormat"/>.</summary>
        internal static bool TryFormatInt64(long value, ulong hexMask, char fmt, int digits, Span<byte> destination, out int bytesWritten)
        {
            if (fmt != 'D')
                return TryFormatCore(unchecked((ulong)value) & hexMask, false, fmt, digits, destination, out bytesWritten);
            // 0 - x also gives long.MinValue's magnitude, which -x cannot.
            return value < 0
                ? TryFormatCore(unchecked(0 - (ulong)value), true, fmt, digits, destination, out bytesWritten)
                : TryFormatCore((ulong)value, false, fmt, digits, destination, out bytesWritten);
        }

        internal static bool TryFormatUInt64(ulong value, char fmt, int digits, Span<byte> destination, out int bytesWritten) =>
            TryFormatCore(value, false, fmt, digits, destination, out bytesWritten);

        private static bool TryFormatCore(ulong value, bool negative, char fmt, int digits, Span<byte> destination, out int bytesWritten)
        {
            // Bits per digit for hex and binary; 0 selects decimal.
            int shift = fmt is 'X' or 'x' ? 4 : fmt is 'B' or 'b' ? 1 : 0;

            int count = 1;
            if (shift == 0)
            {
                for (ulong v = value; v >= 10; v /= 10)
                    count++;
            }
            else
            {
                for (ulong v = value >> shift; v != 0; v >>= shift)
                    count++;
            }
            if (count < digits)
                count = digits;

            int length = negative ? count + 1 : count;
            if (length > destination.Length)
            {
                bytesWritten = 0;
                return false;
            }

            // Filling from the end writes the zero padding as well: value runs out and gives 0s.
            uint letterBase = (fmt == 'x' ? 'a' : 'A') - 10u;
            for (int i = length - 1; i >= length - count; i--)
            {
                uint digit;
                if (shift == 0)
                {
                    digit = (uint)(value % 10);
                    value /= 10;
                }
                else
                {
                    digit = (uint)value & ((1u << shift) - 1);
                    value >>= shift;
                }
                destination[i] = (byte)(digit < 10 ? digit + '0' : digit + letterBase);
            }
            if (negative)
                destination[0] = (byte)'-';

            bytesWritten = length;
            return true;
        }
    }
}
