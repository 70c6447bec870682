using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses copies of owned values in driver code. An owned value holds a kernel resource,
/// and two copies would both release it: a struct implementing IDisposable (PortRegion,
/// KernelBuffer, Mutex&lt;T&gt;, or a driver's own), a ref struct with a Dispose method
/// (MutexGuard), a type marked [NoCopy] (UserReader, whose copy would read the same user
/// memory twice), or any struct or tuple with an owned field. Every way C# copies a value is
/// checked: assignments, initializers, by-value arguments, returns, foreach, tuples,
/// <c>with</c>, collection expressions, patterns that declare a variable, lambdas that return
/// a captured owned value, each branch of <c>?:</c>, <c>??</c> and <c>switch</c>
/// expressions, and the hidden copy C# makes to call a method through a readonly reference. Values move by <c>out</c> at creation, travel by <c>ref</c>, and change owner
/// with <c>Owned.Take(ref x)</c>, which empties the source.
/// </summary>
public static class OwnershipChecker
{
    public static readonly Rule Rule = Rules.OwnedValueCopied;

    public static List<Finding> Check(Compilation compilation, IEnumerable<SyntaxTree> driverTrees)
    {
        if (OwnedTypes.For(compilation) is not { } owned)
            return [];
        var problems = new List<Finding>();
        var walker = new CopyFinder(owned, problems);
        foreach (IOperation body in BodyOperations.Of(compilation, driverTrees))
            walker.Visit(body);
        foreach (SyntaxTree tree in driverTrees)
            CheckDeclarations(compilation.GetSemanticModel(tree), tree, owned, problems);
        return Finding.InSourceOrder(problems);
    }

    // What declarations alone decide: by-value parameters of owned types (every call copies),
    // and generic types that copy their type argument freely.
    private static void CheckDeclarations(SemanticModel model, SyntaxTree tree, OwnedTypes owned, List<Finding> problems)
    {
        foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
        {
            // stackalloc T[] { a, b }: each element that is a variable is copied in.
            if (node is InitializerExpressionSyntax { Parent: StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax } initializer)
                foreach (ExpressionSyntax element in initializer.Expressions)
                    if (model.GetOperation(element) is { } value && owned.Contains(value.Type) && !owned.IsUserMemory(value.Type!) && BodyOperations.IsPlace(BodyOperations.Unwrap(value)))
                        problems.Add(new Finding(Rule, element, $"this stackalloc copies the owned value '{element}' ({value.Type!.Name}); both copies would release it. Move it with Owned.Take(ref {element})")
                            { CanMoveWithTake = owned.CanTake(BodyOperations.Unwrap(value)) });
            ISymbol? declared = node switch
            {
                ParameterSyntax or VariableDeclaratorSyntax or PropertyDeclarationSyntax or MethodDeclarationSyntax or LocalFunctionStatementSyntax => model.GetDeclaredSymbol(node),
                _ => null,
            };
            if (declared is IParameterSymbol { RefKind: RefKind.None } parameter && owned.Contains(parameter.Type) && !owned.IsUserMemory(parameter.Type))
                problems.Add(new Finding(Rule, node, $"parameter '{parameter.Name}' takes a copy of an owned value ({parameter.Type.Name}) at every call; both copies would release it. Declare it ref (or in, to only read it)"));
            ITypeSymbol? type = declared switch
            {
                IParameterSymbol p => p.Type, ILocalSymbol l => l.Type, IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, IMethodSymbol m => m.ReturnType, _ => null,
            };
            if (owned.CopyingGeneric(type) is { } generic)
                problems.Add(new Finding(Rule, node, $"{generic} holds an owned value, and its code copies values of its type argument freely; keep owned values in fields, KernelArray<T>, Mutex<T> or Shared<T>"));
        }
    }

    private sealed class CopyFinder(OwnedTypes owned, List<Finding> problems) : OperationWalker
    {
        // A read of a variable that holds an owned value (not a fresh value from a call).
        private void CheckCopy(IOperation? value, string what)
        {
            if (value is null)
                return;
            value = BodyOperations.Unwrap(value);
            if (!owned.Contains(value.Type))
                return;
            // A variable, an element or a ref-returning member: something that stays behind.
            if (!BodyOperations.IsPlace(value))
                return;
            string name = value.Syntax.ToString();
            if (owned.IsUserMemory(value.Type!))
                Report(value.Syntax, $"{what} copies '{name}' ({value.Type!.Name}); {NoCopyReason(value.Type!)}. Pass it by ref");
            else
                problems.Add(new Finding(Rule, value.Syntax.GetLocation(),
                    $"{what} copies the owned value '{name}' ({value.Type!.Name}); both copies would release it. Pass it by ref, or move it with Owned.Take(ref {name})")
                    { CanMoveWithTake = owned.CanTake(value) });
        }

