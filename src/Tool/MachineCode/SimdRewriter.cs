using Iced.Intel;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// Rewrites RyuJIT's SSE block zeroing and copying into general-purpose instructions, as
/// the kernel's C compiler (-mno-sse) would have written them. SSE2 is RyuJIT's x64
/// baseline and cannot be switched off; every use in integer code is one of:
/// <list type="bullet">
/// <item><c>xorps x, x</c> then stores of x (zeroing 16+ bytes: prolog, stackalloc, <c>default</c>);</item>
/// <item>a load into x and stores of it (a struct copy of 16+ bytes).</item>
/// </list>
/// Which registers hold zero comes from <see cref="ZeroRegisterFlow"/> (it survives loops);
/// a loaded value is followed within straight-line code. A zero store
/// becomes <c>movq $0</c> stores. A copy becomes moves through a scratch register, saved
/// around them with push/pop, so no register's value changes; it is done where the store
/// was, which is correct only while the source is unchanged: no memory write and no change
/// of its address registers in between. Anything else that touches an XMM, MMX or x87
/// register (floating-point arithmetic, a copy the pass cannot prove) is a build error.
/// Flags are untouched: mov, push and pop do not change them, as xorps and movups did not.
/// </summary>
public sealed class SimdRewriter(CodeSymbols symbols, MachineCodeErrors errors)
{
    private sealed record Loaded(OriginalInstruction Load, int Size);

    private static readonly InstructionInfoFactory Info = new();

    public int Rewritten { get; private set; }

    public void Rewrite(CodePiece piece, IReadOnlySet<ulong> labels)
    {
        uint[] zero = ZeroRegisterFlow.Analyze(piece, symbols);
        var state = new Dictionary<Register, Loaded>();
        for (int i = 0; i < piece.Lines.Count; i++)
        {
            CodeLine line = piece.Lines[i];
            // Straight-line code only: what an XMM register holds is forgotten where a branch can land.
            if (labels.Contains(line.Origin) && (i == 0 || piece.Lines[i - 1].Origin != line.Origin))
                state.Clear();
            if (line is not OriginalInstruction original)
            {
                // Calls (SysV: every XMM register is caller-saved) and branches end what is known.
                state.Clear();
                continue;
            }
            Instruction instruction = original.Instruction;
            if (!UsesSimd(instruction))
            {
                Forget(state, instruction);
                continue;
            }
            piece.Lines[i] = RewriteSimd(piece, original, state, zero[i]);
            Rewritten++;
        }
    }

