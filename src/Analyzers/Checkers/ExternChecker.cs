using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses extern methods in driver code (KS0002): a driver's own declaration of a kernel
/// function would bind to one kernel's signature, and bypass the shims compiled against each
/// kernel's headers (architecture rule 1).
/// </summary>
public static class ExternChecker
{
    public static readonly Rule Rule = Rules.ExternMethod;

    public static List<Finding> Check(IEnumerable<SyntaxTree> driverTrees) =>
        Finding.InSourceOrder(driverTrees.SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            .Where(method => method.Modifiers.Any(m => m.IsKind(SyntaxKind.ExternKeyword)))
            .Select(method => new Finding(Rule, method, $"extern method '{method.Identifier.Text}': drivers reach the kernel through the KernelSharp library; a missing kernel API belongs in the library and its shims")));
}
