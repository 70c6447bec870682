using Iced.Intel;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// One stretch of compiled code the pass handles as a unit: a method's main body, or one of
/// its funclets (RyuJIT compiles each <c>finally</c> into a small function the body calls).
/// Each piece becomes one function in the generated assembly, so objtool checks it and
/// writes its unwind data like any kernel function.
/// </summary>
public sealed class CodePiece(ElfObject.Section section, string symbol, string method, bool global, ulong start, ulong end)
{
    public ElfObject.Section Section { get; } = section;
    /// <summary>The symbol the piece is emitted under: the method's, or METHOD.funcletN.</summary>
    public string Symbol { get; } = symbol;
    /// <summary>The compiled method the piece belongs to, for error messages.</summary>
    public string Method { get; } = method;
    public bool Global { get; } = global;
    public ulong Start { get; } = start;
    public ulong End { get; } = end;
    public List<CodeLine> Lines { get; } = [];
    public override string ToString() => $"{Symbol} [{Start:x}, {End:x})";
}

/// <summary>
/// A line of the generated assembly for a piece of code. Every line stands for the original
/// instruction at <see cref="Origin"/>; a label that points at that instruction goes before
/// the first line of that origin, so rewriting an instruction never loses a branch target.
/// </summary>
public abstract record CodeLine(ulong Origin);

/// <summary>
/// An instruction kept as RyuJIT encoded it: its bytes go out unchanged, except the fields a
/// relocation or a code address fills in, which become assembler expressions.
/// </summary>
/// <param name="Relocations">The relocations inside the instruction's bytes.</param>
/// <param name="Offsets">Where the displacement and immediate fields are.</param>
/// <param name="CodeTarget">For a rip-relative operand that points into the same code section
/// without a relocation: the label of that place (the code in between may move).</param>
public sealed record OriginalInstruction(Instruction Instruction, byte[] Bytes, IReadOnlyList<ElfObject.Relocation> Relocations, ConstantOffsets Offsets, string? CodeTarget = null)
    : CodeLine(Instruction.IP);

/// <summary>
/// Assembly written by the pass in place of the original instruction at <paramref name="Origin"/>:
/// AT&amp;T syntax or a kernel macro such as RET, one instruction per line; empty when the
/// instruction is dropped (an SSE zero idiom, a no-op runtime call).
/// </summary>
public sealed record GeneratedAssembly(ulong Origin, params string[] Lines) : CodeLine(Origin)
{
    /// <summary>The instruction this replaces, when it was a branch kept in assembler form.</summary>
    public Instruction? Branch { get; init; }
    /// <summary>For a branch to a symbol (a function, this object's or another's): its name; null for a label.</summary>
    public string? BranchSymbol { get; init; }

    /// <summary>Whether control never goes on to the next line: RET, or a jump table's compare tree.</summary>
    public bool EndsFlow => Branch is null && Lines.Any(l => l == "RET" || l.StartsWith("jmp ", StringComparison.Ordinal));
}
