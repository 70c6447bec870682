// Spinning locks (<linux/spinlock.h>) that guard no data of their own: they make a short
// sequence atomic against other CPUs, softirqs or interrupts. A lock around data is a
// SpinLock<T> (SpinLockOfT.cs), which says more.
using System;
using KernelSharp.Interop;

namespace KernelSharp.Sync
{
    /// <summary>
    /// A kernel spin lock that guards no data. Hold its guard in a <c>using</c>; nothing in
    /// the using may sleep (KS0008). See <see cref="SpinLock{T}"/> for which way to lock it.
    /// </summary>
    public unsafe struct SpinLock : IDisposable
    {
        private void* _lock;

        /// <summary>Allocates and initializes a spin lock. ENOMEM when memory runs out. Process context.</summary>
        [MaySleep]
        public static Result Create(out SpinLock spinLock) => CreateInClass(out spinLock, null);

        /// <summary>Create with the lockdep class of the call site (the build tool routes each call here).</summary>
        internal static Result CreateInClass(out SpinLock spinLock, void* lockClass)
        {
            spinLock = default;
            void* data;
            void* created = Native.ksharp_spinlock_create(lockClass, 0, &data);
            Result result = ShimResult.FromPointer(created);
            if (result.IsOk)
                spinLock._lock = created;
            return result;
        }

        public readonly bool IsEmpty => _lock == null;

        /// <summary>spin_lock.</summary>
        public readonly SpinLockGuard Lock() => new(SpinLockCalls.Lock(_lock, SpinLockMode.Plain, out ulong flags), SpinLockMode.Plain, flags);

        /// <summary>spin_lock_bh: softirqs off on this CPU while held.</summary>
        public readonly SpinLockGuard LockBottomHalves() => new(SpinLockCalls.Lock(_lock, SpinLockMode.BottomHalves, out ulong flags), SpinLockMode.BottomHalves, flags);

        /// <summary>spin_lock_irqsave: interrupts off on this CPU while held, restored by the unlock.</summary>
        public readonly SpinLockGuard LockIrqSave() => new(SpinLockCalls.Lock(_lock, SpinLockMode.IrqSave, out ulong flags), SpinLockMode.IrqSave, flags);

        public void Dispose()
        {
            if (_lock == null)
                return;
            Native.ksharp_spinlock_destroy(_lock);
            _lock = null;
        }
    }

    /// <summary>A held <see cref="SpinLock"/>; <see cref="Dispose"/> unlocks it once, the way it was locked.</summary>
    public unsafe ref struct SpinLockGuard
    {
        private void* _lock;
        private ulong _flags;
        private SpinLockMode _mode;

        internal SpinLockGuard(void* spinLock, SpinLockMode mode, ulong flags)
        {
            _lock = spinLock;
            _mode = mode;
            _flags = flags;
        }

        public void Dispose()
        {
            if (_lock == null)
                return;
            SpinLockCalls.Unlock(_lock, _mode, _flags);
            _lock = null;
        }
    }

    /// <summary>How a guard took its lock, so its unlock undoes exactly that.</summary>
    internal enum SpinLockMode : byte { Plain, BottomHalves, IrqSave }

    /// <summary>What both spin lock types do the same way.</summary>
    internal static unsafe class SpinLockCalls
    {
        public static void* Required(void* spinLock) => KernelObject.Required(spinLock, "InvalidOperationException: lock of a spin lock that was never created or already freed");

        /// <summary>Takes <paramref name="spinLock"/> in <paramref name="mode"/>; returns it, and the interrupt flags irqsave saved.</summary>
        public static void* Lock(void* spinLock, SpinLockMode mode, out ulong flags)
        {
            Required(spinLock);
            flags = 0;
            if (mode == SpinLockMode.IrqSave)
                flags = Native.ksharp_spin_lock_irqsave(spinLock);
            else if (mode == SpinLockMode.BottomHalves)
                Native.ksharp_spin_lock_bh(spinLock);
            else
                Native.ksharp_spin_lock(spinLock);
            return spinLock;
        }

        public static void Unlock(void* spinLock, SpinLockMode mode, ulong flags)
        {
            if (mode == SpinLockMode.IrqSave)
                Native.ksharp_spin_unlock_irqrestore(spinLock, flags);
            else if (mode == SpinLockMode.BottomHalves)
                Native.ksharp_spin_unlock_bh(spinLock);
            else
                Native.ksharp_spin_unlock(spinLock);
        }
    }
}
