using System;
using System.Runtime.CompilerServices;
using KernelSharp;

namespace KsDecode.Lookup;

public static class Slots
{
    private static ReadOnlySpan<byte> Table => [10, 0, 30, 40];

    // Not inlined, so each is a frame of the call trace.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Lookup(int index) => Slot(index) + 1; // ksdecode: calls Slot

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Slot(int index)
    {
        int value = Table[index]; // ksdecode: the index failure
        Log.Info($"ksdecode: slot {index} holds {value}");
        return Scale(value); // ksdecode: calls Scale
    }

    // The same index failure in an expression-bodied method: the frame is still its one line.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Peek(int index) => Table[index]; // ksdecode: the peek

    // Slot 1 holds 0: the CPU's divide error is the check, so the oops's RIP is this C#.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Scale(int value)
    {
        int scaled = 1200 / value; // ksdecode: the division
        return scaled;
    }
}