        private void Report(SyntaxNode at, string message) => Report(at.GetLocation(), message);

        private void Report(Location at, string message) =>
            problems.Add(new Finding(Rule, at, $"{message}"));

        // [NoCopy] values that own nothing: a user-memory view would fetch or store the same
        // bytes twice; an atomic's copy is a second counter the other CPUs never see.
        private static string NoCopyReason(ITypeSymbol type) => OwnedTypes.IsAtomic(type)
            ? "the copy would be a separate value that other CPUs never see, not the shared one"
            : "both copies would read or write the same user memory again";

        public override void VisitSimpleAssignment(ISimpleAssignmentOperation operation)
        {
            if (!operation.IsRef)
                CheckCopy(operation.Value, "this assignment");
            base.VisitSimpleAssignment(operation);
        }

        public override void VisitDeconstructionAssignment(IDeconstructionAssignmentOperation operation)
        {
            CheckCopy(operation.Value, "this deconstruction");
            base.VisitDeconstructionAssignment(operation);
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
            if (operation.LoopControlVariable is IVariableDeclaratorOperation { Symbol: { RefKind: RefKind.None } variable } && owned.Contains(variable.Type))
                Report(operation.Syntax is ForEachStatementSyntax loop ? loop.Identifier.GetLocation() : operation.Syntax.GetLocation(),
                    $"this foreach copies each owned element into '{variable.Name}' ({variable.Type.Name}); both copies would release it. Iterate by reference: foreach (ref {variable.Type.Name} {variable.Name} in ...)");
            base.VisitForEachLoop(operation);
        }

        public override void VisitReturn(IReturnOperation operation)
        {
            if (operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart) is not IMethodSymbol { ReturnsByRef: true } and not IMethodSymbol { ReturnsByRefReadonly: true })
                CheckCopy(operation.ReturnedValue, "returning it");
            base.VisitReturn(operation);
        }

        // A method that is not readonly, called through a readonly reference (an 'in'
        // parameter, a readonly field, a ref readonly), runs on a hidden copy: Dispose there
        // releases the resource and leaves the original looking live.
        private void CheckHiddenCopy(IInvocationOperation operation)
        {
            if (operation.Instance is { } instance && !operation.TargetMethod.IsReadOnly && !operation.TargetMethod.IsStatic
                && owned.Contains(instance.Type) && IsReadOnlyPlace(instance))
                Report(operation.Syntax, $"'{operation.TargetMethod.Name}' runs on a hidden copy of '{instance.Syntax}' ({instance.Type!.Name}), which is read-only here; the original would still hold what the copy releases. Pass it by ref, or make the field writable");
        }

        private static bool IsReadOnlyPlace(IOperation place) => place switch
        {
            IParameterReferenceOperation parameter => parameter.Parameter.RefKind is RefKind.In or RefKind.RefReadOnlyParameter,
            // using and foreach variables are read-only; so is this in a readonly member.
            // (a by-value foreach of owned elements is refused where it copies them)
            ILocalReferenceOperation local => local.Local.RefKind == RefKind.RefReadOnly || local.Local.IsUsing || local.Local.IsForEach && local.Local.RefKind == RefKind.RefReadOnly,
            IInstanceReferenceOperation self => self.SemanticModel?.GetEnclosingSymbol(self.Syntax.SpanStart) is IMethodSymbol { IsReadOnly: true }
                || self.Type is INamedTypeSymbol { IsReadOnly: true },
            IFieldReferenceOperation field => field.Field.IsReadOnly || field.Instance is { } holder && IsReadOnlyPlace(holder),
            IPropertyReferenceOperation property => property.Property.ReturnsByRefReadonly,
            IInvocationOperation call => call.TargetMethod.ReturnsByRefReadonly,
            _ => false,
        };

        // Each of these is a value built from its parts: an owned part is copied into it,
        // whatever the expression is then used for (a receiver, an argument, a field).
        public override void VisitTuple(ITupleOperation operation)
        {
            foreach (IOperation element in operation.Elements)
                CheckCopy(element, "this tuple");
            base.VisitTuple(operation);
        }

        public override void VisitConditional(IConditionalOperation operation)
        {
            if (!operation.IsRef && owned.Contains(operation.Type))
            {
                CheckCopy(operation.WhenTrue, "this conditional expression");
                CheckCopy(operation.WhenFalse, "this conditional expression");
            }
            base.VisitConditional(operation);
        }

