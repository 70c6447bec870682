using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>
/// The driver's methods with their bodies, and what each operation in them may call: what
/// the checkers that follow calls (KS0007, KS0008, KS0012) walk. A call of an interface member
/// (T.Evict() through a type parameter) may run any driver implementation of it, and a library
/// generic method what it calls back of the driver types it is given.
/// </summary>
public sealed class DriverCallGraph
{
    private readonly ILookup<ISymbol?, IMethodSymbol> _implementations;

    /// <summary>Every method, accessor and expression-bodied property declared in the driver, with its body.</summary>
    public IReadOnlyDictionary<IMethodSymbol, IOperation> Bodies { get; }

    public DriverCallGraph(Compilation compilation, IReadOnlyList<SyntaxTree> driverTrees)
    {
        var bodies = new Dictionary<IMethodSymbol, IOperation>(SymbolEqualityComparer.Default);
        foreach (SyntaxTree tree in driverTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
                if (node is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax }
                    && model.GetDeclaredSymbol(node.Parent is PropertyDeclarationSyntax property && node is ArrowExpressionClauseSyntax ? property : node) is { } symbol
                    && model.GetOperation(node) is { } body)
                {
                    IMethodSymbol? method = symbol as IMethodSymbol ?? (symbol as IPropertySymbol)?.GetMethod;
                    if (method is not null)
                        bodies.TryAdd(method, body);
                }
        }
        Bodies = bodies;
        _implementations = bodies.Keys
            .SelectMany(method => method.ContainingType.AllInterfaces.SelectMany(contract => contract.GetMembers().OfType<IMethodSymbol>())
                .Where(member => SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method))
                .Select(member => (Member: member.OriginalDefinition, Method: method)))
            .ToLookup(pair => pair.Member, pair => pair.Method, SymbolEqualityComparer.Default);
    }

    /// <summary><paramref name="roots"/> and every driver method they reach through calls.</summary>
    public HashSet<IMethodSymbol> Reach(IEnumerable<IMethodSymbol> roots)
    {
        var reached = new HashSet<IMethodSymbol>(roots, SymbolEqualityComparer.Default);
        var work = new Queue<IMethodSymbol>(reached);
        while (work.TryDequeue(out IMethodSymbol? method))
            foreach (IOperation operation in Bodies[method].DescendantsAndSelf())
                foreach (IMethodSymbol? callee in Callees(operation))
                    if (callee is not null)
                        foreach (IMethodSymbol target in DriverTargets(callee))
                            if (reached.Add(target))
                                work.Enqueue(target);
        return reached;
    }

    /// <summary>The driver's implementations of <paramref name="member"/> (an interface member), with their bodies.</summary>
    public IEnumerable<IMethodSymbol> ImplementationsOf(IMethodSymbol member) =>
        _implementations[member.OriginalDefinition].Where(Bodies.ContainsKey);

    /// <summary>
    /// The driver methods with a body that a call of <paramref name="callee"/> may run: the method, the driver's
    /// implementations of it (an interface member), and what a library method calls back of its type arguments.
    /// </summary>
    public IEnumerable<IMethodSymbol> DriverTargets(IMethodSymbol callee) =>
        _implementations[callee.OriginalDefinition].Append(callee.OriginalDefinition).Concat(CallBacks(callee)).Where(Bodies.ContainsKey);

    // A library method runs its type arguments through the interfaces their type parameters are constrained to, there
    // and then: Log's AppendFormatted<T> calls T's TryFormat, KernelAssert.Equal<T> its Equals. Each implementation of
    // such an interface's members by a driver type given as one may run. Only the method's own type arguments: a
    // library type's (Timer<TData, THandler>, Work<TData, THandler>) run later, in their own context, which the
    // checkers take as their own roots. The driver's own generic methods have bodies that say what they call.
    private IEnumerable<IMethodSymbol> CallBacks(IMethodSymbol callee)
    {
        if (Bodies.ContainsKey(callee.OriginalDefinition))
            yield break;
        for (int i = 0; i < callee.TypeArguments.Length; i++)
        {
            if (callee.TypeArguments[i] is not INamedTypeSymbol argument)
                continue;
            var contracts = new HashSet<ISymbol>(callee.OriginalDefinition.TypeParameters[i].ConstraintTypes
                .OfType<INamedTypeSymbol>().Where(t => t.TypeKind == TypeKind.Interface)
                .SelectMany(t => t.AllInterfaces.Prepend(t)).Select(t => t.OriginalDefinition), SymbolEqualityComparer.Default);
            foreach (INamedTypeSymbol contract in argument.AllInterfaces.Where(c => contracts.Contains(c.OriginalDefinition)))
                foreach (IMethodSymbol member in contract.GetMembers().OfType<IMethodSymbol>())
                    if (argument.FindImplementationForInterfaceMember(member) is IMethodSymbol implementation)
                        yield return implementation.OriginalDefinition;
        }
    }

    /// <summary>
    /// Every method an operation may run: calls, constructors, both accessors of a property,
    /// user-defined operators and conversions, and the Dispose a using calls.
    /// </summary>
    public static IEnumerable<IMethodSymbol?> Callees(IOperation operation)
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
                foreach (ILocalSymbol local in UsingLocals(operation))
                    foreach (IMethodSymbol dispose in local.Type.GetMembers("Dispose").OfType<IMethodSymbol>())
                        yield return dispose;
                break;
        }
    }

    /// <summary>The locals a using statement or declaration disposes.</summary>
    public static IEnumerable<ILocalSymbol> UsingLocals(IOperation operation) => operation switch
    {
        IUsingOperation statement => statement.Locals,
        IUsingDeclarationOperation declaration => declaration.DeclarationGroup.Declarations.SelectMany(d => d.Declarators).Select(d => d.Symbol),
        _ => [],
    };
}
