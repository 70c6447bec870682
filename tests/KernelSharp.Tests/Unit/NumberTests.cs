using System.Globalization;
using System.Numerics;
using System.Text;

namespace KernelSharp.Tests.Unit;

// CoreLib's Number.Formatting.cs and Number.Parsing.cs are compiled into this assembly (see
// the csproj) and compared with .NET's own invariant-culture TryFormat/TryParse.
public class NumberTests
{
    private delegate bool Formatter<T>(T value, ReadOnlySpan<char> format, Span<byte> destination, out int bytesWritten);
    private delegate bool Parser<T>(ReadOnlySpan<byte> utf8Text, NumberStyles style, out T result);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // Every supported form, with precisions below, at and above each type's digit counts, and
    // NUL-terminated formats (.NET stops reading a format at a NUL).
    private static readonly string[] SupportedFormats =
    [
        "", "G", "g", "G0", "D", "d", "D0", "D1", "D2", "d3", "D5", "D10", "D19", "D20", "D21", "D40",
        "X", "x", "X0", "X1", "x2", "X4", "x8", "X16", "x17", "X40", "B", "b", "B0", "B8", "b16", "B64", "B65",
        "\0", "D\0", "x4\0junk", "D0000000000012", "D999999999",
    ];

    private static readonly string[] RandomFormats = ["", "D", "d7", "X", "x", "X10", "B", "b3"];

    // Valid .NET formats this implementation does not do (CoreLib fails on them), and formats
    // .NET itself rejects.
    private static readonly string[] UnsupportedFormats =
    [
        "G1", "G5", "g20", "N", "N0", "C", "E", "F2", "P", "R", "Dx", "D 5", "0", "#", "00", " ", "DD", "X-1", "x+1",
        "D1000000000", "Y", "\u00c4",
    ];

    // Styles the parser implements: every combination of white space and sign, and of white
    // space and hex or binary.
    private static readonly NumberStyles[] SupportedStyles = Enumerable.Range(0, 8).Select(i => (NumberStyles)i)
        .Concat(Enumerable.Range(0, 4).Select(i => (NumberStyles)i | NumberStyles.AllowHexSpecifier))
        .Concat(Enumerable.Range(0, 4).Select(i => (NumberStyles)i | NumberStyles.AllowBinarySpecifier))
        .ToArray();

    private static readonly string[] TrickyInputs =
    [
        "", " ", "+", "-", "-0", "+0", "-00", "-000000000000000000000000000", "0", "00012", " 12 ", "12\n", "\t12\r\n",
        "\v\f12", "1 2", "1_0", "0x10", "0X10", "ff", "FF", "fF", "0ff", "1a", "a", "g", "12a", "256", "255", "-1", "+1",
        "--1", "+-1", "- 1", " -1", "-1 ", "1-", "(1)", "1e3", "1.0", "1,000", "12\0", "12\0\0", "12 \0", "12\0 ",
        "\012", "\0", " \0", "\u00a012", "12\u00a0", "\uff11\uff12", "\u0661", "0000000000000000000000000000001",
        "1111111", "11111111", "111111111", "101", "-101", "7F", "80", "FFFF", "10000", "7FFFFFFF", "80000000",
        "FFFFFFFF", "100000000", "FFFFFFFFFFFFFFFF", "10000000000000000",
    ];

    [Fact] public void SByte_matches_dotnet() => Check<sbyte>(FormatSByte, ParseSByte, 1);
    [Fact] public void Byte_matches_dotnet() => Check<byte>(FormatByte, ParseByte, 2);
    [Fact] public void Int16_matches_dotnet() => Check<short>(FormatInt16, ParseInt16, 3);
    [Fact] public void UInt16_matches_dotnet() => Check<ushort>(FormatUInt16, ParseUInt16, 4);
    [Fact] public void Int32_matches_dotnet() => Check<int>(FormatInt32, ParseInt32, 5);
    [Fact] public void UInt32_matches_dotnet() => Check<uint>(FormatUInt32, ParseUInt32, 6);
    [Fact] public void Int64_matches_dotnet() => Check<long>(FormatInt64, ParseInt64, 7);
    [Fact] public void UInt64_matches_dotnet() => Check<ulong>(FormatUInt64, ParseUInt64, 8);