        public override void VisitCoalesce(ICoalesceOperation operation)
        {
            CheckCopy(operation.Value, "this ?? expression");
            CheckCopy(operation.WhenNull, "this ?? expression");
            base.VisitCoalesce(operation);
        }

        public override void VisitSwitchExpression(ISwitchExpressionOperation operation)
        {
            foreach (ISwitchExpressionArmOperation arm in operation.Arms)
                CheckCopy(arm.Value, "this switch expression");
            base.VisitSwitchExpression(operation);
        }

        // A property that is not a ref returns a copy: an auto-property's value, Nullable's
        // Value, a Result's Value. Calling Dispose on it releases what the original still holds.
        public override void VisitPropertyReference(IPropertyReferenceOperation operation)
        {
            // A getter that is not readonly, through a readonly reference: a hidden copy, and
            // (a KernelArray's indexer, a KernelBuffer's Span) a way to change shared data
            // that Shared<T>.Value hands out read-only.
            if (operation.Instance is { } instance && operation.Property.GetMethod is { IsReadOnly: false } && !IsAssignmentTarget(operation)
                && owned.Contains(instance.Type) && IsReadOnlyPlace(instance))
                Report(operation.Syntax, $"'{operation.Property.Name}' runs on a hidden copy of '{instance.Syntax}' ({instance.Type!.Name}), which is read-only here, and would hand out what only its owner may change. Lock it (a Mutex<T> inside), or reach it by ref");
            if (!operation.Property.ReturnsByRef && !operation.Property.ReturnsByRefReadonly && owned.Contains(operation.Type)
                && !owned.IsUserMemory(operation.Type!) && !IsAssignmentTarget(operation))
                Report(operation.Syntax, $"'{operation.Property.Name}' returns a copy of an owned value ({operation.Type!.Name}); both copies would release it. Keep owned values in fields, reached by ref");
            base.VisitPropertyReference(operation);
        }

        private static bool IsAssignmentTarget(IOperation operation) =>
            operation.Parent is IAssignmentOperation assignment && assignment.Target == operation;

        // span.CopyTo(other), span.Fill(x): every element copied is released twice.
        public override void VisitInvocation(IInvocationOperation operation)
        {
            if (operation.TargetMethod is { Name: "CopyTo" or "TryCopyTo" or "Fill" } method
                && method.ContainingType is { Name: "Span" or "ReadOnlySpan", ContainingNamespace.Name: "System", TypeArguments: [var element] }
                && owned.Contains(element) && !owned.IsUserMemory(element))
                Report(operation.Syntax, $"'{method.Name}' copies owned elements ({element.Name}); each would be released twice. Move them one by one with Owned.Take(ref ...)");
            CheckHiddenCopy(operation);
            foreach (ITypeSymbol argument in operation.TargetMethod.TypeArguments)
                if (owned.Contains(argument) && !owned.IsUserMemory(argument) && !OwnedTypes.MadeForOwnedValues(operation.TargetMethod.ContainingType))
                    Report(operation.Syntax, $"'{operation.TargetMethod.Name}<{argument.Name}>' is generic code that may copy its owned type argument ({argument.Name}) freely; write it for the type, taking it by ref");
            base.VisitInvocation(operation);
        }

        // x is { ... } named: named is a copy of x.
        public override void VisitRecursivePattern(IRecursivePatternOperation operation)
        {
            CheckPatternCopy(operation.DeclaredSymbol, operation.Syntax);
            base.VisitRecursivePattern(operation);
        }

        private void CheckPatternCopy(ISymbol? declared, SyntaxNode at)
        {
            if (declared is ILocalSymbol local && owned.Contains(local.Type))
                Report(at, $"this pattern copies an owned value into '{local.Name}' ({local.Type.Name}); both copies would release it. Test the original instead (x.IsEmpty, ...)");
        }

        // x with { ... } starts from a copy of x.
        public override void VisitWith(IWithOperation operation)
        {
            CheckCopy(operation.Operand, "this 'with' expression");
            base.VisitWith(operation);
        }

        public override void VisitCollectionExpression(ICollectionExpressionOperation operation)
        {
            foreach (IOperation element in operation.Elements)
                CheckCopy(element, "this collection expression");
            base.VisitCollectionExpression(operation);
        }

        public override void VisitArrayInitializer(IArrayInitializerOperation operation)
        {
            foreach (IOperation element in operation.ElementValues)
                CheckCopy(element, "this array initializer");
            base.VisitArrayInitializer(operation);
        }

        // x is T y, x is var y, case T y: y is a copy of x.
        public override void VisitDeclarationPattern(IDeclarationPatternOperation operation)
        {
            CheckPatternCopy(operation.DeclaredSymbol, operation.Syntax);
            base.VisitDeclarationPattern(operation);
        }
    }
}
