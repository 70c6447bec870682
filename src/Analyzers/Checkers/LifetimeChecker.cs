using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses a span or reference used after its owner is gone, as far as one method shows it.
/// A view is a local span or ref local taken from an owned value (<c>buffer.Span</c>,
/// <c>guard.Data</c>, <c>array[i].Span.Slice(...)</c>, or another view); the owner ends at its
/// <c>Dispose()</c>, at the end of its <c>using</c>, when <c>Owned.Take</c> or
/// <c>KernelArray.DisposeAll</c> takes it, and (for its elements) when a KernelArray is
/// resized. A use of the view later in the method than such an end, with no new assignment
/// in between, reads freed or unlocked memory. So does returning a view of an owner the
/// method's own <c>using</c> ends. Order is source order, with the two branches of an
/// <c>if</c> or the sections of a <c>switch</c> kept apart.
/// </summary>
public static class LifetimeChecker
{
    public static readonly Rule Rule = Rules.UsedAfterOwnerEnded;

    public static List<Finding> Check(Compilation compilation, IEnumerable<SyntaxTree> driverTrees)
    {
        if (OwnedTypes.For(compilation) is not { } owned)
            return [];
        var problems = new List<Finding>();
        foreach (IOperation body in BodyOperations.Of(compilation, driverTrees))
            new BodyAnalysis(owned, problems).Run(body);
        return Finding.InSourceOrder(problems);
    }

    /// <summary>A view assigned at <paramref name="At"/> from the owners named by their source text.</summary>
    private sealed record Assignment(ILocalSymbol View, int At, IReadOnlyList<string> Owners);

    /// <summary>The owner named <paramref name="Owner"/> ends at <paramref name="At"/> (the scope ends at <paramref name="ScopeEnd"/> for using).</summary>
    private sealed record End(string Owner, int At, SyntaxNode Where, string How, TextSpan? UsingScope = null, bool DisposedACopy = false);

    private sealed class BodyAnalysis(OwnedTypes owned, List<Finding> problems)
    {
        private readonly List<Assignment> _assignments = [];
        private readonly List<End> _ends = [];
        // ref locals, by what they refer to: r.Dispose() ends what r is a reference to.
        private readonly Dictionary<ILocalSymbol, string> _aliases = new(SymbolEqualityComparer.Default);

        public void Run(IOperation body)
        {
            var all = body.DescendantsAndSelf().ToList();
            foreach (IOperation operation in all)
                Collect(operation);
            if (_assignments.Count == 0 && _ends.Count == 0)
                return;
            foreach (IOperation operation in all)
            {
                if (operation is ILocalReferenceOperation use && !IsAssignmentTarget(use))
                {
                    CheckUse(use);
                    CheckUseAfterUsing(use);
                }
                else if (operation is IReturnOperation { ReturnedValue: { } returned })
                    CheckReturn(returned);
            }
        }

