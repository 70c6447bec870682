// Usage counts (<linux/module.h>: try_module_get, module_put): while a reference is held,
// rmmod refuses to unload the module.
using System;
using KernelSharp.Interop;

namespace KernelSharp
{
    /// <summary>
    /// One reference on this module. Owned like any kernel resource: it comes from
    /// <see cref="TryTake"/>, moves with <c>Owned.Take</c>, and <see cref="Dispose"/> drops it
    /// exactly once (copies are refused at build time, KS0001). File operations need none: the
    /// generated tables name the module, so the kernel counts open files itself. Take one for
    /// work that outlives a call, such as a timer or a reference another module holds.
    /// </summary>
    public struct ModuleReference : IDisposable
    {
        private bool _held;

        /// <summary>Takes a reference (try_module_get). ENODEV when the module is being unloaded.</summary>
        public static Result TryTake(out ModuleReference reference)
        {
            reference = default;
            if (Native.ksharp_module_get() == 0)
                return Error.ENODEV;
            reference._held = true;
            return Result.Ok;
        }

        /// <summary>The module's usage count now, as lsmod shows it.</summary>
        public static int Count => Native.ksharp_module_refcount();

        public readonly bool IsEmpty => !_held;

        public void Dispose()
        {
            if (!_held)
                return;
            Native.ksharp_module_put();
            _held = false;
        }
    }
}