    // How CoreLib's primitives call Number (see Primitives.cs).
    private static bool FormatSByte(sbyte v, ReadOnlySpan<char> f, Span<byte> d, out int w) => Number.TryFormatInt64(v, 0xFF, f, d, out w);
    private static bool FormatByte(byte v, ReadOnlySpan<char> f, Span<byte> d, out int w) => Number.TryFormatUInt64(v, f, d, out w);
    private static bool FormatInt16(short v, ReadOnlySpan<char> f, Span<byte> d, out int w) => Number.TryFormatInt64(v, 0xFFFF, f, d, out w);
    private static bool FormatUInt16(ushort v, ReadOnlySpan<char> f, Span<byte> d, out int w) => Number.TryFormatUInt64(v, f, d, out w);
    private static bool FormatInt32(int v, ReadOnlySpan<char> f, Span<byte> d, out int w) => Number.TryFormatInt64(v, 0xFFFF_FFFF, f, d, out w);
    private static bool FormatUInt32(uint v, ReadOnlySpan<char> f, Span<byte> d, out int w) => Number.TryFormatUInt64(v, f, d, out w);
    private static bool FormatInt64(long v, ReadOnlySpan<char> f, Span<byte> d, out int w) => Number.TryFormatInt64(v, ulong.MaxValue, f, d, out w);
    private static bool FormatUInt64(ulong v, ReadOnlySpan<char> f, Span<byte> d, out int w) => Number.TryFormatUInt64(v, f, d, out w);

    private static bool ParseSByte(ReadOnlySpan<byte> t, NumberStyles s, out sbyte r) { bool ok = Number.TryParseSigned(t, s, 8, out long v); r = (sbyte)v; return ok; }
    private static bool ParseByte(ReadOnlySpan<byte> t, NumberStyles s, out byte r) { bool ok = Number.TryParseUnsigned(t, s, 8, out ulong v); r = (byte)v; return ok; }
    private static bool ParseInt16(ReadOnlySpan<byte> t, NumberStyles s, out short r) { bool ok = Number.TryParseSigned(t, s, 16, out long v); r = (short)v; return ok; }
    private static bool ParseUInt16(ReadOnlySpan<byte> t, NumberStyles s, out ushort r) { bool ok = Number.TryParseUnsigned(t, s, 16, out ulong v); r = (ushort)v; return ok; }
    private static bool ParseInt32(ReadOnlySpan<byte> t, NumberStyles s, out int r) { bool ok = Number.TryParseSigned(t, s, 32, out long v); r = (int)v; return ok; }
    private static bool ParseUInt32(ReadOnlySpan<byte> t, NumberStyles s, out uint r) { bool ok = Number.TryParseUnsigned(t, s, 32, out ulong v); r = (uint)v; return ok; }
    private static bool ParseInt64(ReadOnlySpan<byte> t, NumberStyles s, out long r) => Number.TryParseSigned(t, s, 64, out r);
    private static bool ParseUInt64(ReadOnlySpan<byte> t, NumberStyles s, out ulong r) => Number.TryParseUnsigned(t, s, 64, out r);

