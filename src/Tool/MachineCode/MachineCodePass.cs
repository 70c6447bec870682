using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.MachineCode;

/// <summary>What the pass did to one object.</summary>
public sealed record MachineCodeStatistics(int Functions, int Funclets, int Instructions, int SimdRewritten, int JumpTables, int Returns, int RuntimeCallsRemoved, int Frames, int NoReturnCalls, int UnreachableDropped)
{
    public override string ToString() =>
        $"{Functions} functions ({Funclets} funclets), {Instructions} instructions: {SimdRewritten} SSE rewritten, {JumpTables} jump tables, {Returns} returns, {RuntimeCallsRemoved} no-op runtime calls removed, {Frames} frame setups moved, {NoReturnCalls} calls that never return ended ({UnreachableDropped} unreachable instructions dropped)";
}

/// <summary>
/// The machine-code pass: makes the code ILCompiler compiled from C# kernel-grade, and
/// writes it as a kernel assembly file. Steps: find each method and funclet, decode them,
/// rewrite jump tables, drop no-op runtime calls, move frame-pointer setups, rewrite SSE block operations, end calls that never
/// return, check the
/// result against the kernel's rules, write the assembly.
/// </summary>
public static class MachineCodePass
{
    /// <param name="externalNoReturn">Functions outside the object that never return (the shims' __noreturn ones).</param>
    /// <param name="debug">A debug build's C# lines and names, carried into the assembly.</param>
    public static (string Assembly, MachineCodeStatistics Statistics) Run(ElfObject elf, string module, string? assemblyName, IReadOnlySet<string> externalNoReturn, CSharpDebugInfo? debug = null)
    {
        var errors = new MachineCodeErrors(assemblyName);
        List<CodePiece> pieces = CodeLayout.Pieces(elf);
        var symbols = new CodeSymbols(elf, pieces);
        var decoder = new CodeDecoder(elf, symbols, errors);
        foreach (CodePiece piece in pieces)
            decoder.Decode(piece);
        int instructions = pieces.Sum(p => p.Lines.Count);
        int returns = pieces.Sum(p => p.Lines.Count(l => l is GeneratedAssembly { Lines: ["RET"] }));

        var jumpTables = new JumpTableRewriter(elf, symbols, errors);
        var runtimeCalls = new RuntimeCallRemover();
        var frames = new FramePointerRewriter();
        foreach (CodePiece piece in pieces)
        {
            jumpTables.Rewrite(piece);
            runtimeCalls.Rewrite(piece);
            frames.Rewrite(piece);
        }
        // Every branch target is known now: straight-line code ends at each of them.
        var simd = new SimdRewriter(symbols, errors);
        foreach (CodePiece piece in pieces)
        {
            var labels = symbols.Labels.Where(l => l.Section == piece.Section.Index).Select(l => l.Offset).ToHashSet();
            simd.Rewrite(piece, labels);
        }
        var noReturn = new NoReturnRewriter(symbols);
        noReturn.Rewrite(pieces, externalNoReturn);
        MachineCodeRules.Check(pieces, errors);

        string assembly = new KernelAssemblyWriter(elf, symbols, debug).Write(module, pieces);
        var statistics = new MachineCodeStatistics(pieces.Count(p => p.Symbol == p.Method), pieces.Count(p => p.Symbol != p.Method),
            instructions, simd.Rewritten, jumpTables.Rewritten, returns, runtimeCalls.Removed, frames.Rewritten, noReturn.CallsEnded, noReturn.LinesDropped);
        return (assembly, statistics);
    }
}
