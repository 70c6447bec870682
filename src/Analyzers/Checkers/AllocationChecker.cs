using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses what allocates a managed object in driver code (KS0009): kernel C# has no garbage
/// collector, so the compiled code would call an allocator that a module does not have. What
/// C# allocates without a visible new is named too: boxing, a lambda or method group turned
/// into a delegate, strings joined at run time, a params array, and a collection expression
/// that makes an array or a list. (The core library has no Task, IEnumerable or
/// string.Format, so async methods, iterators and interpolated strings do not compile.) Arrays in static
/// field initializers and constant arrays read as ReadOnlySpan are data the compiler lays out
/// at build time, and are allowed. The object check (ObjectChecker) remains the proof.
/// </summary>
public static class AllocationChecker
{
    public static readonly Rule Rule = Rules.ManagedAllocation;

    private const string NoCollector = "kernel C# has no garbage collector";

    public static List<Finding> Check(Compilation compilation, IEnumerable<SyntaxTree> driverTrees)
    {
        var problems = new List<Finding>();
        foreach (IOperation body in BodyOperations.Of(compilation, driverTrees))
            foreach (IOperation operation in body.DescendantsAndSelf())
                if (Why(operation) is { } why)
                    problems.Add(new Finding(Rule, operation.Syntax, why));
        return Finding.InSourceOrder(problems);
    }

    private static string? Why(IOperation operation)
    {
        switch (operation)
        {
            case IObjectCreationOperation { Type.IsReferenceType: true } creation:
                return $"'new {creation.Type!.Name}' allocates a managed object, and {NoCollector}: use a struct, or KernelBuffer, Shared<T> or KernelArray<T> for memory that outlives the call";
            case IAnonymousObjectCreationOperation:
                return $"an anonymous type is a managed object, and {NoCollector}: use a struct or a tuple";
            case IArrayCreationOperation array when !IsBuildTimeData(array):
                return array.IsImplicit
                    ? $"this call passes its params arguments in a new array, and {NoCollector}: pass a span"
                    : $"'{operation.Syntax}' allocates a managed array, and {NoCollector}: use stackalloc, a span over static data, or KernelBuffer";
            case IConversionOperation { Operand.Type.IsValueType: true, Type.IsReferenceType: true } boxing:
                return $"this boxes a {boxing.Operand.Type?.Name} into an object, and {NoCollector}: keep it a value (a generic constraint reaches an interface without boxing)";
            case IInvocationOperation { Instance.Type.IsValueType: true, TargetMethod.ContainingType.SpecialType: SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum } call
                when call.TargetMethod.IsVirtual || call.TargetMethod.IsAbstract || call.TargetMethod.Name == "GetType":
                return $"calling {call.TargetMethod.Name} on a {call.Instance!.Type!.Name} boxes it into an object, and {NoCollector}";
            case IDelegateCreationOperation:
                return $"this makes a delegate, a managed object, and {NoCollector}: kernel callbacks are interfaces a type implements (IFileOperations, ITimerHandler<T>, IWorkHandler<T>)";
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String, ConstantValue.HasValue: false } when operation.Parent is not IBinaryOperation { Type.SpecialType: SpecialType.System_String }:
                return $"this joins strings at run time, and {NoCollector}: write UTF-8 (\"...\"u8) or format into a log message or a buffer";
            case ICollectionExpressionOperation { Type: IArrayTypeSymbol or INamedTypeSymbol { IsReferenceType: true } } collection:
                return $"this collection expression makes a {(collection.Type is IArrayTypeSymbol ? "managed array" : collection.Type!.Name)}, and {NoCollector}: target a Span<T> (on the stack) instead";
            default:
                return null;
        }
    }

    // new byte[] { 1, 2 } read as a ReadOnlySpan (the compiler emits the bytes as data) and arrays
    // in static field initializers (ILCompiler builds them at build time, frozen).
    private static bool IsBuildTimeData(IArrayCreationOperation array)
    {
        IOperation? parent = array.Parent;
        if (parent is IConversionOperation { Type: INamedTypeSymbol { Name: "ReadOnlySpan" } }
            && array.Initializer is { } initializer && initializer.ElementValues.All(v => v.ConstantValue.HasValue))
            return true;
        for (IOperation? up = array.Parent; up is not null; up = up.Parent)
            if (up is IFieldInitializerOperation field)
                return field.InitializedFields.All(f => f.IsStatic);
        return false;
    }
}
