// A test module for spin locks and atomics in a booted kernel: their rules checked at load,
// and /dev/cklock, where every byte written counts one under a spin lock (each of its three
// forms in turn) and one in an atomic, so concurrent writers from user space can show that no count
// is lost. The counts are logged at unload; lockdep checks the locking on the debug kernel.
using System;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.Sync;

namespace Locking;

[KernelModule("locking", Description = "KernelSharp spin lock and atomic checks")]
public sealed class LockingModule : IKernelModule
{
    private static int s_passed;
    private static int s_failed;

    internal static SpinLock<Counts> s_counts;
    internal static Atomic32 s_writes;
    internal static AtomicBits s_forms;
    private static MiscDevice s_device;

    public static Result Init()
    {
        Check("atomic 32-bit"u8, Atomics32());
        Check("atomic 64-bit"u8, Atomics64());
        Check("atomic bits"u8, Bits());
        Result created = SpinLock<Counts>.Create(out s_counts);
        if (created.Failed)
            return created;
        Check("spin lock"u8, SpinLocks());
        Log.Info($"locking: {s_passed} passed, {s_failed} failed");
        return MiscDevice.Register<CountingDevice>("cklock"u8, out s_device, 0x1b6);
    }

    public static void Exit()
    {
        s_device.Dispose();
        int locked;
        using (SpinLockGuard<Counts> guard = s_counts.Lock())
            locked = guard.Data.Plain + guard.Data.BottomHalves + guard.Data.IrqSave;
        Log.Info($"locking: {s_writes.Read()} counted, {locked} under the lock, forms {s_forms.Read():x}");
        s_counts.Dispose();
    }

    private static bool Atomics32()
    {
        var counter = new Atomic32(5);
        bool arithmetic = counter.Increment() == 6 && counter.Add(10) == 16 && counter.Subtract(1) == 15 && counter.Decrement() == 14;
        bool exchanges = counter.CompareExchange(13, 1) == 14 && counter.Read() == 14
            && counter.CompareExchange(14, 1) == 14 && counter.Exchange(7) == 1 && counter.Read() == 7;
        bool unless = !counter.AddUnless(1, 7) && counter.Read() == 7 && counter.AddUnless(-6, 0) && counter.Read() == 1;
        bool last = counter.DecrementAndTest() && counter.Read() == 0 && !counter.DecrementAndTest();
        counter.Set(int.MaxValue);
        bool wraps = counter.Increment() == int.MinValue;
        return arithmetic && exchanges && unless && last && wraps;
    }

    private static bool Atomics64()
    {
        var bytes = new Atomic64(1L << 40);
        return bytes.Add(1L << 33) == (1L << 40) + (1L << 33) && bytes.Exchange(3) == (1L << 40) + (1L << 33)
            && bytes.CompareExchange(3, long.MinValue) == 3 && bytes.Read() == long.MinValue
            && bytes.Decrement() == long.MaxValue && bytes.Increment() == long.MinValue;
    }

    private static bool Bits()
    {
        var bits = new AtomicBits(0b100);
        bool first = !bits.TestAndSet(0) && bits.TestAndSet(0) && bits.Test(2) && !bits.Test(1);
        bits.Set(63);
        bits.Clear(2);
        bool high = bits.Read() == 0x8000_0000_0000_0001 && bits.TestAndClear(63) && !bits.TestAndClear(63);
        return first && high && bits.Read() == 1;
    }

    private static bool SpinLocks()
    {
        bool heldRefusesAnother, reentered;
        using (SpinLockGuard<Counts> guard = s_counts.Lock())
        {
            guard.Data.Plain = 41;
            bool took = s_counts.TryLock(out SpinLockGuard<Counts> other);
            using (other)
                heldRefusesAnother = !took;
        }
        if (s_counts.TryLock(out SpinLockGuard<Counts> again))
            using (again)
                reentered = ++again.Data.Plain == 42;
        else
            reentered = false;
        bool forms;
        using (SpinLockGuard<Counts> guard = s_counts.LockIrqSave())
            forms = guard.Data.Plain == 42;
        using (SpinLockGuard<Counts> guard = s_counts.LockBottomHalves())
        {
            forms &= guard.Data.Plain == 42;
            guard.Data.Plain = 0;
        }
        return heldRefusesAnother && reentered && forms;
    }

    private static void Check(ReadOnlySpan<byte> name, bool passed)
    {
        if (passed)
            s_passed++;
        else
            s_failed++;
        Log.Info($"locking: {(passed ? "ok" : "FAILED")} {name}");
    }
}

/// <summary>Writes counted under each form of the spin lock.</summary>
public struct Counts : IDisposable
{
    public int Plain;
    public int BottomHalves;
    public int IrqSave;

    public void Dispose() { }
}

/// <summary>
/// /dev/cklock: each byte written counts one in the atomic and one under the spin lock, taken
/// the way the count says, in a tight loop, so that writers on both CPUs overlap many times.
/// </summary>
public sealed class CountingDevice : IWrite
{
    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        int bytes = (int)Math.Min(source.Length, 4096);
        for (int i = 0; i < bytes; i++)
            Count();
        return bytes;
    }

    private static void Count()
    {
        int count = LockingModule.s_writes.Increment();
        switch (count % 3)
        {
            case 0:
                using (SpinLockGuard<Counts> guard = LockingModule.s_counts.Lock())
                    guard.Data.Plain = Widened(guard.Data.Plain);
                break;
            case 1:
                using (SpinLockGuard<Counts> guard = LockingModule.s_counts.LockBottomHalves())
                    guard.Data.BottomHalves = Widened(guard.Data.BottomHalves);
                break;
            default:
                using (SpinLockGuard<Counts> guard = LockingModule.s_counts.LockIrqSave())
                    guard.Data.IrqSave = Widened(guard.Data.IrqSave);
                break;
        }
        LockingModule.s_forms.Set(count % 3);
    }

    // value + 1, read and written a while apart: a lock that did not exclude the other CPU would lose counts.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int Widened(int value)
    {
        int spun = 0;
        for (int i = 0; i < 256; i++)
            spun += i & 1;
        return value + 1 + spun - 128;
    }
}
