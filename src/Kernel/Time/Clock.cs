// Kernel time (<linux/timekeeping.h>).
using System;
using KernelSharp.Interop;

namespace KernelSharp.Time
{
    /// <summary>The kernel's clocks.</summary>
    public static unsafe class Clock
    {
        /// <summary>CLOCK_MONOTONIC in nanoseconds (ktime_get_ns): never goes back; for measuring intervals.</summary>
        public static ulong MonotonicNanoseconds => Native.ksharp_ktime_get_ns();

        /// <summary>CLOCK_REALTIME (ktime_get_real_ts64): wall-clock time, which settimeofday and NTP may move.</summary>
        public static WallTime RealTime
        {
            get
            {
                long seconds, nanoseconds;
                Native.ksharp_ktime_get_real(&seconds, &nanoseconds);
                return new WallTime(seconds, nanoseconds);
            }
        }

        /// <summary>CLOCK_REALTIME as of the last tick (ktime_get_coarse_real_ts64): cheaper, up to a jiffy old.</summary>
        public static WallTime CoarseRealTime
        {
            get
            {
                long seconds, nanoseconds;
                Native.ksharp_ktime_get_coarse_real(&seconds, &nanoseconds);
                return new WallTime(seconds, nanoseconds);
            }
        }
    }

    /// <summary>A wall-clock time: seconds since 1970 and nanoseconds into the second (struct timespec64).</summary>
    public readonly struct WallTime(long seconds, long nanoseconds)
    {
        public long Seconds { get; } = seconds;
        public long Nanoseconds { get; } = nanoseconds;
        public long Microseconds => Nanoseconds / 1000;
    }
}
