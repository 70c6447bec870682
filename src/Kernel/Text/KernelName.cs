// Names the kernel keeps as C strings (device, class, region and /proc names).
using System;
using KernelSharp.Memory;

namespace KernelSharp.Text
{
    internal static class KernelName
    {
        /// <summary>
        /// Whether <paramref name="name"/> can become a kernel name of at most
        /// <paramref name="maxLength"/> bytes: not empty, no NUL (it would cut the C string),
        /// no '/' (it would name a path in /dev, /sys or /proc).
        /// </summary>
        public static bool IsValid(ReadOnlySpan<byte> name, int maxLength)
        {
            if (name.IsEmpty || name.Length > maxLength)
                return false;
            foreach (byte c in name)
                if (c == 0 || c == (byte)'/')
                    return false;
            return true;
        }

        /// <summary>
        /// A NUL-terminated copy of <paramref name="name"/> in kernel memory, for kernel objects
        /// that keep pointing to the name they were given (resources). EINVAL for a bad name.
        /// </summary>
        public static Result Copy(ReadOnlySpan<byte> name, int maxLength, out KernelBuffer copy)
        {
            copy = default;
            if (!IsValid(name, maxLength))
                return Error.EINVAL;
            Result allocated = KernelBuffer.Allocate(name.Length + 1, Gfp.Kernel, out copy);
            if (allocated.IsOk)
                name.CopyTo(copy.Span);
            return allocated;
        }
    }
}
