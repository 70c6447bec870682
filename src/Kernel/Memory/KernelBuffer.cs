// Kernel memory (<linux/slab.h>): kmalloc/kfree with explicit allocation flags.
using System;
using KernelSharp.Interop;

namespace KernelSharp.Memory
{
    /// <summary>
    /// Allocation flags. The numbers are KernelSharp's own: the shim maps them to the
    /// target kernel's GFP bits, whose values change between kernel versions.
    /// </summary>
    public enum Gfp : uint
    {
        /// <summary>GFP_KERNEL: may sleep to find memory. Process context only.</summary>
        Kernel = 0,
        /// <summary>GFP_ATOMIC: never sleeps, may dip into reserves; fails sooner.</summary>
        Atomic = 1,
        /// <summary>GFP_NOWAIT: never sleeps, no reserves.</summary>
        NoWait = 2,
    }

    /// <summary>
    /// An owned block of kernel memory (kmalloc). Allocation can fail and says so with
    /// ENOMEM; <see cref="Dispose"/> frees it once and leaves the value empty.
    /// </summary>
    public unsafe struct KernelBuffer : IDisposable
    {
        private byte* _pointer;
        private int _length;

        /// <summary>Allocates <paramref name="length"/> zeroed bytes.</summary>
        [MaySleep(UnlessAtomic = "flags")]
        public static Result Allocate(int length, Gfp flags, out KernelBuffer buffer)
        {
            buffer = default;
            if (length <= 0)
                return Error.EINVAL;
            byte* pointer = (byte*)Native.ksharp_kmalloc((nuint)length, (uint)flags);
            Result allocated = ShimResult.FromPointer(pointer);
            if (allocated.Failed)
                return allocated;
            buffer._pointer = pointer;
            buffer._length = length;
            return Result.Ok;
        }

        public readonly bool IsEmpty => _pointer == null;
        public readonly int Length => _length;
        public Span<byte> Span => new(_pointer, _length);

        /// <summary>The block's address, for printing (%p, hashed) only.</summary>
        public readonly KernelAddress Address => new(_pointer);

        /// <summary>Where byte <paramref name="offset"/> is, for printing (%p); <see cref="Length"/> gives the end.</summary>
        public readonly KernelAddress AddressAt(int offset)
        {
            if ((uint)offset > (uint)_length)
                Environment.FailFast("IndexOutOfRangeException: address past the end of a KernelBuffer");
            return new(_pointer + offset);
        }

        /// <summary>The address, for handing to a shim that keeps it (e.g. a name the kernel points to).</summary>
        internal byte* Pointer => _pointer;

        public void Dispose()
        {
            if (_pointer == null)
                return;
            Native.ksharp_kfree(_pointer);
            _pointer = null;
            _length = 0;
        }
    }
}
