// File operations with per-open state (private_data in C, after Rust for Linux's
// file::Operations with its per-file data). Open creates a TState, every other operation
// on the same open file receives it by reference, and Release ends it. The generated glue
// allocates it in kernel memory before Open (zeroed; ENOMEM refuses the open), and after
// Release, or after an Open that fails, disposes it (when TState is IDisposable) and frees it.
namespace KernelSharp.FileSystem
{
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

    /// <summary>The last close of an open file, before its state is disposed.</summary>
    public interface IRelease<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract void Release(ref TState state, File file);
    }

    /// <summary>read(2), as <see cref="IRead"/>, with the open file's state.</summary>
    public interface IRead<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract Result<nint> Read(ref TState state, File file, UserWriter destination, ref long position);
    }

    /// <summary>write(2), as <see cref="IWrite"/>, with the open file's state.</summary>
    public interface IWrite<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract Result<nint> Write(ref TState state, File file, UserReader source, ref long position);
    }

    /// <summary>lseek(2), as <see cref="ISeek"/>, with the open file's state.</summary>
    public interface ISeek<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract Result<long> Seek(ref TState state, File file, long offset, SeekOrigin origin);
    }

    /// <summary>ioctl(2), as <see cref="IIoctl"/>, with the open file's state.</summary>
    public interface IIoctl<TState> : IFileOperations<TState> where TState : unmanaged
    {
        static abstract Result<long> Ioctl(ref TState state, File file, IoctlCommand command, IoctlArgument argument);
    }
}
