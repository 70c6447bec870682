using System.Diagnostics;
using System.Text.RegularExpressions;
using KernelSharp.Tool.MachineCode;

namespace KernelSharp.Tool.Build;

/// <summary>What <c>ksharp build</c> is asked to do.</summary>
/// <param name="Debug">Define DEBUG for the driver's C#: debug-zone calls stay in.</param>
/// <param name="SourceRules">
/// Run the rule table's analyzers (KS0001 to KS0014) on the C# before compiling. Always on
/// for drivers; the object checks' tests turn it off to show the proof behind the rules.
/// </param>
/// <param name="Tests">A test build: the [KernelTest] methods run when the module loads (ksharp test).</param>
public sealed record BuildRequest(string DriverDirectory, KernelHeaders Headers, string OutputDirectory, bool Debug = false, bool SourceRules = true, bool Tests = false);

/// <summary>What a build produced.</summary>
/// <param name="CSharpAssemblyPath">The kernel assembly generated from the C# (the same for every kernel).</param>
/// <param name="CSharpObjectPath">That assembly as kbuild assembled it for the target kernel.</param>
public sealed record BuildOutput(string ModulePath, string CSharpAssemblyPath, string CSharpObjectPath, DriverModel Model, IReadOnlyList<(string Step, TimeSpan Duration)> Steps)
{
    /// <summary>The modules this one depends on ([assembly: ModuleDependency]), built for the same kernel.</summary>
    public IReadOnlyList<BuildOutput> Dependencies { get; init; } = [];
}

/// <summary>
/// Builds a C# driver into a .ko: compile C#, generate glue, run ILCompiler, check the
/// object, rewrite its machine code into kernel assembly, run kbuild. Each step is reported
/// with its duration.
/// </summary>
public sealed class ModuleBuilder(Toolchain toolchain, Action<string> report)
{
    private const int StepCount = 6;

    /// <summary>The version of the gcc kbuild runs here ("12.2.0"), asked once.</summary>
    private static readonly Lazy<string> MachineGcc = new(() =>
        ProcessRunner.Run("gcc", ["-dumpfullversion"]) is { ExitCode: 0 } outcome ? outcome.Output.Trim() : "unknown");
    private readonly List<(string, TimeSpan)> _steps = [];

    public BuildOutput Build(BuildRequest request)
    {
        string driver = Path.GetFullPath(request.DriverDirectory);
        if (!Directory.Exists(driver))
            throw new BuildError($"driver project not found: {driver}");
        if (request.Headers.CompilerWarning(MachineGcc.Value) is { } mismatch)
            report($"ksharp: warning: {mismatch}");
        string output = Path.GetFullPath(request.OutputDirectory);
        string work = Path.Combine(output, "build");
        Directory.CreateDirectory(work);
        // The assembly name prefixes every compiled symbol (and kernel stack traces), so it is
        // the project folder's name in the characters ILCompiler keeps as they are.
        string assemblyName = Regex.Replace(new DirectoryInfo(driver).Name, "[^A-Za-z0-9_]", "_");

        // A debug build keeps the C# lines: a PDB beside the assembly, ILCompiler's DWARF lines from it,
        // and the machine-code pass carries them into the kernel assembly.
        using var pdb = request.Debug ? new MemoryStream() : null;
        var compiled = Step("compile C#", () =>
        {
            var compiler = new DriverCompiler(toolchain.CoreLib, toolchain.KernelLib);
            var trees = DriverCompiler.FindSources(driver).Select(path => DriverCompiler.Parse(path, request.Debug)).ToList();
            return compiler.Compile(assemblyName, trees, request.SourceRules, request.Tests, sourceRoot: driver, pdb: pdb);
        });
        foreach (string warning in compiled.Warnings)
            report($"  {warning}");
        DriverModel model = compiled.Model;
        string module = model.Module.Name;
        string assemblyPath = Path.Combine(work, assemblyName + ".dll");
        File.WriteAllBytes(assemblyPath, compiled.Assembly);
        string pdbPath = Path.ChangeExtension(assemblyPath, ".pdb");
        if (pdb is not null)
            File.WriteAllBytes(pdbPath, pdb.ToArray());
        else
            File.Delete(pdbPath);

        string glueC = Step("generate glue", () =>
        {
            string c = CGlueGenerator.GenerateC(model);
            File.WriteAllText(Path.Combine(work, CSharpGlueGenerator.FileName), compiled.GeneratedCSharp);
            File.WriteAllText(Path.Combine(work, $"{module}_glue.c"), c);
            return c;
        });

        string compiledObject = Path.Combine(work, $"{module}_csharp.ilc.o");
        Step("ILCompiler", () => new IlCompiler(toolchain).Compile(assemblyPath, compiledObject, request.Debug));

        var names = new GlueNames(module);
        ElfObject compiledElf = ElfObject.Read(File.ReadAllBytes(compiledObject));
        var shims = Step("check object", () => CheckObject(compiledElf, request.Headers, assemblyName, model.Imports.Select(i => names.ImportStub(i.Symbol)).Concat(model.DebugSites.Count > 0 ? [GlueNames.DebugSiteFunction] : []), glueC));

        string csharpAssembly = Path.Combine(work, $"{module}_csharp.S");
        Step("machine code", () =>
        {
            var debug = request.Debug ? DebugInfo(compiledElf, driver, assemblyPath) : null;
            var (text, statistics) = MachineCodePass.Run(compiledElf, module, assemblyName, toolchain.NoReturnShims(), debug);
            File.WriteAllText(csharpAssembly, text);
            report($"  {statistics}");
            return 0;
        });
        string csharpObject = Path.Combine(work, $"{module}_csharp.o");

        var dependencies = BuildDependencies(model, driver, output, request.Headers);
        string ko = Step("kbuild", () => new KbuildProject(toolchain, report).Build(work, module, shims, request.Headers,
            dependencies.Select(d => Path.Combine(Path.GetDirectoryName(d.CSharpObjectPath)!, "Module.symvers"))));
        string final = Path.Combine(output, $"{module}.ko");
        File.Copy(ko, final, overwrite: true);
        return new BuildOutput(final, csharpAssembly, csharpObject, model, _steps) { Dependencies = dependencies };
    }

