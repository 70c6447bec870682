using Iced.Intel;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// Moves the frame-pointer setup of a RyuJIT prolog to where the kernel's C compiler puts it.
/// RyuJIT writes
/// <code>push %rbp; push %r15; ...; sub $N, %rsp; lea D(%rsp), %rbp</code>
/// where D is what the pushes after rbp and the sub took, so rbp ends up at the saved rbp:
/// exactly where <c>mov %rsp, %rbp</c> right after <c>push %rbp</c> puts it. objtool on 6.12
/// does not follow the lea form as a frame setup; with a dynamic stack allocation
/// (stackalloc) and its <c>lea -X(%rbp), %rsp</c> epilogue it then reports "return with
/// modified stack frame" and writes wrong unwind data. The instructions in between do not
/// read rbp, so setting it earlier changes nothing else.
/// </summary>
public sealed class FramePointerRewriter
{
    public int Rewritten { get; private set; }

    public void Rewrite(CodePiece piece)
    {
        if (piece.Lines is not [OriginalInstruction { Instruction: { Mnemonic: Mnemonic.Push, Op0Kind: OpKind.Register, Op0Register: Register.RBP } } first, ..])
            return;
        long allocated = 0;
        for (int i = 1; i < piece.Lines.Count && i < 16; i++)
        {
            if (piece.Lines[i] is not OriginalInstruction { Instruction: var instruction } line)
                return;
            if (instruction.Mnemonic == Mnemonic.Push && instruction.Op0Kind == OpKind.Register && instruction.Op0Register.IsGPR64()
                && instruction.Op0Register != Register.RBP)
                allocated += 8;
            else if (instruction.Mnemonic == Mnemonic.Sub && instruction.Op0Kind == OpKind.Register && instruction.Op0Register == Register.RSP
                && instruction.Op1Kind is OpKind.Immediate8to64 or OpKind.Immediate32to64)
                allocated += (long)instruction.GetImmediate(1);
            else if (instruction.Mnemonic == Mnemonic.Lea && instruction.Op0Register == Register.RBP && instruction.MemoryBase == Register.RSP
                && instruction.MemoryIndex == Register.None)
            {
                if ((long)instruction.MemoryDisplacement64 != allocated)
                    return;
                piece.Lines[0] = new GeneratedAssembly(first.Origin, "push %rbp", "mov %rsp, %rbp");
                piece.Lines[i] = new GeneratedAssembly(line.Origin);
                Rewritten++;
                return;
            }
            else
                return;
        }
    }
}
