// Kernel time (<linux/timekeeping.h>).
using KernelSharp.Interop;

namespace KernelSharp.Time
{
    /// <summary>The kernel's clocks.</summary>
    public static class Clock
    {
        /// <summary>CLOCK_MONOTONIC in nanoseconds (ktime_get_ns): never goes back; for measuring intervals.</summary>
        public static ulong MonotonicNanoseconds => Native.ksharp_ktime_get_ns();
    }
}
