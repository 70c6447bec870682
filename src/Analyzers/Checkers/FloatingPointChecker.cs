using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses floating-point and vector types in driver code (KS0011). The kernel does not save
/// FPU or SIMD registers for module code, so the compiled C# may not touch them (the
/// machine-code pass proves it on the object; this says so at the line that asks for it).
/// Reported once per expression (at its outermost floating-point part) and at each field,
/// parameter and return type that declares one.
/// </summary>
public static class FloatingPointChecker
{
    public static readonly Rule Rule = Rules.FloatingPoint;

    public static List<Finding> Check(Compilation compilation, IEnumerable<SyntaxTree> driverTrees)
    {
        var problems = new List<Finding>();
        foreach (IOperation body in BodyOperations.Of(compilation, driverTrees))
            foreach (IOperation operation in body.DescendantsAndSelf())
                if (FloatingType(operation.Type) is { } type && FloatingType(operation.Parent?.Type) is null && !operation.IsImplicit)
                    problems.Add(new Finding(Rule, operation.Syntax, $"'{operation.Syntax}' is {type} arithmetic; {Why}"));
        foreach (SyntaxTree tree in driverTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                (ITypeSymbol? Type, string What)? declared = model.GetDeclaredSymbol(node) switch
                {
                    IFieldSymbol field => (field.Type, $"field '{field.Name}'"),
                    IParameterSymbol parameter => (parameter.Type, $"parameter '{parameter.Name}'"),
                    IPropertySymbol property => (property.Type, $"property '{property.Name}'"),
                    IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.LocalFunction } method => (method.ReturnType, $"method '{method.Name}' returns"),
                    _ => null,
                };
                if (declared is { } d && FloatingType(d.Type) is { } type)
                    problems.Add(new Finding(Rule, node, $"{d.What} {(d.What.EndsWith(" returns", StringComparison.Ordinal) ? "" : "is ")}{type}; {Why}"));
            }
        }
        return Finding.InSourceOrder(problems);
    }

    private const string Why = "the kernel does not save FPU or SIMD registers for module code, so kernel C# cannot use them: use integers, scaled (fixed point) where a fraction is needed";

    /// <summary>"double", "System.Runtime.Intrinsics.Vector128&lt;int&gt;": a type held in FPU or SIMD registers, or null.</summary>
    public static string? FloatingType(ITypeSymbol? type)
    {
        if (type is null)
            return null;
        if (type is IArrayTypeSymbol array)
            return FloatingType(array.ElementType);
        if (type.SpecialType is SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal)
            return type.ToDisplayString();
        string ns = type.ContainingNamespace?.ToDisplayString() ?? "";
        if (type.Name == "Half" && ns == "System" || ns is "System.Numerics" && type.Name.StartsWith("Vector", StringComparison.Ordinal) || ns.StartsWith("System.Runtime.Intrinsics", StringComparison.Ordinal))
            return type.ToDisplayString();
        if (type is INamedTypeSymbol { IsGenericType: true } generic)
            foreach (ITypeSymbol argument in generic.TypeArguments)
                if (FloatingType(argument) is { } inner)
                    return inner;
        return null;
    }
}
