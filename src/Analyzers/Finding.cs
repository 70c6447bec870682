using Microsoft.CodeAnalysis;

namespace KernelSharp.Analyzers;

/// <summary>What a checker found: the rule it breaks, where, and the message (what, and how to fix it).</summary>
public readonly record struct Finding(Rule Rule, Location Location, string Message)
{
    public Finding(Rule rule, SyntaxNode at, string message) : this(rule, at.GetLocation(), message) { }

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Rule.Descriptor, Location, Message);

    /// <summary>Findings once each, in source order: by file, then position.</summary>
    public static List<Finding> InSourceOrder(IEnumerable<Finding> findings) =>
        findings.Distinct()
            .OrderBy(f => f.Location.SourceTree?.FilePath ?? "", StringComparer.Ordinal)
            .ThenBy(f => f.Location.SourceSpan.Start)
            .ThenBy(f => f.Message, StringComparer.Ordinal)
            .ToList();
}
