using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// Build errors of the machine-code pass. Each names the C# method (as ObjectChecker prints
/// it) and the instruction: a pattern the pass does not understand stops the build.
/// </summary>
public sealed class MachineCodeErrors(string? assemblyName)
{
    public string Method(CodePiece piece) => ObjectChecker.Describe(piece.Method, assemblyName);

    public BuildError At(CodePiece piece, ulong offset, string what) =>
        new($"{Method(piece)}: {what} (machine code at {piece.Section.Name}+0x{offset:x})");
}
