using System.Buffers.Binary;
using Iced.Intel;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// Rewrites RyuJIT's switch jump tables into compare-and-branch trees, as the kernel's own C
/// is compiled with -fno-jump-tables under retpoline and IBT: an indirect jump would need a
/// retpoline thunk and ENDBR at every case. The shape RyuJIT emits for a dense switch:
/// <code>
///   cmp    $N, %idx32 ; ja default       (the guard: idx is at most N after it)
///   mov    %idx32, %i32                  (optional)
///   lea    table(%rip), %t               (a relocation to the method's read-only data)
///   mov    (%t,%i,4), %e32               (entry: offset of the case from the base)
///   lea    base(%rip), %b                (a place in the method)
///   add    %b, %e
///   jmp    *%e
/// </code>
/// The last five become a binary search over the index, branching to each case directly.
/// The registers they wrote were scratch for the jump; the cases do not read them.
/// </summary>
public sealed class JumpTableRewriter(ElfObject elf, CodeSymbols symbols, MachineCodeErrors errors)
{
    public int Rewritten { get; private set; }
    private int _labels;

    public void Rewrite(CodePiece piece)
    {
        for (int i = 0; i < piece.Lines.Count; i++)
        {
            if (piece.Lines[i] is not OriginalInstruction { Instruction.FlowControl: FlowControl.IndirectBranch } jump)
                continue;
            if (i < 4 || Match(piece, i) is not { } table)
                throw errors.At(piece, jump.Origin, $"an indirect jump ({CodeDecoder.Text(jump.Instruction)}) that is not a jump table the pass knows");
            for (int j = i - 4; j < i; j++)
                piece.Lines[j] = new GeneratedAssembly(piece.Lines[j].Origin);
            piece.Lines[i] = new GeneratedAssembly(jump.Origin, [.. Tree(table.Index, table.Targets, piece)]);
            Rewritten++;
        }
    }

    private sealed record Table(Register Index, List<ulong> Targets);

    private Table? Match(CodePiece piece, int jumpAt)
    {
        if (piece.Lines[jumpAt - 4] is not OriginalInstruction { Instruction.Mnemonic: Mnemonic.Lea, Relocations: [var tableRelocation] } tableLea
            || piece.Lines[jumpAt - 3] is not OriginalInstruction { Instruction.Mnemonic: Mnemonic.Mov } load
            || piece.Lines[jumpAt - 2] is not OriginalInstruction { Instruction.Mnemonic: Mnemonic.Lea, CodeTarget: not null } baseLea
            || piece.Lines[jumpAt - 1] is not OriginalInstruction { Instruction.Mnemonic: Mnemonic.Add } add
            || piece.Lines[jumpAt] is not OriginalInstruction jump)
            return null;
        Register jumpRegister = jump.Instruction.Op0Register.GetFullRegister();
        Register tableRegister = tableLea.Instruction.Op0Register.GetFullRegister();
        Register baseRegister = baseLea.Instruction.Op0Register.GetFullRegister();
        Instruction entry = load.Instruction;
        if (jump.Instruction.Op0Kind != OpKind.Register
            || entry.Op1Kind != OpKind.Memory || entry.MemoryBase != tableRegister || entry.MemoryIndexScale != 4
            || entry.MemoryDisplacement64 != 0 || entry.Op0Register.GetFullRegister() != jumpRegister
            || add.Instruction.Op0Kind != OpKind.Register || add.Instruction.Op1Kind != OpKind.Register
            || add.Instruction.Op0Register.GetFullRegister() != jumpRegister || add.Instruction.Op1Register.GetFullRegister() != baseRegister)
            return null;
        Register index = entry.MemoryIndex.GetFullRegister();
        if (Guard(piece, jumpAt - 5, index) is not { } count)
            return null;

        // The table: entries are 32-bit offsets from the base, in the read-only data the lea names.
        ElfObject.Symbol tableSymbol = tableRelocation.Symbol;
        if (tableSymbol.SectionIndex is <= 0 or >= 0xff00)
            return null;
        ElfObject.Section data = elf.Sections[tableSymbol.SectionIndex];
        long tableOffset = (long)tableSymbol.Value + tableRelocation.Addend + ((long)tableLea.Instruction.NextIP - (long)tableRelocation.Offset);
        ReadOnlySpan<byte> bytes = elf.Contents(data);
        if (CodeLayout.IsCode(data) || tableOffset < 0 || tableOffset + 4L * count > bytes.Length)
            return null;
        ulong baseOffset = baseLea.Instruction.IPRelativeMemoryAddress;
        var targets = new List<ulong>();
        for (int i = 0; i < count; i++)
        {
            ulong target = (ulong)((long)baseOffset + BinaryPrimitives.ReadInt32LittleEndian(bytes[(int)(tableOffset + 4 * i)..]));
            if (target < piece.Start || target >= piece.End)
                return null;
            targets.Add(target);
        }
        return new Table(index, targets);
    }

    // The bound check before the table: cmp $N, %idx then ja, possibly with a register move of
    // the index in between. Returns N + 1, the number of entries.
    private static int? Guard(CodePiece piece, int from, Register index)
    {
        for (int j = from; j >= 1 && j > from - 4; j--)
        {
            if (piece.Lines[j] is GeneratedAssembly { Branch.Mnemonic: Mnemonic.Ja }
                && piece.Lines[j - 1] is OriginalInstruction { Instruction: { Mnemonic: Mnemonic.Cmp, Op0Kind: OpKind.Register } compare }
                && compare.Op0Register.GetFullRegister() == index
                && compare.Op1Kind is OpKind.Immediate8to32 or OpKind.Immediate32 or OpKind.Immediate8to64 or OpKind.Immediate32to64 or OpKind.Immediate8
                && compare.GetImmediate(1) is var bound && bound < 4096)
                return (int)bound + 1;
            if (piece.Lines[j] is OriginalInstruction { Instruction: { Mnemonic: Mnemonic.Mov, Op0Kind: OpKind.Register, Op1Kind: OpKind.Register } move }
                && move.Op0Register.GetFullRegister() == index && move.Op0Register.IsGPR32())
            {
                index = move.Op1Register.GetFullRegister();
                continue;
            }
            return null;
        }
        return null;
    }

    // A balanced tree of unsigned compares over runs of equal targets.
    private IEnumerable<string> Tree(Register index, List<ulong> targets, CodePiece piece)
    {
        var runs = new List<(int First, ulong Target)>();
        for (int i = 0; i < targets.Count; i++)
            if (i == 0 || targets[i] != targets[i - 1])
                runs.Add((i, targets[i]));
        string register = AttOperands.Register(index);
        var lines = new List<string>();
        void Emit(int from, int to)
        {
            if (from == to)
            {
                lines.Add($"jmp {symbols.CodeAddress(piece.Section, runs[from].Target)}");
                return;
            }
            int middle = (from + to + 1) / 2;
            string lower = $".Lswitch{_labels++}";
            lines.Add($"cmp ${runs[middle].First}, {register}");
            lines.Add($"jb {lower}");
            Emit(middle, to);
            lines.Add($"{lower}:");
            Emit(from, middle - 1);
        }
        Emit(0, runs.Count - 1);
        return lines;
    }
}