    private static void Check<T>(Formatter<T> format, Parser<T> parse, int seed) where T : IBinaryInteger<T>, IMinMaxValue<T>
    {
        var failures = new List<string>();
        var random = new Random(seed);
        T[] edges = EdgeValues<T>();
        T[] randoms = Enumerable.Range(0, 3000).Select(_ => RandomValue<T>(random)).ToArray();

        foreach (T value in edges)
        {
            foreach (string f in SupportedFormats)
                CompareFormat(value, f, format, failures);
        }
        foreach (T value in randoms)
        {
            foreach (string f in RandomFormats)
                CompareFormat(value, f, format, failures);
        }
        foreach (string f in UnsupportedFormats)
        {
            if (format(T.One, f, new byte[64], out int written) || written != 0)
                failures.Add($"format \"{Escape(f)}\" should be unsupported");
        }

        // Parsing: the tricky table, every type's limits in each notation, and the text of the
        // edge and random values, each in every supported style.
        var inputs = new List<string>(TrickyInputs);
        inputs.AddRange(LimitInputs<T>());
        foreach (T value in edges.Concat(randoms.Take(500)))
        {
            inputs.Add(value.ToString("D", Invariant));
            inputs.Add(value.ToString("X", Invariant));
            inputs.Add(value.ToString("B", Invariant));
            inputs.Add(" \t" + value.ToString("D3", Invariant) + "\r\n\0");
            inputs.Add("0" + value.ToString("x", Invariant) + " ");
            inputs.Add("+" + value.ToString("D", Invariant));
        }
        foreach (string input in inputs)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(input);
            foreach (NumberStyles style in SupportedStyles)
                CompareParse(utf8, style, parse, failures);
        }

        // Random byte soup, weighted to digits so that numbers near the limits come up, with the
        // bytes that matter at the edges: signs, white space, NUL, hex letters, non-ASCII.
        byte[] alphabet = "0123456789012345678901234567890123456789+- \t\n\v\f\r\0aAfFgx_."u8.ToArray().Concat(new byte[] { 0xC2, 0xA0, 0xFF }).ToArray();
        for (int i = 0; i < 4000; i++)
        {
            byte[] soup = new byte[random.Next(0, 26)];
            for (int j = 0; j < soup.Length; j++)
                soup[j] = alphabet[random.Next(alphabet.Length)];
            foreach (NumberStyles style in SupportedStyles)
                CompareParse(soup, style, parse, failures);
        }

