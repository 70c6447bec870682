using System.Text.RegularExpressions;
using KernelSharp.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Tool.Build;

/// <summary>
/// A Log.Debug call in driver code: a dynamic debug site. The generated C defines its
/// struct _ddebug with this file (project-relative, as CallerFilePath gives it), line,
/// C# method and format, and looks it up by file and line, which the call passes.
/// </summary>
public sealed record DebugSite(string File, int Line, string Function, string Format);

/// <summary>
/// Finds the Log.Debug calls of a driver, in source order. Any way to reach a site by hand is
/// refused by KS0014 (<see cref="DebugSiteChecker"/>), which every build runs first; it is checked
/// again here for a compilation that did not run the rules.
/// </summary>
public static class DebugSiteReader
{
    public static IReadOnlyList<DebugSite> Read(CSharpCompilation compilation)
    {
        if (compilation.GetTypeByMetadataName("KernelSharp.DebugMessage") is not { } message)
            return [];
        DriverCompiler.ThrowOnFindings(DebugSiteChecker.Check(compilation, compilation.SyntaxTrees));
        var sites = new List<DebugSite>();
        foreach (var (model, _, call) in DebugSiteChecker.Uses(compilation, compilation.SyntaxTrees))
            if (call is not null && model.GetOperation(call) is IInvocationOperation invocation && DebugSiteChecker.Parts(invocation, message) is { } parts)
                sites.Add(Site(model, call, parts));
        return sites;
    }

    private static DebugSite Site(SemanticModel model, InvocationExpressionSyntax call, DebugCallParts parts)
    {
        string where = SourcePosition.Of(call.GetLocation());
        string format = parts.Handler is { } handler ? Template(handler.Content)
            : parts.Text.Value.Syntax is LiteralExpressionSyntax literal ? Escape(literal.Token.ValueText) : $"{{{Squeeze(parts.Text.Value.Syntax.ToString())}}}";
        string? file = null;
        int? line = null;
        foreach (IArgumentOperation argument in parts.CallerInfo)
        {
            if (argument.Parameter?.GetAttributes().Any(a => a.AttributeClass?.Name == "CallerFilePathAttribute") == true)
                file = argument.Value.ConstantValue.Value as string;
            else
                line = argument.Value.ConstantValue.Value as int?;
        }
        if (file is null || line is null)
            throw new BuildError($"{where}: this Log.Debug call passes no file and line (a ksharp bug: please report it)");
        // The C glue and the C# must name the file the same way on every machine.
        if (Path.IsPathRooted(file))
            throw new BuildError($"{where}: Log.Debug's file is the absolute path {file} (a ksharp bug: sources are compiled with their paths relative to the project)");
        return new DebugSite(file, line.Value, Function(model, call), format);
    }

    // The C# method the call is in, as Namespace.Type.Method (local functions are their method's).
    private static string Function(SemanticModel model, SyntaxNode call)
    {
        ISymbol? member = model.GetEnclosingSymbol(call.SpanStart);
        while (member is IMethodSymbol { MethodKind: MethodKind.LambdaMethod or MethodKind.LocalFunction })
            member = member.ContainingSymbol;
        if (member is null)
            return "?";
        string type = member.ContainingType?.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) ?? "";
        return type.Length == 0 ? member.Name : $"{type}.{member.Name}";
    }

    // The message's template: the literal text, with each hole as written ({count}, {port:x}).
    private static string Template(IOperation content) => content switch
    {
        IInterpolatedStringAdditionOperation addition => Template(addition.Left) + Template(addition.Right),
        IInterpolatedStringOperation interpolated => string.Concat(interpolated.Parts.Select(Part)),
        _ => $"{{{Squeeze(content.Syntax.ToString())}}}",
    };

    private static string Part(IInterpolatedStringContentOperation part) => part switch
    {
        IInterpolatedStringAppendOperation { Kind: OperationKind.InterpolatedStringAppendLiteral, AppendCall: IInvocationOperation call }
            when call.Arguments.FirstOrDefault()?.Value.ConstantValue.Value is string text => Escape(text),
        IInterpolatedStringTextOperation { Text.ConstantValue.Value: string text } => Escape(text),
        _ => Squeeze(part.Syntax.ToString()),
    };

    // Literal braces as C# writes them in a template, so they do not read as holes.
    private static string Escape(string text) => text.Replace("{", "{{").Replace("}", "}}");

    private static string Squeeze(string code) => Regex.Replace(code.Trim(), @"\s+", " ");
}
