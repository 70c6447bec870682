using System.Buffers.Binary;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// Where the code of a compiled object is: one piece per method body and per funclet.
/// ILCompiler gives each method a sized function symbol; its .eh_frame has one entry (FDE)
/// per body and per funclet, which is where a method's funclets start and end.
/// </summary>
public static class CodeLayout
{
    public static bool IsCode(ElfObject.Section section) => (section.Flags & 0x4 /* SHF_EXECINSTR */) != 0 && section.Size > 0;

    public static List<CodePiece> Pieces(ElfObject elf)
    {
        var ranges = UnwindRanges(elf);
        var pieces = new List<CodePiece>();
        foreach (ElfObject.Section section in elf.Sections.Where(IsCode))
        {
            var functions = elf.Symbols.Where(s => s.SectionIndex == section.Index && s.IsFunction)
                .GroupBy(s => s.Value).Select(g => g.First()).OrderBy(s => s.Value).ToList();
            var covered = new List<(ulong Start, ulong End)>();
            foreach (ElfObject.Symbol function in functions)
            {
                if (function.Size == 0)
                    throw new BuildError($"the compiled C# object has a function symbol without a size ({function.Name})");
                ulong end = function.Value + function.Size;
                if (end > (ulong)section.Size)
                    throw new BuildError($"the function symbol {function.Name} runs past the end of {section.Name}");
                var parts = ranges.GetValueOrDefault(section.Index, [])
                    .Where(r => r.Start >= function.Value && r.Start < end).OrderBy(r => r.Start).ToList();
                if (parts.Count == 0 || parts[0].Start != function.Value)
                    parts.Insert(0, (function.Value, parts.Count > 0 ? parts[0].Start : end));
                bool global = function.Binding != 0 /* STB_LOCAL */;
                for (int i = 0; i < parts.Count; i++)
                {
                    (ulong start, ulong stop) = parts[i];
                    if (stop > end || (i + 1 < parts.Count && stop > parts[i + 1].Start))
                        throw new BuildError($"the unwind data of {function.Name} describes code outside the method");
                    string symbol = i == 0 ? function.Name : $"{function.Name}.funclet{i}";
                    pieces.Add(new CodePiece(section, symbol, function.Name, i == 0 && global, start, stop));
                }
                covered.Add((function.Value, end));
            }
            CheckEverythingIsCovered(elf, section, covered);
        }
        return pieces;
    }

    // Bytes outside every function are padding (int3 or nop) between functions; anything else
    // would be code the pass does not see, which must not reach the kernel unchecked.
    private static void CheckEverythingIsCovered(ElfObject elf, ElfObject.Section section, List<(ulong Start, ulong End)> covered)
    {
        ReadOnlySpan<byte> bytes = elf.Contents(section);
        ulong at = 0;
        foreach ((ulong start, ulong end) in covered.OrderBy(c => c.Start))
        {
            for (ulong i = at; i < start; i++)
                if (bytes[(int)i] is not (0xcc or 0x90))
                    throw new BuildError($"{section.Name}+0x{i:x} holds code outside every function symbol");
            at = Math.Max(at, end);
        }
        for (ulong i = at; i < (ulong)bytes.Length; i++)
            if (bytes[(int)i] is not (0xcc or 0x90))
                throw new BuildError($"{section.Name}+0x{i:x} holds code outside every function symbol");
    }

    /// <summary>The [start, end) code ranges .eh_frame describes, by code section index.</summary>
    private static Dictionary<int, List<(ulong Start, ulong End)>> UnwindRanges(ElfObject elf)
    {
        var result = new Dictionary<int, List<(ulong, ulong)>>();
        ElfObject.Section? frames = elf.Sections.FirstOrDefault(s => s.Name == ".eh_frame");
        if (frames is null)
            return result;
        ReadOnlySpan<byte> bytes = elf.Contents(frames);
        // An FDE's initial location is the one relocation into code it holds (ILCompiler's CIE
        // says pcrel|sdata4); the address range follows it. LSDA pointers go to data.
        foreach (ElfObject.Relocation relocation in elf.Relocations.Where(r => r.Target == frames))
        {
            ElfObject.Section? code = relocation.Symbol.SectionIndex is > 0 and < 0xff00 ? elf.Sections[relocation.Symbol.SectionIndex] : null;
            if (code is null || !IsCode(code))
                continue;
            if (relocation.Type != 2 /* R_X86_64_PC32 */ || relocation.Offset + 8 > (ulong)bytes.Length)
                throw new BuildError($"unexpected relocation in .eh_frame+0x{relocation.Offset:x}");
            ulong start = (ulong)((long)relocation.Symbol.Value + relocation.Addend);
            ulong length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[((int)relocation.Offset + 4)..]);
            if (!result.TryGetValue(code.Index, out var list))
                result[code.Index] = list = [];
            list.Add((start, start + length));
        }
        return result;
    }
}
