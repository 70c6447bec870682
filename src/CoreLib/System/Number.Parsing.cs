// Integer parsing from UTF-8, matching .NET's invariant-culture results for the NumberStyles it
// supports. This file also compiles into the host test project (which compares it with .NET),
// so it uses only spans and primitive operations and reports every failure as false.
using System.Globalization;

namespace System
{
    internal static partial class Number
    {
        private const NumberStyles BitPatternStyles = NumberStyles.AllowHexSpecifier | NumberStyles.AllowBinarySpecifier;

        /// <summary>
        /// False where .NET throws an ArgumentException: undefined flags, or hex or binary
        /// combined with anything but white space (or with each other).
        /// </summary>
        internal static bool IsValidIntegerStyle(NumberStyles style) =>
            (style & ~(NumberStyles.Any | BitPatternStyles)) == 0 &&
            ((style & BitPatternStyles) == 0 || (style & ~NumberStyles.HexNumber) == 0 || (style & ~NumberStyles.BinaryNumber) == 0);

        /// <summary>
        /// The valid styles implemented here. .NET parses the others (trailing sign,
        /// parentheses, decimal point, thousands, exponent, currency) on a separate path.
        /// </summary>
        internal static bool IsSupportedIntegerStyle(NumberStyles style) =>
            IsValidIntegerStyle(style) && (style & ~(NumberStyles.Integer | BitPatternStyles)) == 0;

        /// <summary>
        /// Parses a signed integer <paramref name="bits"/> wide (8, 16, 32 or 64) into
        /// <paramref name="result"/>, sign-extended. Hex and binary read the type's two's
        /// complement, as .NET does: for sbyte "FF" is -1.
        /// </summary>
        internal static bool TryParseSigned(ReadOnlySpan<byte> utf8Text, NumberStyles style, int bits, out long result)
        {
            ulong mask = ulong.MaxValue >> (64 - bits);
            ulong max = (style & BitPatternStyles) != 0 ? mask : mask >> 1;
            // One more below zero; unchecked because hex and binary, which allow no sign, wrap it.
            if (!TryParseMagnitude(utf8Text, style, max, unchecked(max + 1), out ulong magnitude, out bool negative))
            {
                result = 0;
                return false;
            }
            int spare = 64 - bits;
            result = unchecked((long)((negative ? 0 - magnitude : magnitude) << spare) >> spare);
            return true;
        }

        /// <summary>Parses an unsigned integer <paramref name="bits"/> wide (8, 16, 32 or 64).</summary>
        internal static bool TryParseUnsigned(ReadOnlySpan<byte> utf8Text, NumberStyles style, int bits, out ulong result) =>
            // A negative magnitude limit of 0: .NET accepts "-0" (and "-000") for unsigned types.
            TryParseMagnitude(utf8Text, style, ulong.MaxValue >> (64 - bits), 0, out result, out _);

        // [white] [sign] digits [white] [NULs], each optional part only where the style allows it,
        // and the value at most maxPositive, or maxNegative after a '-'.
        private static bool TryParseMagnitude(ReadOnlySpan<byte> text, NumberStyles style, ulong maxPositive, ulong maxNegative, out ulong value, out bool negative)
        {
            value = 0;
            negative = false;
            if (!IsSupportedIntegerStyle(style))
                return false;

            int i = 0;
            if ((style & NumberStyles.AllowLeadingWhite) != 0)
            {
                while (i < text.Length && IsWhite(text[i]))
                    i++;
            }
            if ((style & NumberStyles.AllowLeadingSign) != 0 && i < text.Length && (text[i] == '-' || text[i] == '+'))
                negative = text[i++] == '-';

            uint radix = (style & NumberStyles.AllowHexSpecifier) != 0 ? 16u : (style & NumberStyles.AllowBinarySpecifier) != 0 ? 2u : 10u;
            ulong max = negative ? maxNegative : maxPositive;
            // value * radix + digit <= max, checked without overflowing the ulong.
            ulong maxQuotient = max / radix;
            uint maxRemainder = (uint)(max % radix);

            // Accumulated apart from value so that a failure leaves value 0, as .NET does.
            ulong accumulator = 0;
            int start = i;
            for (; i < text.Length; i++)
            {
                uint digit = DigitValue(text[i]);
                if (digit >= radix)
                    break;
                if (accumulator > maxQuotient || (accumulator == maxQuotient && digit > maxRemainder))
                    return false;
                accumulator = accumulator * radix + digit;
            }
            if (i == start)
                return false;

            if ((style & NumberStyles.AllowTrailingWhite) != 0)
            {
                while (i < text.Length && IsWhite(text[i]))
                    i++;
            }
            // .NET ignores trailing NULs (a remnant of C strings), even with NumberStyles.None.
            for (; i < text.Length; i++)
            {
                if (text[i] != 0)
                    return false;
            }
            value = accumulator;
            return true;
        }

        // .NET's white space for number parsing: space and \t \n \v \f \r, nothing beyond ASCII.
        private static bool IsWhite(byte c) => c == ' ' || (uint)(c - '\t') <= '\r' - '\t';

        // 0-15 for 0-9, a-f and A-F; larger for anything else.
        private static uint DigitValue(byte c)
        {
            uint digit = (uint)(c - '0');
            if (digit <= 9)
                return digit;
            // | 0x20 folds 'A'-'F' onto 'a'-'f' and maps no other byte there.
            digit = (uint)((c | 0x20) - 'a');
            return digit <= 5 ? digit + 10 : uint.MaxValue;
        }
    }
}
