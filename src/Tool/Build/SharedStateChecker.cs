using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Tool.Build;

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
    public const string Id = "KS0007";

    public static IReadOnlyList<string> Check(CSharpCompilation compilation, IReadOnlyList<SyntaxTree> driverTrees)
    {
        if (OwnedTypes.For(compilation) is not { } owned)
            return [];
        var bodies = new Dictionary<IMethodSymbol, IOperation>(SymbolEqualityComparer.Default);
        foreach (SyntaxTree tree in driverTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
                if (node is Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax
                        or Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax { Parent: Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax }
                    && model.GetDeclaredSymbol(node.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax property && node is Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax ? property : node) is { } symbol
                    && model.GetOperation(node) is { } body)
                {
                    IMethodSymbol? method = symbol as IMethodSymbol ?? (symbol as IPropertySymbol)?.GetMethod;
                    if (method is not null)
                        bodies.TryAdd(method, body);
                }
        }

        // What user space reaches concurrently, then everything those call.
        var reached = new HashSet<IMethodSymbol>(bodies.Keys.Where(IsConcurrentEntry), SymbolEqualityComparer.Default);
        // A call of an interface member (T.Evict() through a type parameter) may run any driver implementation of it.
        var implementations = bodies.Keys
            .SelectMany(method => method.ContainingType.AllInterfaces.SelectMany(contract => contract.GetMembers().OfType<IMethodSymbol>())
                .Where(member => SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method))
                .Select(member => (Member: member.OriginalDefinition, Method: method)))
            .ToLookup(pair => pair.Member, pair => pair.Method, SymbolEqualityComparer.Default);
        var work = new Queue<IMethodSymbol>(reached);
        while (work.TryDequeue(out IMethodSymbol? method))
            foreach (IOperation operation in bodies[method].DescendantsAndSelf())
            {
                foreach (IMethodSymbol? callee in Callees(operation))
                {
                    if (callee is null)
                        continue;
                    foreach (IMethodSymbol target in implementations[callee.OriginalDefinition].Append(callee.OriginalDefinition))
                        if (bodies.ContainsKey(target) && reached.Add(target))
                            work.Enqueue(target);
                }
            }

        var problems = new List<string>();
        foreach (IMethodSymbol method in reached)
            foreach (IFieldReferenceOperation field in bodies[method].DescendantsAndSelf().OfType<IFieldReferenceOperation>())
                if (field.Field.IsStatic && owned.Contains(field.Field.Type) && !owned.IsUserMemory(field.Field.Type) && Changes(field))
                    problems.Add($"{SourcePosition.Of(field.Syntax.GetLocation())}: error {Id}: '{field.Field.Name}' ({field.Field.Type.Name}) is changed in {method.ContainingType.Name}.{method.Name}, which user space can run in several tasks at once: both could release it. Set owned statics up in Init and release them in Exit, or keep what changes in a Mutex<T>");
        return problems.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    // Every driver method an operation may run: calls, constructors, both accessors of a
    // property, user-defined operators and conversions, and the Dispose a using calls.
    private static IEnumerable<IMethodSymbol?> Callees(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation call:
                yield return call.TargetMethod;
                break;
            case IObjectCreationOperation creation:
                yield return creation.Constructor;
                break;
            case IPropertyReferenceOperation property:
                yield return property.Property.GetMethod;
                yield return property.Property.SetMethod;
                break;
            case IBinaryOperation binary:
                yield return binary.OperatorMethod;
                break;
            case IUnaryOperation unary:
                yield return unary.OperatorMethod;
                break;
            case IConversionOperation conversion:
                yield return conversion.OperatorMethod;
                break;
            case ICompoundAssignmentOperation compound:
                yield return compound.OperatorMethod;
                break;
            case IIncrementOrDecrementOperation step:
                yield return step.OperatorMethod;
                break;
            case IUsingOperation or IUsingDeclarationOperation:
                foreach (ILocalSymbol local in operation is IUsingOperation statement ? statement.Locals : ((IUsingDeclarationOperation)operation).DeclarationGroup.Declarations.SelectMany(d => d.Declarators).Select(d => d.Symbol))
                    foreach (IMethodSymbol dispose in local.Type.GetMembers("Dispose").OfType<IMethodSymbol>())
                        yield return dispose;
                break;
        }
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
