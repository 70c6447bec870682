// ioctl arguments: a value, or user memory reached only through bounded copies.
using KernelSharp.Interop;

namespace KernelSharp.FileSystem
{
    /// <summary>
    /// An ioctl's argument: a plain value or the address of user memory, depending on the
    /// command. A user address is never dereferenced by C#: <see cref="CopyFromUser{T}"/> and
    /// <see cref="CopyToUser{T}"/> copy and answer EFAULT for a bad one.
    /// </summary>
    public readonly unsafe struct IoctlArgument
    {
        private readonly nuint _value;

        internal IoctlArgument(nuint value) { _value = value; }

        /// <summary>The argument as a number (for _IO commands that pass a value).</summary>
        public nuint Value => _value;

        /// <summary>The argument as an int, as C's <c>(int)arg</c>.</summary>
        public int AsInt => (int)_value;

        /// <summary>Reads a T from the user address (get_user). EFAULT, and <paramref name="value"/> is default, if it cannot be read.</summary>
        public Result CopyFromUser<T>(out T value) where T : unmanaged
        {
            value = default;
            fixed (T* target = &value)
            {
                if (Native.ksharp_copy_from_user(target, (nint)_value, (nuint)sizeof(T)) != 0)
                {
                    value = default;
                    return Error.EFAULT;
                }
            }
            return Result.Ok;
        }

        /// <summary>Writes a T to the user address (put_user). EFAULT if it is not writable.</summary>
        public Result CopyToUser<T>(T value) where T : unmanaged
        {
            if (Native.ksharp_copy_to_user((nint)_value, &value, (nuint)sizeof(T)) != 0)
                return Error.EFAULT;
            return Result.Ok;
        }
    }
}
