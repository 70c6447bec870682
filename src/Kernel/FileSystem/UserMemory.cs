// User memory (<linux/uaccess.h>: copy_from_user/copy_to_user), after Rust for Linux's
// UserSlice: a pointer from user space is never dereferenced by C#; every access is a
// bounded copy that reports EFAULT, and readers and writers advance, so no byte of user
// memory is fetched twice (a second fetch could see different data: a TOCTOU bug).
using System;
using KernelSharp.Interop;

namespace KernelSharp.FileSystem
{
    /// <summary>
    /// User memory a process hands to <c>write</c> (or an ioctl's input): <see cref="Length"/>
    /// bytes left at an address nobody has checked. Each read takes the next bytes; pass the
    /// reader on by <c>ref</c> (a copy would read the same bytes again, so ksharp refuses it).
    /// </summary>
    [NoCopy]
    public unsafe ref struct UserReader
    {
        private nint _address;
        private nuint _length;

        internal UserReader(nint address, nuint length) { _address = address; _length = length; }

        /// <summary>How many bytes are left to read.</summary>
        public nuint Length => _length;

        /// <summary>
        /// Copies the next min(<see cref="Length"/>, destination.Length) bytes into
        /// <paramref name="destination"/>, moves past them and returns that count; EFAULT if
        /// any of them cannot be read (a bad pointer): the reader does not move, and the
        /// destination holds nothing useful.
        /// </summary>
        [MaySleep]
        public Result<nint> CopyTo(scoped Span<byte> destination)
        {
            int count = _length < (nuint)destination.Length ? (int)_length : destination.Length;
            if (count == 0)
                return 0;
            fixed (byte* target = destination)
            {
                if (Native.ksharp_copy_from_user(target, _address, (nuint)count) != 0)
                    return Error.EFAULT;
            }
            Advance((nuint)count);
            return count;
        }

        /// <summary>
        /// Reads the next <c>sizeof(T)</c> bytes as a <typeparamref name="T"/> and moves past
        /// them. EFAULT if fewer are left or they cannot be read (<paramref name="value"/> is
        /// default then, and the reader does not move).
        /// </summary>
        [MaySleep]
        public Result Read<T>(out T value) where T : unmanaged
        {
            value = default;
            if (_length < (nuint)sizeof(T))
                return Error.EFAULT;
            fixed (T* target = &value)
            {
                if (Native.ksharp_copy_from_user(target, _address, (nuint)sizeof(T)) != 0)
                {
                    value = default;
                    return Error.EFAULT;
                }
            }
            Advance((nuint)sizeof(T));
            return Result.Ok;
        }

        /// <summary>Moves past <paramref name="count"/> bytes without reading them (at most what is left); returns how many.</summary>
        public nint Skip(nint count)
        {
            nuint skipped = count <= 0 ? 0 : _length < (nuint)count ? _length : (nuint)count;
            Advance(skipped);
            return (nint)skipped;
        }

        private void Advance(nuint count)
        {
            _address += (nint)count;
            _length -= count;
        }
    }

    /// <summary>
    /// User memory a process hands to <c>read</c> (or an ioctl's output): room for
    /// <see cref="Length"/> more bytes at an address nobody has checked. Each write fills the
    /// next bytes; pass the writer on by <c>ref</c>.
    /// </summary>
    [NoCopy]
    public unsafe ref struct UserWriter
    {
        private nint _address;
        private nuint _length;

        internal UserWriter(nint address, nuint length) { _address = address; _length = length; }

        /// <summary>How many bytes of room are left.</summary>
        public nuint Length => _length;

        /// <summary>
        /// Copies min(<see cref="Length"/>, source.Length) bytes to the next user memory, moves
        /// past them and returns the count; EFAULT if the destination is not writable (the
        /// writer does not move).
        /// </summary>
        [MaySleep]
        public Result<nint> CopyFrom(scoped ReadOnlySpan<byte> source)
        {
            int count = _length < (nuint)source.Length ? (int)_length : source.Length;
            if (count == 0)
                return 0;
            fixed (byte* data = source)
            {
                if (Native.ksharp_copy_to_user(_address, data, (nuint)count) != 0)
                    return Error.EFAULT;
            }
            Advance((nuint)count);
            return count;
        }

        /// <summary>Writes <paramref name="value"/> as the next <c>sizeof(T)</c> bytes. EFAULT if less room is left or it is not writable.</summary>
        [MaySleep]
        public Result Write<T>(T value) where T : unmanaged
        {
            if (_length < (nuint)sizeof(T))
                return Error.EFAULT;
            if (Native.ksharp_copy_to_user(_address, &value, (nuint)sizeof(T)) != 0)
                return Error.EFAULT;
            Advance((nuint)sizeof(T));
            return Result.Ok;
        }

        /// <summary>
        /// Fills the next min(<see cref="Length"/>, <paramref name="count"/>) bytes with zeros
        /// (clear_user), moves past them and returns that count; EFAULT if the destination is
        /// not writable, EINVAL for a negative count.
        /// </summary>
        [MaySleep]
        public Result<nint> Clear(nint count)
        {
            if (count < 0)
                return Error.EINVAL;
            nuint length = _length < (nuint)count ? _length : (nuint)count;
            if (length != 0 && Native.ksharp_clear_user(_address, length) != 0)
                return Error.EFAULT;
            Advance(length);
            return (nint)length;
        }

        private void Advance(nuint count)
        {
            _address += (nint)count;
            _length -= count;
        }
    }
}
