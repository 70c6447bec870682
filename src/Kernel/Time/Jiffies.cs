// The kernel's tick count (<linux/jiffies.h>). HZ is a configuration choice, so it is asked
// of the running kernel, never compiled in.
using KernelSharp.Interop;

namespace KernelSharp.Time
{
    /// <summary>jiffies: ticks since boot, <see cref="PerSecond"/> of them per second.</summary>
    public static class Jiffies
    {
        /// <summary>A timeout that never runs out (MAX_SCHEDULE_TIMEOUT).</summary>
        public const long Forever = -1;

        /// <summary>get_jiffies_64: never wraps.</summary>
        public static ulong Now => Native.ksharp_jiffies();

        /// <summary>HZ of the running kernel.</summary>
        public static uint PerSecond => Native.ksharp_hz();

        /// <summary>msecs_to_jiffies: rounds up, so a delay is never shorter than asked.</summary>
        public static long FromMilliseconds(uint milliseconds) => (long)Native.ksharp_msecs_to_jiffies(milliseconds);

        /// <summary>jiffies_to_msecs.</summary>
        public static uint ToMilliseconds(ulong ticks) => Native.ksharp_jiffies_to_msecs(ticks);
    }
}
