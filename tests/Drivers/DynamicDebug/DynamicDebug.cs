// A test module for dynamic debug: Log.Debug calls in three files (Counting.cs twice, once in
// a subfolder), whose holes count their own formatting, behind /dev/ksdyndbg. Writing "run"
// runs each site once; writing a number N runs one site N times and logs how long that took.
using System;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.Sync;
using KernelSharp.Time;

namespace DynamicDebugTest;

[KernelModule("ksdyndbg", Description = "KernelSharp dynamic debug checks")]
public sealed class DynamicDebugModule : IKernelModule
{
    [ModuleParameter("A value the init's debug message shows")]
    public static int greeting = 7;

    internal static Atomic32 s_formatted;
    private static MiscDevice s_device;

    public static Result Init()
    {
        Log.Debug($"ksdyndbg: init, greeting {greeting}");
        return MiscDevice.Register<SiteDevice>("ksdyndbg"u8, out s_device, 0x1b6);
    }

    public static void Exit() => s_device.Dispose();
}

/// <summary>A hole that counts each time it is formatted: an off site must never format it.</summary>
public readonly struct Counted : IUtf8SpanFormattable
{
    private readonly int _value;

    public Counted(int value) => _value = value;

    public bool TryFormat(Span<byte> destination, out int written, ReadOnlySpan<char> format, IFormatProvider provider)
    {
        DynamicDebugModule.s_formatted.Increment();
        return _value.TryFormat(destination, out written, format, provider);
    }
}

public sealed class SiteDevice : IWrite
{
    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        nint length = (nint)source.Length;
        Span<byte> text = stackalloc byte[16];
        Result<nint> copied = source.CopyTo(text);
        if (copied.Failed)
            return copied.Error;
        ReadOnlySpan<byte> command = text.Slice(0, (int)copied.Value);
        if (command.Length > 0 && command[^1] == (byte)'\n')
            command = command.Slice(0, command.Length - 1);
        if (command.SequenceEqual("run"u8))
            RunSites(length);
        else if (int.TryParse(command, out int calls) && calls > 0)
            Time(calls);
        else
            return Error.EINVAL;
        return length;
    }

    private static void RunSites(nint length)
    {
        Log.Debug($"ksdyndbg: write of {(long)length} bytes, value {new Counted(42)}");
        Log.Debug("ksdyndbg: a plain line"u8);
        Counting.Count(length);
        Sub.Counting.Count(length);
        Log.Info($"ksdyndbg: formatted {DynamicDebugModule.s_formatted.Read()} times");
    }

    // An off site in a loop: what each call costs, and that none formats.
    private static void Time(int calls)
    {
        int before = DynamicDebugModule.s_formatted.Read();
        ulong start = Clock.MonotonicNanoseconds;
        for (int i = 0; i < calls; i++)
            Log.Debug($"ksdyndbg: call {i} of {new Counted(calls)}");
        ulong took = Clock.MonotonicNanoseconds - start;
        Log.Info($"ksdyndbg: {calls} calls in {took} ns, {took * 1000 / (ulong)calls} ps each, formatted {DynamicDebugModule.s_formatted.Read() - before} times");
    }
}
