using KernelSharp.Analyzers;
using KernelSharp.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelSharp.Tests.Unit;

/// <summary>KS0001's code fix, applied in a workspace as an editor applies it.</summary>
public class CodeFixTests
{
    private static string Driver(string statements) => Drivers.Usings + "using KernelSharp.Memory;\n" + $$"""
        [KernelModule("snippet")]
        public sealed class SnippetModule : IKernelModule
        {
            private static KernelBuffer s_kept;
            private static readonly KernelBuffer s_fixed;
            public static Result Init()
            {
                {{statements}}
                return Result.Ok;
            }
            public static void Exit() => s_kept.Dispose();
        }
        """;

    private static Document Open(string source)
    {
        var workspace = new AdhocWorkspace();
        Project project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Snippet", "Snippet", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true),
            parseOptions: new CSharpParseOptions(LanguageVersion.Preview),
            metadataReferences: [MetadataReference.CreateFromFile(Drivers.Toolchain.Value.CoreLib), MetadataReference.CreateFromFile(Drivers.Toolchain.Value.KernelLib)]));
        return workspace.AddDocument(project.Id, "Snippet.cs", Microsoft.CodeAnalysis.Text.SourceText.From(source));
    }

    private static async Task<List<Diagnostic>> Copies(Document document)
    {
        Compilation compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers([new DriverRulesAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        return diagnostics.Where(d => d.Id == Rules.OwnedValueCopied.Id).ToList();
    }

    /// <summary>The fixes offered for each KS0001 in the document.</summary>
    private static async Task<List<(Diagnostic Diagnostic, CodeAction Action)>> Fixes(Document document)
    {
        var fixes = new List<(Diagnostic, CodeAction)>();
        foreach (Diagnostic diagnostic in await Copies(document))
            await new MoveWithTakeFix().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => fixes.Add((diagnostic, action)), CancellationToken.None));
        return fixes;
    }

    [Fact]
    public async Task A_copy_of_a_local_becomes_a_move_and_the_error_goes()
    {
        Document document = Open(Driver("KernelBuffer.Allocate(8, Gfp.Kernel, out KernelBuffer fresh); s_kept = fresh;"));
        var fixes = await Fixes(document);
        var (diagnostic, action) = Assert.Single(fixes);
        Assert.Equal(MoveWithTakeFix.Title, action.Title);
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        Document fixedDocument = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution.GetDocument(document.Id)!;
        string text = (await fixedDocument.GetTextAsync()).ToString();
        Assert.Contains("s_kept = Owned.Take(ref fresh);", text);
        Assert.Empty(await Copies(fixedDocument));
        Assert.Empty((await fixedDocument.Project.GetCompilationAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task Without_using_KernelSharp_the_fix_names_the_namespace()
    {
        // The file imports KernelSharp in Drivers.Usings; a file that does not gets the full name.
        string source = Driver("KernelBuffer.Allocate(8, Gfp.Kernel, out KernelBuffer fresh); s_kept = fresh;")
            .Replace("using KernelSharp;", "").Replace("[KernelModule(", "[KernelSharp.KernelModule(").Replace("IKernelModule", "KernelSharp.IKernelModule")
            .Replace("Result", "KernelSharp.Result");
        Document document = Open(source);
        var (_, action) = Assert.Single(await Fixes(document));
        var changed = (await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        Assert.Contains("s_kept = KernelSharp.Owned.Take(ref fresh);", (await changed.GetTextAsync()).ToString());
    }

    [Fact]
    public async Task No_fix_is_offered_where_Take_would_not_compile()
    {
        // A readonly field cannot be passed by ref: the error stands, with no fix to offer.
        Document document = Open(Driver("s_kept = s_fixed;"));
        Assert.Single(await Copies(document));
        Assert.Empty(await Fixes(document));
    }
}
