using System.Collections.Concurrent;
using KernelSharp.Harness;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// Builds the modules under test once per test run (with the real build tool, against the
/// default Debian test kernel) and boots them in QEMU.
/// </summary>
public static class Guest
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<BuildOutput>>> Modules = new();
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Programs = new();
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> CModules = new();

    /// <summary>
    /// The kernel this test run builds for and boots: KSHARP_TEST_KERNEL (a release or its
    /// start, as `ksharp test` sets it for each supported kernel), else the default kernel.
    /// </summary>
    public static KernelImage Kernel { get; } = ChooseKernel();

    private static KernelImage ChooseKernel()
    {
        var images = KernelImages.OnHost();
        if (Environment.GetEnvironmentVariable("KSHARP_TEST_KERNEL") is not { Length: > 0 } wanted)
            return images.RequireDefault();
        return images.FindByVersion(wanted)
            ?? throw new InvalidOperationException($"KSHARP_TEST_KERNEL={wanted}: no such kernel with headers (installed: {string.Join(", ", images.All.Select(k => k.Version))})");
    }

    private static Toolchain Toolchain => Unit.Drivers.Toolchain.Value;

    /// <summary>Where a test build for <paramref name="kernel"/> (default: this run's) goes.</summary>
    public static string Output(string name, KernelImage? kernel = null) =>
        Path.Combine(Toolchain.RequireRepository("the tests"), "artifacts", "test-modules", (kernel ?? Kernel).Version, name);

    /// <summary>Builds a driver project (relative to the repository root) once; later calls share the result.</summary>
    public static Task<BuildOutput> Module(string project) =>
        Modules.GetOrAdd(project, p => new Lazy<Task<BuildOutput>>(() => Task.Run(() => Build(p, Kernel)))).Value;

    /// <summary>A debug build (DEBUG defined: debug-zone calls kept), once per test run.</summary>
    public static Task<BuildOutput> DebugModule(string project) =>
        Modules.GetOrAdd(project + " --debug", _ => new Lazy<Task<BuildOutput>>(() => Task.Run(() => Build(project, Kernel, debug: true)))).Value;

    /// <summary>Builds a driver project for <paramref name="kernel"/> with the real build tool.</summary>
    public static BuildOutput Build(string project, KernelImage kernel, bool debug = false)
    {
        var log = new List<string>();
        var builder = new ModuleBuilder(Toolchain, line => { lock (log) log.Add(line); });
        try
        {
            return builder.Build(new BuildRequest(Path.Combine(Toolchain.RequireRepository("the tests"), project),
                KernelHeaders.Open(kernel.HeadersPath), Output(Path.GetFileName(project) + (debug ? "-debug" : ""), kernel), debug));
        }
        catch (BuildError e)
        {
            throw new InvalidOperationException($"building {project} for {kernel.Version} failed: {e.Message}\n{e.Details}\n{string.Join('\n', log)}");
        }
    }

    /// <summary>Every sample (a directory of C# under samples/), relative to the repository root.</summary>
    public static TheoryData<string> Samples => [.. CSharpProjects("samples")];

    /// <summary>Every C# driver: the samples and the C# test drivers under tests/Drivers.</summary>
    public static TheoryData<string> CSharpDrivers => [.. CSharpProjects("samples").Concat(CSharpProjects("tests/Drivers"))];

    private static IEnumerable<string> CSharpProjects(string under) =>
        Directory.EnumerateDirectories(Path.Combine(Toolchain.RequireRepository("the tests"), under))
            .Where(directory => Directory.EnumerateFiles(directory, "*.cs").Any())
            .Select(directory => $"{under}/{Path.GetFileName(directory)}")
            .Order(StringComparer.Ordinal);

    public static Task<BuildOutput> Hello => Module("samples/Hello");
    public static Task<BuildOutput> PowerOff => Module("samples/PowerOff");
    public static Task<BuildOutput> CoreChecks => Module("tests/Drivers/CoreChecks");

    /// <summary>
    /// Boots this run's kernel with the given modules at /NAME.ko and /kswrite, and runs the script. The run must
    /// be healthy: any oops, warning, lockup, stall, leak report or unexpected taint fails the test (see
    /// <see cref="GuestAssert.KernelProblems"/>).
    /// </summary>
    public static Task<GuestResult> Run(string script, params Task<BuildOutput>[] modules) => Run(script, [], modules);

    /// <summary>As <see cref="Run(string, Task{BuildOutput}[])"/>, with more files in the guest.</summary>
    public static Task<GuestResult> Run(string script, IEnumerable<Task<GuestFile>> extraFiles, params Task<BuildOutput>[] modules) =>
        Run(new GuestRun(script) { ExtraFiles = [.. extraFiles] }, modules);

    /// <summary>A run that provokes <paramref name="expected"/> on purpose: exactly those kinds of problem must be
    /// reported, and any other still fails the test.</summary>
    public static Task<GuestResult> RunExpecting(KernelProblemKind expected, string script, IEnumerable<Task<GuestFile>> extraFiles, params Task<BuildOutput>[] modules) =>
        Run(new GuestRun(script) { ExtraFiles = [.. extraFiles], ExpectedProblems = expected }, modules);

    /// <summary>Boots <paramref name="run"/> with <paramref name="modules"/> and checks the kernel's health.</summary>
    public static async Task<GuestResult> Run(GuestRun run, params Task<BuildOutput>[] modules)
    {
        GuestResult result = await Boot(run, modules);
        GuestAssert.KernelProblems(result, run.ExpectedProblems, run.MayProvoke);
        return result;
    }

    private static async Task<GuestResult> Boot(GuestRun run, Task<BuildOutput>[] modules)
    {
        var files = new List<GuestFile> { await Program("tests/Guest/kswrite.c") };
        foreach (var file in run.ExtraFiles)
            files.Add(await file);
        foreach (var module in modules)
        {
            // A module comes with the modules it depends on, built for the same kernel.
            BuildOutput built = await module;
            foreach (BuildOutput each in built.Dependencies.Prepend(built))
                if (!files.Any(f => f.GuestPath == $"/{each.Model.Module.Name}.ko"))
                    files.Add(new GuestFile($"/{each.Model.Module.Name}.ko", each.ModulePath));
        }
        return await GuestRunner.RunAsync(new GuestOptions
        {
            KernelImagePath = Kernel.ImagePath,
            DirectKernelBoot = Kernel.DirectBoot,
            Files = files,
            Script = run.Script,
            ExtraKernelArguments = run.ExtraKernelArguments,
            DebugExitDevice = run.DebugExitDevice,
            Timeout = run.Timeout,
        });
    }

    /// <summary>
    /// A guest-side C program (relative to the repository root), linked statically so it runs
    /// in the busybox initramfs; built once per test run, at /NAME in the guest.
    /// </summary>
    public static Task<GuestFile> Program(string source) =>
        Programs.GetOrAdd(source, s => new Lazy<Task<string>>(() => Task.Run(() =>
        {
            try
            {
                return GuestProgram.Build(Path.Combine(Toolchain.RequireRepository("the tests"), s), Output("guest"));
            }
            catch (BuildError e)
            {
                throw new InvalidOperationException($"{e.Message}:\n{e.Details}");
            }
        }))).Value.ContinueWith(built => new GuestFile("/" + Path.GetFileName(built.Result), built.Result, UnixModes.Executable),
            TaskContinuationOptions.ExecuteSynchronously);

    /// <summary>
    /// A C module (a directory with a kbuild Makefile, relative to the repository root) built
    /// with kbuild against the test kernel's headers; built once, at /NAME.ko in the guest.
    /// </summary>
    public static Task<GuestFile> CModule(string directory, string module) => CModule(directory, module, "");

    /// <summary>
    /// As <see cref="CModule(string, string)"/>, a variant built with extra make variables
    /// (<c>NAME=VALUE</c>, for example <c>SCULL_TEST_FLAGS=-DSCULL_TEST_NO_LOCKS</c>) into its
    /// own directory; built once per directory and variant name.
    /// </summary>
    public static Task<GuestFile> CModule(string directory, string module, string variant, params string[] makeVariables) =>
        CModules.GetOrAdd(directory + "\0" + variant, _ => new Lazy<Task<string>>(() => Task.Run(() =>
        {
            string output = Output("c-" + Path.GetFileName(directory) + (variant.Length > 0 ? "-" + variant : ""));
            if (Directory.Exists(output))
                Directory.Delete(output, recursive: true);
            Directory.CreateDirectory(output);
            foreach (string file in Directory.EnumerateFiles(Path.Combine(Toolchain.RequireRepository("the tests"), directory)))
                File.Copy(file, Path.Combine(output, Path.GetFileName(file)));
            var outcome = ProcessRunner.Run("make", ["-C", Kernel.HeadersPath, $"M={output}", .. makeVariables, "modules"]);
            if (outcome.ExitCode != 0)
                throw new InvalidOperationException($"building the C module {directory} ({(variant.Length > 0 ? variant : "default")}) failed:\n{outcome.Output}");
            return Path.Combine(output, module + ".ko");
        }))).Value.ContinueWith(built => new GuestFile($"/{module}.ko", built.Result), TaskContinuationOptions.ExecuteSynchronously);
}

