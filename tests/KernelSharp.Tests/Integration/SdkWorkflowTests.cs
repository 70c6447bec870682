using System.Diagnostics;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// The .NET developer's workflow, outside the repository, from the local feed <c>./ksharp pack</c> writes:
/// <c>dotnet new install</c>, <c>dotnet new kmod</c> and <c>kmod-chardev</c>, <c>dotnet build</c> writing
/// bin/Debug/MODULE.ko for this run's kernel, a second build doing no kbuild or ILCompiler work, an analyzer
/// error in MSBuild's file(line,col) form, and the built modules loading in the booted kernel.
/// </summary>
[Trait("Category", "Integration")]
public class SdkWorkflowTests(SdkWorkflowTests.Fixture fixture) : IClassFixture<SdkWorkflowTests.Fixture>
{
    /// <summary>The packed feed, the installed templates and the kmod project, made once for the class and deleted after it (a quarter of a gigabyte, mostly the package cache).</summary>
    public sealed class Fixture : IDisposable
    {
        private readonly Lazy<Task<Workspace>> _prepared = new(() => Task.Run(Prepare));
        private readonly Lazy<Task<(string Project, int ExitCode, string Output, string Again)>> _module;

        public Fixture()
        {
            _module = new(() => Task.Run(async () =>
            {
                var workspace = await Prepared;
                var (project, exitCode, output) = NewAndBuild(workspace, "kmod", "HelloSdk");
                var again = workspace.Run(project, "dotnet", "build", $"-p:KernelRelease={Guest.Kernel.Version}");
                return (project, exitCode, output, again.Output);
            }));
        }

        public Task<Workspace> Prepared => _prepared.Value;

        /// <summary>dotnet new kmod -n HelloSdk, built twice: the first build's result and the second's output.</summary>
        public Task<(string Project, int ExitCode, string Output, string Again)> Module => _module.Value;

        public void Dispose()
        {
            if (_prepared.IsValueCreated && _prepared.Value.IsCompletedSuccessfully)
                Directory.Delete(_prepared.Value.Result.Root, recursive: true);
        }
    }

    /// <summary>A scratch directory outside the repository, with its own template and package state.</summary>
    public sealed class Workspace
    {
        public required string Root { get; init; }
        public string Feed => Path.Combine(Root, "feed");

