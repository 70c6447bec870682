using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses sleeping where the CPU cannot be given up (KS0008): in a timer handler, in a wait
/// condition, and while a spin lock is held. A
/// spin lock's guard must be held by a <c>using</c>, so the held region is the using's scope
/// (the rest of the block for a using declaration); in it, no call may reach a library
/// member marked [MaySleep] (a mutex, a user-memory copy, an allocation with Gfp.Kernel, a
/// delay, a registration), directly or through the driver's own methods. The kernel's C has
/// only might_sleep() at run time for this; the debug kernel keeps that check as a backstop.
/// </summary>
public static class AtomicContextChecker
{
    public static readonly Rule Rule = Rules.SleepInAtomicContext;

    public static List<Finding> Check(Compilation compilation, IReadOnlyList<SyntaxTree> driverTrees)
    {
        INamedTypeSymbol?[] guards =
        [
            compilation.GetTypeByMetadataName("KernelSharp.Sync.SpinLockGuard"),
            compilation.GetTypeByMetadataName("KernelSharp.Sync.SpinLockGuard`1"),
        ];
        bool IsGuard(ITypeSymbol? type) => type is not null && guards.Any(g => SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, g));

        var graph = new DriverCallGraph(compilation, driverTrees);
        var sleeps = new SleepFinder(graph);
        var problems = new List<Finding>();
        // Code that runs where the CPU cannot be given up as a whole: timer handlers (softirq
        // context) and wait conditions (tested with the task already marked asleep).
        var atomicMembers = new (string Interface, string Member, string Where)[]
        {
            ("KernelSharp.Time.ITimerHandler`1", "Expired", "a timer handler runs in softirq context"),
            ("KernelSharp.Sync.IWaitCondition", "IsMet", "a wait condition is tested with the task already marked asleep"),
        };
        foreach (var (contractName, memberName, where) in atomicMembers)
            foreach (IMethodSymbol member in compilation.GetTypeByMetadataName(contractName)?.GetMembers(memberName).OfType<IMethodSymbol>() ?? [])
                foreach (IMethodSymbol method in graph.ImplementationsOf(member))
                    foreach (IOperation operation in graph.Bodies[method].DescendantsAndSelf())
                        if (sleeps.Why(operation) is { } why)
                            problems.Add(new Finding(Rule, operation.Syntax, $"{why}, and {where}: it must not sleep. Defer what sleeps to a work item (KernelSharp.Tasks.Work), or do it where the wait returns"));
        foreach (IOperation body in graph.Bodies.Values)
            foreach (IOperation operation in body.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation call && IsGuard(call.Type) && !HeldByUsing(call))
                    problems.Add(new Finding(Rule, call.Syntax, $"the guard of '{call.TargetMethod.Name}' is not held by a using: hold it as 'using (var guard = ...)' or 'using var guard = ...', so the lock is released once and the code that runs under it is the using's scope"));
                if (operation is IArgumentOperation { Parameter: { RefKind: RefKind.Out } parameter } argument && IsGuard(parameter.Type)
                    && !(OutLocal(argument.Value) is { } local && body.DescendantsAndSelf().OfType<IUsingOperation>().Any(u => u.Resources is ILocalReferenceOperation r && SymbolEqualityComparer.Default.Equals(r.Local, local))))
                    problems.Add(new Finding(Rule, argument.Syntax, $"the guard '{argument.Syntax}' is not held by a using: take it into 'using ({(OutLocal(argument.Value)?.Name ?? "guard")}) {{ ... }}' where the lock is taken"));

