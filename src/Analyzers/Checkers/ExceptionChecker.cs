using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses throw in driver code (KS0010). Kernel C# has no exception handling: the compiled
/// throw would call a runtime helper that does not exist in a module. Errors are values
/// (Result, Error), as they are -errno in the kernel's C.
/// </summary>
public static class ExceptionChecker
{
    public static readonly Rule Rule = Rules.ExceptionThrown;

    public static List<Finding> Check(Compilation compilation, IEnumerable<SyntaxTree> driverTrees) =>
        Finding.InSourceOrder(BodyOperations.Of(compilation, driverTrees)
            .SelectMany(body => body.DescendantsAndSelf())
            .OfType<IThrowOperation>()
            .Select(thrown => new Finding(Rule, thrown.Syntax, thrown.Exception is null
                ? "this rethrows an exception; kernel C# has no exception handling: return an Error (Result) instead"
                : $"this throws {TypeName(thrown.Exception)}; kernel C# has no exception handling: return an Error (Result) instead")));

    private static string TypeName(IOperation exception) =>
        BodyOperations.Unwrap(exception).Type is { } type ? $"'{type.Name}'" : "an exception";
}
