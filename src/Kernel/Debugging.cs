// Debugging aids after LDD's chapter on debugging: hex dumps, rate-limited messages, and
// debug zones (categories a bitmask parameter switches on) that a release build compiles out.
using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using KernelSharp.Interop;

namespace KernelSharp
{
    public static unsafe class HexDump
    {
        /// <summary>
        /// Logs <paramref name="data"/> as print_hex_dump does: offset, 16 bytes a row in hex,
        /// then the printable characters. <paramref name="prefix"/> (at most 31 bytes) starts
        /// every row, e.g. "skull: ".
        /// </summary>
        public static void Write(LogLevel level, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data)
        {
            fixed (byte* text = prefix)
            fixed (byte* bytes = data)
                Native.ksharp_hex_dump((int)level, text, (uint)(prefix.Length < 31 ? prefix.Length : 31), bytes, (uint)data.Length);
        }
    }

    /// <summary>
    /// A rate limit for one kind of message, like the kernel's printk_ratelimited: at most
    /// <c>burst</c> messages per <c>interval</c>; when a new interval starts, one line says how
    /// many were suppressed. Keep one per message site in a static field:
    /// <code>
    /// private static RateLimit s_badWrites = new(intervalMilliseconds: 5000, burst: 10);
    /// if (s_badWrites.Allow()) Log.Warning($"bad write of {length} bytes");
    /// </code>
    /// Its counters are not atomic: concurrent callers may let a message more or less through.
    /// </summary>
    public struct RateLimit
    {
        private readonly int _intervalMilliseconds;
        private readonly int _burst;
        private ulong _windowStart;
        private int _allowed;
        private int _suppressed;

        public RateLimit(int intervalMilliseconds, int burst)
        {
            _intervalMilliseconds = intervalMilliseconds;
            _burst = burst;
            _windowStart = 0;
            _allowed = 0;
            _suppressed = 0;
        }

        /// <summary>The kernel's default: 10 messages every 5 seconds.</summary>
        public static RateLimit Default => new(5000, 10);

        /// <summary>Messages suppressed in the current interval so far.</summary>
        public readonly int Suppressed => _suppressed;

        /// <summary>Whether a message may be logged now; counts it either way.</summary>
        public bool Allow()
        {
            ulong now = Native.ksharp_uptime_ms();
            if (_windowStart == 0 || now - _windowStart >= (ulong)_intervalMilliseconds)
            {
                if (_suppressed > 0)
                    Log.Warning($"{_suppressed} messages suppressed by a rate limit");
                _windowStart = now == 0 ? 1 : now;
                _allowed = 0;
                _suppressed = 0;
            }
            if (_allowed < _burst)
            {
                _allowed++;
                return true;
            }
            _suppressed++;
            return false;
        }
    }

    /// <summary>
    /// Debug zones: categories of debug messages, switched on at run time by a bitmask (a
    /// module parameter, typically writable: <c>echo 3 &gt; /sys/module/m/parameters/debug_zones</c>).
    /// The calls exist only in a debug build (<c>ksharp build --debug</c> defines DEBUG): in a
    /// release build the compiler removes them with their arguments, so they cost nothing.
    /// When a zone is off, the message is not even formatted.
    /// </summary>
    public static class DebugZones
    {
        [Conditional("DEBUG")]
        public static void Log(uint enabledZones, uint zone,
            [InterpolatedStringHandlerArgument("enabledZones", "zone")] ref ZoneMessage message)
        {
            if (message.Enabled)
                KernelSharp.Log.Write(LogLevel.Debug, ref message.Message);
        }
    }

    /// <summary>The message of a <see cref="DebugZones.Log"/> call: formatted only when its zone is on.</summary>
    [InterpolatedStringHandler]
    public ref struct ZoneMessage
    {
        internal LogMessage Message;
        internal readonly bool Enabled;

        public ZoneMessage(int literalLength, int formattedCount, uint enabledZones, uint zone, out bool shouldAppend)
        {
            Message = new LogMessage(literalLength, formattedCount);
            Enabled = shouldAppend = (enabledZones & zone) != 0;
        }

        public void AppendLiteral(string literal) => Message.AppendLiteral(literal);
        public void AppendFormatted(string value) => Message.AppendFormatted(value);
        public void AppendFormatted(scoped ReadOnlySpan<byte> utf8) => Message.AppendFormatted(utf8);
        public void AppendFormatted(bool value) => Message.AppendFormatted(value);
        public void AppendFormatted(char value) => Message.AppendFormatted(value);
        public void AppendFormatted<T>(T value) where T : IUtf8SpanFormattable => Message.AppendFormatted(value);
        public void AppendFormatted<T>(T value, string format) where T : IUtf8SpanFormattable => Message.AppendFormatted(value, format);
        public void AppendFormatted<T>(T value, int alignment) where T : IUtf8SpanFormattable => Message.AppendFormatted(value, alignment);
        public void AppendFormatted<T>(T value, int alignment, string format) where T : IUtf8SpanFormattable => Message.AppendFormatted(value, alignment, format);
    }
}
