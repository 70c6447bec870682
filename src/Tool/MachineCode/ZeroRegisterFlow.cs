using Iced.Intel;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// Which XMM registers certainly hold zero before each line of a piece: a forward "must"
/// data-flow analysis over the piece's branches. RyuJIT zeroes one register with xorps and
/// stores it many times, also in a loop (the prolog's zeroing of a large frame), so the
/// fact has to survive a loop's back edge. A place reached other than by a direct branch
/// of the piece (a jump table case, an address taken) starts knowing nothing.
/// </summary>
public static class ZeroRegisterFlow
{
    private const uint All = 0xffff;

    /// <summary>Bit n set in entry i: xmm n is zero before line i.</summary>
    public static uint[] Analyze(CodePiece piece, CodeSymbols symbols)
    {
        int count = piece.Lines.Count;
        var labelAt = new Dictionary<ulong, int>();
        for (int i = 0; i < count; i++)
            if (i == 0 || piece.Lines[i - 1].Origin != piece.Lines[i].Origin)
                labelAt.TryAdd(piece.Lines[i].Origin, i);

        // What reaches each line from branches; optimistic (All) until a predecessor is seen.
        var fromBranches = new uint[count];
        Array.Fill(fromBranches, All);
        var entry = new uint[count];
        bool changed = true;
        for (int round = 0; changed && round < 100; round++)
        {
            changed = false;
            var reached = new uint[count];
            Array.Fill(reached, All);
            uint current = 0;
            bool fallsThrough = true;
            for (int i = 0; i < count; i++)
            {
                CodeLine line = piece.Lines[i];
                bool isPlace = labelAt.TryGetValue(line.Origin, out int first) && first == i;
                if (isPlace && i > 0)
                {
                    current = (fallsThrough ? current : All) & fromBranches[i];
                    if (symbols.IsOtherwiseReached(piece.Section.Index, line.Origin))
                        current = 0;
                }
                if (entry[i] != current)
                {
                    entry[i] = current;
                    changed = true;
                }
                fallsThrough = true;
                switch (line)
                {
                    case OriginalInstruction original:
                        current = Transfer(original.Instruction, current);
                        if (original.Instruction.Mnemonic is Mnemonic.Int3 or Mnemonic.Ud2)
                            fallsThrough = false;
                        break;
                    case GeneratedAssembly { Branch: { } branch }:
                        if (branch.FlowControl == FlowControl.Call)
                        {
                            current = 0; // SysV: every XMM register is caller-saved
                            break;
                        }
                        ulong target = branch.NearBranchTarget;
                        if (target >= piece.Start && target < piece.End && labelAt.TryGetValue(target, out int to))
                            reached[to] &= current;
                        fallsThrough = branch.FlowControl != FlowControl.UnconditionalBranch;
                        break;
                    case GeneratedAssembly { Lines.Length: > 0 } generated:
                        // RET, a jump table's compare tree: no fall-through; nothing else here falls
                        // through while keeping XMM contents, so forget them.
                        fallsThrough = !generated.EndsFlow;
                        current = 0;
                        break;
                }
            }
            for (int i = 0; i < count; i++)
                if (fromBranches[i] != reached[i])
                {
                    fromBranches[i] = reached[i];
                    changed = true;
                }
        }
        if (changed)
            throw new InvalidOperationException($"the zero-register analysis of {piece} did not settle");
        return entry;
    }

    // xorps x, x makes x zero; anything else that writes an XMM register makes it unknown.
    private static uint Transfer(Instruction instruction, uint zero)
    {
        if (instruction.Mnemonic is Mnemonic.Xorps or Mnemonic.Xorpd or Mnemonic.Pxor
            && instruction.Op0Kind == OpKind.Register && instruction.Op1Kind == OpKind.Register
            && instruction.Op0Register == instruction.Op1Register && instruction.Op0Register.IsXMM())
            return zero | Bit(instruction.Op0Register);
        if (instruction.Op0Kind == OpKind.Register && instruction.Op0Register.IsXMM())
        {
            // movaps y, x copies what x holds.
            if (instruction.Mnemonic is Mnemonic.Movaps or Mnemonic.Movups or Mnemonic.Movdqa or Mnemonic.Movdqu
                && instruction.Op1Kind == OpKind.Register && instruction.Op1Register.IsXMM())
                return (zero & Bit(instruction.Op1Register)) != 0 ? zero | Bit(instruction.Op0Register) : zero & ~Bit(instruction.Op0Register);
            return zero & ~Bit(instruction.Op0Register);
        }
        if (instruction.Op0Kind == OpKind.Register && (instruction.Op0Register.IsYMM() || instruction.Op0Register.IsZMM()))
            return 0;
        return zero;
    }

    public static uint Bit(Register xmm) => 1u << (xmm - Register.XMM0);
}
