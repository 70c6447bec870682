// printk (<linux/printk.h>) with the kernel log levels. Messages are formatted on the C#
// side through an interpolated string handler: type-checked holes, no varargs, no
// allocation, a bounded stack buffer, and a visible mark where text was cut.
using System;
using System.Runtime.CompilerServices;
using KernelSharp.Interop;
using KernelSharp.Text;

namespace KernelSharp
{
    /// <summary>The kernel log levels, KERN_EMERG (0) to KERN_DEBUG (7).</summary>
    public enum LogLevel
    {
        Emergency = 0,
        Alert = 1,
        Critical = 2,
        Error = 3,
        Warning = 4,
        Notice = 5,
        Info = 6,
        Debug = 7,
    }

    /// <summary>Writes lines to the kernel log (dmesg).</summary>
    public static unsafe class Log
    {
        /// <summary>Longest line, in bytes; longer text ends in <see cref="LogMessage.TruncationMark"/>.</summary>
        public const int MaxLineLength = LogMessage.MaxLength;

        public static void Write(LogLevel level, ReadOnlySpan<byte> utf8Line)
        {
            // A long plain line is cut the way a formatted one is, without the formatter:
            // at a character boundary, with the truncation mark in its last bytes.
            int keep = LogMessage.Fit(utf8Line, out ReadOnlySpan<byte> mark);
            if (!mark.IsEmpty)
            {
                fixed (byte* text = utf8Line)
                fixed (byte* marker = mark)
                    Native.ksharp_printk2((int)level, text, (uint)keep, marker, (uint)mark.Length);
                return;
            }
            fixed (byte* text = utf8Line)
                Native.ksharp_printk((int)level, text, (uint)utf8Line.Length);
        }

        public static void Write(LogLevel level, ref LogMessage message)
        {
            ReadOnlySpan<byte> text = message.Text;
            fixed (byte* pointer = text)
                Native.ksharp_printk((int)level, pointer, (uint)text.Length);
        }

        public static void Emergency(ReadOnlySpan<byte> utf8Line) => Write(LogLevel.Emergency, utf8Line);
        public static void Emergency(ref LogMessage message) => Write(LogLevel.Emergency, ref message);
        public static void Alert(ReadOnlySpan<byte> utf8Line) => Write(LogLevel.Alert, utf8Line);
        public static void Alert(ref LogMessage message) => Write(LogLevel.Alert, ref message);
        public static void Critical(ReadOnlySpan<byte> utf8Line) => Write(LogLevel.Critical, utf8Line);
        public static void Critical(ref LogMessage message) => Write(LogLevel.Critical, ref message);
        public static void Error(ReadOnlySpan<byte> utf8Line) => Write(LogLevel.Error, utf8Line);
        public static void Error(ref LogMessage message) => Write(LogLevel.Error, ref message);
        public static void Warning(ReadOnlySpan<byte> utf8Line) => Write(LogLevel.Warning, utf8Line);
        public static void Warning(ref LogMessage message) => Write(LogLevel.Warning, ref message);
        public static void Notice(ReadOnlySpan<byte> utf8Line) => Write(LogLevel.Notice, utf8Line);
        public static void Notice(ref LogMessage message) => Write(LogLevel.Notice, ref message);
        public static void Info(ReadOnlySpan<byte> utf8Line) => Write(LogLevel.Info, utf8Line);
        public static void Info(ref LogMessage message) => Write(LogLevel.Info, ref message);

        /// <summary>
        /// A dynamic debug message (pr_debug): off until turned on at run time, e.g.
        /// <c>echo 'file Foo.cs +p' &gt; /proc/dynamic_debug/control</c> or <c>insmod m.ko dyndbg=+p</c>;
        /// while off, nothing is formatted. Each call is a site in /proc/dynamic_debug/control
        /// with its file, line, method and text.
        /// </summary>
        public static void Debug(ReadOnlySpan<byte> utf8Line, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            void* site = DynamicDebug.EnabledSite(file, line);
            if (site != null)
                DynamicDebug.Print(site, utf8Line);
        }

        /// <inheritdoc cref="Debug(ReadOnlySpan{byte}, string, int)"/>
        public static void Debug(ref DebugMessage message)
        {
            if (message.Site != null)
                DynamicDebug.Print(message.Site, message.Message.Text);
        }
    }
}
