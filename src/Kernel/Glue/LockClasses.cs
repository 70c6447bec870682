// Support for the lockdep class of each lock creation site. The build tool intercepts every
// Mutex.Create and SpinLock.Create call in a driver and routes it here with the class the
// generated C defines for that site, as C's mutex_init and spin_lock_init declare a static
// lock_class_key at each call site.
using System;
using KernelSharp.Sync;

namespace KernelSharp.Glue
{
    public static unsafe class LockClasses
    {
        public static Result Create(out Mutex mutex, nint lockClass) => Mutex.CreateInClass(out mutex, (void*)lockClass);

        public static Result Create<T>(out Mutex<T> mutex, nint lockClass) where T : unmanaged, IDisposable =>
            Mutex<T>.CreateInClass(out mutex, (void*)lockClass);

        public static Result Create(out SpinLock spinLock, nint lockClass) => SpinLock.CreateInClass(out spinLock, (void*)lockClass);

        public static Result Create<T>(out SpinLock<T> spinLock, nint lockClass) where T : unmanaged, IDisposable =>
            SpinLock<T>.CreateInClass(out spinLock, (void*)lockClass);
    }
}
