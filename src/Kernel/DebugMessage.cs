// Dynamic debug for Log.Debug: each call in a driver is a site of the kernel's dynamic debug
// (a struct _ddebug in the generated C glue, listed in /proc/dynamic_debug/control with its
// C# file, line, method and format), off until `echo 'file Foo.cs +p' > .../control` or
// `insmod m.ko dyndbg=+p` turns it on. A site that is off formats nothing.
using System;
using System.Runtime.CompilerServices;
using KernelSharp.Interop;
using KernelSharp.Text;

namespace KernelSharp
{
    /// <summary>
    /// The message of a <see cref="Log.Debug(ref DebugMessage)"/> call. The compiler makes it from
    /// the interpolated string and passes the call's file and line; while that site is off, every
    /// append returns false at once, so nothing is formatted and no hole after the first is
    /// evaluated (start the text with words, not with a costly hole). Write <c>Log.Debug($"...")</c>:
    /// the build refuses any other use.
    /// </summary>
    /// <remarks>
    /// Not the trailing <c>out bool shouldAppend</c> of <see cref="ZoneMessage"/>, which would keep
    /// even the first hole unevaluated: with an out parameter the compiler builds the handler in a
    /// temporary the JIT zeroes on every call (all 272 bytes), ten times the cost of the site check
    /// (about 350 against 35 ns a call under QEMU's TCG).
    /// </remarks>
    [InterpolatedStringHandler]
    public unsafe ref struct DebugMessage
    {
        internal LogMessage Message;
        // The site's struct _ddebug while it is enabled, else null (and Message unset).
        internal readonly void* Site;

        public DebugMessage(int literalLength, int formattedCount, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            // An off site costs the lookup and no more: the 256-byte line buffer is not cleared.
            Unsafe.SkipInit(out this);
            Site = DynamicDebug.EnabledSite(file, line);
            if (Site != null)
                Message = new LogMessage(literalLength, formattedCount);
        }

        public bool AppendLiteral(string literal) { if (Site == null) return false; Message.AppendLiteral(literal); return true; }
        public bool AppendFormatted(string value) { if (Site == null) return false; Message.AppendFormatted(value); return true; }
        public bool AppendFormatted(scoped ReadOnlySpan<byte> utf8) { if (Site == null) return false; Message.AppendFormatted(utf8); return true; }
        public bool AppendFormatted(bool value) { if (Site == null) return false; Message.AppendFormatted(value); return true; }
        public bool AppendFormatted(char value) { if (Site == null) return false; Message.AppendFormatted(value); return true; }
        public bool AppendFormatted<T>(T value) where T : IUtf8SpanFormattable { if (Site == null) return false; Message.AppendFormatted(value); return true; }
        public bool AppendFormatted<T>(T value, string format) where T : IUtf8SpanFormattable { if (Site == null) return false; Message.AppendFormatted(value, format); return true; }
        public bool AppendFormatted<T>(T value, int alignment) where T : IUtf8SpanFormattable { if (Site == null) return false; Message.AppendFormatted(value, alignment); return true; }
        public bool AppendFormatted<T>(T value, int alignment, string format) where T : IUtf8SpanFormattable { if (Site == null) return false; Message.AppendFormatted(value, alignment, format); return true; }
    }

    internal static unsafe class DynamicDebug
    {
        /// <summary>The descriptor of the Log.Debug site at <paramref name="line"/> of <paramref name="file"/> while it is on, else null.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void* EnabledSite(string file, int line)
        {
            fixed (char* name = file)
                return GeneratedGlue.ksharp_dyndbg_site((uint)line, name, (uint)file.Length);
        }

        /// <summary>Prints a line through the site's descriptor; a long line is cut as <see cref="Log.Write(LogLevel, ReadOnlySpan{byte})"/> cuts it.</summary>
        internal static void Print(void* site, ReadOnlySpan<byte> utf8Line)
        {
            int keep = LogMessage.Fit(utf8Line, out ReadOnlySpan<byte> mark);
            fixed (byte* text = utf8Line)
            fixed (byte* marker = mark)
                Native.ksharp_dyndbg_print(site, text, (uint)keep, marker, (uint)mark.Length);
        }
    }
}
