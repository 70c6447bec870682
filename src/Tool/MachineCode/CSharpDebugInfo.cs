using KernelSharp.Tool.Debugging;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// What a debug build carries from ILCompiler's object into the kernel assembly: the C# line
/// of each original instruction (ILCompiler's .debug_line, which the pass reads because it
/// moves code), written as <c>.file</c>/<c>.loc</c> directives so the assembler makes the
/// module's line table; and the C# name of each compiled function, written into the
/// module's <c>.debug_ksharp_names</c> section for <c>ksharp decode</c>.
/// </summary>
/// <param name="Lines">ILCompiler's line table.</param>
/// <param name="SourcePath">The path a source file is written under: the same on every machine and
/// every kernel (architecture rule 1), e.g. relative to the driver project.</param>
/// <param name="Names">The C# name of a function symbol, or null when it has none.</param>
public sealed record CSharpDebugInfo(DwarfLineTable Lines, Func<string, string> SourcePath, Func<string, string?> Names)
{
    /// <summary>
    /// The section of a debug module that maps its C# function symbols to C# names, one
    /// "symbol TAB name" line each. Not loaded; named .debug* because modpost accepts only
    /// known non-loaded sections, and because stripping debug information should strip it too.
    /// </summary>
    public const string NamesSection = ".debug_ksharp_names";

    /// <summary>
    /// The source path for a build of the driver in <paramref name="driverDirectory"/>: relative to it
    /// (with '/') for a file inside it, else the file name alone (the generated entry points').
    /// </summary>
    public static string ProjectRelative(string driverDirectory, string path)
    {
        if (Path.IsPathRooted(path))
        {
            string relative = Path.GetRelativePath(driverDirectory, path);
            path = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? Path.GetFileName(path) : relative;
        }
        return path.Replace('\\', '/');
    }
}
