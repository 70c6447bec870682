using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses [KernelTest] methods the generated test entry cannot run (KS0013): a test is static,
/// takes no parameters or type parameters, returns void, is not private or protected (the entry
/// calls it from outside), is not in a generic type, and has a name no other test of its type
/// has (the KTAP report names each test once). Reported in every build, not only test builds,
/// so a test is never silently skipped and the editor shows it while it is written.
/// </summary>
public static class KernelTestChecker
{
    public static readonly Rule Rule = Rules.KernelTestCannotRun;

    public static List<Finding> Check(Compilation compilation, IEnumerable<SyntaxTree> driverTrees)
    {
        var problems = new List<Finding>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (method, where) in Tests(compilation, driverTrees))
        {
            if (Refusal(method) is { } why)
                problems.Add(new Finding(Rule, where, $"[KernelTest] '{method.Name}' {why}"));
            else if (!names.Add(Name(method)))
                problems.Add(new Finding(Rule, where, $"two [KernelTest] methods are named {Name(method)} (overloads): the report names each test once"));
        }
        return problems;
    }

    /// <summary>The methods marked [KernelTest] in <paramref name="trees"/>, in source order, each with the place of its name.</summary>
    public static IEnumerable<(IMethodSymbol Method, Location Where)> Tests(Compilation compilation, IEnumerable<SyntaxTree> trees)
    {
        if (compilation.GetTypeByMetadataName("KernelSharp.Testing.KernelTestAttribute") is not { } attribute)
            yield break;
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (MethodDeclarationSyntax declaration in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
                if (model.GetDeclaredSymbol(declaration) is { } method
                    && method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute)))
                    yield return (method, declaration.Identifier.GetLocation());
        }
    }

    /// <summary>The name the report gives a test: Type.Method.</summary>
    public static string Name(IMethodSymbol method) => $"{method.ContainingType.Name}.{method.Name}";

    // Why the generated entry cannot call the method as a test, or null when it can.
    private static string? Refusal(IMethodSymbol method)
    {
        if (!method.IsStatic)
            return "must be static: the test entry calls it without an instance";
        if (method.Parameters.Length > 0 || method.IsGenericMethod)
            return "must take no parameters or type parameters";
        if (!method.ReturnsVoid)
            return "must return void: failures are reported by KernelAssert";
        for (ISymbol symbol = method; symbol is not INamespaceSymbol; symbol = symbol.ContainingSymbol)
            if (symbol.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                return $"cannot be private or protected ({symbol.Name} is): the generated test entry calls it; make it internal";
        if (method.ContainingType.IsGenericType)
            return "cannot be in a generic type";
        return null;
    }
}
