// A spinning lock that owns the data it guards, in the shape of Mutex<T>: the only way to
// the data is a guard, the guard exists only while the lock is held, and ksharp refuses
// (KS0008) anything that may sleep while a guard is held.
using System;
using KernelSharp.Interop;

namespace KernelSharp.Sync
{
    /// <summary>
    /// A kernel spin lock and the <typeparamref name="T"/> it guards, in one kernel allocation
    /// (the data never moves). For data that code which cannot sleep also reaches (a timer,
    /// an interrupt handler), or for a few instructions' worth of work:
    /// <code>
    /// using (SpinLockGuard&lt;Counters&gt; guard = s_counters.Lock())
    ///     guard.Data.Opens++;
    /// </code>
    /// Holding it keeps this CPU from running other tasks, so nothing may sleep while a guard
    /// is held: no mutex, no user-memory copy, no allocation with <c>Gfp.Kernel</c>, no delay.
    /// ksharp refuses such a call at build time (KS0008), and requires each guard to be held
    /// by a <c>using</c>, so the held region is the using's scope.
    /// Take it with <see cref="LockBottomHalves"/> in process context when a timer or other
    /// softirq also takes it, and with <see cref="LockIrqSave"/> when an interrupt handler does;
    /// lockdep (the debug kernel) reports a lock taken both ways.
    /// Each <see cref="Create"/> call site in a driver is its own lockdep class, as each
    /// <c>spin_lock_init</c> is in C. <see cref="Dispose"/> disposes the data, then frees the
    /// lock; it must not be held then. On PREEMPT_RT kernels a spin lock is a sleeping lock
    /// underneath, and the same rules keep a driver correct on both.
    /// </summary>
    public unsafe struct SpinLock<T> : IDisposable where T : unmanaged, IDisposable
    {
        private void* _lock;
        private T* _data;

        /// <summary>A spin lock around zeroed data. ENOMEM when memory runs out. Allocates with GFP_KERNEL: process context.</summary>
        [MaySleep]
        public static Result Create(out SpinLock<T> spinLock) => CreateInClass(out spinLock, null);

        /// <summary>Create with the lockdep class of the call site (the build tool routes each call here).</summary>
        internal static Result CreateInClass(out SpinLock<T> spinLock, void* lockClass)
        {
            spinLock = default;
            void* data;
            void* created = Native.ksharp_spinlock_create(lockClass, (nuint)sizeof(T), &data);
            Result result = ShimResult.FromPointer(created);
            if (result.IsOk)
            {
                spinLock._lock = created;
                spinLock._data = (T*)data;
            }
            return result;
        }

        public readonly bool IsEmpty => _lock == null;

        /// <summary>Takes the lock, spinning while another CPU holds it (spin_lock).</summary>
        public readonly SpinLockGuard<T> Lock() => new(SpinLockCalls.Lock(_lock, SpinLockMode.Plain, out ulong flags), _data, SpinLockMode.Plain, flags);

        /// <summary>Takes the lock with softirqs (timers, tasklets) off on this CPU (spin_lock_bh).</summary>
        public readonly SpinLockGuard<T> LockBottomHalves() => new(SpinLockCalls.Lock(_lock, SpinLockMode.BottomHalves, out ulong flags), _data, SpinLockMode.BottomHalves, flags);

        /// <summary>Takes the lock with interrupts off on this CPU, restored by the unlock (spin_lock_irqsave).</summary>
        public readonly SpinLockGuard<T> LockIrqSave() => new(SpinLockCalls.Lock(_lock, SpinLockMode.IrqSave, out ulong flags), _data, SpinLockMode.IrqSave, flags);

        /// <summary>Takes the lock if no one holds it (spin_trylock); false, and an empty guard, if someone does.</summary>
        public readonly bool TryLock(out SpinLockGuard<T> guard)
        {
            guard = default;
            if (Native.ksharp_spin_trylock(SpinLockCalls.Required(_lock)) == 0)
                return false;
            guard = new SpinLockGuard<T>(_lock, _data, SpinLockMode.Plain, 0);
            return true;
        }

        public void Dispose()
        {
            if (_lock == null)
                return;
            _data->Dispose();
            Native.ksharp_spinlock_destroy(_lock);
            _lock = null;
            _data = null;
        }
    }

    /// <summary>
    /// A held <see cref="SpinLock{T}"/>: <see cref="Data"/> is the guarded data, and
    /// <see cref="Dispose"/> unlocks once, the way it was locked. A default guard holds nothing.
    /// </summary>
    public unsafe ref struct SpinLockGuard<T> where T : unmanaged, IDisposable
    {
        private void* _lock;
        private T* _data;
        private ulong _flags;
        private SpinLockMode _mode;

        internal SpinLockGuard(void* spinLock, T* data, SpinLockMode mode, ulong flags)
        {
            _lock = spinLock;
            _data = data;
            _mode = mode;
            _flags = flags;
        }

        /// <summary>The guarded data, for as long as this guard holds the lock.</summary>
        public readonly ref T Data
        {
            get
            {
                if (_data == null)
                    Environment.FailFast("InvalidOperationException: data of a spin lock that is not held");
                return ref *_data;
            }
        }

        public void Dispose()
        {
            if (_lock == null)
                return;
            SpinLockCalls.Unlock(_lock, _mode, _flags);
            _lock = null;
            _data = null;
        }
    }
}
