// Support for the lockdep class of each lock creation site. The build tool intercepts every
// Mutex.Create call in a driver and routes it here with the class the generated C defines
// for that site, as C's mutex_init declares a static lock_class_key at each call site.
using System;
using KernelSharp.Sync;

namespace KernelSharp.Glue
{
    public static unsafe class LockClasses
    {
        public static Result Create(out Mutex mutex, nint lockClass) => Mutex.CreateInClass(out mutex, (void*)lockClass);

        public static Result Create<T>(out Mutex<T> mutex, nint lockClass) where T : unmanaged, IDisposable =>
            Mutex<T>.CreateInClass(out mutex, (void*)lockClass);
    }
}
