// A test module for `ksharp decode`: a write to /dev/ksdecode looks up the slot numbered by
// the count of bytes written, C# calls down, and divides by what it holds. Slots 0 to 3 exist;
// slot 1 holds 0, so a 1-byte write ends in a divide error in C# (the oops's RIP), and a write
// of more than 4 bytes indexes past the end, a kernel BUG (IndexOutOfRangeException); one of more
// than 10 bytes does the same in an expression-bodied method (Slots.Peek). A debug
// build decodes each frame of either oops to its C# method and line (Lookup/Slots.cs).
using System;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.IO;
using KsDecode.Lookup;

namespace KsDecode;

[KernelModule("ksdecode", Description = "KernelSharp decode check: an index failure on a long write")]
public sealed class DecodeModule : IKernelModule
{
    private static MiscDevice s_device;

    public static Result Init() => MiscDevice.Register<SlotDevice>("ksdecode"u8, out s_device);

    public static void Exit() => s_device.Dispose();
}

public sealed class SlotDevice : IWrite
{
    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        Span<byte> text = stackalloc byte[64];
        Result<nint> copied = source.CopyTo(text);
        if (copied.Failed)
            return copied.Error;
        int value = copied.Value > 10 ? Slots.Peek((int)copied.Value) : Slots.Lookup((int)copied.Value); // ksdecode: calls Lookup
        Log.Info($"ksdecode: slot {copied.Value} scaled {value}");
        return copied.Value;
    }
}
