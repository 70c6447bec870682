// Shared ownership (Rust's Arc<T>): one T in kernel memory, released when the last of its
// owners lets go. This is how a device's data reaches the files opened on it without the
// driver looking it up in module statics: each open file holds a share.
using System;
using KernelSharp.Interop;

namespace KernelSharp.Memory
{
    /// <summary>
    /// One owned share of a reference-counted <typeparamref name="T"/> in kernel memory. Each
    /// share is released once by <see cref="Dispose"/>; the last one disposes the value and
    /// frees it. <see cref="Value"/> is read-only, because other shares may be reading it at
    /// the same time: what changes belongs in a <see cref="Sync.Mutex{T}"/> inside T
    /// (<c>Shared&lt;Mutex&lt;ScullData&gt;&gt;</c>, Rust's <c>Arc&lt;Mutex&lt;T&gt;&gt;</c>).
    /// </summary>
    public unsafe struct Shared<T> : IDisposable where T : unmanaged, IDisposable
    {
        private void* _block;
        private T* _value;

        /// <summary>
        /// Moves <paramref name="value"/> into a new shared block, leaving it empty, and gives
        /// the first share. ENOMEM when memory runs out (<paramref name="value"/> is untouched).
        /// </summary>
        [MaySleep]
        public static Result Create(ref T value, out Shared<T> shared)
        {
            shared = default;
            void* data;
            void* block = Native.ksharp_shared_create((nuint)sizeof(T), &data);
            Result created = ShimResult.FromPointer(block);
            if (created.Failed)
                return created;
            *(T*)data = value;
            value = default;
            shared._block = block;
            shared._value = (T*)data;
            return Result.Ok;
        }

        public readonly bool IsEmpty => _block == null;

        /// <summary>Another share of the same value (an empty one from an empty share).</summary>
        public readonly Shared<T> Share()
        {
            if (_block != null)
                Native.ksharp_shared_get(_block);
            return new Shared<T> { _block = _block, _value = _value };
        }

        /// <summary>The value, read-only: every share may be reading it at once.</summary>
        public readonly ref readonly T Value
        {
            get
            {
                if (_block == null)
                    Environment.FailFast("InvalidOperationException: value of an empty Shared");
                return ref *_value;
            }
        }

        /// <summary>Where the value is, for printing (%p).</summary>
        public readonly KernelAddress Address => new(_value);

        public void Dispose()
        {
            void* block = _block;
            if (block == null)
                return;
            T* value = _value;
            _block = null;
            _value = null;
            if (Native.ksharp_shared_put(block) != 0)
                Release(block, value);
        }

        /// <summary>The block, for a registration that attaches it to a device.</summary>
        internal readonly void* Block => _block;

        /// <summary>Takes over a reference someone else took on <paramref name="block"/> (the open of a device).</summary>
        internal static Shared<T> Adopt(void* block) =>
            new() { _block = block, _value = (T*)Native.ksharp_shared_data(block) };

        /// <summary>After the last reference went: disposes the value and frees the block.</summary>
        internal static void Release(void* block) => Release(block, (T*)Native.ksharp_shared_data(block));

        private static void Release(void* block, T* value)
        {
            value->Dispose();
            Native.ksharp_shared_free(block);
        }
    }
}
