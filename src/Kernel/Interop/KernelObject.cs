// The check every owned kernel object makes before a call through it: a default (never
// created) or disposed value holds no pointer, and the call would hand the kernel NULL.
using System;

namespace KernelSharp.Interop
{
    internal static unsafe class KernelObject
    {
        /// <summary><paramref name="pointer"/>, or a kernel BUG that says <paramref name="failure"/> when it is null.</summary>
        public static void* Required(void* pointer, string failure)
        {
            if (pointer == null)
                Environment.FailFast(failure);
            return pointer;
        }
    }
}
