using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>
/// Refuses Log.Debug used in a way dynamic debug cannot follow (KS0014). Each Log.Debug call is a
/// dynamic debug site: the build tool writes its struct _ddebug from the call's file, line and
/// message, and the call finds it again by the file and line the compiler passes. So Log.Debug is
/// only called (not taken as a method group), with its message as an interpolated string or a
/// UTF-8 literal, without its caller-info arguments, one call per line, on a line struct _ddebug
/// holds; and a DebugMessage is made only by the compiler.
/// </summary>
public static class DebugSiteChecker
{
    public static readonly Rule Rule = Rules.DebugSiteUnfollowable;

    /// <summary>The widest line number struct _ddebug holds (lineno:18).</summary>
    public const int MaxLine = (1 << 18) - 1;

    public static List<Finding> Check(Compilation compilation, IEnumerable<SyntaxTree> driverTrees)
    {
        INamedTypeSymbol? message = compilation.GetTypeByMetadataName("KernelSharp.DebugMessage");
        if (message is null)
            return [];
        var problems = new List<Finding>();
        var lines = new HashSet<(string, int)>();
        foreach (var (model, name, call) in Uses(compilation, driverTrees))
        {
            if (call is null)
            {
                problems.Add(new Finding(Rule, name, "Log.Debug is only called, as Log.Debug($\"...\") or Log.Debug(\"...\"u8): each call is a dynamic debug site"));
                continue;
            }
            int line = call.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            if (model.GetOperation(call) is not IInvocationOperation invocation)
                continue;
            if (Parts(invocation, message) is not { } parts)
                problems.Add(new Finding(Rule, call, "Log.Debug takes its message as an interpolated string ($\"...\"), which the compiler turns into the DebugMessage"));
            else if (parts.CallerInfo.FirstOrDefault(a => a.ArgumentKind != ArgumentKind.DefaultValue) is { } given)
                problems.Add(new Finding(Rule, call, $"Log.Debug's {given.Parameter!.Name} is the compiler's (the call's own file and line): leave it out"));
            else if (line > MaxLine)
                problems.Add(new Finding(Rule, call, $"Log.Debug on line {line}: dynamic debug holds line numbers up to {MaxLine}"));
            else if (!lines.Add((call.SyntaxTree.FilePath, line)))
                problems.Add(new Finding(Rule, call, $"a second Log.Debug call on line {line}: dynamic debug tells sites apart by file and line, so put each call on a line of its own"));
        }
        foreach (SyntaxTree tree in driverTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (BaseObjectCreationExpressionSyntax creation in tree.GetRoot().DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>())
                if (SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(creation).Type, message))
                    problems.Add(new Finding(Rule, creation, "a DebugMessage is made by the compiler from the interpolated string of a Log.Debug call, not by hand"));
        }
        return Finding.InSourceOrder(problems);
    }

    /// <summary>
    /// Every use of Log.Debug in <paramref name="trees"/>, in source order: its name, and the call it is the callee of
    /// (Debug(...), Log.Debug(...), KernelSharp.Log.Debug(...)), or null when it is not called.
    /// </summary>
    public static IEnumerable<(SemanticModel Model, SimpleNameSyntax Name, InvocationExpressionSyntax? Call)> Uses(Compilation compilation, IEnumerable<SyntaxTree> trees)
    {
        if (compilation.GetTypeByMetadataName("KernelSharp.Log") is not { } log)
            yield break;
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SimpleNameSyntax name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (name.Identifier.ValueText != "Debug" || model.GetSymbolInfo(name).Symbol is not IMethodSymbol method
                    || !SymbolEqualityComparer.Default.Equals(method.ContainingType, log))
                    continue;
                SyntaxNode callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                yield return (model, name, callee.Parent is InvocationExpressionSyntax call && call.Expression == callee ? call : null);
            }
        }
    }

    /// <summary>
    /// A Log.Debug call's message (the argument, and for a DebugMessage the compiler's handler creation) and the
    /// arguments that carry the compiler's file and line; null when the message is a DebugMessage the compiler did not make.
    /// </summary>
    public static DebugCallParts? Parts(IInvocationOperation invocation, INamedTypeSymbol message)
    {
        IArgumentOperation text = invocation.Arguments.First(a => a.Parameter?.Ordinal == 0);
        if (!SymbolEqualityComparer.Default.Equals(text.Parameter?.Type, message))
            return new DebugCallParts(text, null, CallerInfo(invocation.Arguments));
        if (text.Value is not IInterpolatedStringHandlerCreationOperation { HandlerCreation: IObjectCreationOperation creation } handler)
            return null;
        return new DebugCallParts(text, handler, CallerInfo(creation.Arguments));
    }

    private static List<IArgumentOperation> CallerInfo(IEnumerable<IArgumentOperation> arguments) =>
        [.. arguments.Where(a => a.Parameter?.GetAttributes().Any(x => x.AttributeClass?.Name is "CallerFilePathAttribute" or "CallerLineNumberAttribute") == true)];
}

/// <summary>What a Log.Debug call passes: the message, its interpolated string handler (none for a UTF-8 span), and the caller-info arguments.</summary>
public sealed record DebugCallParts(IArgumentOperation Text, IInterpolatedStringHandlerCreationOperation? Handler, IReadOnlyList<IArgumentOperation> CallerInfo);
