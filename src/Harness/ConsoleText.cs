using System.Text;

namespace KernelSharp.Harness;

/// <summary>
/// Turns what a guest writes to its serial console into plain text. SeaBIOS and the kernel emit terminal control
/// sequences (<c>ESC c</c> resets the terminal, <c>ESC [2J</c> clears it, <c>ESC [?7l</c> turns off line wrap) and
/// the serial line ends lines with CR LF; none of that belongs in logs or assertions.
/// </summary>
public static class ConsoleText
{
    private const char Escape = '\x1b';
    private const char Bell = '\x07';

    /// <summary>
    /// Removes terminal escape sequences (CSI, OSC, DCS and the two- and three-character ESC forms), carriage
    /// returns and the other control characters except tab and line feed.
    /// </summary>
    public static string StripControlSequences(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAnyInRange('\0', '\x1f') && !text.Contains('\x7f'))
            return text;

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == Escape)
            {
                i = SkipEscapeSequence(text, i + 1);
                continue;
            }
            if (c is '\t' or '\n' || (c >= ' ' && c != '\x7f'))
                result.Append(c);
            i++;
        }
        return result.ToString();
    }

    // Returns the index just past the sequence whose ESC was at start - 1. A sequence cut off by the end of the text
    // is dropped whole.
    private static int SkipEscapeSequence(string text, int start)
    {
        if (start >= text.Length)
            return start;
        var i = start;
        switch (text[i])
        {
            case '[':
                // CSI: parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, then one final byte 0x40-0x7E.
                i++;
                while (i < text.Length && text[i] is >= '\x30' and <= '\x3f') i++;
                while (i < text.Length && text[i] is >= '\x20' and <= '\x2f') i++;
                return i < text.Length && text[i] is >= '\x40' and <= '\x7e' ? i + 1 : i;
            case ']' or 'P' or 'X' or '^' or '_':
                // OSC, DCS, SOS, PM, APC: a string ended by BEL (OSC only, but harmless) or ST (ESC \).
                i++;
                while (i < text.Length)
                {
                    if (text[i] == Bell)
                        return i + 1;
                    if (text[i] == Escape && i + 1 < text.Length && text[i + 1] == '\\')
                        return i + 2;
                    i++;
                }
                return i;
            default:
                // ESC, optional intermediate bytes (as in ESC ( B), then a final byte: ESC c, ESC 7, ESC =, ...
                while (i < text.Length && text[i] is >= '\x20' and <= '\x2f') i++;
                return i < text.Length && text[i] is >= '\x30' and <= '\x7e' ? i + 1 : i;
        }
    }
}
