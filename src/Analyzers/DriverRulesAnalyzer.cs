using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelSharp.Analyzers;

/// <summary>
/// The rule table as a Roslyn analyzer: editors report KS0001 to KS0014 while the driver is
/// typed, dotnet build reports them as errors, and the ksharp build tool runs this same
/// analyzer before it compiles. Some rules follow calls across files (KS0007, KS0008, KS0012),
/// so the checkers run once per compilation and each file gets its own findings.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DriverRulesAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [.. Rules.All.Select(rule => rule.Descriptor)];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            Compilation compilation = start.Compilation;
            if (!DriverChecks.IsDriver(compilation))
                return;
            var findings = new Lazy<ILookup<SyntaxTree?, Finding>>(
                () => DriverChecks.Run(compilation, DriverChecks.DriverTrees(compilation)).ToLookup(f => f.Location.SourceTree),
                LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSemanticModelAction(model =>
            {
                foreach (Finding finding in findings.Value[model.SemanticModel.SyntaxTree])
                    model.ReportDiagnostic(finding.ToDiagnostic());
            });
        });
    }
}
