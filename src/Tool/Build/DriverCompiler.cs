using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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

    public CSharpCompilation CreateCompilation(string assemblyName, IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create(
            assemblyName,
            trees,
            [MetadataReference.CreateFromFile(coreLibPath), MetadataReference.CreateFromFile(kernelLibPath)],
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true,
                deterministic: true,
                nullableContextOptions: NullableContextOptions.Disable));

    public static SyntaxTree Parse(string path) =>
        CSharpSyntaxTree.ParseText(File.ReadAllText(path), ParseOptions, path);

    /// <summary>A debug build defines DEBUG, which keeps [Conditional("DEBUG")] calls (debug zones).</summary>
    public static SyntaxTree Parse(string path, bool debug) =>
        CSharpSyntaxTree.ParseText(File.ReadAllText(path), debug ? ParseOptions.WithPreprocessorSymbols("DEBUG") : ParseOptions, path);

    public static SyntaxTree ParseText(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path);

    /// <summary>
    /// Compiles the driver and its generated glue; returns the assembly bytes and the model.
    /// C# errors throw a <see cref="BuildError"/> listing them as file(line,col): message.
    /// </summary>
    public (byte[] Assembly, DriverModel Model, string GeneratedCSharp, IReadOnlyList<string> Warnings) Compile(
        string assemblyName, IReadOnlyList<SyntaxTree> trees)
    {
        CSharpCompilation compilation = CreateCompilation(assemblyName, trees);
        // Partial members (string and array parameters, imported symbols, shared variables)
        // get their implementation from the generated glue, which does not exist yet; every
        // other error stops here.
        ThrowOnErrors([.. compilation.GetDiagnostics().Where(d => !MissingPartialImplementation.Contains(d.Id))], "C# compilation failed");
        var externs = trees.SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            .Where(method => method.Modifiers.Any(m => m.IsKind(SyntaxKind.ExternKeyword)))
            .Select(method => $"{Where(method)}: error KS0002: extern method '{method.Identifier.Text}': drivers reach the kernel through the KernelSharp library; a missing kernel API belongs in the library and its shims")
            .ToList();
        if (externs.Count > 0)
            throw new BuildError($"drivers cannot declare extern methods: {externs.Count} error(s)", string.Join('\n', externs));
        var copies = OwnershipChecker.Check(compilation, trees);
        if (copies.Count > 0)
            throw new BuildError($"owned values copied: {copies.Count} error(s)", string.Join('\n', copies));
        var races = SharedStateChecker.Check(compilation, trees);
        if (races.Count > 0)
            throw new BuildError($"owned statics changed where tasks run at once: {races.Count} error(s)", string.Join('\n', races));
        var sleeping = AtomicContextChecker.Check(compilation, trees);
        if (sleeping.Count > 0)
            throw new BuildError($"sleeping while a spin lock is held: {sleeping.Count} error(s)", string.Join('\n', sleeping));
        var lifetimes = LifetimeChecker.Check(compilation, trees);
        if (lifetimes.Count > 0)
            throw new BuildError($"spans or references used after their owner ended: {lifetimes.Count} error(s)", string.Join('\n', lifetimes));
        var (unsafeCode, unsafeReview) = UnsafeCodeChecker.Check(compilation, trees);
        if (unsafeCode.Count > 0)
            throw new BuildError($"unsafe code without [assembly: KernelSharp.AllowUnsafeCode]: {unsafeCode.Count} error(s)", string.Join('\n', unsafeCode));
        var hatches = EscapeHatchChecker.Check(compilation, trees);
        if (hatches.Count > 0)
            throw new BuildError($"APIs that bypass the safe library: {hatches.Count} error(s)", string.Join('\n', hatches));

        DriverModel model = ModelReader.Read(compilation);
        string glue = CSharpGlueGenerator.Generate(model);
        compilation = compilation.AddSyntaxTrees(ParseText(glue, CSharpGlueGenerator.FileName));

        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        ThrowOnErrors(emitted.Diagnostics, "C# compilation of the generated entry points failed (a ksharp bug: please report it)");
        var warnings = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning && !IsAtomicNeverAssigned(compilation, d))
            .Select(SourcePosition.Format).Concat(unsafeReview).ToList();
        return (stream.ToArray(), model, glue, warnings);
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

    private static string Where(SyntaxNode node) => SourcePosition.Of(node.GetLocation());
}
