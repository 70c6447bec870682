// Atomic integers (<linux/atomic.h>): atomic_t and atomic64_t. Every operation is one
// locked x86 instruction, inline in the C# (no shim: an int is an int on every kernel),
// and each read-modify-write is a full barrier, as atomic_*_return is in the kernel.
using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace KernelSharp.Sync
{
    /// <summary>
    /// A 32-bit integer that tasks, CPUs, timers and interrupt handlers change at once without
    /// a lock (atomic_t): counters, reference counts, flags. Usable through any reference,
    /// read-only ones included (a module static, <c>Shared&lt;T&gt;.Value</c>), as Rust's
    /// atomics are; never copied (KS0001), since a copy would count on its own. Nothing
    /// here sleeps.
    /// </summary>
    [NoCopy]
    public struct Atomic32
    {
        private int _value;

        public Atomic32(int value) { _value = value; }

        private readonly ref int Value => ref Unsafe.AsRef(in _value);

        /// <summary>atomic_read.</summary>
        public readonly int Read() => Volatile.Read(in _value);

        /// <summary>atomic_set.</summary>
        public readonly void Set(int value) => Volatile.Write(ref Value, value);

        /// <summary>atomic_add_return: adds, and returns the new value.</summary>
        public readonly int Add(int delta) => Interlocked.Add(ref Value, delta);

        /// <summary>atomic_sub_return.</summary>
        public readonly int Subtract(int delta) => Interlocked.Add(ref Value, -delta);

        /// <summary>atomic_inc_return.</summary>
        public readonly int Increment() => Interlocked.Add(ref Value, 1);

        /// <summary>atomic_dec_return.</summary>
        public readonly int Decrement() => Interlocked.Add(ref Value, -1);

        /// <summary>atomic_dec_and_test: true when this decrement reached zero (the last reference).</summary>
        public readonly bool DecrementAndTest() => Interlocked.Add(ref Value, -1) == 0;

        /// <summary>atomic_xchg: stores <paramref name="value"/>, returns the old value.</summary>
        public readonly int Exchange(int value) => Interlocked.Exchange(ref Value, value);

        /// <summary>atomic_cmpxchg: stores <paramref name="value"/> if the value is <paramref name="expected"/>; returns the value it found.</summary>
        public readonly int CompareExchange(int expected, int value) => Interlocked.CompareExchange(ref Value, value, expected);

        /// <summary>atomic_add_unless: adds unless the value is <paramref name="unless"/>; true if it added.</summary>
        public readonly bool AddUnless(int delta, int unless)
        {
            int seen = Read();
            while (seen != unless)
            {
                int found = CompareExchange(seen, seen + delta);
                if (found == seen)
                    return true;
                seen = found;
            }
            return false;
        }
    }

    /// <summary>A 64-bit <see cref="Atomic32"/> (atomic64_t): byte counts, sequence numbers.</summary>
    [NoCopy]
    public struct Atomic64
    {
        private long _value;

        public Atomic64(long value) { _value = value; }

        private readonly ref long Value => ref Unsafe.AsRef(in _value);

        public readonly long Read() => Volatile.Read(in _value);
        public readonly void Set(long value) => Volatile.Write(ref Value, value);
        public readonly long Add(long delta) => Interlocked.Add(ref Value, delta);
        public readonly long Subtract(long delta) => Interlocked.Add(ref Value, -delta);
        public readonly long Increment() => Interlocked.Add(ref Value, 1);
        public readonly long Decrement() => Interlocked.Add(ref Value, -1);
        public readonly bool DecrementAndTest() => Interlocked.Add(ref Value, -1) == 0;
        public readonly long Exchange(long value) => Interlocked.Exchange(ref Value, value);
        public readonly long CompareExchange(long expected, long value) => Interlocked.CompareExchange(ref Value, value, expected);
    }

    /// <summary>
    /// 64 flag bits changed atomically one at a time (set_bit, clear_bit, test_and_set_bit on
    /// one unsigned long): "busy", "open", "data ready" flags shared with timers or interrupt
    /// handlers. A bit number outside 0..63 is a bug, stopped with a kernel BUG that names it.
    /// Like <see cref="Atomic32"/>, usable through any reference and never copied.
    /// </summary>
    [NoCopy]
    public struct AtomicBits
    {
        private long _bits;

        public AtomicBits(ulong bits) { _bits = (long)bits; }

        private readonly ref long Bits => ref Unsafe.AsRef(in _bits);

        private static long Mask(int bit)
        {
            if ((uint)bit >= 64)
                Environment.FailFast("IndexOutOfRangeException: bit number outside 0..63 of AtomicBits");
            return 1L << bit;
        }

        /// <summary>test_bit.</summary>
        public readonly bool Test(int bit) => (Volatile.Read(in _bits) & Mask(bit)) != 0;

        /// <summary>set_bit.</summary>
        public readonly void Set(int bit) => Interlocked.Or(ref Bits, Mask(bit));

        /// <summary>clear_bit.</summary>
        public readonly void Clear(int bit) => Interlocked.And(ref Bits, ~Mask(bit));

        /// <summary>test_and_set_bit: sets the bit; true if it was set already (someone else has it).</summary>
        public readonly bool TestAndSet(int bit)
        {
            long mask = Mask(bit);
            return (Interlocked.Or(ref Bits, mask) & mask) != 0;
        }

        /// <summary>test_and_clear_bit: clears the bit; true if it was set.</summary>
        public readonly bool TestAndClear(int bit)
        {
            long mask = Mask(bit);
            return (Interlocked.And(ref Bits, ~mask) & mask) != 0;
        }

        /// <summary>All 64 bits at once (a snapshot).</summary>
        public readonly ulong Read() => (ulong)Volatile.Read(in _bits);
    }
}
