using Iced.Intel;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// Decodes each piece of code into lines: instructions kept as they are, and the control
/// transfers rewritten into assembler form (branches to labels and symbols, the kernel's
/// RET, CALL_NOSPEC), since branch distances change when code is rewritten.
/// </summary>
public sealed class CodeDecoder(ElfObject elf, CodeSymbols symbols, MachineCodeErrors errors)
{
    public void Decode(CodePiece piece)
    {
        byte[] code = elf.Contents(piece.Section).ToArray();
        var relocations = elf.Relocations.Where(r => r.Target == piece.Section && r.Offset >= piece.Start && r.Offset < piece.End)
            .OrderBy(r => r.Offset).ToList();
        var reader = new ByteArrayCodeReader(code, (int)piece.Start, (int)(piece.End - piece.Start));
        var decoder = Iced.Intel.Decoder.Create(64, reader, piece.Start);
        int next = 0;
        while (decoder.IP < piece.End)
        {
            decoder.Decode(out Instruction instruction);
            if (instruction.IsInvalid || instruction.NextIP > piece.End)
                throw errors.At(piece, decoder.IP, "bytes the x86 decoder does not understand");
            var inside = new List<ElfObject.Relocation>();
            while (next < relocations.Count && relocations[next].Offset < instruction.NextIP)
                inside.Add(relocations[next++]);
            byte[] bytes = code[(int)instruction.IP..(int)instruction.NextIP];
            piece.Lines.Add(Line(piece, instruction, bytes, inside, decoder.GetConstantOffsets(instruction)));
        }
    }

    private CodeLine Line(CodePiece piece, Instruction instruction, byte[] bytes, List<ElfObject.Relocation> inside, ConstantOffsets offsets)
    {
        ulong at = instruction.IP;
        switch (instruction.FlowControl)
        {
            case FlowControl.Return:
                if (instruction.Mnemonic != Mnemonic.Ret || instruction.OpCount != 0)
                    throw errors.At(piece, at, $"a return the pass does not rewrite ({Text(instruction)})");
                // The kernel's return: through the return thunk on kernels with that mitigation.
                return new GeneratedAssembly(at, "RET");
            case FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch or FlowControl.Call
                when instruction.Op0Kind is OpKind.NearBranch64 or OpKind.NearBranch32:
                if (instruction.Mnemonic is Mnemonic.Jrcxz or Mnemonic.Jecxz or Mnemonic.Loop or Mnemonic.Loope or Mnemonic.Loopne)
                    throw errors.At(piece, at, $"a short-only branch the pass cannot move ({Text(instruction)})");
                string destination = BranchTarget(piece, instruction, inside);
                return new GeneratedAssembly(at, $"{instruction.Mnemonic.ToString().ToLowerInvariant()} {destination}")
                {
                    Branch = instruction,
                    BranchSymbol = CodeSymbols.Unquote(destination),
                };
            case FlowControl.IndirectCall:
                // A call through a register goes through the kernel's retpoline macro.
                if (instruction.Op0Kind == OpKind.Register && instruction.Op0Register.IsGPR64() && inside.Count == 0)
                    return new GeneratedAssembly(at, $"CALL_NOSPEC {instruction.Op0Register.ToString().ToLowerInvariant()}");
                throw errors.At(piece, at, $"an indirect call through memory ({Text(instruction)}), which a retpoline build forbids");
            case FlowControl.Interrupt or FlowControl.XbeginXabortXend or FlowControl.Exception
                when instruction.Mnemonic is not (Mnemonic.Int3 or Mnemonic.Ud2):
                throw errors.At(piece, at, $"an instruction kernel code does not contain ({Text(instruction)})");
        }
        if (instruction.SegmentPrefix is Register.FS or Register.GS)
            throw errors.At(piece, at, $"a thread-local access ({Text(instruction)}); modules have no thread-local storage");
        string? target = null;
        if (instruction.IsIPRelativeMemoryOperand && inside.Count == 0)
        {
            // Without a relocation, a rip-relative operand points into this same section.
            if (offsets.DisplacementSize != 4)
                throw errors.At(piece, at, $"a rip-relative operand the pass cannot move ({Text(instruction)})");
            target = symbols.CodeAddress(piece.Section, instruction.IPRelativeMemoryAddress);
        }
        foreach (ElfObject.Relocation relocation in inside)
        {
            int field = (int)(relocation.Offset - at);
            bool atDisplacement = offsets.HasDisplacement && field == offsets.DisplacementOffset;
            bool atImmediate = offsets.HasImmediate && field == offsets.ImmediateOffset;
            if (!atDisplacement && !atImmediate)
                throw errors.At(piece, at, $"a relocation in the middle of an instruction ({Text(instruction)})");
        }
        return new OriginalInstruction(instruction, bytes, inside, offsets, target);
    }

    private string BranchTarget(CodePiece piece, Instruction instruction, List<ElfObject.Relocation> inside)
    {
        if (inside is [var relocation])
        {
            // rel32 at the end of the instruction: the target is S + A + 4.
            if (relocation.Offset + 4 != instruction.NextIP || relocation.Type is not (2 or 4) /* PC32, PLT32 */)
                throw errors.At(piece, instruction.IP, $"a branch with an unexpected relocation ({Text(instruction)})");
            return symbols.Address(relocation.Symbol, relocation.Addend + 4);
        }
        if (inside.Count > 1)
            throw errors.At(piece, instruction.IP, $"a branch with {inside.Count} relocations ({Text(instruction)})");
        ulong target = instruction.NearBranchTarget;
        if ((target < piece.Start || target >= piece.End) && !symbols.IsPieceStart(piece.Section, target))
            throw errors.At(piece, instruction.IP, $"a branch into the middle of another method ({Text(instruction)})");
        return symbols.CodeAddress(piece.Section, target, directBranch: true);
    }

    public static string Text(Instruction instruction)
    {
        var formatter = new GasFormatter();
        formatter.Options.FirstOperandCharIndex = 0;
        var output = new StringOutput();
        formatter.Format(instruction, output);
        return output.ToStringAndReset();
    }
}
