// File operations (<linux/fs.h>: struct file_operations). The build tool generates one
// static const file_operations per implementing type, with .owner = THIS_MODULE and only
// the slots the type implements; the kernel's defaults apply to the rest.
namespace KernelSharp.FileSystem
{
    /// <summary>
    /// What a device does when user space opens, reads, writes and closes it. Implement the
    /// members you need as <c>public static</c> methods; the rest stay empty in the kernel's
    /// table (so, for example, a device without <c>Read</c> answers read(2) with EINVAL).
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
    }
}
