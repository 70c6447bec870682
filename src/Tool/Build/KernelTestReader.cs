using KernelSharp.Analyzers;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelSharp.Tool.Build;

/// <summary>
/// Finds the [KernelTest] methods of a driver for a test build, in source order. A method the
/// generated entry cannot run is refused by KS0013 (<see cref="KernelTestChecker"/>), which every
/// build runs first; it is checked again here for a compilation that did not run the rules.
/// </summary>
public static class KernelTestReader
{
    public static IReadOnlyList<KernelTestCase> Read(CSharpCompilation compilation)
    {
        DriverCompiler.ThrowOnFindings(KernelTestChecker.Check(compilation, compilation.SyntaxTrees));
        return [.. KernelTestChecker.Tests(compilation, compilation.SyntaxTrees).Select(test => new KernelTestCase(KernelTestChecker.Name(test.Method),
            $"{test.Method.ContainingType.ToDisplayString(Microsoft.CodeAnalysis.SymbolDisplayFormat.FullyQualifiedFormat)}.{test.Method.Name}"))];
    }
}