/// <summary>One guest run of a test: the script, extra files, kernel arguments, and the problems it provokes.</summary>
public sealed record GuestRun(string Script)
{
    public IReadOnlyList<Task<GuestFile>> ExtraFiles { get; init; } = [];

    /// <summary>Appended to the kernel command line.</summary>
    public string? ExtraKernelArguments { get; init; }

    /// <summary>The kinds of kernel problem the run provokes on purpose; none by default.</summary>
    public KernelProblemKind ExpectedProblems { get; init; }

    /// <summary>Kinds a driver broken on purpose may or may not provoke, as a race goes; any other still fails.</summary>
    public KernelProblemKind MayProvoke { get; init; }

    /// <summary>Whether the guest has isa-debug-exit (a fuzzer's run goes without: no write can end QEMU).</summary>
    public bool DebugExitDevice { get; init; } = true;

    /// <summary>How long the guest may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);
}

/// <summary>Assertions on what a guest printed, with the console in every failure message.</summary>
public static class GuestAssert
{
    /// <summary>
    /// The kernel reported exactly the <paramref name="expected"/> kinds of problem (none by default), and a run
    /// that reached the end of its script also delivered the whole kernel log and the taint flags, so nothing was
    /// checked on half the evidence.
    /// </summary>
    public static void KernelProblems(GuestResult result, KernelProblemKind expected = KernelProblemKind.None, KernelProblemKind mayAlsoBe = KernelProblemKind.None)
    {
        KernelProblemKind found = Harness.KernelProblems.KindsOf(result.Problems);
        if ((found & ~mayAlsoBe) != expected)
            Assert.Fail($"expected kernel problems: {expected}{(mayAlsoBe != KernelProblemKind.None ? $" (and perhaps {mayAlsoBe})" : "")}; the kernel reported: {found}\n{result.Describe(consoleLines: 60)}");
        if (result.ScriptExitStatus is not null && (!result.KernelLogComplete || result.Tainted is null))
            Assert.Fail($"the guest script ended but the kernel log dump or the taint line is missing\n{result.Describe(consoleLines: 60)}");
    }