                if (HeldRegion(operation, IsGuard) is not { } region)
                    continue;
                int line = operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                foreach (IOperation held in region.SelectMany(o => o.DescendantsAndSelf()))
                    if (sleeps.Why(held) is { } why)
                        problems.Add(new Finding(Rule, held.Syntax, $"{why}, and a spin lock is held here (taken on line {line}): a CPU that holds a spin lock must not sleep. Call it before or after the using, or guard data that sleeping code needs with a Mutex<T>"));
            }
        return Finding.InSourceOrder(problems);
    }

    // using (var guard = x.Lock()), using var guard = x.Lock(); or using (x.Lock()).
    private static bool HeldByUsing(IOperation guard)
    {
        IOperation? parent = guard.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
            parent = parent.Parent;
        if (parent is IUsingOperation)
            return true;
        if (parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group } } })
            return false;
        return group.Parent is IUsingOperation or IUsingDeclarationOperation;
    }

    private static ILocalSymbol? OutLocal(IOperation value) => value switch
    {
        ILocalReferenceOperation local => local.Local,
        IDeclarationExpressionOperation { Expression: ILocalReferenceOperation local } => local.Local,
        _ => null,
    };

    // The operations that run while the guard of this using is held, if it holds a spin lock's guard.
    private static IEnumerable<IOperation>? HeldRegion(IOperation operation, Func<ITypeSymbol?, bool> isGuard)
    {
        switch (operation)
        {
            // using (var guard = ...) declares it; using (guard) and using (x.Lock()) name it (through a conversion, if any).
            case IUsingOperation statement when statement.Locals.Any(l => isGuard(l.Type)) || isGuard((statement.Resources as IConversionOperation)?.Operand.Type ?? statement.Resources.Type):
                return [statement.Body];
            case IUsingDeclarationOperation declaration when DriverCallGraph.UsingLocals(declaration).Any(l => isGuard(l.Type)) && declaration.Parent is IBlockOperation block:
                return block.Operations.SkipWhile(o => o != declaration).Skip(1);
            default:
                return null;
        }
    }

    /// <summary>Whether a call may sleep, and through which of the driver's methods.</summary>
    private sealed class SleepFinder(DriverCallGraph graph)
    {
        private readonly Dictionary<IMethodSymbol, Sleeper?> _driverMethods = new(SymbolEqualityComparer.Default);

        /// <summary>Why the operation may sleep ("'Mutex.Lock' may sleep"), or null.</summary>
        public string? Why(IOperation site) => Find(site)?.ToString();

        private Sleeper? Find(IOperation site)
        {
            foreach (IMethodSymbol? callee in DriverCallGraph.Callees(site))
                if (callee is not null && (Library(callee, site) ?? Driver(callee)) is { } sleeper)
                    return sleeper;
            return null;
        }

        private Sleeper? Driver(IMethodSymbol callee)
        {
            foreach (IMethodSymbol target in graph.DriverTargets(callee))
            {
                if (_driverMethods.TryGetValue(target, out Sleeper? known))
                {
                    if (known is not null)
                        return known;
                    continue;
                }
                _driverMethods[target] = null; // a recursive call adds nothing
                foreach (IOperation operation in graph.Bodies[target].DescendantsAndSelf())
                    if (Find(operation) is { } inner)
                        return _driverMethods[target] = new Sleeper(Name(target), inner.Member);
            }
            return null;
        }

        // [MaySleep] on the member, its property, or a type that contains it.
        private static Sleeper? Library(IMethodSymbol callee, IOperation site)
        {
            AttributeData? attribute = MaySleep(callee.OriginalDefinition) ?? (callee.AssociatedSymbol is { } property ? MaySleep(property) : null);
            for (INamedTypeSymbol? type = callee.ContainingType?.OriginalDefinition; attribute is null && type is not null; type = type.ContainingType)
                attribute = MaySleep(type);
            if (attribute is null)
                return null;
            if (attribute.NamedArguments.FirstOrDefault(a => a.Key == "UnlessAtomic").Value.Value is string parameter
                && Arguments(site).FirstOrDefault(a => a.Parameter?.Name == parameter) is { Value.ConstantValue: { HasValue: true, Value: not null } flags }
                && Convert.ToInt64(flags.Value) != 0)
                return null; // Gfp.Atomic or Gfp.NoWait
            return new Sleeper(Name(callee), null);
        }

        private static AttributeData? MaySleep(ISymbol symbol) =>
            symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass is { Name: "MaySleepAttribute", ContainingNamespace.Name: "KernelSharp" });

        private static IEnumerable<IArgumentOperation> Arguments(IOperation site) => site switch
        {
            IInvocationOperation call => call.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => [],
        };

        private static string Name(IMethodSymbol method) =>
            $"{method.ContainingType.Name}.{(method.AssociatedSymbol is IPropertySymbol property ? property.Name : method.Name)}";
    }

    /// <summary>A member that may sleep and, for a driver method, the next call on the way to the sleep.</summary>
    private sealed record Sleeper(string Member, string? Via)
    {
        public override string ToString() => Via is null ? $"'{Member}' may sleep" : $"'{Member}' may sleep (it reaches '{Via}')";
    }
}
