// A test module for the core library in a booted kernel: what C# promises (statics, spans,
// UTF-8 literals, static data, formatting) checked at load, and each failure .NET would
// throw turned into a kernel BUG that names it.
using System;
using System.Runtime.CompilerServices;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.IO;
using KernelSharp.Memory;
using KernelSharp.Sync;

// Unsafe on purpose: the failure checks read through a null pointer, and EchoDevice keeps a fixed buffer.
[assembly: KernelSharp.AllowUnsafeCode]

namespace CoreChecks;

[KernelModule("corechecks", Description = "KernelSharp core library checks")]
public sealed class CoreChecksModule : IKernelModule
{
    [ModuleParameter("Failure to provoke after the checks: 0 none, 1 index, 2 overflow, 3 divide, 4 cast, 5 null pointer, 6 null pointer three calls deep")]
    public static int fail;

    // Runtime values the compiler cannot fold away.
    [ModuleParameter("An index past the end of a 4-element span")]
    public static int index = 4;

    [ModuleParameter("A divisor of zero")]
    public static int divisor;

    [ModuleParameter("Writable at run time through sysfs", Permissions = ParameterPermissions.ReadAllWriteOwner)]
    public static int tunable = 5;

    [ModuleParameter("Refuse opens of /dev/cksession with ENOMEM after their state is allocated", Permissions = ParameterPermissions.ReadAllWriteOwner)]
    public static bool session_fail;

    [ModuleParameter("A bool parameter", Permissions = ParameterPermissions.ReadAllWriteOwner)]
    public static bool verbose;

    [ModuleParameter("An unsigned 64-bit parameter")]
    public static ulong big = 1;

    private static int s_passed;
    private static int s_failed;
    private static int s_counter = 40;

    private static ReadOnlySpan<int> Primes => [2, 3, 5, 7, 11, 13];
    private static ReadOnlySpan<byte> Greeting => "grüße"u8;

    public static Result Init()
    {
        Check("static field keeps its value"u8, Increment() == 41 && Increment() == 42);
        Check("static readonly data"u8, Primes.Length == 6 && Primes[5] == 13 && Sum(Primes) == 41);
        Check("UTF-8 literal"u8, Greeting.Length == 7 && Greeting[2] == 0xC3 && Greeting[3] == 0xBC);
        Check("static constructor ran once"u8, Lazy.Value == 55 && Lazy.Runs == 1);
        Check("stackalloc, slicing, copy"u8, Slicing());
        Check("parsing"u8, Parsing());
        Check("formatting"u8, Formatting());
        Check("nullable"u8, Nullable());
        Check("port region and port I/O"u8, Ports());
        Check("kernel buffer"u8, Buffer());

        Log.Info($"corechecks: values {-42} {0xBEEF:x} {0xBEEF:X8} {ulong.MaxValue} {long.MinValue} {true} {(byte)7:D3} {Error.ENOTTY}");
        Log.Info($"corechecks: long {Long300()}");
        Log.Info(PlainLong); // a plain line over the limit is cut the same way, without the formatter
        Log.Info($"corechecks: parameters tunable={tunable} verbose={verbose} big={big}");
        Log.Info($"corechecks: {s_passed} passed, {s_failed} failed");

        Result registered = MiscDevice.Register<EchoDevice>("corechecks"u8, out s_echo);
        if (registered.Failed)
            return registered;
        registered = MiscDevice.Register<SessionDevice>("cksession"u8, out s_session);
        if (registered.Failed)
            return registered;
        registered = TallyDevice.Register();
        if (registered.Failed)
            return registered;

        switch (fail)
        {
            case 1:
                Span<int> four = stackalloc int[4];
                four[index] = 1;
                break;
            case 2:
                int big = int.MaxValue - 1 + divisor;
                Log.Info($"corechecks: {checked(big + index)}");
                break;
            case 3:
                Log.Info($"corechecks: {100 / divisor}");
                break;
            case 4:
                Consume((Lazy)SomeObject());
                break;
            case 5:
                Log.Info($"corechecks: {ReadThrough(SomeAddress())}");
                break;
            case 6:
                Log.Info($"corechecks: {OuterFrame(SomeAddress())}");
                break;
        }
        return Result.Ok;
    }

    private static MiscDevice s_echo;
    private static MiscDevice s_session;

