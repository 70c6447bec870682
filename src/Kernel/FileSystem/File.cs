// Open files (<linux/fs.h>: struct file) as seen by file operations.
using KernelSharp.Devices;
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

        /// <summary>The kernel's struct file, for the library's shims.</summary>
        internal void* Pointer => _file;

        /// <summary>The open flags (O_ACCMODE bits, O_NONBLOCK, ...), as in <c>f_flags</c>.</summary>
        public OpenFlags Flags => (OpenFlags)Native.ksharp_file_flags(_file);

        /// <summary>The access mode: <see cref="OpenFlags.ReadOnly"/>, <see cref="OpenFlags.WriteOnly"/> or <see cref="OpenFlags.ReadWrite"/>.</summary>
        public OpenFlags AccessMode => Flags & OpenFlags.AccessModeMask;

        /// <summary>Whether the file may be read and written (<c>f_mode</c>), after the kernel's checks.</summary>
        public FileMode Mode => (FileMode)Native.ksharp_file_mode(_file);

        /// <summary>
        /// The file position (<c>f_pos</c>). Read and write get it as their <c>position</c>
        /// argument; <see cref="ISeek.Seek"/> uses this for SEEK_CUR.
        /// </summary>
        public long Position => Native.ksharp_file_position(_file);

        /// <summary>The device number of the node that was opened: which of a driver's minors this is.</summary>
        public DeviceNumber Device => new(Native.ksharp_file_major(_file), Native.ksharp_file_minor(_file));

        /// <summary>
        /// Makes the file a stream (<c>stream_open</c>), as pipes and sockets are: it has no
        /// position, so lseek, pread and pwrite give ESPIPE. Call it from Open.
        /// </summary>
        public void OpenAsStream() => Native.ksharp_file_stream_open(_file);
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

    /// <summary>What an open file allows (<c>FMODE_READ</c>, <c>FMODE_WRITE</c>); mapped by the shim.</summary>
    [System.Flags]
    public enum FileMode : uint
    {
        None = 0,
        Read = 1,
        Write = 2,
    }

    /// <summary>lseek's <c>whence</c> (<c>&lt;uapi/linux/fs.h&gt;</c>).</summary>
    public enum SeekOrigin
    {
        /// <summary>SEEK_SET: from the start.</summary>
        Begin = 0,
        /// <summary>SEEK_CUR: from the current position.</summary>
        Current = 1,
        /// <summary>SEEK_END: from the end of the data.</summary>
        End = 2,
        /// <summary>SEEK_DATA: the next data at or after the offset.</summary>
        Data = 3,
        /// <summary>SEEK_HOLE: the next hole at or after the offset.</summary>
        Hole = 4,
    }
}
