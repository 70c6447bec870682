namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// Removes calls to the runtime's GC transitions. ILCompiler brackets an [UnmanagedCallersOnly]
/// method with RhpReversePInvoke/RhpReversePInvokeReturn, and a P/Invoke without
/// [SuppressGCTransition] with RhpPInvoke/RhpPInvokeReturn, so that a collector could stop
/// the thread (the generated entry points are [RuntimeExport] and have none). Kernel C# has no collector: the shims define them empty
/// (src/Native/ksharp_runtime.c), and a call to an empty function only clobbers the
/// caller-saved registers, which the compiled code does not expect to survive the call
/// anyway. Two calls and returns less on every entry into C#.
/// </summary>
public sealed class RuntimeCallRemover
{
    public static readonly IReadOnlySet<string> NoOpHelpers = new HashSet<string>(StringComparer.Ordinal)
    {
        "RhpReversePInvoke", "RhpReversePInvokeReturn", "RhpPInvoke", "RhpPInvokeReturn",
    };

    public int Removed { get; private set; }

    public void Rewrite(CodePiece piece)
    {
        for (int i = 0; i < piece.Lines.Count; i++)
            if (piece.Lines[i] is GeneratedAssembly { Branch.Mnemonic: Iced.Intel.Mnemonic.Call, BranchSymbol: { } target } call
                && NoOpHelpers.Contains(target))
            {
                piece.Lines[i] = new GeneratedAssembly(call.Origin);
                Removed++;
            }
    }
}