    public static void Contains(GuestResult result, string expected)
    {
        if (!result.Console.Contains(expected, StringComparison.Ordinal))
            Assert.Fail($"the console lacks \"{expected}\"\n{result.Describe(consoleLines: 120)}");
    }

    public static void DoesNotContain(GuestResult result, string unexpected)
    {
        if (result.Console.Contains(unexpected, StringComparison.Ordinal))
            Assert.Fail($"the console has \"{unexpected}\"\n{result.Describe(consoleLines: 120)}");
    }

    /// <summary>
    /// What the script printed between its lines "== NAME" and the next "== end" (kernel messages left out, see
    /// <see cref="GuestResult.ScriptOutput"/>); fails when there is no such section.
    /// </summary>
    public static string Section(GuestResult result, string name)
    {
        string output = result.ScriptOutput;
        int start = output.IndexOf($"== {name}\n", StringComparison.Ordinal);
        int end = start < 0 ? -1 : output.IndexOf("== end", start, StringComparison.Ordinal);
        if (start < 0 || end < 0)
            Assert.Fail($"no {name} section\n{result.Describe(consoleLines: 120)}");
        return output[(start + name.Length + 4)..end];
    }

    /// <summary>The lines appear in this order (other lines may come between).</summary>
    public static void InOrder(GuestResult result, params string[] lines) =>
        InOrder(result.Console, lines, "the console", () => result.Describe(consoleLines: 120));

    /// <summary>The pieces appear in <paramref name="text"/> in this order; the failure shows <paramref name="context"/>.</summary>
    public static void InOrder(string text, IEnumerable<string> pieces, string what, Func<string> context)
    {
        int at = 0;
        foreach (string piece in pieces)
        {
            int found = text.IndexOf(piece, at, StringComparison.Ordinal);
            if (found < 0)
                Assert.Fail($"expected \"{piece}\" after position {at} of {what}\n{context()}");
            at = found + piece.Length;
        }
    }

    public static void ScriptExited(GuestResult result, int status)
    {
        if (result.ScriptExitStatus != status)
            Assert.Fail($"expected the guest script to exit with {status}\n{result.Describe(consoleLines: 120)}");
    }

    public static void QemuExited(GuestResult result, int code)
    {
        if (result.QemuExitCode != code || result.ScriptExitStatus is not null)
            Assert.Fail($"expected QEMU to exit with {code} through isa-debug-exit before the script ended\n{result.Describe(consoleLines: 120)}");
    }
}
