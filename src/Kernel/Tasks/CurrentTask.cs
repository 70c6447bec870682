// The process a module's code runs for (<linux/sched.h>: current), as LDD's hellop prints it.
using System;
using System.Runtime.CompilerServices;
using KernelSharp.Devices;
using KernelSharp.Interop;

namespace KernelSharp.Tasks
{
    /// <summary>
    /// The task the calling code runs for: at insmod the insmod process, in a file operation
    /// the process making the system call.
    /// </summary>
    public static unsafe class CurrentTask
    {
        /// <summary>Its PID (<c>current-&gt;pid</c>; the thread's ID).</summary>
        public static int Pid => Native.ksharp_current_pid();

        /// <summary>
        /// Its real user ID (<c>current_uid()</c>), as the initial user namespace numbers it:
        /// the same number for the same user whichever task asks.
        /// </summary>
        public static uint Uid => Native.ksharp_current_uid();

        /// <summary>Its effective user ID (<c>current_euid()</c>; differs from <see cref="Uid"/> after a setuid exec).</summary>
        public static uint EffectiveUid => Native.ksharp_current_euid();

        /// <summary>
        /// The device number of its controlling terminal (<c>tty_devnum</c>), or false when it
        /// has none (a daemon, or a process started without one).
        /// </summary>
        public static bool TryGetControllingTerminal(out DeviceNumber terminal)
        {
            uint major, minor;
            bool has = Native.ksharp_current_tty(&major, &minor) != 0;
            terminal = has ? new DeviceNumber(major, minor) : default;
            return has;
        }

        /// <summary>Its command name (<c>current-&gt;comm</c>, at most 15 bytes), copied now.</summary>
        public static TaskCommand Command
        {
            get
            {
                TaskCommand command = default;
                Span<byte> text = command.Buffer;
                fixed (byte* buffer = text)
                    command.Length = (int)Native.ksharp_current_comm(buffer, (uint)text.Length);
                return command;
            }
        }
    }

    /// <summary>A copy of a task's command name; formats as its text in log messages.</summary>
    public struct TaskCommand : IUtf8SpanFormattable
    {
        /// <summary>TASK_COMM_LEN without the NUL: a command name is at most this long.</summary>
        public const int MaxLength = 15;

        private CommandBytes _bytes;

        internal int Length { get; set; }

        [System.Diagnostics.CodeAnalysis.UnscopedRef]
        internal Span<byte> Buffer => _bytes;

        /// <summary>The name's bytes (UTF-8 as far as user space set it).</summary>
        [System.Diagnostics.CodeAnalysis.UnscopedRef]
        public ReadOnlySpan<byte> Utf8 => Buffer.Slice(0, Length);

        public bool TryFormat(Span<byte> destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider provider)
        {
            ReadOnlySpan<byte> text = ((Span<byte>)_bytes).Slice(0, Length);
            bytesWritten = 0;
            if (text.Length > destination.Length)
                return false;
            text.CopyTo(destination);
            bytesWritten = text.Length;
            return true;
        }

        [InlineArray(MaxLength)]
        private struct CommandBytes
        {
            private byte _first;
        }
    }
}
