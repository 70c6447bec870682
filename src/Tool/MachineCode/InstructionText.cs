using System.Text;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.MachineCode;

/// <summary>How an instruction kept from ILCompiler is written into the generated assembly.</summary>
public static class InstructionText
{
    /// <summary>
    /// The instruction's bytes, with each relocated field written as a .reloc of the same type
    /// and an equivalent target (code targets by name, since code moves); one line each, with
    /// the disassembly in a comment.
    /// </summary>
    public static string Write(OriginalInstruction line, ElfObject elf, CodeSymbols symbols)
    {
        var text = new StringBuilder();
        var fields = new SortedDictionary<int, (string Directive, int Size)>();
        foreach (ElfObject.Relocation relocation in line.Relocations)
        {
            int at = (int)(relocation.Offset - line.Origin);
            fields[at] = ($".reloc ., {ElfObject.RelocationName(relocation.Type)}, {Target(relocation, (long)line.Instruction.NextIP - (long)relocation.Offset, elf, symbols)}", 0);
        }
        if (line.CodeTarget is not null)
        {
            int at = line.Offsets.DisplacementOffset;
            long toEnd = line.Bytes.Length - at;
            fields[at] = ($".long {line.CodeTarget} - . - {toEnd}", 4);
        }
        var bytes = new List<string>();
        void Flush()
        {
            if (bytes.Count > 0)
                text.Append("\t.byte ").Append(string.Join(',', bytes)).Append('\n');
            bytes.Clear();
        }
        text.Append("\t/* ").Append(CodeDecoder.Text(line.Instruction)).Append(" */\n");
        for (int i = 0; i < line.Bytes.Length;)
        {
            if (fields.TryGetValue(i, out var field))
            {
                Flush();
                text.Append('\t').Append(field.Directive).Append('\n');
                if (field.Size > 0)
                {
                    i += field.Size;
                    continue;
                }
            }
            bytes.Add($"0x{line.Bytes[i]:x2}");
            i++;
        }
        Flush();
        return text.ToString();
    }

    // The relocation's symbol + addend; into code, the moved place's name. For a pc-relative
    // field, the place is k bytes past S + A (the end of the instruction).
    public static string Target(ElfObject.Relocation relocation, long toEnd, ElfObject elf, CodeSymbols symbols)
    {
        ElfObject.Symbol symbol = relocation.Symbol;
        bool intoCode = symbol.SectionIndex is > 0 and < 0xff00 && CodeLayout.IsCode(elf.Sections[symbol.SectionIndex]);
        if (!intoCode)
            return symbols.Address(symbol, relocation.Addend);
        bool pcRelative = relocation.Type is 2 or 4 or 24 /* PC32, PLT32, PC64 */;
        long adjust = pcRelative ? toEnd : 0;
        return CodeSymbols.Plus(symbols.Address(symbol, relocation.Addend + adjust), -adjust);
    }
}