        /// <summary>Runs a command in <paramref name="directory"/> with the workspace's dotnet state; its output and exit code.</summary>
        public (int ExitCode, string Output) Run(string directory, string file, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in arguments)
                start.ArgumentList.Add(argument);
            // Templates and packages of this workspace only: no stale KernelSharp.Sdk from an earlier pack.
            start.Environment["DOTNET_CLI_HOME"] = Path.Combine(Root, "home");
            start.Environment["NUGET_PACKAGES"] = Path.Combine(Root, "packages");
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error.Result);
        }
    }

    private static Workspace Prepare()
    {
        string repository = Unit.Drivers.Toolchain.Value.RequireRepository("the SDK tests");
        var workspace = new Workspace { Root = Directory.CreateTempSubdirectory("ksharp-sdk-").FullName };
        var packed = workspace.Run(repository, "bash", Path.Combine(repository, "ksharp"), "pack", "--out", workspace.Feed);
        Assert.True(packed.ExitCode == 0, $"./ksharp pack failed:\n{packed.Output}");
        // The feed, and the machine's package cache as a second local feed (ILCompiler, without the network).
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(workspace.Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="kernelsharp" value="{workspace.Feed}" />
                <add key="cache" value="{cache}" />
              </packageSources>
            </configuration>
            """);
        var installed = workspace.Run(workspace.Root, "dotnet", "new", "install", Directory.GetFiles(workspace.Feed, "KernelSharp.Templates.*.nupkg").Single());
        Assert.True(installed.ExitCode == 0, $"dotnet new install failed:\n{installed.Output}");
        return workspace;
    }

    /// <summary>dotnet new TEMPLATE -n NAME, then dotnet build for this run's kernel: the project folder and the build's output.</summary>
    /// <summary>dotnet new TEMPLATE -n NAME in the workspace: the project's directory.</summary>
    private static string New(Workspace workspace, string template, string name)
    {
        var created = workspace.Run(workspace.Root, "dotnet", "new", template, "-n", name);
        Assert.True(created.ExitCode == 0, $"dotnet new {template} failed:\n{created.Output}");
        return Path.Combine(workspace.Root, name);
    }

    private static (string Project, int ExitCode, string Output) NewAndBuild(Workspace workspace, string template, string name)
    {
        string project = New(workspace, template, name);
        var built = workspace.Run(project, "dotnet", "build", $"-p:KernelRelease={Guest.Kernel.Version}");
        return (project, built.ExitCode, built.Output);
    }

    [Fact]
    public async Task Dotnet_build_t_run_boots_the_module_in_qemu()
    {
        var (project, exitCode, output, _) = await fixture.Module;
        Assert.True(exitCode == 0, $"dotnet build failed:\n{output}");
        var workspace = await fixture.Prepared;
        var run = workspace.Run(project, "dotnet", "build", "-t:Run", $"-p:KernelRelease={Guest.Kernel.Version}");
        Assert.True(run.ExitCode == 0, $"dotnet build -t:Run failed:\n{run.Output}");
        Assert.Contains("hellosdk: hello from C#", run.Output, StringComparison.Ordinal);
        Assert.Contains("hellosdk: goodbye", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dotnet_new_kmod_builds_a_module_that_loads_and_a_second_build_does_no_kernel_work()
    {
        var (project, exitCode, output, again) = await fixture.Module;
        Assert.True(exitCode == 0, $"dotnet build failed:\n{output}");
        string module = Path.Combine(project, "bin", "Debug", "hellosdk.ko");
        Assert.True(File.Exists(module), $"no {module}:\n{output}");
        Assert.Contains("[6/6] kbuild", output, StringComparison.Ordinal);
        // Nothing changed: MSBuild skips the module target, so neither ILCompiler nor kbuild runs.
        Assert.DoesNotContain("ILCompiler", again, StringComparison.Ordinal);
        Assert.DoesNotContain("kbuild", again, StringComparison.Ordinal);
        Assert.Contains("Build succeeded", again, StringComparison.Ordinal);

        var result = await Guest.Run(new GuestRun("""
            insmod /hellosdk.ko times=2 || exit 10
            rmmod hellosdk || exit 11
            dmesg | grep -c 'hellosdk: hello from C#'
            """) { ExtraFiles = [Task.FromResult(new GuestFile("/hellosdk.ko", module))] });
        GuestAssert.ScriptExited(result, 0);
        GuestAssert.Contains(result, "hellosdk: goodbye");
    }

    [Fact]
    public async Task Dotnet_new_kmod_chardev_builds_a_device_that_keeps_the_last_write()
    {
        var workspace = await fixture.Prepared;
        var (project, exitCode, output) = NewAndBuild(workspace, "kmod-chardev", "EchoSdk");
        Assert.True(exitCode == 0, $"dotnet build failed:\n{output}");
        string module = Path.Combine(project, "bin", "Debug", "echosdk.ko");
        var result = await Guest.Run(new GuestRun("""
            insmod /echosdk.ko || exit 10
            printf 'kept by C#' > /dev/echosdk
            echo "read: $(cat /dev/echosdk)"
            rmmod echosdk || exit 11
            """) { ExtraFiles = [Task.FromResult(new GuestFile("/echosdk.ko", module))] });
        GuestAssert.ScriptExited(result, 0);
        GuestAssert.Contains(result, "read: kept by C#");
    }

    [Fact]
    public async Task A_safety_error_comes_out_in_msbuild_form_with_its_file_and_line()
    {
        var workspace = await fixture.Prepared;
        string project = New(workspace, "kmod", "BrokenSdk");
        // A copy of an owned value: KS0001, on line 7 of Copy.cs.
        File.WriteAllText(Path.Combine(project, "Copy.cs"), """
            using KernelSharp.Memory;
            public static class Copier
            {
                public static void Twice()
                {
                    KernelBuffer.Allocate(8, Gfp.Kernel, out KernelBuffer a);
                    KernelBuffer b = a;
                    a.Dispose();
                    b.Dispose();
                }
            }
            """);
        var built = workspace.Run(project, "dotnet", "build", "-v:n", $"-p:KernelRelease={Guest.Kernel.Version}");
        Assert.NotEqual(0, built.ExitCode);
        // The template's KernelSharp.Analyzers reported it while C# compiled: the ksharp pipeline never started.
        Assert.Contains("KernelSharp.Analyzers.dll", built.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ksharp: building", built.Output, StringComparison.Ordinal);
        // MSBuild logged it as an error of the project (it appends the project), not just passed the text on.
        Assert.Matches(@"Copy\.cs\(7,\d+\): error KS0001: this initialization copies the owned value 'a'[^\n]*\[[^\]\n]*BrokenSdk\.csproj\]", built.Output);
        // ksharp's own errors are the build's: no second one for its exit status.
        Assert.DoesNotContain("MSB3073", built.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("exited with status", built.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KernelTests_run_in_the_kernel_and_a_failed_assertion_is_an_msbuild_error_at_its_line()
    {
        var workspace = await fixture.Prepared;
        string project = New(workspace, "kmod", "TestedSdk");
        File.WriteAllText(Path.Combine(project, "Tests.cs"), """
            using KernelSharp.Testing;
            internal static class Tests
            {
                [KernelTest]
                internal static void Adds() => KernelAssert.Equal(4, 2 + 2);

                [KernelTest]
                internal static void Subtracts() => KernelAssert.Equal(1, 3 - 1);
            }
            """);
        var tested = workspace.Run(project, "dotnet", "build", "-t:KernelTest", "-v:n", $"-p:KernelRelease={Guest.Kernel.Version}");
        Assert.NotEqual(0, tested.ExitCode);
        Assert.Contains("  ok      Tests.Adds", tested.Output, StringComparison.Ordinal);
        Assert.Contains("  FAILED  Tests.Subtracts", tested.Output, StringComparison.Ordinal);
        // Line 8 of Tests.cs, as MSBuild's error of the project.
        Assert.Matches(@"Tests\.cs\(8\): error : Tests\.Subtracts: 3 - 1: expected 1, got 2 \[[^\]\n]*TestedSdk\.csproj\]", tested.Output);
        Assert.Contains("ksharp: 1 passed, 1 failed", tested.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oops_in_a_debug_build_is_decoded_to_its_csharp_method_and_line()
    {
        var workspace = await fixture.Prepared;
        string project = New(workspace, "kmod", "OopsSdk");
        // Init indexes past the end of a three-byte table (line 16): an IndexOutOfRangeException, which is a kernel BUG.
        File.WriteAllText(Path.Combine(project, "OopsSdk.cs"), """
            using System;
            using KernelSharp;

            namespace OopsSdk;

            [KernelModule("oopssdk")]
            public sealed class OopsModule : IKernelModule
            {
                [ModuleParameter("Which entry of the table to read")]
                public static int slot = 5;

                private static ReadOnlySpan<byte> Table => [1, 2, 3];

                public static Result Init()
                {
                    int value = Table[slot];
                    Log.Info($"oopssdk: entry {slot} is {value}");
                    return Result.Ok;
                }

                public static void Exit() { }
            }
            """);
        // The Debug configuration (the default): DWARF lines in the module, and ksharp run decodes its reports.
        var run = workspace.Run(project, "dotnet", "build", "-t:Run", "-v:n", $"-p:KernelRelease={Guest.Kernel.Version}");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Matches(@"OopsSdk_OopsSdk_OopsModule__Init\+0x[0-9a-f]+/0x[0-9a-f]+ \[oopssdk\] OopsSdk\.OopsModule\.Init \(OopsSdk\.cs:16\)", run.Output);
    }
}
