using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Tool.Build;

/// <summary>
/// Refuses copies of owned values in driver code. An owned value is a struct implementing
/// IDisposable (PortRegion, MiscDevice, KernelBuffer, or a driver's own) or a ref struct with
/// a Dispose method (MutexGuard): it holds a kernel resource, and two copies would both
/// release it. Assignments, initializers, by-value arguments, returns and foreach are checked. Values move by <c>out</c> at creation,
/// travel by <c>ref</c>, and change owner with <c>Owned.Take(ref x)</c>, which empties the source.
/// </summary>
public static class OwnershipChecker
{
    public const string Id = "KS0001";

    public static IReadOnlyList<string> Check(CSharpCompilation compilation, IEnumerable<SyntaxTree> driverTrees)
    {
        INamedTypeSymbol? disposable = compilation.GetTypeByMetadataName("System.IDisposable");
        if (disposable is null)
            return [];
        var problems = new List<string>();
        foreach (SyntaxTree tree in driverTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            var walker = new CopyFinder(disposable, problems);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                // Each body or initializer once, from its outermost operation.
                if (node is not (Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.EqualsValueClauseSyntax))
                    continue;
                if (node.Ancestors().Any(a => a is Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.EqualsValueClauseSyntax))
                    continue;
                if (model.GetOperation(node) is { } operation)
                    walker.Visit(operation);
            }
        }
        return problems.Distinct().ToList();
    }

    private sealed class CopyFinder(INamedTypeSymbol disposable, List<string> problems) : OperationWalker
    {
        // A struct that releases something when disposed: IDisposable, or (a ref struct such as
        // MutexGuard, which C# disposes by pattern) a public parameterless Dispose method.
        private bool IsOwned(ITypeSymbol? type) =>
            type is { IsValueType: true } && (type.AllInterfaces.Contains(disposable, SymbolEqualityComparer.Default)
                || type.IsRefLikeType && type.GetMembers("Dispose").OfType<IMethodSymbol>().Any(m => m is { Parameters.Length: 0, IsStatic: false, DeclaredAccessibility: Accessibility.Public }));

        // A read of a variable that holds an owned value (not a fresh value from a call).
        private void CheckCopy(IOperation? value, string what)
        {
            while (value is IConversionOperation conversion)
                value = conversion.Operand;
            if (value is null || !IsOwned(value.Type))
                return;
            string? name = value switch
            {
                ILocalReferenceOperation local => local.Local.Name,
                IFieldReferenceOperation field => field.Field.Name,
                IParameterReferenceOperation parameter => parameter.Parameter.Name,
                IArrayElementReferenceOperation => "an array element",
                _ => null,
            };
            if (name is null)
                return;
            problems.Add($"{DriverCompiler.Position(value.Syntax.GetLocation())}: error {Id}: {what} copies the owned value '{name}' ({value.Type!.Name}); both copies would release it. Pass it by ref, or move it with Owned.Take(ref {name})");
        }

        public override void VisitSimpleAssignment(ISimpleAssignmentOperation operation)
        {
            if (!operation.IsRef)
                CheckCopy(operation.Value, "this assignment");
            base.VisitSimpleAssignment(operation);
        }

        public override void VisitVariableInitializer(IVariableInitializerOperation operation)
        {
            if (operation.Parent is not IVariableDeclaratorOperation { Symbol.RefKind: not RefKind.None })
                CheckCopy(operation.Value, "this initialization");
            base.VisitVariableInitializer(operation);
        }

        public override void VisitArgument(IArgumentOperation operation)
        {
            if (operation.Parameter is { RefKind: RefKind.None })
                CheckCopy(operation.Value, "passing it by value");
            base.VisitArgument(operation);
        }

        // foreach (T item in span) copies each element into item; foreach (ref T item in span) does not.
        public override void VisitForEachLoop(IForEachLoopOperation operation)
        {
            if (operation.LoopControlVariable is IVariableDeclaratorOperation { Symbol: { RefKind: RefKind.None } variable } && IsOwned(variable.Type))
                problems.Add($"{DriverCompiler.Position(operation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ForEachStatementSyntax loop ? loop.Identifier.GetLocation() : operation.Syntax.GetLocation())}: error {Id}: this foreach copies each owned element into '{variable.Name}' ({variable.Type.Name}); both copies would release it. Iterate by reference: foreach (ref {variable.Type.Name} {variable.Name} in ...)");
            base.VisitForEachLoop(operation);
        }

        public override void VisitReturn(IReturnOperation operation)
        {
            if (operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart) is not IMethodSymbol { ReturnsByRef: true } and not IMethodSymbol { ReturnsByRefReadonly: true })
                CheckCopy(operation.ReturnedValue, "returning it");
            base.VisitReturn(operation);
        }
    }
}
