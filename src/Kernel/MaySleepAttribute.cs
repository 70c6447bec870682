// The kernel's might_sleep(), said where a driver can see it: what may wait for memory, a
// lock, user memory or time, and so must not be called where the CPU cannot be given up.
using System;

namespace KernelSharp
{
    /// <summary>
    /// The member (or every member of the type) may sleep: it takes a mutex, copies user
    /// memory (which may fault a page in), allocates with <c>Gfp.Kernel</c>, waits, or
    /// registers with a kernel subsystem that does. ksharp refuses a call of it where the
    /// driver cannot sleep, as while a spin lock is held (error KS0008), following the
    /// driver's own methods that reach it. On the debug kernel,
    /// CONFIG_DEBUG_ATOMIC_SLEEP reports at run time what the build could not see.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = false)]
    public sealed class MaySleepAttribute : Attribute
    {
        /// <summary>
        /// The name of a <c>Gfp</c> parameter that decides: the call sleeps only when that
        /// argument is <c>Gfp.Kernel</c> or not a constant.
        /// </summary>
        public string UnlessAtomic { get; set; }
    }
}
