using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>The outermost operations of a tree (each method body, expression body and initializer once), and what the checkers ask of an operation.</summary>
public static class BodyOperations
{
    /// <summary>The operation under any conversions and parentheses.</summary>
    public static IOperation Unwrap(IOperation value)
    {
        while (value is IConversionOperation or IParenthesizedOperation)
            value = value is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)value).Operand;
        return value;
    }

    /// <summary>A variable, an element, this, or a ref (readonly or not) to something: what stays behind when its value is read.</summary>
    public static bool IsPlace(IOperation value) =>
        value is ILocalReferenceOperation or IFieldReferenceOperation or IParameterReferenceOperation or IArrayElementReferenceOperation
            or IInlineArrayAccessOperation or IInstanceReferenceOperation
            or IPropertyReferenceOperation { Property.ReturnsByRef: true } or IPropertyReferenceOperation { Property.ReturnsByRefReadonly: true }
            or IInvocationOperation { TargetMethod.ReturnsByRef: true } or IInvocationOperation { TargetMethod.ReturnsByRefReadonly: true };

    public static IEnumerable<IOperation> Of(Compilation compilation, IEnumerable<SyntaxTree> trees) =>
        trees.SelectMany(tree => Of(compilation.GetSemanticModel(tree), tree));

    public static IEnumerable<IOperation> Of(SemanticModel model, SyntaxTree tree)
    {
        foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
        {
            if (node is not (BlockSyntax or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax))
                continue;
            if (node.Ancestors().Any(a => a is BlockSyntax or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax))
                continue;
            if (model.GetOperation(node) is { } operation)
                yield return operation;
        }
    }
}