    public static void Exit()
    {
        TallyDevice.Free();
        s_session.Dispose();
        s_echo.Dispose();
        s_echo.Dispose(); // a second Dispose does nothing
        Log.Info($"corechecks: unloaded with tunable={tunable}, {EchoDevice.Opens} opens, {EchoDevice.Releases} releases");
        Log.Info($"corechecks: sessions: {SessionDevice.Opens} opened, {SessionDevice.Refused} refused, {SessionDevice.Releases} released, {SessionData.Disposals} disposed");
    }

    // Ports nothing in QEMU's PC decodes: reads float high, writes go nowhere.
    private static bool Ports()
    {
        if (PortRegion.Request(0x10e0, 8, "corechecks"u8, out PortRegion ports).Failed)
            return false;
        bool overlapRefused = PortRegion.Request(0x10e4, 8, "overlap"u8, out PortRegion overlap) is { Failed: true } r && r.Error == Error.EBUSY && overlap.IsEmpty;
        ports.WriteByte(0, 1);
        ports.WriteUInt16(2, 2);
        ports.WriteUInt32(4, 3);
        bool reads = ports.ReadByte(1) == 0xFF && ports.ReadUInt16(2) == 0xFFFF && ports.ReadUInt32(4) == 0xFFFFFFFF;
        bool shape = ports.Start == 0x10e0 && ports.Count == 8 && !ports.IsEmpty;
        ports.Dispose();
        ports.Dispose(); // released once: the second call does nothing
        bool invalid = PortRegion.Request(0xFFFC, 8, "wraps"u8, out _).Failed && PortRegion.Request(0x10e0, 0, "empty"u8, out _).Failed;
        // Released: the same range can be taken again.
        bool again = PortRegion.Request(0x10e0, 8, "corechecks"u8, out PortRegion second).IsOk;
        second.Dispose();
        return overlapRefused && reads && shape && invalid && again && ports.IsEmpty;
    }

    private static bool Buffer()
    {
        if (KernelBuffer.Allocate(4096, Gfp.Kernel, out KernelBuffer buffer).Failed)
            return false;
        bool zeroed = buffer.Span.IndexOf((byte)1) < 0 && buffer.Length == 4096;
        buffer.Span.Fill(7);
        bool written = buffer.Span[4095] == 7;
        buffer.Dispose();
        buffer.Dispose();
        return zeroed && written && buffer.IsEmpty && KernelBuffer.Allocate(0, Gfp.Kernel, out _).Error == Error.EINVAL;
    }

    private static void Check(ReadOnlySpan<byte> name, bool passed)
    {
        if (passed)
            s_passed++;
        else
            s_failed++;
        Log.Info($"corechecks: {(passed ? "ok" : "FAILED")} {name}");
    }

    private static int Increment() => ++s_counter;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint SomeAddress() => divisor;

    private static unsafe int ReadThrough(nint address) => *(int*)address;

    // Three C# frames under Init, for the kernel's unwinder to name in the oops.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int OuterFrame(nint address) => MiddleFrame(address + 0) + 1;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int MiddleFrame(nint address) => InnerFrame(address) + 2;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe int InnerFrame(nint address) => *(int*)address + 3;

    // The only objects kernel C# has are frozen literals; the compiler cannot see which one comes back.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object SomeObject() => index == 4 ? "a string" : null;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Consume(Lazy value) => Log.Info($"corechecks: cast gave {(value is null ? "null" : "an object")}");

    private static int Sum(ReadOnlySpan<int> values)
    {
        int sum = 0;
        foreach (int value in values)
            sum += value;
        return sum;
    }

    private static bool Slicing()
    {
        Span<byte> buffer = stackalloc byte[16];
        buffer.Fill(0xAA);
        "abc"u8.CopyTo(buffer[2..]);
        return buffer[0] == 0xAA && buffer[2] == (byte)'a' && buffer[4] == (byte)'c' && buffer[5] == 0xAA
            && buffer[^1] == 0xAA && buffer[2..5].SequenceEqual("abc"u8) && buffer.Slice(14).Length == 2;
    }

