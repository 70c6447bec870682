using KernelSharp.Harness;
using KernelSharp.Tool.Build;
using KernelSharp.Tool.Packaging;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// ksharp package dkms, then DKMS itself (dkms add and build into scratch trees, never the host's)
/// building the packages for this run's kernel with a PATH that has no dotnet: Scull, PowerOff, and
/// SkullUser with the skull it depends on in the same package. The modules DKMS built boot and
/// pass their checks: scullcheck on scull, the port region and the power-off on poweroff, and
/// skulluser's use of skull's exports.
/// </summary>
[Trait("Category", "Integration")]
public class DkmsTests
{
    /// <summary>The package of <paramref name="project"/>, built by DKMS for this run's kernel: the built modules' paths by name.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<IReadOnlyDictionary<string, string>>>> Built = new();

    private static Task<IReadOnlyDictionary<string, string>> DkmsBuild(string project) =>
        Built.GetOrAdd(project, p => new(() => Task.Run(() => Build(p)))).Value;

    private static IReadOnlyDictionary<string, string> Build(string project)
    {
        BuildOutput built = Guest.Module(project).GetAwaiter().GetResult();
        string module = built.Model.Module.Name;
        Scratch scratch = Added(built, module);
        Run(scratch.Path, ["dkms", "build", .. scratch.Trees, "-k", Guest.Kernel.Version, "--kernelsourcedir", Guest.Kernel.HeadersPath, $"{module}/1.0"]);
        string built_ = Path.Combine(scratch.DkmsTree, module, "1.0", Guest.Kernel.Version, "x86_64", "module");
        // DKMS compresses modules as the kernel does its own (6.12: CONFIG_MODULE_COMPRESS_XZ); busybox's insmod takes them plain.
        foreach (string compressed in Directory.EnumerateFiles(built_, "*.ko.xz"))
            Run(scratch.Path, ["xz", "--decompress", "--keep", "--force", compressed]);
        return Directory.EnumerateFiles(built_, "*.ko").ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => f);
    }

    /// <summary>A scratch DKMS setup: the PATH without dotnet, the --sourcetree/--dkmstree arguments, and the DKMS tree.</summary>
    private sealed record Scratch(string Path, string[] Trees, string DkmsTree);

    // The package of built, written to a fresh scratch directory NAME and added to a scratch DKMS tree there (version 1.0).
    private static Scratch Added(BuildOutput built, string name)
    {
        string scratch = Path.Combine(Guest.Output("dkms"), name);
        if (Directory.Exists(scratch))
            Directory.Delete(scratch, recursive: true);
        string sources = Path.Combine(scratch, "src");
        string tree = DkmsTree.Write(built, "1.0", sources);
        Assert.True(File.Exists(Path.Combine(tree, "dkms.conf")));
        string dkmsTree = Path.Combine(scratch, "dkms");
        Directory.CreateDirectory(dkmsTree);
        string path = PathWithoutDotnet(Path.Combine(scratch, "bin"));
        string[] trees = ["--sourcetree", sources, "--dkmstree", dkmsTree];
        Run(path, ["dkms", "add", .. trees, $"{built.Model.Module.Name}/1.0"]);
        return new Scratch(path, trees, dkmsTree);
    }

    // A directory of links to every program of /usr/sbin, /usr/bin, /sbin and /bin but dotnet: the target has no .NET.
    private static string PathWithoutDotnet(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (string system in new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" })
            if (Directory.Exists(system))
                foreach (string program in Directory.EnumerateFileSystemEntries(system))
                {
                    string name = Path.GetFileName(program);
                    string link = Path.Combine(directory, name);
                    if (!name.StartsWith("dotnet", StringComparison.Ordinal) && !File.Exists(link) && !Directory.Exists(link))
                        File.CreateSymbolicLink(link, program);
                }
        return directory;
    }

    private static string Run(string path, string[] command, int exitCode = 0)
    {
        var outcome = ProcessRunner.Run(Path.Combine(path, command[0]), command.Skip(1), environment: new Dictionary<string, string>
        {
            ["PATH"] = path,
            ["HOME"] = Path.GetDirectoryName(path)!,
            ["LC_ALL"] = "C",
        }, inheritEnvironment: false);
        Assert.True(outcome.ExitCode == exitCode, $"{string.Join(' ', command)} exited {outcome.ExitCode}, not {exitCode}:\n{outcome.Output}");
        Assert.DoesNotContain("dotnet", outcome.Output, StringComparison.Ordinal);
        return outcome.Output;
    }

    // modinfo's fields of a .ko but its file name and DKMS's signature.
    private static List<string> ModInfo(string ko)
    {
        string[] skipped = ["filename:", "sig_id:", "signer:", "sig_key:", "sig_hashalgo:", "signature:", "\t\t"];
        return [.. ProcessRunner.Run("/sbin/modinfo", [ko]).Output.Split('\n')
            .Where(line => line.Length > 0 && !skipped.Any(s => line.StartsWith(s, StringComparison.Ordinal)))];
    }

    [Fact]
    public async Task Modinfo_and_parameters_are_those_of_the_ksharp_build()
    {
        var modules = await DkmsBuild("samples/Scull");
        BuildOutput built = await Guest.Module("samples/Scull");
        var info = ModInfo(modules["scull"]);
        Assert.Contains(info, line => line.StartsWith("parm:", StringComparison.Ordinal));
        Assert.Equal(ModInfo(built.ModulePath), info);
    }

    private static Task<GuestFile> Ko(IReadOnlyDictionary<string, string> modules, string name) => Task.FromResult(new GuestFile($"/{name}.ko", modules[name]));

    [Fact]
    public async Task Scull_built_by_dkms_passes_scullcheck()
    {
        var modules = await DkmsBuild("samples/Scull");
        await ScullGuest.AssertModulePassesScullCheck(modules["scull"]);
    }

    [Fact]
    public async Task PowerOff_built_by_dkms_reserves_its_ports_and_powers_qemu_off()
    {
        var modules = await DkmsBuild("samples/PowerOff");
        var result = await Guest.Run(new GuestRun("""
            insmod /poweroff.ko || exit 10
            grep poweroff /proc/ioports
            echo 21 > /dev/poweroff
            exit 1
            """) { ExtraFiles = [Ko(modules, "poweroff")] });
        GuestAssert.Contains(result, "10f4-10f7 : poweroff");
        Assert.Equal(21, result.DebugExitValue);
    }

    [Fact]
    public async Task SkullUser_and_the_skull_it_uses_build_in_one_package_and_link_in_the_kernel()
    {
        var modules = await DkmsBuild("samples/SkullUser");
        Assert.Equal(["skull", "skulluser"], modules.Keys.Order(StringComparer.Ordinal));
        var result = await Guest.Run(new GuestRun("""
            insmod /skull.ko || exit 10
            insmod /skulluser.ko || exit 11
            echo "holders: $(grep '^skull ' /proc/modules | cut -d' ' -f3,4)"
            rmmod skulluser || exit 12
            rmmod skull || exit 13
            """) { ExtraFiles = [Ko(modules, "skull"), Ko(modules, "skulluser")] });
        GuestAssert.ScriptExited(result, 0);
        GuestAssert.Contains(result, "holders: 1 skulluser,");
    }

    // What ksharp build refuses (another architecture), DKMS skips on the target with its status 77 before it builds.
    [Fact]
    public async Task Dkms_skips_a_kernel_of_another_architecture()
    {
        BuildOutput built = await Guest.Module("samples/PowerOff");
        Scratch scratch = Added(built, "other-architecture");
        string output = Run(scratch.Path, ["dkms", "build", .. scratch.Trees, "-k", Guest.Kernel.Version, "-a", "aarch64", "--kernelsourcedir", Guest.Kernel.HeadersPath, "poweroff/1.0"], exitCode: 77);
        Assert.Contains("includes a BUILD_EXCLUSIVE directive which does not match this kernel/arch/config", output);
        Assert.Empty(Directory.EnumerateFiles(scratch.DkmsTree, "*.ko*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_package_has_the_prebuilt_csharp_and_the_glue_and_the_modinfo_of_ksharp_build()
    {
        BuildOutput built = await Guest.Module("samples/SkullUser");
        string tree = DkmsTree.Write(built, "2.5", Path.Combine(Guest.Output("dkms"), "layout"));
        Assert.Equal("skulluser-2.5", Path.GetFileName(tree));
        string conf = File.ReadAllText(Path.Combine(tree, "dkms.conf"));
        Assert.Contains("PACKAGE_NAME=\"skulluser\"\nPACKAGE_VERSION=\"2.5\"\n", conf);
        Assert.Contains("BUILT_MODULE_NAME[0]=\"skull\"\nBUILT_MODULE_LOCATION[0]=\"skull/\"\nDEST_MODULE_LOCATION[0]=\"/updates/dkms\"\n", conf);
        Assert.Contains("BUILT_MODULE_NAME[1]=\"skulluser\"", conf);
        Assert.Contains("BUILD_EXCLUSIVE_ARCH=\"^x86_64$\"\nBUILD_EXCLUSIVE_CONFIG=\"CONFIG_MODULES CONFIG_X86_64\"\n", conf);
        Assert.Equal("obj-m += skull/ skulluser/", File.ReadAllLines(Path.Combine(tree, "Kbuild"))[1]);
        // The kernel assembly from the C# is the very file ksharp build assembled, for every kernel alike.
        Assert.Equal(File.ReadAllBytes(built.CSharpAssemblyPath), File.ReadAllBytes(Path.Combine(tree, "skulluser", "skulluser_csharp.S")));
        Assert.Empty(Directory.EnumerateFiles(tree, "*.o", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(tree, "*.ko", SearchOption.AllDirectories));
    }
}
