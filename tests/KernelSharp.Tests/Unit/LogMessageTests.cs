using System.Text;
using KernelSharp;

namespace KernelSharp.Tests.Unit;

// LogMessage.cs, Utf8Builder.cs and Error.cs are compiled into this test assembly from the
// kernel library's sources (see the csproj), so the formatter under test is the same code.
public class LogMessageTests
{
    private static string Text(ref LogMessage message) => Encoding.UTF8.GetString(message.Text);

    [Fact]
    public void Formats_literals_and_integer_holes()
    {
        int port = 0x10f4, code = 21;
        LogMessage message = $"ports {port:x}-{port + 3:X} code {code} status {2 * code + 1:D4}";
        Assert.Equal("ports 10f4-10F7 code 21 status 0043", Text(ref message));
        Assert.False(message.Truncated);
    }

    [Fact]
    public void Pads_aligned_holes_like_dotnet()
    {
        int small = 7, big = 12345;
        LogMessage message = $"[{small,4}][{small,-4}][{big,3}][{small,5:x2}][{-small,-3}]";
        Assert.Equal($"[{small,4}][{small,-4}][{big,3}][{small,5:x2}][{-small,-3}]", Text(ref message));
        Assert.Equal("[   7][7   ][12345][   07][-7 ]", Text(ref message));
    }

    [Fact]
    public void Padding_that_does_not_fit_marks_the_line_cut()
    {
        string fill = new('a', LogMessage.MaxLength - 2);
        LogMessage message = $"{fill}{1,5}";
        Assert.True(message.Truncated);
        Assert.EndsWith("[...]", Text(ref message));
    }

    [Fact]
    public void Formats_negative_values_and_type_widths_like_dotnet()
    {
        sbyte small = -1;
        long big = long.MinValue;
        LogMessage message = $"{small:x} {big} {(ulong)ulong.MaxValue} {true} {(short)-300}";
        Assert.Equal($"ff {long.MinValue} {ulong.MaxValue} True -300", Text(ref message));
    }

    [Fact]
    public void Formats_errors_by_kernel_name()
    {
        LogMessage message = $"failed: {Error.EBUSY}, {Error.ERESTARTSYS}, {Error.FromErrno(-99)}";
        Assert.Equal("failed: EBUSY (-16), ERESTARTSYS (-512), error -99", Text(ref message));
    }

    // Error.Name reads a packed table (no switch, so no jump table): every named error
    // must come back under its own name.
    [Fact]
    public void Every_named_error_formats_under_its_kernel_name()
    {
        var named = typeof(Error).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(p => p.PropertyType == typeof(Error)).ToList();
        Assert.True(named.Count >= 23);
        foreach (var property in named)
        {
            var error = (Error)property.GetValue(null)!;
            Assert.Equal(property.Name, Encoding.ASCII.GetString(error.Name));
        }
        Assert.True(Error.FromErrno(-3).Name.IsEmpty);
        Assert.True(Error.FromErrno(-4095).Name.IsEmpty);
    }

    [Fact]
    public void Encodes_utf16_literals_and_utf8_spans_as_utf8()
    {
        LogMessage message = $"grüße {"€"u8.ToArray().AsSpan()} 😀";
        Assert.Equal("grüße € 😀", Text(ref message));
    }

    [Fact]
    public void Cuts_long_lines_and_marks_the_cut()
    {
        string filler = new('a', 300);
        LogMessage message = $"{filler}{42}";
        string text = Text(ref message);
        Assert.True(message.Truncated);
        Assert.Equal(LogMessage.MaxLength, Encoding.UTF8.GetByteCount(text));
        Assert.EndsWith("[...]", text);
        Assert.StartsWith(new string('a', 200), text);
        Assert.DoesNotContain("42", text);
    }

    [Fact]
    public void Never_ends_a_cut_line_in_the_middle_of_a_character()
    {
        string wide = string.Concat(Enumerable.Repeat("€", 200)); // 3 bytes each
        LogMessage message = $"{wide}";
        byte[] bytes = message.Text.ToArray();
        Assert.True(message.Truncated);
        Assert.Equal(wide[..((LogMessage.MaxLength - 5) / 3)] + "[...]", new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
    }

    [Fact]
    public void A_line_that_fits_exactly_is_not_marked()
    {
        string exact = new('x', LogMessage.MaxLength);
        LogMessage message = $"{exact}";
        Assert.False(message.Truncated);
        Assert.Equal(exact, Text(ref message));
    }
}