        private void Collect(IOperation operation)
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator when IsView(declarator.Symbol):
                    if (declarator.Symbol.RefKind != RefKind.None && Place(value) is { } referred)
                        _aliases[declarator.Symbol] = referred;
                    AddAssignment(declarator.Symbol, declarator.Syntax.Span.End, value);
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when IsView(target.Local):
                    AddAssignment(target.Local, assignment.Syntax.Span.End, assignment.Value);
                    break;
                // holder.View = buffer.Span, in a ref struct local: the holder now carries the view too.
                case ISimpleAssignmentOperation { Target: IFieldReferenceOperation { Instance: ILocalReferenceOperation holder } } assignment when holder.Local.Type.IsRefLikeType:
                {
                    var owners = Owners(assignment.Value, assignment.Syntax.Span.End);
                    if (owners.Count > 0)
                        _assignments.Add(new Assignment(holder.Local, assignment.Syntax.Span.End,
                            [.. owners, .. Latest(holder.Local, assignment.Syntax.SpanStart)?.Owners ?? []]));
                    break;
                }
                case IInvocationOperation call:
                    CollectEnd(call);
                    // m.LockInterruptible(out guard): the guard is a view of m.
                    foreach (IArgumentOperation argument in call.Arguments)
                    {
                        IOperation received = BodyOperations.Unwrap(argument.Value) is IDeclarationExpressionOperation declaration ? declaration.Expression : BodyOperations.Unwrap(argument.Value);
                        if (argument.Parameter?.RefKind == RefKind.Out && received is ILocalReferenceOperation declared && IsView(declared.Local))
                            AddAssignment(declared.Local, call.Syntax.Span.End, call);
                    }
                    break;
                case IUsingOperation { Resources: var resource } statement:
                    // using (x) disposes a hidden copy of x: x itself still looks live afterwards.
                    foreach (string owner in UsingOwners(resource))
                        _ends.Add(new End(owner, statement.Syntax.Span.End, statement.Syntax, "the end of its using", statement.Syntax.Span,
                            DisposedACopy: resource is not IVariableDeclarationGroupOperation));
                    break;
                case IUsingDeclarationOperation declaration:
                    SyntaxNode scope = declaration.Syntax.Parent ?? declaration.Syntax;
                    foreach (IVariableDeclaratorOperation declarator in declaration.DeclarationGroup.Declarations.SelectMany(d => d.Declarators))
                        _ends.Add(new End(declarator.Symbol.Name, scope.Span.End, declaration.Syntax, "the end of its using scope",
                            TextSpan.FromBounds(declaration.Syntax.SpanStart, scope.Span.End)));
                    break;
            }
        }

        // Dispose(), Owned.Take(ref x), KernelArray.DisposeAll(ref x), x.Resize(...).
        private void CollectEnd(IInvocationOperation call)
        {
            string method = call.TargetMethod.Name;
            if (method is "Dispose" or "Resize" && call.Instance is { } instance && owned.Contains(instance.Type) && (Unnamed(instance) ? AnyOwner : Place(instance)) is { } owner)
                _ends.Add(new End(owner, call.Syntax.Span.End, call.Syntax, method == "Dispose" ? "Dispose()" : "Resize, which moves its elements"));
            else if (method is "Take" or "DisposeAll" && call.TargetMethod.ContainingNamespace.ToDisplayString().StartsWith("KernelSharp", StringComparison.Ordinal))
                foreach (IArgumentOperation argument in call.Arguments)
                    if (argument.Parameter?.RefKind == RefKind.Ref && Place(argument.Value) is { } taken)
                        _ends.Add(new End(taken, call.Syntax.Span.End, call.Syntax, $"{call.TargetMethod.ContainingType.Name}.{method}"));
        }

        private IEnumerable<string> UsingOwners(IOperation resource) => resource switch
        {
            IVariableDeclarationGroupOperation group => group.Declarations.SelectMany(d => d.Declarators).Select(d => d.Symbol.Name),
            _ when Place(resource) is { } owner => [owner],
            _ => [],
        };

        // Spans, ref locals, and guards (an owned ref struct, such as MutexGuard: a view of its lock).
        private static bool IsView(ILocalSymbol local) => local.RefKind != RefKind.None || local.Type.IsRefLikeType;

        private void AddAssignment(ILocalSymbol view, int at, IOperation value)
        {
            var owners = Owners(value, at);
            if (owners.Count > 0)
                _assignments.Add(new Assignment(view, at, owners));
        }

        /// <summary>The owned places a value reaches into: each receiver on the way down, and a view's own owners.</summary>
        private List<string> Owners(IOperation? value, int at)
        {
            var owners = new List<string>();
            while (value is not null)
            {
                value = BodyOperations.Unwrap(value);
                if (value is ILocalReferenceOperation local && Latest(local.Local, at) is { } earlier)
                {
                    owners.AddRange(earlier.Owners);
                    break;
                }
                // Either branch may be the value; a call or a new ref struct may hand back the spans
                // and refs it was given.
                switch (value)
                {
                    case IConditionalOperation conditional:
                        owners.AddRange(Owners(conditional.WhenTrue, at));
                        owners.AddRange(Owners(conditional.WhenFalse, at));
                        return owners;
                    case ISwitchExpressionOperation choice:
                        foreach (ISwitchExpressionArmOperation arm in choice.Arms)
                            owners.AddRange(Owners(arm.Value, at));
                        return owners;
                    case IInvocationOperation or IObjectCreationOperation:
                        var arguments = value is IInvocationOperation invoked ? invoked.Arguments : ((IObjectCreationOperation)value).Arguments;
                        foreach (IArgumentOperation argument in arguments)
                            if (argument.Parameter?.IsThis != true && (argument.Value.Type?.IsRefLikeType == true || argument.Parameter?.RefKind is RefKind.Ref or RefKind.In or RefKind.RefReadOnlyParameter))
                                owners.AddRange(Owners(argument.Value, at).Concat(OwnedPlace(argument.Value)));
                        break;
                }
                IOperation? receiver = value switch
                {
                    IPropertyReferenceOperation property => property.Instance,
                    IInvocationOperation call => call.Instance ?? call.Arguments.FirstOrDefault(a => a.Parameter?.IsThis == true)?.Value,
                    IFieldReferenceOperation field => field.Instance,
                    IArrayElementReferenceOperation element => element.ArrayReference,
                    _ => null,
                };
                if (receiver is not null && owned.Contains(receiver.Type) && Place(receiver) is { } owner)
                    owners.Add(owner);
                value = receiver;
            }
            return owners;
        }

        // A ref argument to an owned place (new RefHolder(ref s_items[0])): the place itself.
        private IEnumerable<string> OwnedPlace(IOperation value) =>
            owned.Contains(BodyOperations.Unwrap(value).Type) && Place(value) is { } place ? [place] : [];

        // A place by what it names, not how it is written: HoleModule.s_buffer and s_buffer are
        // one place, a ref local is what it refers to, and every element of an array is one
        // place (s_buffers[i] and s_buffers[j] may be the same element).
        private string? Place(IOperation operation)
        {
            operation = BodyOperations.Unwrap(operation);
            return operation switch
            {
                ILocalReferenceOperation local => _aliases.TryGetValue(local.Local, out string? target) ? target : local.Local.Name,
                IParameterReferenceOperation parameter => parameter.Parameter.Name,
                IInstanceReferenceOperation => "this",
                IFieldReferenceOperation { Field.IsStatic: true } field => $"{field.Field.ContainingType.Name}.{field.Field.Name}",
                IFieldReferenceOperation field => Member(field.Instance, field.Field.Name),
                IArrayElementReferenceOperation element => Element(element.ArrayReference),
                IInlineArrayAccessOperation element => Element(element.Instance),
                IPropertyReferenceOperation { Property.IsIndexer: true } indexer => Element(indexer.Instance),
                IPropertyReferenceOperation { Property.IsStatic: true } property => $"{property.Property.ContainingType.Name}.{property.Property.Name}",
                IPropertyReferenceOperation property => Member(property.Instance, property.Property.Name),
                IInvocationOperation { TargetMethod.ReturnsByRef: true } call => call.TargetMethod.IsStatic
                    ? $"{call.TargetMethod.ContainingType.Name}.{call.TargetMethod.Name}()" : Member(call.Instance, call.TargetMethod.Name + "()"),
                _ => null,
            };
        }

        private string? Member(IOperation? instance, string name) => instance is null ? null : Place(instance) is { } owner ? $"{owner}.{name}" : null;

        private string? Element(IOperation? array) => array is null ? null : Place(array) is { } owner ? $"{owner}[]" : null;

        private Assignment? Latest(ILocalSymbol local, int before) =>
            _assignments.Where(a => SymbolEqualityComparer.Default.Equals(a.View, local) && a.At <= before).MaxBy(a => a.At);

        private static bool IsAssignmentTarget(ILocalReferenceOperation use) =>
            use.Parent is ISimpleAssignmentOperation assignment && assignment.Target == use;

        private void CheckUse(ILocalReferenceOperation use)
        {
            int at = use.Syntax.SpanStart;
            if (Latest(use.Local, at) is not { } assignment)
                return;
            foreach (End end in _ends)
            {
                if (end.At <= assignment.At || end.At > at || Separate(end.Where, use.Syntax))
                    continue;
                if (assignment.Owners.FirstOrDefault(owner => Covers(end.Owner, owner)) is not { } owner)
                    continue;
                Report(use.Syntax, $"'{use.Local.Name}' came from '{owner}', which {end.How} on line {Line(end.Where)} ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner");
                return;
            }
        }

        // using (guard) { } ... guard.Dispose(): C# disposed a copy, so this would release it again.
        private void CheckUseAfterUsing(ILocalReferenceOperation use)
        {
            if (!owned.Contains(use.Local.Type))
                return;
            int at = use.Syntax.SpanStart;
            if (_ends.FirstOrDefault(end => end.DisposedACopy && end.Owner == use.Local.Name && end.At <= at && !Separate(end.Where, use.Syntax)) is { } ended)
                Report(use.Syntax, $"'{use.Local.Name}' is used after 'using ({use.Local.Name})' on line {Line(ended.Where)}, which disposed a copy of it: this one still looks live and would be released a second time. Declare it with 'using' where it is created, or Dispose it once");
        }

        // return view; return buffer.Span; return ref guard.Data; inside the using that ends the owner.
        private void CheckReturn(IOperation returned)
        {
            // Only a span, a ref struct or a ref carries memory out; a Result or a number does not.
            bool carries = BodyOperations.Unwrap(returned).Type?.IsRefLikeType == true
                || returned.SemanticModel?.GetEnclosingSymbol(returned.Syntax.SpanStart) is IMethodSymbol { ReturnsByRef: true } or IMethodSymbol { ReturnsByRefReadonly: true };
            if (!carries)
                return;
            int at = returned.Syntax.SpanStart;
            foreach (string owner in Owners(returned, at))
                foreach (End end in _ends)
                    if (end.UsingScope is { } scope && scope.Contains(at) && Covers(end.Owner, owner))
                    {
                        Report(returned.Syntax, $"this returns a span or reference into '{owner}', which {end.How} (line {Line(end.Where)}) ends before the caller can use it. Return a copy of the data, or let the caller own '{end.Owner}'");
                        return;
                    }
        }

        // What an end through a ref the checker cannot name (a conditional ref, a ref local it
        // has no target for, a method returning a ref) may be: any owner.
        private const string AnyOwner = "*";

        private bool Unnamed(IOperation instance)
        {
            instance = BodyOperations.Unwrap(instance);
            return instance is IConditionalOperation { IsRef: true } or IInvocationOperation { TargetMethod.ReturnsByRef: true }
                || instance is ILocalReferenceOperation { Local.RefKind: not RefKind.None } local && !_aliases.ContainsKey(local.Local);
        }

        // Disposing "device.Sets" ends "device.Sets[i].Quanta" too.
        private static bool Covers(string ended, string owner) =>
            ended == AnyOwner || owner == ended || owner.StartsWith(ended + ".", StringComparison.Ordinal) || owner.StartsWith(ended + "[", StringComparison.Ordinal);

        // Whether two nodes are in different branches of an if, or different sections of a switch.
        private static bool Separate(SyntaxNode a, SyntaxNode b)
        {
            SyntaxNode? common = a.Ancestors().FirstOrDefault(ancestor => ancestor.Span.Contains(b.Span));
            return common switch
            {
                IfStatementSyntax branch => Branch(branch, a) != Branch(branch, b),
                SwitchStatementSyntax => true,
                ConditionalExpressionSyntax => true,
                _ => false,
            };
        }

        private static int Branch(IfStatementSyntax branch, SyntaxNode node) =>
            branch.Statement.Span.Contains(node.Span) ? 1 : branch.Else?.Span.Contains(node.Span) == true ? 2 : 0;

        private static int Line(SyntaxNode node) => node.GetLocation().GetMappedLineSpan().StartLinePosition.Line + 1;

        private void Report(SyntaxNode at, string message) =>
            problems.Add(new Finding(Rule, at, $"{message}"));
    }
}