    private static bool Parsing() =>
        byte.TryParse("255"u8, out byte max) && max == 255
        && !byte.TryParse("256"u8, out _)
        && int.TryParse(" -17 "u8, out int negative) && negative == -17
        && !int.TryParse("12a"u8, out _)
        && ulong.TryParse("18446744073709551615"u8, out ulong top) && top == ulong.MaxValue;

    private static bool Formatting()
    {
        Span<byte> text = stackalloc byte[32];
        return (-1234).TryFormat(text, out int written) && text[..written].SequenceEqual("-1234"u8)
            && 255u.TryFormat(text, out written, "x4") && text[..written].SequenceEqual("00ff"u8)
            && !int.MinValue.TryFormat(text[..5], out written) && written == 0;
    }

    private static bool Nullable()
    {
        int? none = null;
        int? some = 5;
        return !none.HasValue && some.HasValue && some.Value == 5 && none.GetValueOrDefault(9) == 9;
    }

    private static ReadOnlySpan<byte> PlainLong =>
        "corechecks: plain 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"u8
        + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"u8
        + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"u8;

    private static ReadOnlySpan<byte> Long300()
    {
        return "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"u8
             + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"u8
             + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"u8;
    }
}

// A static constructor the compiler cannot run at build time (it loops), so it runs at first use.
internal sealed class Lazy
{
    public static readonly int Value;
    public static int Runs;

    static Lazy()
    {
        int sum = 0;
        for (int i = 1; i <= 10; i++)
            sum += i;
        Value = sum;
        Runs++;
    }
}

/// <summary>/dev/corechecks: keeps the last 64 bytes written and reads them back from the file position.</summary>
public sealed class EchoDevice : IOpen, IRelease, IRead, IWrite
{
    private const int Capacity = 64;
    private static Store s_store;
    public static int Opens;
    public static int Releases;

    private unsafe struct Store
    {
        public fixed byte Data[Capacity];
        public int Length;
    }

    public static Result Open(File file)
    {
        Opens++;
        return Result.Ok;
    }

    public static void Release(File file) => Releases++;

    public static unsafe Result<nint> Write(File file, UserReader source, ref long position)
    {
        fixed (byte* data = s_store.Data)
        {
            Result<nint> copied = source.CopyTo(new Span<byte>(data, Capacity));
            if (copied.Failed)
                return copied.Error;
            s_store.Length = (int)copied.Value;
            position = copied.Value;
            return copied.Value;
        }
    }

    public static unsafe Result<nint> Read(File file, UserWriter destination, ref long position)
    {
        // Read the length once: a write on another CPU may change it meanwhile. (The data may
        // still tear; this test device takes no lock.)
        int length = s_store.Length;
        if (position < 0 || position >= length)
            return 0;
        fixed (byte* data = s_store.Data)
        {
            Result<nint> copied = destination.CopyFrom(new ReadOnlySpan<byte>(data + position, length - (int)position));
            if (copied.Failed)
                return copied.Error;
            position += copied.Value;
            return copied.Value;
        }
    }
}

/// <summary>What one open of /dev/cksession keeps: a buffer of its own and how much of it was written and read.</summary>
public struct SessionData : IDisposable
{
    public const int Capacity = 32;
    public static int Disposals;
    public KernelBuffer Notes;
    public int Length;
    public int ReadOffset;

    public void Dispose()
    {
        if (!Notes.IsEmpty)
            Disposals++;
        Notes.Dispose();
    }
}

/// <summary>
/// One open of /dev/cksession. Operations get it read-only (two threads may use one open
/// file at once), so what changes is behind a lock of its own.
/// </summary>
public struct Session : IDisposable
{
    public Mutex<SessionData> Data;

    public void Dispose() => Data.Dispose();
}

/// <summary>
/// /dev/cksession: per-open state. Each open file keeps the last write (up to 32 bytes) for
/// itself and reads it back; two open files never see each other's data.
/// </summary>
public sealed class SessionDevice : IOpen<Session>, IRelease<Session>, IRead<Session>, IWrite<Session>
{
    public static int Opens;
    public static int Refused;
    public static int Releases;

    public static Result Open(File file, out Session session)
    {
        session = default;
        Result created = Mutex<SessionData>.Create(out session.Data);
        if (created.Failed)
            return created;
        using (MutexGuard<SessionData> guard = session.Data.Lock())
        {
            Result allocated = KernelBuffer.Allocate(SessionData.Capacity, Gfp.Kernel, out guard.Data.Notes);
            if (allocated.Failed)
                return allocated;
        }
        if (CoreChecksModule.session_fail)
        {
            Refused++;
            return Error.ENOMEM; // the glue disposes the state: its buffer is not leaked
        }
        Opens++;
        return Result.Ok;
    }

