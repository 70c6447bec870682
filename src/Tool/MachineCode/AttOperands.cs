using Iced.Intel;

namespace KernelSharp.Tool.MachineCode;

/// <summary>Operands of original instructions, written in AT&amp;T syntax for generated code.</summary>
public static class AttOperands
{
    public static string Register(Register register) => "%" + register.ToString().ToLowerInvariant();

    /// <summary>
    /// The memory operand of <paramref name="line"/>, <paramref name="extra"/> bytes further on.
    /// <paramref name="pushed"/> is how far generated code has moved rsp down since the
    /// original instruction's point: rsp-based operands are adjusted by it.
    /// Null when the operand cannot be moved (a segment, or rip-relative code).
    /// </summary>
    public static string? Memory(OriginalInstruction line, CodeSymbols symbols, long extra, int pushed)
    {
        Instruction instruction = line.Instruction;
        if (instruction.SegmentPrefix != Iced.Intel.Register.None || instruction.MemoryBase is Iced.Intel.Register.EIP)
            return null;
        if (instruction.IsIPRelativeMemoryOperand)
        {
            if (line.Relocations is not [var relocation] || relocation.Type is not (2 or 4) /* PC32, PLT32 */)
                return null;
            // The field holds S + A - P; the instruction ends k bytes after it, so it addresses S + A + k.
            long k = (long)instruction.NextIP - (long)relocation.Offset;
            return $"{CodeSymbols.Plus(symbols.Address(relocation.Symbol, relocation.Addend + k), extra)}(%rip)";
        }
        if (line.Relocations.Count > 0)
            return null;
        long displacement = (long)instruction.MemoryDisplacement64 + extra;
        if (instruction.MemoryBase == Iced.Intel.Register.RSP)
            displacement += pushed;
        string address = instruction.MemoryIndex == Iced.Intel.Register.None
            ? $"({Register(instruction.MemoryBase)})"
            : instruction.MemoryBase == Iced.Intel.Register.None
                ? $"(,{Register(instruction.MemoryIndex)},{instruction.MemoryIndexScale})"
                : $"({Register(instruction.MemoryBase)},{Register(instruction.MemoryIndex)},{instruction.MemoryIndexScale})";
        return displacement == 0 ? address : $"{displacement}{address}";
    }

    /// <summary>The general-purpose registers an operand's address is computed from.</summary>
    public static IEnumerable<Register> AddressRegisters(Instruction instruction)
    {
        if (instruction.MemoryBase is not (Iced.Intel.Register.None or Iced.Intel.Register.RIP))
            yield return instruction.MemoryBase.GetFullRegister();
        if (instruction.MemoryIndex != Iced.Intel.Register.None)
            yield return instruction.MemoryIndex.GetFullRegister();
    }
}
