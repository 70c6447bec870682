using System;
using System.Runtime.CompilerServices;

namespace KsDecode.Lookup;

public static class Slots
{
    private static ReadOnlySpan<byte> Table => [10, 20, 30, 40];

    // Not inlined, so each is a frame of the call trace.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Lookup(int index) => Slot(index) + 1;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Slot(int index)
    {
        int value = Table[index]; // ksdecode: the index failure
        return value * 2;
    }
}