    public static void Release(ref Session session, File file) => Releases++;

    public static Result<nint> Write(in Session session, File file, UserReader source, ref long position)
    {
        using MutexGuard<SessionData> guard = session.Data.Lock();
        ref SessionData data = ref guard.Data;
        Result<nint> copied = source.CopyTo(data.Notes.Span);
        if (copied.Failed)
            return copied.Error;
        data.Length = (int)copied.Value;
        data.ReadOffset = 0;
        return copied.Value;
    }

    public static Result<nint> Read(in Session session, File file, UserWriter destination, ref long position)
    {
        using MutexGuard<SessionData> guard = session.Data.Lock();
        ref SessionData data = ref guard.Data;
        Result<nint> copied = destination.CopyFrom(data.Notes.Span.Slice(data.ReadOffset, data.Length - data.ReadOffset));
        if (copied.Failed)
            return copied.Error;
        data.ReadOffset += (int)copied.Value;
        return copied.Value;
    }
}

/// <summary>A count behind a lock, shared by /dev/cktally's registration and every file open on it.</summary>
public struct Tally : IDisposable
{
    public int Count;

    public void Dispose() => Log.Info($"corechecks: tally disposed at {Count}");
}

/// <summary>/dev/cktally's registration and the module's share of the tally.</summary>
public struct TallyRegistration : IDisposable
{
    public MiscDevice Device;
    public Shared<Mutex<Tally>> Tally;

    public void Dispose()
    {
        Device.Dispose();
        Tally.Dispose();
    }
}

/// <summary>What an open /dev/cktally holds: its own share of the tally.</summary>
public struct TallyOpen : IDisposable
{
    public Shared<Mutex<Tally>> Tally;

    public void Dispose() => Tally.Dispose();
}

/// <summary>
/// /dev/cktally: device data shared with open files. Each write counts one; writing "drop"
/// removes the device and the module's share while the file stays open, which keeps
/// counting on its own share until it is closed, and only then is the tally disposed.
/// </summary>
public sealed class TallyDevice : IOpen<TallyOpen, Mutex<Tally>>, IWrite<TallyOpen>
{
    // The device and the module's share: dropped by a write, so behind a lock of their own.
    private static Mutex<TallyRegistration> s_registration;

    public static Result Register()
    {
        Result result = Mutex<TallyRegistration>.Create(out s_registration);
        if (result.Failed)
            return result;
        result = Mutex<Tally>.Create(out Mutex<Tally> tally);
        if (result.Failed)
            return result;
        using MutexGuard<TallyRegistration> registration = s_registration.Lock();
        result = Shared<Mutex<Tally>>.Create(ref tally, out registration.Data.Tally);
        tally.Dispose();
        return result.Failed ? result : MiscDevice.Register<TallyDevice, Mutex<Tally>>("cktally"u8, registration.Data.Tally, out registration.Data.Device);
    }

    /// <summary>Removes the device and drops the module's share (again: nothing).</summary>
    public static void Drop()
    {
        using MutexGuard<TallyRegistration> registration = s_registration.Lock();
        registration.Data.Dispose();
    }

    public static void Free() => s_registration.Dispose();

    public static Result Open(File file, in Shared<Mutex<Tally>> tally, out TallyOpen open)
    {
        open.Tally = tally.Share();
        return Result.Ok;
    }

    public static Result<nint> Write(in TallyOpen open, File file, UserReader source, ref long position)
    {
        nint length = (nint)source.Length;
        Span<byte> text = stackalloc byte[4];
        Result<nint> copied = source.CopyTo(text);
        if (copied.Failed)
            return copied;
        bool drop = text.Slice(0, (int)copied.Value).SequenceEqual("drop"u8);
        int count;
        using (MutexGuard<Tally> guard = open.Tally.Value.Lock())
            count = ++guard.Data.Count;
        if (drop)
            Drop();
        Log.Info($"corechecks: tally {count}{(drop ? " (device dropped)" : "")}");
        return length;
    }
}