    private GeneratedAssembly RewriteSimd(CodePiece piece, OriginalInstruction line, Dictionary<Register, Loaded> state, uint zero)
    {
        Instruction instruction = line.Instruction;
        ulong at = line.Origin;
        // xorps x, x (and its integer and double forms): x is zero.
        if (instruction.Mnemonic is Mnemonic.Xorps or Mnemonic.Xorpd or Mnemonic.Pxor
            && instruction.Op0Kind == OpKind.Register && instruction.Op1Kind == OpKind.Register
            && instruction.Op0Register == instruction.Op1Register && instruction.Op0Register.IsXMM())
        {
            state.Remove(instruction.Op0Register);
            return new GeneratedAssembly(at);
        }
        int size = MoveSize(instruction);
        if (size == 0)
            throw errors.At(piece, at, IsFloatingPoint(instruction)
                ? $"floating-point arithmetic ({CodeDecoder.Text(instruction)}): kernel code cannot use float or double"
                : $"an SSE instruction the pass does not rewrite ({CodeDecoder.Text(instruction)})");

        // movaps y, x: y holds what x holds.
        if (instruction.Op0Kind == OpKind.Register && instruction.Op1Kind == OpKind.Register)
        {
            if (!instruction.Op0Register.IsXMM() || !instruction.Op1Register.IsXMM())
                throw errors.At(piece, at, $"a move between SSE and general registers ({CodeDecoder.Text(instruction)}): kernel code cannot use float or double");
            if (state.TryGetValue(instruction.Op1Register, out Loaded? value))
                state[instruction.Op0Register] = value;
            else
                state.Remove(instruction.Op0Register);
            return new GeneratedAssembly(at);
        }
        // A load: remembered, and done where its value is stored.
        if (instruction.Op0Kind == OpKind.Register && instruction.Op1Kind == OpKind.Memory)
        {
            if (AttOperands.Memory(line, symbols, 0, 0) is null)
                throw errors.At(piece, at, $"an SSE load from an operand the pass cannot move ({CodeDecoder.Text(instruction)})");
            state[instruction.Op0Register] = new Loaded(line, size);
            return new GeneratedAssembly(at);
        }
        if (instruction.Op0Kind != OpKind.Memory || instruction.Op1Kind != OpKind.Register)
            throw errors.At(piece, at, $"an SSE instruction the pass does not rewrite ({CodeDecoder.Text(instruction)})");

        Register source = instruction.Op1Register;
        string destination(long extra, int pushed) => AttOperands.Memory(line, symbols, extra, pushed)
            ?? throw errors.At(piece, at, $"an SSE store to an operand the pass cannot move ({CodeDecoder.Text(instruction)})");
        Loaded? loaded = state.GetValueOrDefault(source);
        // The store writes memory: a remembered load may read what it just changed.
        state.Clear();
        if ((zero & ZeroRegisterFlow.Bit(source)) != 0)
            return new GeneratedAssembly(at, Chunks(size).Select(c => $"mov{Suffix(c.Size)} $0, {destination(c.Offset, 0)}").ToArray());
        if (loaded is not null && loaded.Size == size)
            return Copy(piece, loaded.Load, line, size, destination);
        throw errors.At(piece, at, $"an SSE store of a value the pass cannot follow ({CodeDecoder.Text(instruction)}; "
            + "it supports zeroing and copies in straight-line code)");
    }

    // push scratch; (mov source+n, scratch; mov scratch, destination+n)...; pop scratch.
    private GeneratedAssembly Copy(CodePiece piece, OriginalInstruction load, OriginalInstruction store, int size, Func<long, int, string> destination)
    {
        var used = AttOperands.AddressRegisters(load.Instruction).Concat(AttOperands.AddressRegisters(store.Instruction)).ToHashSet();
        Register scratch = ScratchRegisters.First(r => !used.Contains(r));
        var lines = new List<string> { $"push {AttOperands.Register(scratch)}" };
        foreach ((long offset, int chunk) in Chunks(size))
        {
            string register = AttOperands.Register(chunk == 8 ? scratch : Sized(scratch, chunk));
            string from = AttOperands.Memory(load, symbols, offset, 8)
                ?? throw errors.At(piece, load.Origin, $"an SSE load from an operand the pass cannot move ({CodeDecoder.Text(load.Instruction)})");
            lines.Add($"mov{Suffix(chunk)} {from}, {register}");
            lines.Add($"mov{Suffix(chunk)} {register}, {destination(offset, 8)}");
        }
        lines.Add($"pop {AttOperands.Register(scratch)}");
        return new GeneratedAssembly(store.Origin, [.. lines]);
    }

    private static readonly Register[] ScratchRegisters = [Register.R11, Register.R10, Register.RAX, Register.RCX];

