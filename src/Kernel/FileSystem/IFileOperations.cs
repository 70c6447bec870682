// File operations (<linux/fs.h>: struct file_operations). The build tool generates one
// static const file_operations per implementing type, with .owner = THIS_MODULE (an open
// file pins the module) and only the slots the type implements; the kernel's defaults
// apply to the rest.
namespace KernelSharp.FileSystem
{
    /// <summary>
    /// What a device does when user space opens, reads, writes, seeks, controls and closes
    /// it. Implement the members you need as <c>public static</c> methods; only those fill
    /// the kernel's table, and the kernel's defaults answer the rest (read(2) and write(2)
    /// without <c>Read</c>/<c>Write</c> give EINVAL, ioctl(2) without <c>Ioctl</c> gives
    /// ENOTTY, lseek(2) without <c>Seek</c> gives ESPIPE).
    /// </summary>
    public interface IFileOperations
    {
        /// <summary>open(2). An error refuses the open.</summary>
        static virtual Result Open(File file) => Result.Ok;

        /// <summary>The last close of an open file.</summary>
        static virtual void Release(File file) { }

        /// <summary>read(2): copy at most <c>destination.Length</c> bytes, advance
        /// <paramref name="position"/>, return the count (0 at end of file).</summary>
        static virtual Result<nint> Read(File file, UserWriter destination, ref long position) => Error.EINVAL;

        /// <summary>write(2): consume at most <c>source.Length</c> bytes, advance
        /// <paramref name="position"/>, return the count taken.</summary>
        static virtual Result<nint> Write(File file, UserReader source, ref long position) => Error.EINVAL;

        /// <summary>lseek(2) (<c>llseek</c>): return the new position, which becomes the
        /// file's position; an error (EINVAL for a negative result) leaves it unchanged.</summary>
        static virtual Result<long> Seek(File file, long offset, SeekOrigin origin) => Error.EINVAL;

        /// <summary>ioctl(2) (<c>unlocked_ioctl</c>; 32-bit callers arrive through
        /// <c>compat_ptr_ioctl</c>). Return the value ioctl(2) returns; ENOTTY for a command
        /// the device does not know.</summary>
        static virtual Result<long> Ioctl(File file, IoctlCommand command, IoctlArgument argument) => Error.ENOTTY;
    }
}
