// File operations (<linux/fs.h>: struct file_operations). A type is a device's file
// operations by implementing one interface per operation it supports. The build tool
// generates one static const file_operations per such type, with .owner = THIS_MODULE (an
// open file pins the module) and only the slots of the interfaces the type implements; the
// kernel's own behaviour answers the rest: read(2) and write(2) give EINVAL, ioctl(2)
// ENOTTY, lseek(2) ESPIPE. An interface has no default body: there is no code that never runs.
//
// Two families: these, for devices with no per-open state, and the ones in
// IFileOperationsOfT.cs, whose every operation receives the state Open created.
namespace KernelSharp.FileSystem
{
    /// <summary>A type whose static methods are a device's file operations (implement the operation interfaces).</summary>
    public interface IFileOperations
    {
    }

    /// <summary>open(2). An error refuses the open.</summary>
    public interface IOpen : IFileOperations
    {
        static abstract Result Open(File file);
    }

    /// <summary>The last close of an open file.</summary>
    public interface IRelease : IFileOperations
    {
        static abstract void Release(File file);
    }

    /// <summary>read(2): copy at most <c>destination.Length</c> bytes, advance <c>position</c>,
    /// return the count (0 at end of file).</summary>
    public interface IRead : IFileOperations
    {
        static abstract Result<nint> Read(File file, UserWriter destination, ref long position);
    }

    /// <summary>write(2): consume at most <c>source.Length</c> bytes, advance <c>position</c>,
    /// return the count taken.</summary>
    public interface IWrite : IFileOperations
    {
        static abstract Result<nint> Write(File file, UserReader source, ref long position);
    }

    /// <summary>lseek(2) (<c>llseek</c>): return the new position, which becomes the file's
    /// position; an error (EINVAL for a negative result) leaves it unchanged.</summary>
    public interface ISeek : IFileOperations
    {
        static abstract Result<long> Seek(File file, long offset, SeekOrigin origin);
    }

    /// <summary>ioctl(2) (<c>unlocked_ioctl</c>; 32-bit callers arrive through
    /// <c>compat_ptr_ioctl</c>). Return the value ioctl(2) returns; ENOTTY for a command the
    /// device does not know.</summary>
    public interface IIoctl : IFileOperations
    {
        static abstract Result<long> Ioctl(File file, IoctlCommand command, IoctlArgument argument);
    }
}
