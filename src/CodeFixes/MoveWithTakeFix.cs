using System.Collections.Immutable;
using System.Composition;
using KernelSharp.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelSharp.CodeFixes;

/// <summary>
/// KS0001's fix: a copy of an owned value becomes a move, <c>x</c> becoming
/// <c>Owned.Take(ref x)</c>, which hands the value over and leaves <c>x</c> empty. Offered only
/// where the analyzer found that this compiles (a disposable struct in a writable place).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveWithTakeFix)), Shared]
public sealed class MoveWithTakeFix : CodeFixProvider
{
    public const string Title = "Move it with Owned.Take";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [Rules.OwnedValueCopied.Id];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
            return;
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.ContainsKey(Finding.MoveWithTakeProperty))
                continue;
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax copied)
                continue;
            context.RegisterCodeFix(
                CodeAction.Create(Title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(copied, Take(copied, root)))), equivalenceKey: Title),
                diagnostic);
        }
    }

    // Owned.Take(ref x), or KernelSharp.Owned.Take(ref x) where the file has no using KernelSharp.
    private static ExpressionSyntax Take(ExpressionSyntax copied, SyntaxNode root)
    {
        bool imported = root is CompilationUnitSyntax unit && unit.Usings.Any(u => u.Name?.ToString() == "KernelSharp" && u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None));
        ExpressionSyntax owned = imported ? SyntaxFactory.IdentifierName("Owned") : SyntaxFactory.ParseExpression("KernelSharp.Owned");
        return SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, owned, SyntaxFactory.IdentifierName("Take")),
                SyntaxFactory.ArgumentList([SyntaxFactory.Argument(copied.WithoutTrivia()).WithRefKindKeyword(SyntaxFactory.Token(SyntaxKind.RefKeyword))]))
            .WithTriviaFrom(copied);
    }
}
