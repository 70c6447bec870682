// Atomic read-modify-write operations. The JIT expands each [Intrinsic] method below into one
// locked x86 instruction (lock cmpxchg, xchg, lock xadd), a full barrier as the kernel's
// atomic_*_return and cmpxchg are; the bodies are what .NET's own CoreLib has, never run on x64.
using System.Runtime.CompilerServices;

namespace System.Threading
{
    public static class Interlocked
    {
        [Intrinsic] public static int CompareExchange(ref int location, int value, int comparand) => CompareExchange(ref location, value, comparand);
        [Intrinsic] public static long CompareExchange(ref long location, long value, long comparand) => CompareExchange(ref location, value, comparand);
        [Intrinsic] public static int Exchange(ref int location, int value) => Exchange(ref location, value);
        [Intrinsic] public static long Exchange(ref long location, long value) => Exchange(ref location, value);
        [Intrinsic] public static int ExchangeAdd(ref int location, int value) => ExchangeAdd(ref location, value);
        [Intrinsic] public static long ExchangeAdd(ref long location, long value) => ExchangeAdd(ref location, value);

        public static int Add(ref int location, int value) => ExchangeAdd(ref location, value) + value;
        public static long Add(ref long location, long value) => ExchangeAdd(ref location, value) + value;

        /// <summary>Sets the bits of <paramref name="value"/> and returns the old value (a cmpxchg loop: x86 has no fetch-or).</summary>
        public static long Or(ref long location, long value)
        {
            long old = location;
            while (true)
            {
                long seen = CompareExchange(ref location, old | value, old);
                if (seen == old)
                    return old;
                old = seen;
            }
        }

        /// <summary>Keeps the bits of <paramref name="value"/> and returns the old value.</summary>
        public static long And(ref long location, long value)
        {
            long old = location;
            while (true)
            {
                long seen = CompareExchange(ref location, old & value, old);
                if (seen == old)
                    return old;
                old = seen;
            }
        }

        [Intrinsic] public static void MemoryBarrier() => MemoryBarrier();
    }

    /// <summary>Reads and writes the compiler neither drops, merges nor reorders (READ_ONCE/WRITE_ONCE): through a volatile field, as .NET's own fallback does.</summary>
    public static class Volatile
    {
        private struct VolatileInt32 { public volatile int Value; }
        private struct VolatileNInt { public volatile nint Value; } // x86-64: a long is a pointer-sized volatile

        public static int Read(ref readonly int location) => Unsafe.As<int, VolatileInt32>(ref Unsafe.AsRef(in location)).Value;
        public static long Read(ref readonly long location) => Unsafe.As<long, VolatileNInt>(ref Unsafe.AsRef(in location)).Value;
        public static void Write(ref int location, int value) => Unsafe.As<int, VolatileInt32>(ref location).Value = value;
        public static void Write(ref long location, long value) => Unsafe.As<long, VolatileNInt>(ref location).Value = (nint)value;
    }
}
