// Sleeping locks (<linux/mutex.h>) that guard no data of their own: they serialize a
// sequence, such as a read-modify-write of module parameters the kernel also reaches, or
// a conversation with hardware. A lock around data is a Mutex<T> (MutexOfT.cs).
using System;
using KernelSharp.Interop;

namespace KernelSharp.Sync
{
    /// <summary>
    /// A kernel mutex: a sleeping lock for process context (file operations, init, exit).
    /// Each <see cref="Create"/> call site in a driver is its own lockdep class, as each
    /// <c>mutex_init</c> is in C. Lock it with <see cref="LockInterruptible"/> in anything user
    /// space waits on, so a signal can end the wait:
    /// <code>
    /// Result locked = s_lock.LockInterruptible(out MutexGuard guard);
    /// if (locked.Failed)
    ///     return locked.Error; // ERESTARTSYS
    /// using (guard) { ... }
    /// </code>
    /// <see cref="Dispose"/> frees the mutex once; it must not be held then.
    /// </summary>
    public unsafe struct Mutex : IDisposable
    {
        private void* _mutex;

        /// <summary>Allocates and initializes a mutex. ENOMEM when memory runs out.</summary>
        [MaySleep]
        public static Result Create(out Mutex mutex) => CreateInClass(out mutex, null);

        /// <summary>Create with the lockdep class of the call site (the build tool routes each call here).</summary>
        internal static Result CreateInClass(out Mutex mutex, void* lockClass)
        {
            mutex = default;
            void* data;
            void* created = Native.ksharp_mutex_create(lockClass, 0, &data);
            Result result = ShimResult.FromPointer(created);
            if (result.IsOk)
                mutex._mutex = created;
            return result;
        }

        public readonly bool IsEmpty => _mutex == null;

        /// <summary>
        /// Takes the mutex, sleeping while another task holds it (mutex_lock_interruptible).
        /// ERESTARTSYS if a signal arrives first: return it, and the kernel restarts the
        /// system call or reports EINTR.
        /// </summary>
        [MaySleep]
        public readonly Result LockInterruptible(out MutexGuard guard)
        {
            guard = default;
            Result locked = MutexCalls.LockInterruptible(MutexCalls.Required(_mutex));
            if (locked.IsOk)
                guard = new MutexGuard(_mutex);
            return locked;
        }

        /// <summary>Takes the mutex, sleeping as long as it takes (mutex_lock): for paths no signal may cut short.</summary>
        [MaySleep]
        public readonly MutexGuard Lock()
        {
            Native.ksharp_mutex_lock(MutexCalls.Required(_mutex));
            return new MutexGuard(_mutex);
        }

        public void Dispose()
        {
            if (_mutex == null)
                return;
            Native.ksharp_mutex_destroy(_mutex);
            _mutex = null;
        }
    }

    /// <summary>A held <see cref="Mutex"/>; <see cref="Dispose"/> unlocks it once. A default guard holds nothing.</summary>
    public unsafe ref struct MutexGuard
    {
        private void* _mutex;

        internal MutexGuard(void* mutex) { _mutex = mutex; }

        public void Dispose()
        {
            if (_mutex == null)
                return;
            Native.ksharp_mutex_unlock(_mutex);
            _mutex = null;
        }
    }

    /// <summary>What both mutex types do the same way.</summary>
    internal static unsafe class MutexCalls
    {
        public static void* Required(void* mutex) => KernelObject.Required(mutex, "InvalidOperationException: lock of a mutex that was never created or already freed");

        /// <summary>mutex_lock_interruptible: Ok, or ERESTARTSYS when a signal ended the wait.</summary>
        public static Result LockInterruptible(void* mutex) =>
            Native.ksharp_mutex_lock_interruptible(mutex) == 0 ? Result.Ok : Error.ERESTARTSYS;
    }
}
