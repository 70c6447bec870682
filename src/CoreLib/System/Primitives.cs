// The primitive types. Their single field is a CONTRACT with the compiler. Formatting and
// parsing live in Number.Formatting.cs and Number.Parsing.cs; the UTF-8 surface matches .NET's
// IUtf8SpanFormattable and TryParse. The format provider is ignored: the kernel has only the
// invariant culture.
using System.Globalization;
using Internal.Runtime.CompilerHelpers;

namespace System
{
    // .NET's bool has no UTF-8 formatting; KernelSharp.LogMessage prints it as "True"/"False".
    public struct Boolean : IEquatable<bool>
    {
        private bool m_value;
        public bool Equals(bool other) => m_value == other;
    }

    public struct Char : IEquatable<char>
    {
        private char m_value;
        public bool Equals(char other) => m_value == other;
    }

    public struct SByte : IUtf8SpanFormattable, IEquatable<sbyte>
    {
        private sbyte m_value;
        public bool Equals(sbyte other) => m_value == other;
        public const sbyte MinValue = -128;
        public const sbyte MaxValue = 127;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatSignedOrFail(m_value, 0xFF, format, utf8Destination, out bytesWritten);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, out sbyte result) => TryParse(utf8Text, NumberStyles.Integer, null, out result);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider provider, out sbyte result)
        {
            Number.CheckIntegerStyle(style);
            bool parsed = Number.TryParseSigned(utf8Text, style, 8, out long value);
            result = (sbyte)value;
            return parsed;
        }
    }

    public struct Byte : IUtf8SpanFormattable, IEquatable<byte>
    {
        private byte m_value;
        public bool Equals(byte other) => m_value == other;
        public const byte MinValue = 0;
        public const byte MaxValue = 255;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatUnsignedOrFail(m_value, format, utf8Destination, out bytesWritten);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, out byte result) => TryParse(utf8Text, NumberStyles.Integer, null, out result);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider provider, out byte result)
        {
            Number.CheckIntegerStyle(style);
            bool parsed = Number.TryParseUnsigned(utf8Text, style, 8, out ulong value);
            result = (byte)value;
            return parsed;
        }
    }

    public struct Int16 : IUtf8SpanFormattable, IEquatable<short>
    {
        private short m_value;
        public bool Equals(short other) => m_value == other;
        public const short MinValue = -32768;
        public const short MaxValue = 32767;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatSignedOrFail(m_value, 0xFFFF, format, utf8Destination, out bytesWritten);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, out short result) => TryParse(utf8Text, NumberStyles.Integer, null, out result);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider provider, out short result)
        {
            Number.CheckIntegerStyle(style);
            bool parsed = Number.TryParseSigned(utf8Text, style, 16, out long value);
            result = (short)value;
            return parsed;
        }
    }

    public struct UInt16 : IUtf8SpanFormattable, IEquatable<ushort>
    {
        private ushort m_value;
        public bool Equals(ushort other) => m_value == other;
        public const ushort MinValue = 0;
        public const ushort MaxValue = 65535;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatUnsignedOrFail(m_value, format, utf8Destination, out bytesWritten);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, out ushort result) => TryParse(utf8Text, NumberStyles.Integer, null, out result);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider provider, out ushort result)
        {
            Number.CheckIntegerStyle(style);
            bool parsed = Number.TryParseUnsigned(utf8Text, style, 16, out ulong value);
            result = (ushort)value;
            return parsed;
        }
    }

    public struct Int32 : IUtf8SpanFormattable, IEquatable<int>
    {
        private int m_value;
        public bool Equals(int other) => m_value == other;
        public const int MinValue = -2147483648;
        public const int MaxValue = 2147483647;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatSignedOrFail(m_value, 0xFFFF_FFFF, format, utf8Destination, out bytesWritten);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, out int result) => TryParse(utf8Text, NumberStyles.Integer, null, out result);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider provider, out int result)
        {
            Number.CheckIntegerStyle(style);
            bool parsed = Number.TryParseSigned(utf8Text, style, 32, out long value);
            result = (int)value;
            return parsed;
        }
    }

    public struct UInt32 : IUtf8SpanFormattable, IEquatable<uint>
    {
        private uint m_value;
        public bool Equals(uint other) => m_value == other;
        public const uint MinValue = 0;
        public const uint MaxValue = 4294967295;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatUnsignedOrFail(m_value, format, utf8Destination, out bytesWritten);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, out uint result) => TryParse(utf8Text, NumberStyles.Integer, null, out result);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider provider, out uint result)
        {
            Number.CheckIntegerStyle(style);
            bool parsed = Number.TryParseUnsigned(utf8Text, style, 32, out ulong value);
            result = (uint)value;
            return parsed;
        }
    }

    public struct Int64 : IUtf8SpanFormattable, IEquatable<long>
    {
        private long m_value;
        public bool Equals(long other) => m_value == other;
        public const long MinValue = -9223372036854775808;
        public const long MaxValue = 9223372036854775807;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatSignedOrFail(m_value, ulong.MaxValue, format, utf8Destination, out bytesWritten);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, out long result) => TryParse(utf8Text, NumberStyles.Integer, null, out result);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider provider, out long result)
        {
            Number.CheckIntegerStyle(style);
            bool parsed = Number.TryParseSigned(utf8Text, style, 64, out long value);
            result = (long)value;
            return parsed;
        }
    }

    public struct UInt64 : IUtf8SpanFormattable, IEquatable<ulong>
    {
        private ulong m_value;
        public bool Equals(ulong other) => m_value == other;
        public const ulong MinValue = 0;
        public const ulong MaxValue = 18446744073709551615;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatUnsignedOrFail(m_value, format, utf8Destination, out bytesWritten);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, out ulong result) => TryParse(utf8Text, NumberStyles.Integer, null, out result);

        public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider provider, out ulong result)
        {
            Number.CheckIntegerStyle(style);
            return Number.TryParseUnsigned(utf8Text, style, 64, out result);
        }
    }

    public unsafe struct IntPtr : IUtf8SpanFormattable
    {
        private void* _value;
        public static readonly nint Zero;
        public IntPtr(void* value) { _value = value; }
        public IntPtr(int value) { _value = (void*)value; }
        public IntPtr(long value) { _value = (void*)value; }
        public static int Size => sizeof(nint);
        public void* ToPointer() => _value;
        public static explicit operator IntPtr(int value) => new IntPtr(value);
        public static explicit operator IntPtr(long value) => new IntPtr(value);
        public static explicit operator IntPtr(void* value) => new IntPtr(value);
        public static explicit operator void*(IntPtr value) => value._value;
        public static explicit operator int(IntPtr value) => (int)(long)value._value;
        public static explicit operator long(IntPtr value) => (long)value._value;
        public static bool operator ==(IntPtr a, IntPtr b) => a._value == b._value;
        public static bool operator !=(IntPtr a, IntPtr b) => a._value != b._value;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatSignedOrFail((nint)_value, sizeof(nint) == 8 ? ulong.MaxValue : uint.MaxValue, format, utf8Destination, out bytesWritten);
    }

    public unsafe struct UIntPtr : IUtf8SpanFormattable
    {
        private void* _value;
        public UIntPtr(void* value) { _value = value; }
        public UIntPtr(uint value) { _value = (void*)value; }
        public UIntPtr(ulong value) { _value = (void*)value; }
        public static int Size => sizeof(nuint);
        public void* ToPointer() => _value;
        public static explicit operator UIntPtr(uint value) => new UIntPtr(value);
        public static explicit operator UIntPtr(ulong value) => new UIntPtr(value);
        public static explicit operator UIntPtr(void* value) => new UIntPtr(value);
        public static explicit operator void*(UIntPtr value) => value._value;
        public static explicit operator uint(UIntPtr value) => (uint)(ulong)value._value;
        public static explicit operator ulong(UIntPtr value) => (ulong)value._value;
        public static bool operator ==(UIntPtr a, UIntPtr b) => a._value == b._value;
        public static bool operator !=(UIntPtr a, UIntPtr b) => a._value != b._value;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider provider = null) =>
            Number.TryFormatUnsignedOrFail((nuint)_value, format, utf8Destination, out bytesWritten);
    }

    public struct Single { private float m_value; }
    public struct Double { private double m_value; }

    // What .NET reports by throwing ends in a kernel BUG here; the algorithms themselves are in
    // Number.Formatting.cs and Number.Parsing.cs, which the host tests compare with .NET.
    internal static partial class Number
    {
        internal static bool TryFormatSignedOrFail(long value, ulong hexMask, ReadOnlySpan<char> format, Span<byte> destination, out int bytesWritten)
        {
            if (!TryParseIntegerFormat(format, out char fmt, out int digits))
                FailFormat();
            return TryFormatInt64(value, hexMask, fmt, digits, destination, out bytesWritten);
        }

        internal static bool TryFormatUnsignedOrFail(ulong value, ReadOnlySpan<char> format, Span<byte> destination, out int bytesWritten)
        {
            if (!TryParseIntegerFormat(format, out char fmt, out int digits))
                FailFormat();
            return TryFormatUInt64(value, fmt, digits, destination, out bytesWritten);
        }

        internal static void CheckIntegerStyle(NumberStyles style)
        {
            if (!IsValidIntegerStyle(style))
                ThrowHelpers.Fail("ArgumentException: invalid NumberStyles for an integer (undefined flags, or hex/binary with more than white space)"u8);
            if (!IsSupportedIntegerStyle(style))
                ThrowHelpers.Fail("NotSupportedException: integer parsing implements only NumberStyles white space, leading sign, hex and binary"u8);
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private static void FailFormat() =>
            ThrowHelpers.Fail("FormatException: integer format not supported; use \"\", G, D, X or B (the last three with an optional digit count)"u8);
    }
}
