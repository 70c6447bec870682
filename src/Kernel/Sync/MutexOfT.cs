// A sleeping lock that owns the data it guards, after Rust for Linux's Mutex<T>: the only
// way to the data is a guard, and the guard exists only while the lock is held.
using System;
using KernelSharp.Interop;

namespace KernelSharp.Sync
{
    /// <summary>
    /// A kernel mutex and the <typeparamref name="T"/> it guards, in one kernel allocation
    /// (the data never moves). Lock it to reach the data:
    /// <code>
    /// Result locked = device.Data.LockInterruptible(out MutexGuard&lt;ScullData&gt; guard);
    /// if (locked.Failed)
    ///     return locked.Error; // ERESTARTSYS: a signal ended the wait
    /// using (guard)
    ///     guard.Data.Size = 0;
    /// </code>
    /// Each <see cref="Create"/> call site in a driver is its own lockdep class, as each
    /// <c>mutex_init</c> is in C. <see cref="Dispose"/> disposes the data, then frees the
    /// mutex; it must not be held then.
    /// </summary>
    public unsafe struct Mutex<T> : IDisposable where T : unmanaged, IDisposable
    {
        private void* _mutex;
        private T* _data;

        /// <summary>A mutex around zeroed data. ENOMEM when memory runs out.</summary>
        [MaySleep]
        public static Result Create(out Mutex<T> mutex) => CreateInClass(out mutex, null);

        /// <summary>Create with the lockdep class of the call site (the build tool routes each call here).</summary>
        internal static Result CreateInClass(out Mutex<T> mutex, void* lockClass)
        {
            mutex = default;
            void* data;
            void* created = Native.ksharp_mutex_create(lockClass, (nuint)sizeof(T), &data);
            Result result = ShimResult.FromPointer(created);
            if (result.IsOk)
            {
                mutex._mutex = created;
                mutex._data = (T*)data;
            }
            return result;
        }

        public readonly bool IsEmpty => _mutex == null;

        /// <summary>
        /// Takes the mutex, sleeping while another task holds it (mutex_lock_interruptible).
        /// ERESTARTSYS if a signal arrives first: return it, and the kernel restarts the
        /// system call or reports EINTR. On success <paramref name="guard"/> reaches the data.
        /// </summary>
        [MaySleep]
        public readonly Result LockInterruptible(out MutexGuard<T> guard)
        {
            guard = default;
            Result locked = MutexCalls.LockInterruptible(MutexCalls.Required(_mutex));
            if (locked.IsOk)
                guard = new MutexGuard<T>(_mutex, _data);
            return locked;
        }

        /// <summary>Takes the mutex, sleeping as long as it takes (mutex_lock): for paths no signal may cut short.</summary>
        [MaySleep]
        public readonly MutexGuard<T> Lock()
        {
            Native.ksharp_mutex_lock(MutexCalls.Required(_mutex));
            return new MutexGuard<T>(_mutex, _data);
        }

        public void Dispose()
        {
            if (_mutex == null)
                return;
            _data->Dispose();
            Native.ksharp_mutex_destroy(_mutex);
            _mutex = null;
            _data = null;
        }
    }

    /// <summary>
    /// A held <see cref="Mutex{T}"/>: <see cref="Data"/> is the guarded data, and
    /// <see cref="Dispose"/> unlocks once. A default guard holds nothing and has no data.
    /// </summary>
    public unsafe ref struct MutexGuard<T> where T : unmanaged, IDisposable
    {
        private void* _mutex;
        private T* _data;

        internal MutexGuard(void* mutex, T* data)
        {
            _mutex = mutex;
            _data = data;
        }

        /// <summary>The mutex held, or null (for a wait that releases and retakes it).</summary>
        internal readonly void* Held => _mutex;

        /// <summary>The guarded data, for as long as this guard holds the lock.</summary>
        public readonly ref T Data
        {
            get
            {
                if (_data == null)
                    Environment.FailFast("InvalidOperationException: data of a mutex that is not held");
                return ref *_data;
            }
        }

        public void Dispose()
        {
            if (_mutex == null)
                return;
            Native.ksharp_mutex_unlock(_mutex);
            _mutex = null;
            _data = null;
        }
    }
}
