using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelSharp.Tool.Build;

/// <summary>
/// Finds the [KernelTest] methods of a driver for a test build: static, without parameters or
/// type parameters, returning void, and reachable from the generated entry (not private). A
/// method that is none of these is an error at its line, so a test is never silently skipped.
/// </summary>
public static class KernelTestReader
{
    public static IReadOnlyList<KernelTestCase> Read(CSharpCompilation compilation)
    {
        INamedTypeSymbol? attribute = compilation.GetTypeByMetadataName("KernelSharp.Testing.KernelTestAttribute");
        if (attribute is null)
            return [];
        var tests = new List<(KernelTestCase Test, Location Where)>();
        var problems = new List<string>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>())
            {
                if (model.GetDeclaredSymbol(declaration) is not { } method
                    || !method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute)))
                    continue;
                Location where = declaration.Identifier.GetLocation();
                if (Refusal(method) is { } why)
                {
                    problems.Add($"{SourcePosition.Of(where)}: error: [KernelTest] '{method.Name}' {why}");
                    continue;
                }
                string type = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                tests.Add((new KernelTestCase($"{method.ContainingType.Name}.{method.Name}", $"{type}.{method.Name}"), where));
            }
        }
        if (problems.Count > 0)
            throw new BuildError($"[KernelTest] methods that cannot run: {problems.Count} error(s)", string.Join('\n', problems));
        foreach (var duplicate in tests.GroupBy(t => t.Test.Name).Where(g => g.Count() > 1))
            throw new BuildError($"{SourcePosition.Of(duplicate.Last().Where)}: error: two [KernelTest] methods are named {duplicate.Key} (overloads): the report names each test once");
        return tests.Select(t => t.Test).ToList();
    }

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
