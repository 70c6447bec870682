using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelSharp.Tool.Build;

/// <summary>
/// A call of Mutex.Create, Mutex&lt;T&gt;.Create, SpinLock.Create or SpinLock&lt;T&gt;.Create in driver
/// code: it gets a lockdep class of its own, as each mutex_init and spin_lock_init call site does in C. The generated C defines the class, named
/// <see cref="Name"/>; a generated interceptor at <see cref="Location"/> passes it on.
/// </summary>
public sealed record LockClassSite(string Name, int LocationVersion, string Location, string LockType);

/// <summary>Finds the lock creation sites of a driver, in source order.</summary>
public static class LockClassReader
{
    public static IReadOnlyList<LockClassSite> Read(CSharpCompilation compilation)
    {
        INamedTypeSymbol?[] lockTypes = [.. new[] { "Mutex", "Mutex`1", "SpinLock", "SpinLock`1" }.Select(name => compilation.GetTypeByMetadataName($"KernelSharp.Sync.{name}"))];
        var sites = new List<LockClassSite>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (InvocationExpressionSyntax call in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol { Name: "Create", IsStatic: true } method)
                    continue;
                INamedTypeSymbol type = method.ContainingType;
                if (!lockTypes.Any(lockType => SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, lockType)))
                    continue;
                var location = model.GetInterceptableLocation(call)
                    ?? throw new BuildError($"{SourcePosition.Of(call.GetLocation())}: this {type.Name}.Create call cannot be given its lock class (a ksharp bug: please report it)");
                sites.Add(new LockClassSite(Name(model, call), location.Version, location.Data,
                    type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
            }
        }
        return sites;
    }

    // What lockdep prints for the class: the method and the mutex created, as C prints
    // "&dev->lock" for mutex_init(&dev->lock).
    private static string Name(SemanticModel model, InvocationExpressionSyntax call)
    {
        string target = call.ArgumentList.Arguments.FirstOrDefault()?.Expression.ToString() ?? "mutex";
        ISymbol? member = model.GetEnclosingSymbol(call.SpanStart);
        while (member is IMethodSymbol { MethodKind: MethodKind.LambdaMethod or MethodKind.LocalFunction })
            member = member.ContainingSymbol;
        return member is null ? target : $"{member.ContainingType.Name}.{member.Name}: {target}";
    }
}