    // A debug build's C# lines (paths relative to the driver project, so the assembly is the same
    // wherever the checkout is) and the C# names of its functions.
    private CSharpDebugInfo DebugInfo(ElfObject compiled, string driver, string assemblyPath)
    {
        var names = Debugging.ManagedNames.FromAssemblies([assemblyPath, toolchain.CoreLib, toolchain.KernelLib], Path.GetFileNameWithoutExtension(toolchain.CoreLib));
        return new CSharpDebugInfo(Debugging.DwarfLineTable.Read(compiled), path => CSharpDebugInfo.ProjectRelative(driver, path), names.Find);
    }

    // The modules whose exports this one imports, built first for the same kernel, so that
    // modpost knows their symbols (and their versions) and the imports can be checked.
    private List<BuildOutput> BuildDependencies(DriverModel model, string driver, string output, KernelHeaders headers)
    {
        var built = new List<BuildOutput>();
        foreach (ModuleDependency dependency in model.Dependencies)
        {
            string directory = Path.GetFullPath(Path.Combine(driver, dependency.ProjectDirectory));
            report($"  building dependency {dependency.Module} ({directory})");
            var builder = new ModuleBuilder(toolchain, line => report($"  {dependency.Module}: {line.TrimStart()}"));
            BuildOutput result = builder.Build(new BuildRequest(directory, headers, Path.Combine(output, "dependencies", dependency.Module)));
            if (result.Model.Module.Name != dependency.Module)
                throw new BuildError($"[assembly: ModuleDependency(\"{dependency.Module}\", \"{dependency.ProjectDirectory}\")]: that project builds module {result.Model.Module.Name}");
            built.Add(result);
        }
        var exported = built.SelectMany(d => d.Model.Exports.Select(e => (e.Symbol, Variable: false))
            .Concat(d.Model.Variables.Where(v => v.Exported).Select(v => (v.Symbol, Variable: true)))).ToHashSet();
        foreach (ImportedFunction import in model.Imports)
            if (!exported.Contains((import.Symbol, false)))
                throw new BuildError($"{import.Member.TypeName}.{import.Member.Name} imports function {import.Symbol}, which no dependency exports ({string.Join(", ", model.Dependencies.Select(d => d.Module))})");
        foreach (SharedVariable variable in model.Variables.Where(v => !v.Exported))
            if (!exported.Contains((variable.Symbol, true)))
                throw new BuildError($"{variable.Member.TypeName}.{variable.Member.Name} imports variable {variable.Symbol}, which no dependency exports ({string.Join(", ", model.Dependencies.Select(d => d.Module))})");
        return built;
    }

    private T Step<T>(string name, Func<T> action)
    {
        var clock = Stopwatch.StartNew();
        report($"  [{_steps.Count + 1}/{StepCount}] {name,-16} ...");
        T result = action();
        clock.Stop();
        _steps.Add((name, clock.Elapsed));
        report($"  [{_steps.Count}/{StepCount}] {name,-16} {clock.Elapsed.TotalSeconds,6:0.00} s");
        return result;
    }

    /// <summary>Checks relocations and symbols; returns the shim files the object needs.</summary>
    private IReadOnlyList<string> CheckObject(ElfObject elf, KernelHeaders headers, string assemblyName, IEnumerable<string> glueDefinitions, string glue)
    {
        var shimFiles = toolchain.ShimDefinitions();
        var defined = new HashSet<string>(shimFiles.Values.SelectMany(s => s).Concat(glueDefinitions), StringComparer.Ordinal);
        var problems = ObjectChecker.Check(elf, defined, new HashSet<string>(headers.Exports(), StringComparer.Ordinal), assemblyName);
        if (problems.Count > 0)
            throw problems.Count == 1
                ? new BuildError(problems[0])
                : new BuildError($"{problems.Count} problems in the compiled C#", string.Join('\n', problems));

        // Link only the shims the C# object and the C glue call, the shims those call in turn,
        // and the runtime stubs every object needs.
        var needed = elf.Symbols.Where(s => s.IsUndefined).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        needed.UnionWith(ShimCalls(glue));
        var linked = new SortedSet<string>(StringComparer.Ordinal) { "ksharp_runtime.c" };
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var (file, definitions) in shimFiles)
                if (!linked.Contains(file) && definitions.Overlaps(needed))
                {
                    linked.Add(file);
                    needed.UnionWith(ShimCalls(File.ReadAllText(Path.Combine(toolchain.NativeDirectory, file))));
                    grew = true;
                }
        }
        return [.. linked];
    }

    // The ksharp_* functions a C text calls.
    private static IEnumerable<string> ShimCalls(string c) =>
        Regex.Matches(c, @"\b(ksharp_[a-z0-9_]+)\s*\(").Select(m => m.Groups[1].Value);
}