        // Valid styles beyond the supported ones are refused (CoreLib fails on them).
        foreach (NumberStyles style in new[] { NumberStyles.Any, NumberStyles.Number, NumberStyles.Float, NumberStyles.AllowTrailingSign, NumberStyles.AllowParentheses, NumberStyles.AllowThousands })
        {
            if (parse("1"u8, style, out T result) || result != T.Zero)
                failures.Add($"style {style} should be unsupported");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} mismatches with .NET for {typeof(T).Name}:\n" + string.Join("\n", failures.Take(40)));
    }

    private static void CompareFormat<T>(T value, string format, Formatter<T> ours, List<string> failures) where T : IBinaryInteger<T>
    {
        var expected = new byte[128];
        var actual = new byte[128];
        bool expectedOk = value.TryFormat(expected, out int expectedLength, format, Invariant);
        bool ok = ours(value, format, actual, out int length);
        if (ok != expectedOk || length != expectedLength || !actual.AsSpan(0, length).SequenceEqual(expected.AsSpan(0, expectedLength)))
        {
            failures.Add($"{value} \"{Escape(format)}\": .NET {expectedOk} \"{Encoding.UTF8.GetString(expected, 0, expectedLength)}\", ours {ok} \"{Encoding.UTF8.GetString(actual, 0, length)}\"");
            return;
        }
        if (!expectedOk)
            return;
        // An exact fit succeeds; one byte less fails and reports nothing written, as in .NET.
        if (!ours(value, format, new byte[expectedLength], out length) || length != expectedLength)
            failures.Add($"{value} \"{Escape(format)}\": exact-size destination failed");
        if (ours(value, format, new byte[expectedLength - 1], out length) || length != 0
            || value.TryFormat(new byte[expectedLength - 1], out _, format, Invariant))
            failures.Add($"{value} \"{Escape(format)}\": short destination did not fail like .NET");
    }

    private static void CompareParse<T>(byte[] utf8, NumberStyles style, Parser<T> ours, List<string> failures) where T : IBinaryInteger<T>
    {
        bool expectedOk = T.TryParse(utf8, style, Invariant, out T? expected);
        bool ok = ours(utf8, style, out T actual);
        if (ok != expectedOk || actual != expected)
            failures.Add($"parse \"{Escape(Encoding.Latin1.GetString(utf8))}\" {style}: .NET {expectedOk} {expected}, ours {ok} {actual}");
    }

    // MinValue, MaxValue, 0, ±1, and ±(n-1, n, n+1) for the powers of 2, 10 and 16 that fit.
    private static T[] EdgeValues<T>() where T : IBinaryInteger<T>, IMinMaxValue<T>
    {
        Int128 min = Int128.CreateChecked(T.MinValue), max = Int128.CreateChecked(T.MaxValue);
        var values = new SortedSet<Int128> { min, min + 1, max - 1, max, 0, 1, -1, 2, -2 };
        foreach (int radix in new[] { 2, 10, 16 })
        {
            for (Int128 power = 1; power <= UInt64.MaxValue; power *= radix)
            {
                for (Int128 delta = -1; delta <= 1; delta++)
                {
                    values.Add(power + delta);
                    values.Add(-(power + delta));
                }
            }
        }
        return values.Where(v => v >= min && v <= max).Select(T.CreateChecked).ToArray();
    }

    // Any bit pattern, shifted so that small magnitudes are as common as large ones.
    private static T RandomValue<T>(Random random) where T : IBinaryInteger<T>
    {
        ulong bits = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        T value = T.CreateTruncating(bits >> random.Next(64));
        return random.Next(2) == 0 ? value : T.Zero - value;
    }

    // The type's limits and one past them in decimal, hex and binary, padded with zeros too.
    private static IEnumerable<string> LimitInputs<T>() where T : IBinaryInteger<T>, IMinMaxValue<T>
    {
        Int128 min = Int128.CreateChecked(T.MinValue), max = Int128.CreateChecked(T.MaxValue);
        int hexDigits = T.AllBitsSet.GetByteCount() * 2;
        foreach (Int128 v in new[] { min, max, min - 1, max + 1, max * 10, min * 10 })
        {
            yield return v.ToString(Invariant);
            yield return (v < 0 ? "-000" + (-v).ToString(Invariant) : "000" + v.ToString(Invariant));
        }
        yield return new string('F', hexDigits);
        yield return "000" + new string('f', hexDigits);
        yield return new string('F', hexDigits + 1);
        yield return "1" + new string('0', hexDigits);
        yield return "8" + new string('0', hexDigits - 1);
        yield return new string('1', hexDigits * 4);
        yield return "1" + new string('0', hexDigits * 4);
        yield return "000" + new string('1', hexDigits * 4);
    }

    [Fact]
    public void Style_validity_matches_dotnet()
    {
        var failures = new List<string>();
        foreach (int bits in Enumerable.Range(0, 0x2000).Concat([0x4000, 0x10000, int.MinValue, -1]))
        {
            var style = (NumberStyles)bits;
            bool valid;
            try
            {
                int.TryParse("1"u8, style, Invariant, out _);
                valid = true;
            }
            catch (ArgumentException)
            {
                valid = false;
            }
            if (Number.IsValidIntegerStyle(style) != valid)
                failures.Add($"0x{bits:X}: .NET valid={valid}");
            if (Number.IsSupportedIntegerStyle(style) && !valid)
                failures.Add($"0x{bits:X}: supported but invalid");
        }
        Assert.Empty(failures);
        Assert.Equal(SupportedStyles.Length, Enumerable.Range(0, 0x800).Count(b => Number.IsSupportedIntegerStyle((NumberStyles)b)));
    }

    [Fact]
    public void Unsupported_formats_are_the_ones_dotnet_rejects_or_does_differently()
    {
        // The digit-count limit is .NET's: 9 digits, leading zeros not counted.
        Assert.Throws<FormatException>(() => 1.TryFormat(new byte[16], out _, "D1000000000", Invariant));
        Assert.False(Number.TryParseIntegerFormat("D1000000000", out _, out _));
        Assert.True(Number.TryParseIntegerFormat("D999999999", out char fmt, out int digits));
        Assert.Equal(('D', 999999999), (fmt, digits));
        Assert.True(Number.TryParseIntegerFormat("x00000000000007", out fmt, out digits));
        Assert.Equal(('x', 7), (fmt, digits));
    }

    private static string Escape(string s) => s.Replace("\0", "\\0").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");
}
