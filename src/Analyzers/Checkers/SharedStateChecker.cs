using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses changing an owned static field from code that user space can run in several
/// tasks at once (KS0007): file operations, seq_file show functions and exported functions,
/// and every driver method they call. Two tasks in write(2) that both Dispose or replace the
/// same static would release it twice; module statics are the module's, set up in Init and
/// released in Exit. Shared state that changes belongs in a Mutex&lt;T&gt;, whose guard is the
/// only way to it. A change is an assignment, a ref or out argument, a method that is not
/// readonly (Dispose included), a using of the field, or a writable ref to it (a ref local or
/// a ref return: reach module statics from there with ref readonly).
/// </summary>
public static class SharedStateChecker
{
    public static readonly Rule Rule = Rules.SharedStaticChanged;

    public static List<Finding> Check(Compilation compilation, IReadOnlyList<SyntaxTree> driverTrees)
    {
        if (OwnedTypes.For(compilation) is not { } owned)
            return [];
        var graph = new DriverCallGraph(compilation, driverTrees);
        // What user space reaches concurrently, then everything those call.
        var reached = graph.Reach(graph.Bodies.Keys.Where(IsConcurrentEntry));

        var problems = new List<Finding>();
        foreach (IMethodSymbol method in reached)
            foreach (IFieldReferenceOperation field in graph.Bodies[method].DescendantsAndSelf().OfType<IFieldReferenceOperation>())
                if (field.Field.IsStatic && owned.Contains(field.Field.Type) && !owned.IsUserMemory(field.Field.Type) && Changes(field))
                    problems.Add(new Finding(Rule, field.Syntax, $"'{field.Field.Name}' ({field.Field.Type.Name}) is changed in {method.ContainingType.Name}.{method.Name}, which user space can run in several tasks at once: both could release it. Set owned statics up in Init and release them in Exit, or keep what changes in a Mutex<T>"));
        return Finding.InSourceOrder(problems);
    }

    // The file operations and seq_file show functions a type implements, and exported functions.
    private static bool IsConcurrentEntry(IMethodSymbol method) =>
        method.IsStatic && (method.ContainingType.AllInterfaces
                .Where(contract => contract.ContainingNamespace.ToDisplayString() == "KernelSharp.FileSystem")
                .SelectMany(contract => contract.GetMembers())
                .Any(member => SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method))
            || method.GetAttributes().Any(a => a.AttributeClass?.Name == "ExportSymbolAttribute"));

    private static bool Changes(IOperation place)
    {
        IOperation? parent = place.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            place = parent;
            parent = parent.Parent;
        }
        return parent switch
        {
            IFieldReferenceOperation member when member.Instance == place => Changes(member),
            // s_items[0].Dispose(), s_items.Span[1]: a getter that is not readonly hands out what it owns.
            IPropertyReferenceOperation property when property.Instance == place => property.Property.GetMethod is { IsReadOnly: false } || Changes(property),
            IAssignmentOperation assignment => assignment.Target == place || assignment is ISimpleAssignmentOperation { IsRef: true },
            // A writable ref to it (a ref local, a ref return): whatever is done through it.
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.RefKind: RefKind.Ref } } => true,
            IReturnOperation when place.SemanticModel?.GetEnclosingSymbol(place.Syntax.SpanStart) is IMethodSymbol { ReturnsByRef: true } => true,
            IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
            IInvocationOperation call => call.Instance == place && !call.TargetMethod.IsReadOnly,
            IUsingOperation => true,
            _ => false,
        };
    }
}
