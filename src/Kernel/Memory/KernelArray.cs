// Arrays in kernel memory (<linux/slab.h>: kcalloc/kfree): typed, owned, can fail.
using System;
using KernelSharp.Interop;

namespace KernelSharp.Memory
{
    /// <summary>
    /// An owned array of <typeparamref name="T"/> in kernel memory, zeroed at allocation.
    /// Allocation and growth can fail and say so with ENOMEM. <see cref="Dispose"/> frees
    /// the block once; elements that own resources themselves are released first by the
    /// owner (<see cref="KernelArray.DisposeAll"/> does both).
    /// </summary>
    public unsafe struct KernelArray<T> : IDisposable where T : unmanaged
    {
        private T* _items;
        private int _length;

        /// <summary>
        /// Allocates <paramref name="length"/> zeroed elements. EINVAL for length &lt;= 0;
        /// ENOMEM when memory runs out or the size is beyond what kmalloc gives, as kcalloc.
        /// </summary>
        [MaySleep(UnlessAtomic = "flags")]
        public static Result Allocate(int length, Gfp flags, out KernelArray<T> array)
        {
            array = default;
            if (length <= 0)
                return Error.EINVAL;
            if ((ulong)length * (ulong)sizeof(T) > int.MaxValue)
                return Error.ENOMEM;
            T* items = (T*)Native.ksharp_kmalloc((nuint)length * (nuint)sizeof(T), (uint)flags);
            Result allocated = ShimResult.FromPointer(items);
            if (allocated.Failed)
                return allocated;
            array._items = items;
            array._length = length;
            return Result.Ok;
        }

        public readonly bool IsEmpty => _items == null;
        public readonly int Length => _length;
        public Span<T> Span => new(_items, _length);

        /// <summary>The elements, read-only: for code that shares the array (module statics file operations read).</summary>
        public readonly ReadOnlySpan<T> ReadOnly => new(_items, _length);

        /// <summary>The element at <paramref name="index"/>, in place. A bad index is a fail-fast, as in .NET.</summary>
        public ref T this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_length)
                    Environment.FailFast("IndexOutOfRangeException: KernelArray index out of range");
                return ref _items[index];
            }
        }

        /// <summary>The block's address, for printing (%p, hashed) only.</summary>
        public readonly KernelAddress Address => new(_items);

        /// <summary>The address of element <paramref name="index"/>, for printing (%p, hashed) only.</summary>
        public readonly KernelAddress AddressOf(int index) => new(&_items[index]);

        /// <summary>
        /// Grows (or shrinks) to <paramref name="length"/> elements, keeping the first ones and
        /// zeroing new ones. On ENOMEM nothing changes. Elements move: refs taken before are stale.
        /// </summary>
        [MaySleep(UnlessAtomic = "flags")]
        public Result Resize(int length, Gfp flags)
        {
            if (length == _length)
                return Result.Ok;
            Result allocated = Allocate(length, flags, out KernelArray<T> bigger);
            if (allocated.Failed)
                return allocated;
            int kept = length < _length ? length : _length;
            new Span<T>(_items, kept).CopyTo(bigger.Span);
            Dispose();
            _items = bigger._items;
            _length = bigger._length;
            return Result.Ok;
        }

        public void Dispose()
        {
            if (_items == null)
                return;
            Native.ksharp_kfree(_items);
            _items = null;
            _length = 0;
        }
    }

    public static class KernelArray
    {
        /// <summary>Disposes every element, then frees the array: the teardown of an array of owned values.</summary>
        public static void DisposeAll<T>(ref KernelArray<T> array) where T : unmanaged, IDisposable
        {
            for (int i = 0; i < array.Length; i++)
                array[i].Dispose();
            array.Dispose();
        }
    }

    /// <summary>
    /// The address of kernel memory, only for printing: it formats as the kernel's %p does
    /// (hashed), so logs and /proc files never reveal where kernel memory is. A format of
    /// digits is C's field width: <c>{address:8}</c> prints as <c>%8p</c>.
    /// </summary>
    public readonly unsafe struct KernelAddress : IUtf8SpanFormattable
    {
        private readonly void* _address;

        internal KernelAddress(void* address) { _address = address; }

        public bool IsNull => _address == null;

        public bool TryFormat(Span<byte> destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider provider)
        {
            int width = -1;
            if (!format.IsEmpty && format.Length <= 2)
            {
                width = 0;
                foreach (char c in format)
                {
                    if (c is < '0' or > '9')
                    {
                        width = -1; // not a width: print as plain %p
                        break;
                    }
                    width = width * 10 + (c - '0');
                }
            }
            // Hashed pointers print as at most 16 hex digits, "(null)" for NULL, padded to
            // at most 99: 100 bytes hold any of them.
            Span<byte> text = stackalloc byte[100];
            uint length;
            fixed (byte* buffer = text)
                length = Native.ksharp_format_pointer(buffer, (uint)text.Length, _address, width < 0 ? -1 : width);
            bytesWritten = 0;
            if (length > (uint)destination.Length)
                return false;
            text.Slice(0, (int)length).CopyTo(destination);
            bytesWritten = (int)length;
            return true;
        }
    }
}
