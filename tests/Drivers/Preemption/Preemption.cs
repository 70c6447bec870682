// A test module for what compiled C# may do now that it is ordinary preemptible kernel code:
// sleep directly (msleep, a contended mutex) and run a long loop without stalling its CPU.
// Commands written to /dev/preemption:
//   hold MS   take the mutex, sleep MS ms holding it, release it (two at once: one waits)
//   spin MS   loop in C# for MS ms without sleeping or yielding
using System;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.IO;
using KernelSharp.Sync;
using KernelSharp.Time;

namespace Preemption;

[KernelModule("preemption", Description = "KernelSharp preemption and sleeping checks")]
public sealed class PreemptionModule : IKernelModule
{
    private static MiscDevice s_device;
    internal static Mutex Lock;

    public static Result Init()
    {
        if (Mutex.Create(out Lock).Failed)
            return Error.ENOMEM;
        Result registered = MiscDevice.Register<Commands>("preemption"u8, out s_device);
        if (registered.Failed)
            Lock.Dispose();
        return registered;
    }

    public static void Exit()
    {
        s_device.Dispose();
        Lock.Dispose();
        Log.Info($"preemption: unloaded after {Commands.Holds} holds, at most {Commands.MostHolders} holder(s) at once");
    }
}

public sealed class Commands : IWrite
{
    public static int Holds;
    public static int MostHolders;
    private static int s_holders;

    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        Span<byte> text = stackalloc byte[32];
        Result<nint> copied = source.CopyTo(text);
        if (copied.Failed)
            return copied.Error;
        ReadOnlySpan<byte> command = text.Slice(0, (int)copied.Value);
        if (!command.IsEmpty && command[command.Length - 1] == (byte)'\n')
            command = command.Slice(0, command.Length - 1);
        int space = command.IndexOf((byte)' ');
        if (space < 0 || !TryParse(command.Slice(space + 1), out uint milliseconds) || milliseconds > 60_000)
            return Error.EINVAL;
        ReadOnlySpan<byte> verb = command.Slice(0, space);
        if (verb.SequenceEqual("hold"u8))
            Hold(milliseconds);
        else if (verb.SequenceEqual("spin"u8))
            Spin(milliseconds);
        else
            return Error.EINVAL;
        return copied.Value;
    }

    // Sleeps in the mutex (when another writer holds it) and in msleep, both called from C#.
    private static void Hold(uint milliseconds)
    {
        ulong start = Clock.MonotonicNanoseconds;
        using (PreemptionModule.Lock.Lock())
        {
            ulong waited = (Clock.MonotonicNanoseconds - start) / 1_000_000;
            int holders = ++s_holders;
            if (holders > MostHolders)
                MostHolders = holders;
            Holds++;
            Log.Info($"preemption: hold {Holds} took the lock after {waited} ms");
            Delay.Sleep(milliseconds);
            s_holders--;
        }
    }

    // A busy loop: on a preemptible kernel the scheduler takes the CPU from it when it must.
    private static void Spin(uint milliseconds)
    {
        ulong start = Clock.MonotonicNanoseconds, end = start + milliseconds * 1_000_000UL;
        ulong rounds = 0;
        while (Clock.MonotonicNanoseconds < end)
            rounds++;
        Log.Info($"preemption: spun {milliseconds} ms ({(rounds > 0 ? "looping" : "no rounds")})");
    }

    private static bool TryParse(ReadOnlySpan<byte> digits, out uint value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 6)
            return false;
        foreach (byte digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
                return false;
            value = value * 10 + (uint)(digit - '0');
        }
        return true;
    }
}
