using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Emit;
using KernelSharp.Analyzers;

namespace KernelSharp.Tool.Build;

/// <summary>
/// Compiles a driver's C# sources against KernelSharp's core and kernel libraries with
/// Roslyn, reads the module's declarations into a <see cref="DriverModel"/>, and emits the
/// driver assembly together with its generated entry points.
/// </summary>
public sealed class DriverCompiler(string coreLibPath, string kernelLibPath)
{
    // Interceptors: the generated glue redirects each Mutex.Create and SpinLock.Create call to pass its lock class.
    private static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.Preview)
        .WithFeatures([new("InterceptorsNamespaces", "KernelSharp.Generated")]);

    /// <summary>The .cs files of a driver project: everything below it except build output.</summary>
    public static IReadOnlyList<string> FindSources(string driverDirectory)
    {
        var sources = Directory.EnumerateFiles(driverDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !Path.GetRelativePath(driverDirectory, path).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "bin" or "obj" or "out"))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (sources.Count == 0)
            throw new BuildError($"no C# sources (*.cs) in {driverDirectory}");
        return sources;
    }

    /// <param name="sourceRoot">
    /// The project directory: paths the compiled code sees (CallerFilePath, which names each
    /// Log.Debug site) are relative to it, so the output is the same on every machine.
    /// Diagnostics keep the full paths.
    /// </param>
    public CSharpCompilation CreateCompilation(string assemblyName, IEnumerable<SyntaxTree> trees, string? sourceRoot = null) =>
        CSharpCompilation.Create(
            assemblyName,
            trees,
            [MetadataReference.CreateFromFile(coreLibPath), MetadataReference.CreateFromFile(kernelLibPath)],
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true,
                deterministic: true,
                nullableContextOptions: NullableContextOptions.Disable,
                sourceReferenceResolver: sourceRoot is null ? null : new SourceFileResolver([], null,
                    [new(Path.TrimEndingDirectorySeparator(Path.GetFullPath(sourceRoot)) + Path.DirectorySeparatorChar, "")])));

    public static SyntaxTree Parse(string path) =>
        CSharpSyntaxTree.ParseText(File.ReadAllText(path), ParseOptions, path, System.Text.Encoding.UTF8);

    /// <summary>A debug build defines DEBUG, which keeps [Conditional("DEBUG")] calls (debug zones).</summary>
    public static SyntaxTree Parse(string path, bool debug) =>
        CSharpSyntaxTree.ParseText(File.ReadAllText(path), debug ? ParseOptions.WithPreprocessorSymbols("DEBUG") : ParseOptions, path, System.Text.Encoding.UTF8);

    // With an encoding, so a debug build can write the PDB (which hashes each source's bytes).
    public static SyntaxTree ParseText(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path, System.Text.Encoding.UTF8);

    /// <summary>
    /// Compiles the driver and its generated glue; returns the assembly bytes and the model.
    /// C# errors throw a <see cref="BuildError"/> listing them as file(line,col): message.
    /// With <paramref name="pdb"/>, also writes a portable PDB there (the sources' sequence
    /// points, which ILCompiler's <c>-g</c> turns into DWARF line information).
    /// </summary>
    public (byte[] Assembly, DriverModel Model, string GeneratedCSharp, IReadOnlyList<string> Warnings) Compile(
        string assemblyName, IReadOnlyList<SyntaxTree> trees, bool sourceRules = true, bool tests = false, string? sourceRoot = null, Stream? pdb = null)
    {
        CSharpCompilation compilation = CreateCompilation(assemblyName, trees, sourceRoot);
        // Partial members (string and array parameters, imported symbols, shared variables)
        // get their implementation from the generated glue, which does not exist yet; every
        // other error stops here.
        ThrowOnErrors([.. compilation.GetDiagnostics().Where(d => !MissingPartialImplementation.Contains(d.Id))], "C# compilation failed");
        IReadOnlyList<string> ruleWarnings = sourceRules ? CheckRules(compilation) : [];

        DriverModel model = ModelReader.Read(compilation);
        if (tests)
        {
            model = model with { Tests = KernelTestReader.Read(compilation) };
            if (model.Tests.Count == 0)
                throw new BuildError("no [KernelTest] methods: a test build runs static void methods marked [KernelSharp.Testing.KernelTest]");
        }
        string glue = CSharpGlueGenerator.Generate(model);
        compilation = compilation.AddSyntaxTrees(ParseText(glue, CSharpGlueGenerator.FileName));

        using var stream = new MemoryStream();
        // The PDB's name in the assembly is only its file name: ILCompiler looks beside the assembly.
        var emitted = pdb is null ? compilation.Emit(stream)
            : compilation.Emit(stream, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: assemblyName + ".pdb"));
        ThrowOnErrors(emitted.Diagnostics, "C# compilation of the generated entry points failed (a ksharp bug: please report it)");
        var warnings = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning && !IsAtomicNeverAssigned(compilation, d))
            .Select(SourcePosition.Format).Concat(ruleWarnings).ToList();
        return (stream.ToArray(), model, glue, warnings);
    }

    /// <summary>
    /// The rule table's analyzers (KernelSharp.Analyzers: the same ones editors and dotnet build
    /// run) over the driver's sources. Errors throw, under their rule's headline when they are
    /// all of one rule; the warnings (KS0004) come back as file(line,col): warning lines. The compilation
    /// holds the driver's sources only: the generated glue is added after.
    /// </summary>
    public static IReadOnlyList<string> CheckRules(CSharpCompilation compilation)
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new DriverRulesAnalyzer());
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = compilation
            .WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        if (diagnostics.FirstOrDefault(d => !d.Id.StartsWith("KS", StringComparison.Ordinal)) is { } failure)
            throw new BuildError("the KernelSharp analyzers failed (a ksharp bug: please report it)", failure.ToString());
        var order = Rules.All.Select((rule, index) => (rule.Id, index)).ToDictionary(r => r.Id, r => r.index);
        var ordered = diagnostics
            .OrderBy(d => order[d.Id])
            .ThenBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToList();
        ThrowOnRuleErrors(ordered.Where(d => d.Severity == DiagnosticSeverity.Error).ToList());
        return ordered.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(SourcePosition.Format).ToList();
    }

    /// <summary>A checker's findings, as <see cref="CheckRules"/> reports them, for a step that runs one checker itself.</summary>
    public static void ThrowOnFindings(IEnumerable<Finding> findings) =>
        ThrowOnRuleErrors([.. findings.Select(f => f.ToDiagnostic()).Where(d => d.Severity == DiagnosticSeverity.Error)]);

    // Rule errors throw, under their rule's headline when they are all of one rule.
    private static void ThrowOnRuleErrors(IReadOnlyList<Diagnostic> errors)
    {
        if (errors.Count == 0)
            return;
        var broken = errors.Select(d => d.Id).Distinct().ToList();
        string headline = broken.Count == 1 ? Rules.ById(broken[0]).Headline : $"driver code breaks {broken.Count} rules ({string.Join(", ", broken)})";
        throw new BuildError($"{headline}: {errors.Count} error(s)", string.Join('\n', errors.Select(SourcePosition.Format)));
    }

    // CS0649 ("never assigned") on an atomic field is wrong: Atomic32 and friends change through
    // readonly methods (Interlocked on the field itself), which the compiler does not count.
    private static bool IsAtomicNeverAssigned(CSharpCompilation compilation, Diagnostic diagnostic)
    {
        if (diagnostic.Id != "CS0649" || diagnostic.Location.SourceTree is not { } tree)
            return false;
        SyntaxNode node = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan);
        return compilation.GetSemanticModel(tree).GetDeclaredSymbol(node) is IFieldSymbol { Type: var type } && OwnedTypes.IsAtomic(type);
    }

    /// <summary>A partial property (CS9248) or method (CS8795) without its implementing part.</summary>
    private static readonly string[] MissingPartialImplementation = ["CS9248", "CS8795"];

    private static void ThrowOnErrors(ImmutableArray<Diagnostic> diagnostics, string headline)
    {
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
            throw new BuildError($"{headline}: {errors.Count} error(s)", string.Join('\n', errors.Select(SourcePosition.Format)));
    }

}
