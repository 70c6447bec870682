// Open files (<linux/fs.h>: struct file) as seen by file operations.
using KernelSharp.Interop;

namespace KernelSharp.FileSystem
{
    /// <summary>
    /// An open file the kernel lends to a file operation for the duration of the call.
    /// It is not owned: keep nothing of it after the operation returns.
    /// </summary>
    public readonly unsafe ref struct File
    {
        private readonly void* _file;

        internal File(void* file) { _file = file; }

        /// <summary>The open flags (O_ACCMODE bits, O_NONBLOCK, ...), as in <c>f_flags</c>.</summary>
        public OpenFlags Flags => (OpenFlags)Native.ksharp_file_flags(_file);
    }

    /// <summary>Open flags from <c>&lt;uapi/asm-generic/fcntl.h&gt;</c> (identical on every kernel version).</summary>
    [System.Flags]
    public enum OpenFlags : uint
    {
        ReadOnly = 0,
        WriteOnly = 1,
        ReadWrite = 2,
        AccessModeMask = 3,
        Create = 0x40,
        Truncate = 0x200,
        Append = 0x400,
        NonBlocking = 0x800,
    }
}
