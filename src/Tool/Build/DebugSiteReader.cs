using System.Text;
using System.Text.RegularExpressions;
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

/// <summary>Finds the Log.Debug calls of a driver, in source order, and refuses any way to reach a site by hand.</summary>
public static class DebugSiteReader
{
    /// <summary>The widest line number struct _ddebug holds (lineno:18).</summary>
    public const int MaxLine = (1 << 18) - 1;

    public static IReadOnlyList<DebugSite> Read(CSharpCompilation compilation)
    {
        INamedTypeSymbol? log = compilation.GetTypeByMetadataName("KernelSharp.Log");
        INamedTypeSymbol? message = compilation.GetTypeByMetadataName("KernelSharp.DebugMessage");
        if (log is null || message is null)
            return [];
        var sites = new List<(DebugSite Site, Location Where)>();
        var errors = new List<string>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                switch (node)
                {
                    case SimpleNameSyntax name when name.Identifier.ValueText == "Debug" && model.GetSymbolInfo(name).Symbol is IMethodSymbol method && IsDebug(method, log):
                        if (CalledThrough(name) is not { } call)
                            errors.Add($"{SourcePosition.Of(name.GetLocation())}: Log.Debug is only called, as Log.Debug($\"...\") or Log.Debug(\"...\"u8): each call is a dynamic debug site");
                        else if (Site(model, call, message, errors) is { } site)
                            sites.Add((site, call.GetLocation()));
                        break;
                    case BaseObjectCreationExpressionSyntax creation when model.GetTypeInfo(creation).Type is { } type
                        && SymbolEqualityComparer.Default.Equals(type, message):
                        errors.Add($"{SourcePosition.Of(creation.GetLocation())}: a DebugMessage is made by the compiler from the interpolated string of a Log.Debug call, not by hand");
                        break;
                }
            }
        }
        foreach (var same in sites.GroupBy(s => (s.Site.File, s.Site.Line)).Where(g => g.Count() > 1))
            errors.Add($"{SourcePosition.Of(same.ElementAt(1).Where)}: a second Log.Debug call on line {same.Key.Line}: dynamic debug tells sites apart by file and line, so put each call on a line of its own");
        if (errors.Count > 0)
            throw new BuildError($"Log.Debug used in a way dynamic debug cannot follow: {errors.Count} error(s)", string.Join('\n', errors));
        return [.. sites.Select(s => s.Site)];
    }

    private static bool IsDebug(IMethodSymbol method, INamedTypeSymbol log) =>
        method.Name == "Debug" && SymbolEqualityComparer.Default.Equals(method.ContainingType, log);

    // The invocation whose callee is this name (Debug(...), Log.Debug(...), KernelSharp.Log.Debug(...)).
    private static InvocationExpressionSyntax? CalledThrough(SimpleNameSyntax name)
    {
        SyntaxNode callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        return callee.Parent is InvocationExpressionSyntax call && call.Expression == callee ? call : null;
    }

    private static DebugSite? Site(SemanticModel model, InvocationExpressionSyntax call, INamedTypeSymbol message, List<string> errors)
    {
        string where = SourcePosition.Of(call.GetLocation());
        if (model.GetOperation(call) is not IInvocationOperation invocation)
            return null;
        IArgumentOperation text = invocation.Arguments.First(a => a.Parameter?.Ordinal == 0);
        IEnumerable<IArgumentOperation> callerInfo;
        string format;
        if (SymbolEqualityComparer.Default.Equals(text.Parameter?.Type, message))
        {
            if (text.Value is not IInterpolatedStringHandlerCreationOperation { HandlerCreation: IObjectCreationOperation creation } handler)
            {
                errors.Add($"{where}: Log.Debug takes its message as an interpolated string ($\"...\"), which the compiler turns into the DebugMessage");
                return null;
            }
            callerInfo = creation.Arguments;
            format = Template(handler.Content);
        }
        else
        {
            callerInfo = invocation.Arguments;
            format = text.Value.Syntax is LiteralExpressionSyntax literal ? Escape(literal.Token.ValueText) : $"{{{Squeeze(text.Value.Syntax.ToString())}}}";
        }
        string? file = null;
        int? line = null;
        foreach (IArgumentOperation argument in callerInfo)
        {
            bool isFile = argument.Parameter?.GetAttributes().Any(a => a.AttributeClass?.Name == "CallerFilePathAttribute") == true;
            bool isLine = argument.Parameter?.GetAttributes().Any(a => a.AttributeClass?.Name == "CallerLineNumberAttribute") == true;
            if (!isFile && !isLine)
                continue;
            if (argument.ArgumentKind != ArgumentKind.DefaultValue)
            {
                errors.Add($"{where}: Log.Debug's {argument.Parameter!.Name} is the compiler's (the call's own file and line): leave it out");
                return null;
            }
            if (isFile)
                file = argument.Value.ConstantValue.Value as string;
            else
                line = argument.Value.ConstantValue.Value as int?;
        }
        if (file is null || line is null)
            throw new BuildError($"{where}: this Log.Debug call passes no file and line (a ksharp bug: please report it)");
        // The C glue and the C# must name the file the same way on every machine.
        if (Path.IsPathRooted(file))
            throw new BuildError($"{where}: Log.Debug's file is the absolute path {file} (a ksharp bug: sources are compiled with their paths relative to the project)");
        if (line > MaxLine)
        {
            errors.Add($"{where}: Log.Debug on line {line}: dynamic debug holds line numbers up to {MaxLine}");
            return null;
        }
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