    private static Register Sized(Register register, int size) => (register, size) switch
    {
        (Register.R11, 4) => Register.R11D,
        (Register.R10, 4) => Register.R10D,
        (Register.RAX, 4) => Register.EAX,
        (Register.RCX, 4) => Register.ECX,
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    private static IEnumerable<(long Offset, int Size)> Chunks(int size) =>
        size == 4 ? [(0, 4)] : Enumerable.Range(0, size / 8).Select(i => ((long)i * 8, 8));

    private static string Suffix(int size) => size == 8 ? "q" : "l";

    // 16-byte moves, and the 8- and 4-byte ones between memory and an XMM register.
    private static int MoveSize(Instruction instruction) => instruction.Mnemonic switch
    {
        Mnemonic.Movups or Mnemonic.Movaps or Mnemonic.Movupd or Mnemonic.Movapd or Mnemonic.Movdqu or Mnemonic.Movdqa => 16,
        Mnemonic.Movq or Mnemonic.Movsd when instruction.Op0Kind == OpKind.Memory || instruction.Op1Kind == OpKind.Memory => 8,
        Mnemonic.Movd or Mnemonic.Movss when instruction.Op0Kind == OpKind.Memory || instruction.Op1Kind == OpKind.Memory => 4,
        _ => 0,
    };

    private static bool IsFloatingPoint(Instruction instruction)
    {
        string name = instruction.Mnemonic.ToString().ToLowerInvariant();
        return name.StartsWith("cvt", StringComparison.Ordinal) || name.Contains("comis", StringComparison.Ordinal)
            || name.EndsWith("ss", StringComparison.Ordinal) || name.EndsWith("sd", StringComparison.Ordinal)
            || name.EndsWith("ps", StringComparison.Ordinal) || name.EndsWith("pd", StringComparison.Ordinal)
            || instruction.Code.CpuidFeatures().Contains(CpuidFeature.FPU);
    }

    /// <summary>Whether an instruction uses an SSE, AVX, MMX or x87 register or instruction set.</summary>
    public static bool UsesSimd(Instruction instruction)
    {
        // Ordering and hint instructions Iced files under SSE/SSE2 that touch no vector register.
        if (instruction.Mnemonic is Mnemonic.Lfence or Mnemonic.Mfence or Mnemonic.Sfence or Mnemonic.Pause or Mnemonic.Prefetchnta
            or Mnemonic.Prefetcht0 or Mnemonic.Prefetcht1 or Mnemonic.Prefetcht2 or Mnemonic.Clflush || instruction.Code == Code.Movnti_m64_r64 || instruction.Code == Code.Movnti_m32_r32)
            return false;
        for (int i = 0; i < instruction.OpCount; i++)
            if (instruction.GetOpKind(i) == OpKind.Register && IsSimdRegister(instruction.GetOpRegister(i)))
                return true;
        if (IsSimdRegister(instruction.MemoryIndex))
            return true;
        return instruction.Code.CpuidFeatures().Any(IsSimdFeature);
    }

    private static bool IsSimdRegister(Register register) =>
        register.IsXMM() || register.IsYMM() || register.IsZMM() || register.IsMM() || register is >= Register.ST0 and <= Register.ST7;

    // Every extension that works on x87, MMX or vector registers, by Iced's names for them.
    private static readonly string[] SimdFeatureNames = ["FPU", "MMX", "SSE", "SSSE", "AVX", "FMA", "F16C", "3DNOW", "AES", "PCLMUL", "SHA", "GFNI", "VAES", "VPCLMUL", "XOP", "KNC", "AMX", "CYRIX_FPU"];

    private static bool IsSimdFeature(CpuidFeature feature) =>
        feature.ToString() is var name && SimdFeatureNames.Any(n => name.Contains(n, StringComparison.Ordinal));

    // What an ordinary instruction changes: a remembered load whose address registers or
    // memory it writes is no longer a value the pass can reproduce later.
    private static void Forget(Dictionary<Register, Loaded> state, Instruction instruction)
    {
        if (state.Count == 0)
            return;
        InstructionInfo info = Info.GetInfo(instruction);
        bool writesMemory = info.GetUsedMemory().Any(m => m.Access is OpAccess.Write or OpAccess.CondWrite or OpAccess.ReadWrite or OpAccess.ReadCondWrite)
            || instruction.StackPointerIncrement != 0;
        var written = info.GetUsedRegisters()
            .Where(r => r.Access is OpAccess.Write or OpAccess.CondWrite or OpAccess.ReadWrite or OpAccess.ReadCondWrite)
            .Select(r => r.Register.GetFullRegister()).ToHashSet();
        foreach (var (register, value) in state.ToList())
            if (writesMemory || AttOperands.AddressRegisters(value.Load.Instruction).Any(written.Contains))
                state.Remove(register);
    }
}
