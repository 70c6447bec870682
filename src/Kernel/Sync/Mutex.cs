// Sleeping locks (<linux/mutex.h>). The mutex itself lives in kernel memory the shim
// allocates, because struct mutex's layout depends on the kernel's configuration.
using System;
using KernelSharp.Interop;

namespace KernelSharp.Sync
{
    /// <summary>
    /// A kernel mutex: a sleeping lock for process context (file operations, init, exit).
    /// Lock it with <see cref="LockInterruptible"/> in anything user space waits on, so a
    /// signal can end the wait; the returned guard unlocks once when disposed:
    /// <code>
    /// if (device.Lock.LockInterruptible(out MutexGuard guard).Failed)
    ///     return Error.ERESTARTSYS;
    /// using (guard) { ... }
    /// </code>
    /// <see cref="Dispose"/> frees the mutex once; it must not be held then.
    /// </summary>
    public unsafe struct Mutex : IDisposable
    {
        private void* _mutex;

        /// <summary>Allocates and initializes a mutex. ENOMEM when memory runs out.</summary>
        public static Result Create(out Mutex mutex)
        {
            mutex = default;
            void* created = Native.ksharp_mutex_create();
            if (created == null)
                return Error.ENOMEM;
            mutex._mutex = created;
            return Result.Ok;
        }

        public bool IsEmpty => _mutex == null;

        /// <summary>
        /// Takes the mutex, sleeping while another task holds it (mutex_lock_interruptible).
        /// ERESTARTSYS if a signal arrives first: return it, and the kernel restarts the
        /// system call or reports EINTR.
        /// </summary>
        public Result LockInterruptible(out MutexGuard guard)
        {
            guard = default;
            if (Native.ksharp_mutex_lock_interruptible(Required()) != 0)
                return Error.ERESTARTSYS;
            guard = new MutexGuard(_mutex);
            return Result.Ok;
        }

        /// <summary>Takes the mutex, sleeping as long as it takes (mutex_lock): for paths no signal may cut short.</summary>
        public MutexGuard Lock()
        {
            Native.ksharp_mutex_lock(Required());
            return new MutexGuard(_mutex);
        }

        private void* Required()
        {
            if (_mutex == null)
                Environment.FailFast("InvalidOperationException: lock of a mutex that was never created or already freed");
            return _mutex;
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
}
