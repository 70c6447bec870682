using Iced.Intel;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// The rules the kernel's C compiler follows by its flags, checked on what the pass is about
/// to write (architecture rule 2). Every instruction kept from ILCompiler is decoded again
/// from the bytes that will be emitted; the pass writes returns, branches and calls itself,
/// in the forms the kernel's macros and objtool accept.
/// </summary>
public static class MachineCodeRules
{
    public static void Check(IEnumerable<CodePiece> pieces, MachineCodeErrors errors)
    {
        foreach (CodePiece piece in pieces)
            foreach (OriginalInstruction line in piece.Lines.OfType<OriginalInstruction>())
            {
                var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(line.Bytes), line.Origin);
                decoder.Decode(out Instruction instruction);
                if (instruction.Length != line.Bytes.Length || instruction.Code != line.Instruction.Code)
                    throw errors.At(piece, line.Origin, "an instruction whose bytes changed");
                if (Violation(instruction) is { } rule)
                    throw errors.At(piece, line.Origin, $"{rule} ({CodeDecoder.Text(instruction)})");
            }
    }

    /// <summary>The rule an instruction breaks, or null.</summary>
    public static string? Violation(Instruction instruction)
    {
        if (SimdRewriter.UsesSimd(instruction))
            return "an SSE, AVX, MMX or x87 instruction: kernel code leaves the FPU to user space";
        switch (instruction.FlowControl)
        {
            case FlowControl.Return:
                return "a bare return: kernel code returns through the return thunk (RET)";
            case FlowControl.IndirectBranch or FlowControl.IndirectCall:
                return "an indirect branch: a retpoline and IBT build forbids it";
            case FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch or FlowControl.Call:
                return "a branch with a fixed displacement: code moves, so branches are written with labels";
        }
        for (int i = 0; i < instruction.OpCount; i++)
            if (instruction.GetOpKind(i) == OpKind.Memory && instruction.MemoryBase == Register.RSP
                && instruction.MemoryIndex == Register.None && (long)instruction.MemoryDisplacement64 < 0)
                return "an access below the stack pointer: the kernel has no red zone, an interrupt overwrites it";
        return null;
    }
}
