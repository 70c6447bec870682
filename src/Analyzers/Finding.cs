using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace KernelSharp.Analyzers;

/// <summary>What a checker found: the rule it breaks, where, and the message (what, and how to fix it).</summary>
public readonly record struct Finding(Rule Rule, Location Location, string Message)
{
    /// <summary>The property that tells the code fix the copied place can move with <c>Owned.Take(ref place)</c>.</summary>
    public const string MoveWithTakeProperty = "KernelSharp.MoveWithTake";

    public Finding(Rule rule, SyntaxNode at, string message) : this(rule, at.GetLocation(), message) { }

    /// <summary>The found expression is a copy that <c>Owned.Take(ref ...)</c> of it would make a move (KS0001's code fix).</summary>
    public bool CanMoveWithTake { get; init; }

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Rule.Descriptor, Location,
        CanMoveWithTake ? ImmutableDictionary<string, string?>.Empty.Add(MoveWithTakeProperty, "true") : null, Message);

    /// <summary>Findings once each, in source order: by file, then position.</summary>
    public static List<Finding> InSourceOrder(IEnumerable<Finding> findings) =>
        findings.Distinct()
            .OrderBy(f => f.Location.SourceTree?.FilePath ?? "", StringComparer.Ordinal)
            .ThenBy(f => f.Location.SourceSpan.Start)
            .ThenBy(f => f.Message, StringComparer.Ordinal)
            .ToList();
}
