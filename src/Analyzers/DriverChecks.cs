using Microsoft.CodeAnalysis;

namespace KernelSharp.Analyzers;

/// <summary>Every checker of the rule table over a driver's sources: what the analyzer reports.</summary>
public static class DriverChecks
{
    /// <summary>Whether a compilation is a driver: it is built against the KernelSharp kernel library (and is not that library).</summary>
    public static bool IsDriver(Compilation compilation) =>
        compilation.AssemblyName != "KernelSharp.Kernel"
        && compilation.ReferencedAssemblyNames.Any(assembly => assembly.Name == "KernelSharp.Kernel");

    /// <summary>The driver's own sources: all but generated files (the build tool's glue, MSBuild's *.g.cs).</summary>
    public static IReadOnlyList<SyntaxTree> DriverTrees(Compilation compilation) =>
        compilation.SyntaxTrees.Where(tree => !tree.FilePath.EndsWith(".g.cs", StringComparison.OrdinalIgnoreCase)).ToList();

    public static List<Finding> Run(Compilation compilation, IReadOnlyList<SyntaxTree> driverTrees) =>
    [
        .. ExternChecker.Check(driverTrees),
        .. OwnershipChecker.Check(compilation, driverTrees),
        .. SharedStateChecker.Check(compilation, driverTrees),
        .. AtomicContextChecker.Check(compilation, driverTrees),
        .. LifetimeChecker.Check(compilation, driverTrees),
        .. UnsafeCodeChecker.Check(compilation, driverTrees),
        .. EscapeHatchChecker.Check(compilation, driverTrees),
        .. AllocationChecker.Check(compilation, driverTrees),
        .. ExceptionChecker.Check(compilation, driverTrees),
        .. FloatingPointChecker.Check(compilation, driverTrees),
        .. StaticInitializerChecker.Check(compilation, driverTrees),
        .. KernelTestChecker.Check(compilation, driverTrees),
        .. DebugSiteChecker.Check(compilation, driverTrees),
    ];
}
