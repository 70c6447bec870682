// The ISA memory hole (640 KiB to 1 MiB), probed 2 KiB at a time the way LDD's skull does,
// and logged as ranges of the same kind. LDD skips blocks someone claimed; on a PC today the
// firmware reserves the whole hole, so skull skips what the kernel registered as ROM.
using KernelSharp;
using KernelSharp.IO;

namespace Skull;

public enum BlockKind { ClaimedRom, Ram, Rom, Empty }

public static class IsaMemory
{
    public const ulong Start = 0xA0000, End = 0x100000;
    public const int Step = 2048;

    /// <summary>Classifies every block and logs one line per run of equal blocks.</summary>
    public static Result Describe()
    {
        ulong runStart = Start;
        BlockKind runKind = BlockKind.Empty;
        for (ulong block = Start; block <= End; block += Step)
        {
            BlockKind kind;
            if (block == End)
                kind = runKind + 1; // ends the last run
            else
            {
                Result classified = Classify(block, out kind);
                if (classified.Failed)
                    return classified;
            }
            if (block == Start)
                runKind = kind;
            if (kind == runKind)
                continue;
            Log.Info($"skull: {runStart:x}-{block - 1:x}: {Name(runKind)}");
            runStart = block;
            runKind = kind;
        }
        return Result.Ok;
    }

    // One block, mapped on its own: a mapping across the edge of the VGA window (a0000-bffff,
    // a window of the PCI bus whether or not a VGA card answers there) would make the kernel
    // warn that it spans more than one PCI resource.
    private static Result Classify(ulong address, out BlockKind kind)
    {
        kind = BlockKind.ClaimedRom;
        // Registered as ROM by the kernel ("Video ROM", the first option ROM in c0000-c7fff,
        // and "System ROM", the BIOS): leave it alone.
        if (MemoryRegion.IsRom(address, Step))
            return Result.Ok;
        // Probing is what LDD's skull does, and unsafe: nobody claimed this memory.
        Result mapped = IoMapping.MapUnclaimed(address, Step, out IoMapping block);
        if (mapped.Failed)
        {
            Log.Error($"skull: cannot map {address:x}: {mapped.Error}");
            return mapped;
        }
        kind = Probe(ref block);
        block.Dispose();
        return Result.Ok;
    }

    private static BlockKind Probe(ref IoMapping isa)
    {
        const int offset = 0;
        // Flip every bit of the first byte and read it back: RAM keeps what it is told.
        byte old = isa.ReadByte(offset);
        isa.WriteByte(offset, (byte)~old);
        byte now = isa.ReadByte(offset);
        isa.WriteByte(offset, old);
        if ((old ^ now) == 0xff)
            return BlockKind.Ram;
        if ((old ^ now) != 0)
            return BlockKind.Empty; // random bits changed: nothing answers there
        // Unchanged: ROM, or empty memory reading as 0x00, 0xff or its low address byte.
        for (int i = 1; i <= 5; i++)
        {
            int probe = offset + 57 * i;
            byte value = isa.ReadByte(probe);
            if (value != 0 && value != 0xff && value != (byte)(isa.Start + (ulong)probe))
                return BlockKind.Rom;
        }
        return BlockKind.Empty;
    }

    // Conditionals rather than a switch, which may compile to a jump table (an indirect branch).
    private static string Name(BlockKind kind) =>
        kind == BlockKind.ClaimedRom ? "ROM (claimed)" : kind == BlockKind.Ram ? "RAM" : kind == BlockKind.Rom ? "ROM" : "empty";
}
