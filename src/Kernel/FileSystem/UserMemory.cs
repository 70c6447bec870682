// User memory (<linux/uaccess.h>: copy_from_user/copy_to_user). A pointer from user space
// is never dereferenced by C#: every access is a bounded copy that reports EFAULT.
using System;
using KernelSharp.Interop;

namespace KernelSharp.FileSystem
{
    /// <summary>
    /// User memory a process hands to <c>write</c>: <see cref="Length"/> bytes at an address
    /// nobody has checked. Read it with <see cref="CopyTo"/>.
    /// </summary>
    public readonly unsafe ref struct UserReader
    {
        private readonly nint _address;
        private readonly nuint _length;

        internal UserReader(nint address, nuint length) { _address = address; _length = length; }

        /// <summary>How many bytes the caller passed.</summary>
        public nuint Length => _length;

        /// <summary>
        /// Copies the first min(<see cref="Length"/>, destination.Length) bytes into
        /// <paramref name="destination"/> and returns that count; EFAULT if any of them
        /// cannot be read (a bad pointer), in which case the destination holds nothing useful.
        /// </summary>
        public Result<int> CopyTo(Span<byte> destination)
        {
            int count = _length < (nuint)destination.Length ? (int)_length : destination.Length;
            if (count == 0)
                return 0;
            fixed (byte* target = destination)
            {
                if (Native.ksharp_copy_from_user(target, _address, (nuint)count) != 0)
                    return Error.EFAULT;
            }
            return count;
        }
    }

    /// <summary>
    /// User memory a process hands to <c>read</c>: room for <see cref="Length"/> bytes at an
    /// address nobody has checked. Fill it with <see cref="CopyFrom"/>.
    /// </summary>
    public readonly unsafe ref struct UserWriter
    {
        private readonly nint _address;
        private readonly nuint _length;

        internal UserWriter(nint address, nuint length) { _address = address; _length = length; }

        public nuint Length => _length;

        /// <summary>
        /// Copies min(<see cref="Length"/>, source.Length) bytes to user memory and returns the
        /// count; EFAULT if the destination is not writable.
        /// </summary>
        public Result<int> CopyFrom(ReadOnlySpan<byte> source)
        {
            int count = _length < (nuint)source.Length ? (int)_length : source.Length;
            if (count == 0)
                return 0;
            fixed (byte* data = source)
            {
                if (Native.ksharp_copy_to_user(_address, data, (nuint)count) != 0)
                    return Error.EFAULT;
            }
            return count;
        }

        /// <summary>
        /// Fills the first min(<see cref="Length"/>, <paramref name="count"/>) bytes with zeros
        /// (clear_user) and returns that count; EFAULT if the destination is not writable.
        /// </summary>
        public Result<nint> Clear(nint count)
        {
            if (count < 0)
                return Error.EINVAL;
            nuint length = _length < (nuint)count ? _length : (nuint)count;
            if (length != 0 && Native.ksharp_clear_user(_address, length) != 0)
                return Error.EFAULT;
            return (nint)length;
        }
    }
}
