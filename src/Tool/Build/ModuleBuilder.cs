using System.Diagnostics;
using System.Text.RegularExpressions;
using KernelSharp.Tool.MachineCode;

namespace KernelSharp.Tool.Build;

/// <summary>What <c>ksharp build</c> is asked to do.</summary>
/// <param name="Debug">Define DEBUG for the driver's C#: debug-zone calls stay in.</param>
public sealed record BuildRequest(string DriverDirectory, KernelHeaders Headers, string OutputDirectory, bool Debug = false);

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
    private readonly List<(string, TimeSpan)> _steps = [];

    public BuildOutput Build(BuildRequest request)
    {
        string driver = Path.GetFullPath(request.DriverDirectory);
        if (!Directory.Exists(driver))
            throw new BuildError($"driver project not found: {driver}");
        string output = Path.GetFullPath(request.OutputDirectory);
        string work = Path.Combine(output, "build");
        Directory.CreateDirectory(work);
        // The assembly name prefixes every compiled symbol (and kernel stack traces), so it is
        // the project folder's name in the characters ILCompiler keeps as they are.
        string assemblyName = Regex.Replace(new DirectoryInfo(driver).Name, "[^A-Za-z0-9_]", "_");

        var compiled = Step("compile C#", () =>
        {
            var compiler = new DriverCompiler(toolchain.CoreLib, toolchain.KernelLib);
            var trees = DriverCompiler.FindSources(driver).Select(path => DriverCompiler.Parse(path, request.Debug)).ToList();
            return compiler.Compile(assemblyName, trees);
        });
        foreach (string warning in compiled.Warnings)
            report($"  {warning}");
        DriverModel model = compiled.Model;
        string module = model.Module.Name;
        string assemblyPath = Path.Combine(work, assemblyName + ".dll");
        File.WriteAllBytes(assemblyPath, compiled.Assembly);

        Step("generate glue", () =>
        {
            File.WriteAllText(Path.Combine(work, CSharpGlueGenerator.FileName), compiled.GeneratedCSharp);
            File.WriteAllText(Path.Combine(work, $"{module}_glue.c"), CGlueGenerator.GenerateC(model));
            return 0;
        });

        string compiledObject = Path.Combine(work, $"{module}_csharp.ilc.o");
        Step("ILCompiler", () => RunIlCompiler(assemblyPath, compiledObject));

        var names = new GlueNames(module);
        ElfObject compiledElf = ElfObject.Read(File.ReadAllBytes(compiledObject));
        var shims = Step("check object", () => CheckObject(compiledElf, request.Headers, assemblyName, model.Imports.Select(i => names.ImportStub(i.Symbol))));

        string csharpAssembly = Path.Combine(work, $"{module}_csharp.S");
        Step("machine code", () =>
        {
            var (text, statistics) = MachineCodePass.Run(compiledElf, module, assemblyName, toolchain.NoReturnShims());
            File.WriteAllText(csharpAssembly, text);
            report($"  {statistics}");
            return 0;
        });
        string csharpObject = Path.Combine(work, $"{module}_csharp.o");

        var dependencies = BuildDependencies(model, driver, output, request.Headers);
        string ko = Step("kbuild", () => RunKbuild(work, module, shims, request.Headers,
            dependencies.Select(d => Path.Combine(Path.GetDirectoryName(d.CSharpObjectPath)!, "Module.symvers"))));
        string final = Path.Combine(output, $"{module}.ko");
        File.Copy(ko, final, overwrite: true);
        return new BuildOutput(final, csharpAssembly, csharpObject, model, _steps) { Dependencies = dependencies };
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

    private int RunIlCompiler(string assembly, string objectPath)
    {
        var arguments = new List<string>
        {
            assembly, "-o", objectPath,
            "-r", toolchain.CoreLib, "-r", toolchain.KernelLib,
            "--systemmodule:KernelSharp.CoreLib",
            "--targetos:linux", "--targetarch:x64",
            // Favour speed: more inlining; measured on scull's one-byte calls, C#/C went from
            // 1.27/1.35 (write/read, -O) to 1.16/1.23, for 8% more text.
            "--nativelib", "--Ot",
            // No reflection, no stack trace data: nothing at run time could use them.
            "--reflectiondata:none",
            "--map", Path.ChangeExtension(objectPath, ".map.xml"),
        };
        var outcome = ProcessRunner.Run(toolchain.IlCompiler, arguments);
        if (outcome.ExitCode != 0 || !File.Exists(objectPath))
        {
            throw new BuildError($"ILCompiler failed: {IlCompilerFailure(outcome.Output)}", outcome.Output);
        }
        return 0;
    }

    /// <summary>The useful line of an ILCompiler crash: the innermost exception's message and the method.</summary>
    public static string IlCompilerFailure(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        string? method = lines.Select(l => Regex.Match(l, @"Code generation failed for method '([^']+)'")).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        string? inner = lines.LastOrDefault(l => l.StartsWith("---> ", StringComparison.Ordinal) && !l.Contains("CodeGenerationFailedException", StringComparison.Ordinal));
        string? error = lines.FirstOrDefault(l => l.StartsWith("error", StringComparison.OrdinalIgnoreCase) || l.Contains(": error ", StringComparison.Ordinal));
        string reason = inner is not null ? Regex.Replace(inner[5..], @"^[\w.]+Exception: ", "") : error ?? lines.FirstOrDefault(l => l.Length > 0) ?? "no output";
        return method is null ? reason : $"{reason} (while compiling {method})";
    }

    /// <summary>Checks relocations and symbols; returns the shim files the object needs.</summary>
    private IReadOnlyList<string> CheckObject(ElfObject elf, KernelHeaders headers, string assemblyName, IEnumerable<string> glueDefinitions)
    {
        var shimFiles = toolchain.ShimDefinitions();
        var defined = new HashSet<string>(shimFiles.Values.SelectMany(s => s).Concat(glueDefinitions), StringComparer.Ordinal);
        var problems = ObjectChecker.Check(elf, defined, new HashSet<string>(headers.Exports(), StringComparer.Ordinal), assemblyName);
        if (problems.Count > 0)
            throw problems.Count == 1
                ? new BuildError(problems[0])
                : new BuildError($"{problems.Count} problems in the compiled C#", string.Join('\n', problems));

        // Link only the shims the C# object calls (and the runtime stubs every object needs).
        var undefined = elf.Symbols.Where(s => s.IsUndefined).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        return shimFiles.Where(f => f.Key == "ksharp_runtime.c" || f.Value.Overlaps(undefined)).Select(f => f.Key).ToList();
    }

    private string RunKbuild(string work, string module, IReadOnlyList<string> shims, KernelHeaders headers, IEnumerable<string> extraSymbols)
    {
        foreach (string header in Directory.EnumerateFiles(toolchain.NativeDirectory, "*.h"))
            File.Copy(header, Path.Combine(work, Path.GetFileName(header)), overwrite: true);
        foreach (string shim in shims)
            File.Copy(Path.Combine(toolchain.NativeDirectory, shim), Path.Combine(work, shim), overwrite: true);

        // The C# is a kernel assembly file like any other: kbuild assembles it, objtool checks it.
        string csharp = $"{module}_csharp.o";
        // The glue and the shims first, then the C# (its entry points first): the path of a
        // call from the kernel then stays on few pages of the module's text.
        var objects = new[] { $"{module}_glue.o" }.Concat(shims.Select(s => Path.ChangeExtension(s, ".o"))).Append(csharp);
        File.WriteAllText(Path.Combine(work, "Kbuild"), $"""
            # Generated by ksharp for module {module}.
            obj-m := {module}.o
            {module}-y := {string.Join(" ", objects)}
            ccflags-y := -I$(src)
            asflags-y := -I$(src)

            """);

        // First the C# alone: assembled (and on 6.1 checked by objtool) for this kernel, then
        // verified from its bytes before anything is linked (architecture rule 2).
        string csharpOutput = Make(work, headers, extraSymbols, csharp);
        string csharpPath = Path.Combine(work, csharp);
        KernelCodeReport verified = KernelCodeVerifier.Check(ElfObject.Read(File.ReadAllBytes(csharpPath)), headers);
        if (verified.Problems.Count > 0)
            throw new BuildError($"the machine code assembled from the C# breaks {verified.Problems.Count} kernel rule(s) on {headers.Release}; first: {verified.Problems[0]}",
                string.Join('\n', verified.Problems));
        report($"  verified {csharp}: {verified}");

        string output = csharpOutput + Make(work, headers, extraSymbols, "modules");
        string ko = Path.Combine(work, $"{module}.ko");
        // objtool checks every object against the kernel's rules (stack frames, returns, indirect
        // branches, IBT landing pads) and writes the unwind data; a warning means the module is
        // not what the kernel's own code is. kbuild only prints them.
        var objtool = output.Split('\n').Where(l => l.Contains("warning: objtool:", StringComparison.Ordinal))
            .Select(l => l.Trim()).Distinct().ToList();
        if (objtool.Count > 0)
        {
            File.Delete(ko);
            throw new BuildError($"objtool reported {objtool.Count} warning(s) for module {module} against {headers.Release}; first: {objtool[0]}", string.Join('\n', objtool));
        }
        if (!File.Exists(ko))
            throw new BuildError($"kbuild against {headers.Directory} wrote no {module}.ko", output);
        // Compiler warnings are in the glue the tool generated or in the shims, both of which
        // must compile cleanly against every kernel; kbuild's own warnings (modpost) are shown.
        var warnings = output.Split('\n').Select(l => l.Trim())
            .Where(l => (l.Contains(": warning:", StringComparison.Ordinal) || l.StartsWith("WARNING:", StringComparison.Ordinal))
                && !l.Contains("warning: objtool:", StringComparison.Ordinal))
            .Distinct().ToList();
        foreach (string warning in warnings)
            report($"  kbuild: {warning.Replace(work + "/", "")}");
        var compiler = warnings.Where(w => w.StartsWith(work, StringComparison.Ordinal) && w.Contains(": warning:", StringComparison.Ordinal)).ToList();
        if (compiler.Count > 0)
        {
            File.Delete(ko);
            throw new BuildError($"the generated glue or the shims compiled with {compiler.Count} warning(s) against {headers.Release}; first: {compiler[0].Replace(work + "/", "")}",
                string.Join('\n', compiler));
        }
        return ko;
    }

    // One kbuild run for TARGET (an object of the module, or "modules"); returns its output.
    private static string Make(string work, KernelHeaders headers, IEnumerable<string> extraSymbols, string target)
    {
        var arguments = new List<string> { "-C", headers.Directory, $"M={work}", $"-j{Environment.ProcessorCount}" };
        string symbols = string.Join(" ", extraSymbols);
        if (symbols.Length > 0)
            arguments.Add($"KBUILD_EXTRA_SYMBOLS={symbols}");
        arguments.Add(target);
        var outcome = ProcessRunner.Run("make", arguments);
        if (outcome.ExitCode != 0)
        {
            var undefined = Regex.Matches(outcome.Output, "ERROR: modpost: \"(?<symbol>[^\"]+)\" \\[.*\\] undefined!").Select(m => m.Groups["symbol"].Value).ToList();
            if (undefined.Count > 0)
                throw new BuildError($"unresolved kernel symbol(s): {string.Join(", ", undefined)} (the target kernel {headers.Release} does not export them)", outcome.Output);
            string first = outcome.Output.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))?.Trim() ?? "see details";
            throw new BuildError($"kbuild failed against {headers.Directory}: {first}", outcome.Output);
        }
        return outcome.Output;
    }
}
