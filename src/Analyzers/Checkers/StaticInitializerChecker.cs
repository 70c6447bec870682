using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses static initializers that reach the kernel (KS0012). ILCompiler runs static
/// constructors and static field initializers at build time and stores their results; one it
/// cannot run would run at first use instead, on any CPU, without a lock. What it cannot run
/// is a call into the kernel: a KernelSharp library member other than a constructor (they
/// reach the kernel through the shims) or an extern method, directly or through the driver's
/// own methods. Constants, structs built from them and arithmetic, loops included, run fine.
/// The object check (ObjectChecker) still finds any lazy static constructor this misses.
/// </summary>
public static class StaticInitializerChecker
{
    public static readonly Rule Rule = Rules.StaticInitializerNeedsKernel;

    public static List<Finding> Check(Compilation compilation, IReadOnlyList<SyntaxTree> driverTrees)
    {
        var graph = new DriverCallGraph(compilation, driverTrees);
        var problems = new List<Finding>();
        foreach (SyntaxTree tree in driverTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                string? owner = node switch
                {
                    ConstructorDeclarationSyntax ctor when ctor.Modifiers.Any(m => m.Text == "static") && ctor.Parent is BaseTypeDeclarationSyntax type
                        => $"the static constructor of {type.Identifier.Text}",
                    EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } when model.GetDeclaredSymbol(declarator) is IFieldSymbol { IsStatic: true, IsConst: false } field
                        => $"the initializer of {field.ContainingType.Name}.{field.Name}",
                    EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property } when model.GetDeclaredSymbol(property) is IPropertySymbol { IsStatic: true } staticProperty
                        => $"the initializer of {staticProperty.ContainingType.Name}.{staticProperty.Name}",
                    _ => null,
                };
                if (owner is null || model.GetOperation(node) is not { } body)
                    continue;
                foreach (IOperation operation in body.DescendantsAndSelf())
                    foreach (IMethodSymbol? callee in DriverCallGraph.Callees(operation))
                        if (callee is not null && KernelCall(callee, graph, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default)) is { } path)
                            problems.Add(new Finding(Rule, operation.Syntax,
                                $"{owner} calls {string.Join(", which calls ", path.Select(name => $"'{name}'"))}, which reaches the kernel; the compiler runs static initializers at build time, where there is no kernel, so this one would run at first use, on any CPU, without a lock: give the static fields constant initializers, or set them in Init"));
            }
        }
        return Finding.InSourceOrder(problems);
    }

    // The calls from callee to the kernel: [KernelBuffer.Allocate], or [Holder.Compute, KernelBuffer.Allocate]; null if none.
    private static List<string>? KernelCall(IMethodSymbol callee, DriverCallGraph graph, HashSet<IMethodSymbol> seen)
    {
        if (ReachesKernel(callee))
            return [Name(callee)];
        foreach (IMethodSymbol target in graph.DriverTargets(callee))
        {
            if (!seen.Add(target))
                continue;
            foreach (IOperation operation in graph.Bodies[target].DescendantsAndSelf())
                foreach (IMethodSymbol? inner in DriverCallGraph.Callees(operation))
                    if (inner is not null && KernelCall(inner, graph, seen) is { } path)
                        return [Name(target), .. path];
        }
        return null;
    }

    private static bool ReachesKernel(IMethodSymbol method) =>
        method.IsExtern
        || method.ContainingAssembly?.Name == "KernelSharp.Kernel"
            && method.MethodKind is not (MethodKind.Constructor or MethodKind.UserDefinedOperator or MethodKind.Conversion);

    private static string Name(IMethodSymbol method) =>
        $"{method.ContainingType.Name}.{(method.AssociatedSymbol is IPropertySymbol property ? property.Name : method.Name)}";
}
