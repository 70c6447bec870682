// File operations (<linux/fs.h>: struct file_operations). A type is a device's file
// operations by implementing one interface per operation it supports. The build tool
// generates one static const file_operations per such type, with .owner = THIS_MODULE (an
// open file pins the module) and only the slots of the interfaces the type implements; the
// kernel's own behaviour answers the rest: read(2) and write(2) give EINVAL, ioctl(2)
// ENOTTY, lseek(2) ESPIPE. An interface has no default body: there is no code that never runs.
//
// Two families: one for devices with no per-open state, and one whose every operation
// receives the state Open created (private_data in C, after Rust for Linux's
// file::Operations with its per-file data). The state comes read-only ('in'): two threads
// may be in read, write or ioctl on one open file at once, so what changes goes in a
// Mutex<T> inside it; Release, the last call, gets it by ref. The generated glue allocates that state in
// kernel memory before Open (zeroed; ENOMEM refuses the open), and after Release, or after
// an Open that fails, disposes it (when TState is IDisposable) and frees it.
//
// Adding an operation: an interface in each family here, and a row in the build tool's
// FileOperationSlots.cs (see docs/architecture.md).
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

    /// <summary>poll(2), select(2) and epoll: register the wait queues whose wake-up may change the
    /// answer with <see cref="PollTable.Wait"/>, then say what is ready now. It may take a mutex to
    /// look, but never waits for readiness itself: the kernel does that.</summary>
    public interface IPoll : IFileOperations
    {
        static abstract PollMask Poll(File file, PollTable table);
    }

    /// <summary>fcntl(F_SETFL, O_ASYNC) and its undoing (also at the last close): add the file to, or
    /// remove it from, the <see cref="AsyncNotifier"/> that sends SIGIO (<see cref="AsyncNotifier.Update"/>).</summary>
    public interface IFasync : IFileOperations
    {
        static abstract Result Fasync(File file, int fd, bool on);
    }

    // With per-open state.

    /// <summary>A type whose static methods are file operations with per-open state <typeparamref name="TState"/>.</summary>
    public interface IFileOperations<TState> : IFileOperations where TState : unmanaged
    {
    }

    /// <summary>open(2): fill the state for the open file. An error refuses the open
    /// (and the state is disposed). Without this, the state starts zeroed.</summary>
    public interface IOpen<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract Result Open(File file, out TState state);
    }

    /// <summary>File operations whose open receives the device it was opened on (see <see cref="IOpen{TState, TDevice}"/>).</summary>
    public interface IDeviceFileOperations<TDevice> : IFileOperations where TDevice : unmanaged, System.IDisposable
    {
    }

    /// <summary>
    /// open(2) of a device registered with its <see cref="Memory.Shared{T}"/> data
    /// (<c>CharDevice.Add</c>, <c>MiscDevice.Register</c> with a device): fill the state, taking
    /// a share of the device if later operations need it (<c>state.Device = device.Share()</c>,
    /// released when the state is disposed). ENXIO, without calling this, once the device is gone.
    /// </summary>
    public interface IOpen<TState, TDevice> : IFileOperations<TState>, IDeviceFileOperations<TDevice>
        where TState : unmanaged where TDevice : unmanaged, System.IDisposable
    {
        static abstract Result Open(File file, in Memory.Shared<TDevice> device, out TState state);
    }

    /// <summary>The last close of an open file, before its state is disposed.</summary>
    public interface IRelease<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract void Release(ref TState state, File file);
    }

    /// <summary>read(2), as <see cref="IRead"/>, with the open file's state.</summary>
    public interface IRead<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract Result<nint> Read(in TState state, File file, UserWriter destination, ref long position);
    }

    /// <summary>write(2), as <see cref="IWrite"/>, with the open file's state.</summary>
    public interface IWrite<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract Result<nint> Write(in TState state, File file, UserReader source, ref long position);
    }

    /// <summary>lseek(2), as <see cref="ISeek"/>, with the open file's state.</summary>
    public interface ISeek<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract Result<long> Seek(in TState state, File file, long offset, SeekOrigin origin);
    }

    /// <summary>ioctl(2), as <see cref="IIoctl"/>, with the open file's state.</summary>
    public interface IIoctl<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract Result<long> Ioctl(in TState state, File file, IoctlCommand command, IoctlArgument argument);
    }

    /// <summary>poll(2), as <see cref="IPoll"/>, with the open file's state.</summary>
    public interface IPoll<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract PollMask Poll(in TState state, File file, PollTable table);
    }

    /// <summary>fasync, as <see cref="IFasync"/>, with the open file's state.</summary>
    public interface IFasync<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract Result Fasync(in TState state, File file, int fd, bool on);
    }
}
