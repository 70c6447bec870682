using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses, in driver code, the APIs that write or reinterpret any memory without the
/// <c>unsafe</c> keyword (KS0005): <c>System.Runtime.CompilerServices.Unsafe</c>,
/// <c>System.Runtime.InteropServices.MemoryMarshal</c>, and what only generated code may
/// use: the glue support in <c>KernelSharp.Glue</c> (it turns addresses into references)
/// and the compiler's import and export attributes. The generated entry points use them;
/// drivers never need to.
/// </summary>
public static class EscapeHatchChecker
{
    public static readonly Rule Rule = Rules.EscapeHatch;

    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["System.Runtime.CompilerServices.Unsafe"] = "reads and writes any memory without the unsafe keyword",
        ["System.Runtime.InteropServices.MemoryMarshal"] = "reinterprets memory and creates spans of any length",
        ["System.Runtime.RuntimeExportAttribute"] = "exports a method under any symbol name; the generated entry points use it",
        ["System.Runtime.RuntimeImportAttribute"] = "calls any symbol; kernel APIs are reached through the library",
        // Overlapping fields let a driver write the pointer inside an owned value (a KernelBuffer) as a number.
        ["System.Runtime.InteropServices.FieldOffsetAttribute"] = "lays fields over each other, so a number can become the pointer an owned value frees",
        // Uninitialized locals: stale stack bytes reach user space, or become pointers Dispose frees.
        ["System.Runtime.CompilerServices.SkipLocalsInitAttribute"] = "leaves stack memory uninitialized, so stale kernel data becomes values and pointers",
    };

    public static List<Finding> Check(Compilation compilation, IEnumerable<SyntaxTree> driverTrees)
    {
        var problems = new List<Finding>();
        foreach (SyntaxTree tree in driverTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SimpleNameSyntax name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                // A.B.C is reported once, at its last name: the inner ones name what contains it.
                SyntaxNode whole = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access
                    : name.Parent is QualifiedNameSyntax qualified && qualified.Right == name ? qualified : name;
                if (whole.Parent is MemberAccessExpressionSyntax outer && outer.Expression == whole
                    || whole.Parent is QualifiedNameSyntax outerName && outerName.Left == whole)
                    continue;
                ISymbol? symbol = model.GetSymbolInfo(name).Symbol ?? model.GetSymbolInfo(name).CandidateSymbols.FirstOrDefault();
                if (symbol is null || Refusal(symbol) is not { } why)
                    continue;
                problems.Add(new Finding(Rule, name, $"'{symbol.ToDisplayString()}' {why}: drivers use the KernelSharp library's safe types"));
            }
        }
        return Finding.InSourceOrder(problems);
    }

    private static string? Refusal(ISymbol symbol)
    {
        if (symbol is IFieldSymbol { Name: "Explicit", ContainingType: { Name: "LayoutKind", ContainingNamespace: var layoutNamespace } } && layoutNamespace.ToDisplayString() == "System.Runtime.InteropServices")
            return "lays fields over each other, so a number can become the pointer an owned value frees";
        INamedTypeSymbol? type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
            if (Types.TryGetValue(t.ToDisplayString(), out string? why))
                return why;
        INamespaceSymbol? ns = symbol as INamespaceSymbol ?? type?.ContainingNamespace ?? symbol.ContainingNamespace;
        return ns?.ToDisplayString() == "KernelSharp.Glue" ? "is the generated entry points' support (it turns addresses into references)" : null;
    }
}
