// The one error convention of the shims, read in one place: a shim that can fail returns
// 0 or a negative errno, or a pointer that is the kernel's ERR_PTR(-errno) on failure.
// C# never guesses an errno from a NULL.
using KernelSharp;

namespace KernelSharp.Interop
{
    internal static unsafe class ShimResult
    {
        /// <summary>IS_ERR_VALUE: error pointers are the top 4095 values of the address space.</summary>
        private static nuint FirstErrorPointer => unchecked((nuint)(nint)(-4095));

        /// <summary>Ok, or the errno an ERR_PTR carries. A NULL from such a shim is a shim bug.</summary>
        public static Result FromPointer(void* pointer)
        {
            if (pointer == null)
                System.Environment.FailFast("a shim returned NULL where it returns a pointer or ERR_PTR");
            return (nuint)pointer >= FirstErrorPointer ? Error.FromErrno((int)(nint)pointer) : Result.Ok;
        }

        /// <summary>Ok for 0 or a value (a major number, a count), else the negative errno.</summary>
        public static Result FromErrno(int status) => status >= 0 ? Result.Ok : Error.FromErrno(status);
    }
}
