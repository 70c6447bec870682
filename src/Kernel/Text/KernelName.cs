// Names the kernel keeps as C strings (device, class, region and /proc names).
using System;

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
    }
}
