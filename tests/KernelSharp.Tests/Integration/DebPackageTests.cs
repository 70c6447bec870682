using KernelSharp.Harness;
using KernelSharp.Tool.Build;
using KernelSharp.Tool.Packaging;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// ksharp package deb, installed with dpkg on this machine's own system, copy-on-write: an overlay of / in a
/// private mount namespace, entered with chroot, with .NET deleted from it. Nothing the install does reaches the
/// host, and no module is loaded into it: the module the package built boots in QEMU.
///
/// The target "runs" another installed kernel (uname -r says so), and this run's kernel has no headers when
/// scull-dkms is installed. Installing builds scull for every kernel that has headers (the running and the
/// newest through DKMS's common.postinst, the others through the package's own postinst). Installing this
/// kernel's headers package afterwards (its real .deb, from the archive) is the kernel upgrade: DKMS's headers
/// hook builds scull for it. Purging the package removes scull from every kernel and leaves no file.
/// </summary>
[Trait("Category", "Integration")]
[Trait("DebugKernel", "skip")] // the package builds for the machine's Debian kernels, and the debug kernel is none of them
public class DebPackageTests
{
    private const string Version = "1.0";

    private static readonly Lazy<Task<Target>> Installed = new(() => Task.Run(InstallUpgradeAndRemove));

    /// <summary>What the target printed, the kernels it ran and was upgraded to, and the scull.ko built for the upgrade.</summary>
    private sealed record Target(string Output, string Running, string Upgrade, IReadOnlyList<string> WithHeaders, string UpgradeModule);

    private static Target InstallUpgradeAndRemove()
    {
        BuildOutput built = Guest.Module("samples/Scull").GetAwaiter().GetResult();
        string work = Guest.Output("deb");
        if (Directory.Exists(work))
            Directory.Delete(work, recursive: true);
        string deb = DebPackage.Write(built, Version, Path.Combine(work, "package"));

        // This run's kernel is the upgrade; the oldest other Debian kernel with headers is the one the target runs.
        string upgrade = Guest.Kernel.Version;
        var withHeaders = KernelImages.OnHost().All
            .Where(k => !k.IsDebug && Directory.Exists($"/lib/modules/{k.Version}/build/include"))
            .Select(k => k.Version).Order(Comparer<string>.Create(KernelImage.CompareVersions)).ToList();
        Assert.Contains(upgrade, withHeaders);
        string running = withHeaders.FirstOrDefault(k => k != upgrade)
            ?? throw new InvalidOperationException($"the target needs a second installed kernel with headers besides {upgrade}");
        (string headersPackage, string headersDeb) = HeadersPackage(upgrade);

        // The overlay's upper layer holds what the target gets: the two packages and its script.
        string upper = Path.Combine(work, "upper"), input = Path.Combine(upper, "ksharp-input");
        Directory.CreateDirectory(input);
        Directory.CreateDirectory(Path.Combine(work, "overlay-work"));
        Directory.CreateDirectory(Path.Combine(work, "root"));
        File.Copy(deb, Path.Combine(input, Path.GetFileName(deb)));
        File.Copy(headersDeb, Path.Combine(input, Path.GetFileName(headersDeb)));
        File.WriteAllText(Path.Combine(input, "target.sh"), TargetScript(running, upgrade, headersPackage,
            "/ksharp-input/" + Path.GetFileName(deb), "/ksharp-input/" + Path.GetFileName(headersDeb)));
        string enter = Path.Combine(work, "enter.sh");
        File.WriteAllText(enter, EnterScript);

        var outcome = ProcessRunner.Run("unshare", ["--mount", "--propagation", "private", "/bin/sh", "-eu", enter,
            Path.Combine(work, "root"), upper, Path.Combine(work, "overlay-work")]);
        File.WriteAllText(Path.Combine(work, "target.log"), outcome.Output);
        Assert.True(outcome.ExitCode == 0, $"the target's install, upgrade and removal exited {outcome.ExitCode}:\n{outcome.Output}");
        // DKMS compresses modules as the kernel does its own (6.12: xz); busybox's insmod takes them plain.
        string module = Path.Combine(work, "scull.ko"), builtHere = Path.Combine(upper, "ksharp-built");
        if (File.Exists(Path.Combine(builtHere, "scull.ko.xz")))
            Assert.Equal(0, ProcessRunner.Run("xz", ["--decompress", Path.Combine(builtHere, "scull.ko.xz")]).ExitCode);
        if (File.Exists(Path.Combine(builtHere, "scull.ko")))
            File.Move(Path.Combine(builtHere, "scull.ko"), module);
        // The upper layer has whiteouts (device nodes) of what the target deleted: no use after this.
        Directory.Delete(upper, recursive: true);
        return new Target(outcome.Output, running, upgrade, withHeaders, module);
    }

    // Enters the target: this machine's / under an overlay whose writes go to the upper directory, with /proc and /dev.
    // SIGPIPE back to its default: .NET ignores it, its children inherit that, and dkms's echo then complains.
    private const string EnterScript = """
        root=$1 upper=$2 work=$3
        mount -t overlay ksharp-target -o "lowerdir=/,upperdir=$upper,workdir=$work" "$root"
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        exec env -i --default-signal=PIPE PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive \
            chroot "$root" /bin/sh -eu /ksharp-input/target.sh
        """;

    // In the target: no .NET, uname -r says RUNNING, no headers for UPGRADE; install, upgrade, remove, and say what is where.
    private static string TargetScript(string running, string upgrade, string headersPackage, string deb, string headersDeb) => $$"""
        rm -rf /usr/share/dotnet /usr/lib/dotnet /usr/bin/dotnet /root/.dotnet
        if command -v dotnet; then echo "the target still has dotnet"; exit 20; fi
        printf '#!/bin/sh\nif [ "$*" = -r ]; then echo {{running}}; else exec /usr/bin/uname "$@"; fi\n' > /usr/local/bin/uname
        chmod 755 /usr/local/bin/uname
        dpkg --purge --force-depends {{headersPackage}}
        state() {
            for kernel in $(ls /lib/modules); do
                if ls /lib/modules/$kernel/updates/dkms/scull.ko* > /dev/null 2>&1; then echo "$1: scull for $kernel"; fi
            done
        }
        echo "=== install, running $(uname -r)"
        dpkg --install {{deb}}
        state installed
        echo "=== headers of {{upgrade}}"
        dpkg --install {{headersDeb}}
        state upgraded
        mkdir /ksharp-built
        cp /lib/modules/{{upgrade}}/updates/dkms/scull.ko* /ksharp-built/
        echo "=== remove"
        dpkg --purge {{DebPackage.PackageName("scull")}}
        state removed
        find /usr/src /var/lib/dkms /lib/modules -name 'scull*' | sed 's/^/left: /'
        echo "dpkg: $(dpkg-query --show {{DebPackage.PackageName("scull")}} 2>&1 || true)"
        """;

    // The headers package of an installed kernel (the owner of /lib/modules/RELEASE/build) and its .deb, downloaded once.
    private static (string Package, string Deb) HeadersPackage(string release)
    {
        var owner = ProcessRunner.Run("dpkg-query", ["--search", $"/lib/modules/{release}/build"]);
        Assert.True(owner.ExitCode == 0, $"no package owns /lib/modules/{release}/build:\n{owner.Output}");
        string package = owner.Output.Split(':')[0].Trim();
        string version = ProcessRunner.Run("dpkg-query", ["--show", "--showformat=${Version}", package]).Output.Trim();
        string cache = Path.Combine(Unit.Drivers.Toolchain.Value.RequireRepository("the tests"), "artifacts", "packages");
        Directory.CreateDirectory(cache);
        string? Cached() => Directory.EnumerateFiles(cache, $"{package}_*.deb").FirstOrDefault(f => Path.GetFileName(f).Contains(version.Replace(":", "%3a"), StringComparison.Ordinal));
        if (Cached() is null)
        {
            var download = ProcessRunner.Run("apt-get", ["download", "-o", "APT::Sandbox::User=root", $"{package}={version}"], cache);
            Assert.True(download.ExitCode == 0, $"apt-get download {package}={version} failed:\n{download.Output}");
        }
        return (package, Cached() ?? throw new InvalidOperationException($"apt-get download left no {package} .deb in {cache}"));
    }

    private static IEnumerable<string> Lines(string output, string prefix) =>
        output.Split('\n').Where(line => line.StartsWith(prefix, StringComparison.Ordinal)).Select(line => line[prefix.Length..].Trim());

    private static List<string> Sorted(IEnumerable<string> lines) => [.. lines.Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Installing_builds_scull_for_every_kernel_with_headers_and_new_headers_get_it_too()
    {
        Target target = await Installed.Value;
        Assert.NotEqual(target.Running, target.Upgrade);
        Assert.Contains($"=== install, running {target.Running}", target.Output);
        Assert.Equal(Sorted(target.WithHeaders.Where(k => k != target.Upgrade).Select(k => "scull for " + k)), Sorted(Lines(target.Output, "installed:")));
        Assert.Equal(Sorted(target.WithHeaders.Select(k => "scull for " + k)), Sorted(Lines(target.Output, "upgraded:")));
        Assert.DoesNotContain("dotnet", target.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_the_package_removes_scull_from_every_kernel_and_leaves_no_file()
    {
        Target target = await Installed.Value;
        Assert.Contains("=== remove", target.Output);
        Assert.Empty(Lines(target.Output, "removed:"));
        Assert.Empty(Lines(target.Output, "left:"));
        Assert.Contains("dpkg: dpkg-query: no packages found matching scull-dkms", target.Output);
    }

    [Fact]
    public async Task Scull_that_the_new_headers_built_passes_scullcheck()
    {
        Target target = await Installed.Value;
        Assert.True(File.Exists(target.UpgradeModule), $"DKMS built no scull.ko for {target.Upgrade}:\n{target.Output}");
        await ScullGuest.AssertModulePassesScullCheck(target.UpgradeModule);
    }

    [Fact]
    public async Task A_package_that_bundles_a_dependency_conflicts_with_its_own_package()
    {
        BuildOutput built = await Guest.Module("samples/SkullUser");
        string deb = DebPackage.Write(built, "1.0", Guest.Output("deb-bundle"));
        Assert.Equal("skulluser-dkms_1.0_all.deb", Path.GetFileName(deb));
        Assert.Equal("skull-dkms", ProcessRunner.Run("dpkg-deb", ["--field", deb, "Conflicts"]).Output.Trim());
        Assert.Contains("the skull and skulluser kernel modules", ProcessRunner.Run("dpkg-deb", ["--field", deb, "Description"]).Output);
        string contents = ProcessRunner.Run("dpkg-deb", ["--contents", deb]).Output;
        Assert.Contains("./usr/src/skulluser-1.0/skull/skull_csharp.S", contents);
        Assert.Contains("./usr/src/skulluser-1.0/skulluser/skulluser_csharp.S", contents);
    }

    [Fact]
    public async Task The_deb_is_a_dkms_package_as_dh_dkms_makes_them()
    {
        BuildOutput built = await Guest.Module("samples/Scull");
        string deb = DebPackage.Write(built, "2.5", Path.Combine(Guest.Output("deb-layout")), "Jane Doe <jane@example.org>");
        Assert.Equal("scull-dkms_2.5_all.deb", Path.GetFileName(deb));
        string Field(string name) => ProcessRunner.Run("dpkg-deb", ["--field", deb, name]).Output.Trim();
        Assert.Equal("scull-dkms", Field("Package"));
        Assert.Equal("2.5", Field("Version"));
        Assert.Equal("all", Field("Architecture"));
        Assert.Equal("dkms (>= 2.1.0.0)", Field("Depends"));
        Assert.Equal("Jane Doe <jane@example.org>", Field("Maintainer"));
        Assert.StartsWith("LDD3's scull", Field("Description"));
        Assert.Equal("", Field("Conflicts"));
        string contents = ProcessRunner.Run("dpkg-deb", ["--contents", deb]).Output;
        foreach (string file in new[] { "./usr/src/scull-2.5/dkms.conf", "./usr/src/scull-2.5/scull/scull_csharp.S", "./usr/src/scull-2.5/scull/scull_glue.c", "./usr/share/doc/scull-dkms/copyright" })
            Assert.Contains(file, contents);
        Assert.DoesNotContain(contents.Split('\n'), line => line.Length > 0 && !line.Contains(" root/root ", StringComparison.Ordinal));
        // The tree inside is the one ksharp package dkms writes, with the very kernel assembly ksharp build made.
        string unpacked = Path.Combine(Guest.Output("deb-layout"), "unpacked");
        if (Directory.Exists(unpacked))
            Directory.Delete(unpacked, recursive: true);
        Assert.Equal(0, ProcessRunner.Run("dpkg-deb", ["--raw-extract", deb, unpacked]).ExitCode);
        Assert.Equal(File.ReadAllBytes(built.CSharpAssemblyPath), File.ReadAllBytes(Path.Combine(unpacked, "usr/src/scull-2.5/scull/scull_csharp.S")));
        Assert.Contains("PACKAGE_VERSION=\"2.5\"", File.ReadAllText(Path.Combine(unpacked, "usr/src/scull-2.5/dkms.conf")));
        string postinst = File.ReadAllText(Path.Combine(unpacked, "DEBIAN", "postinst"));
        Assert.Contains("/usr/lib/dkms/common.postinst $DKMS_NAME $DKMS_VERSION /usr/share/$DKMS_PACKAGE_NAME \"\" $2", postinst);
        Assert.Contains("dkms remove -m $DKMS_NAME -v $DKMS_VERSION --all", File.ReadAllText(Path.Combine(unpacked, "DEBIAN", "prerm")));
        // dpkg --verify's sums: every file of the package is in md5sums.
        var sums = File.ReadAllLines(Path.Combine(unpacked, "DEBIAN", "md5sums")).Select(line => line[34..]).ToHashSet();
        Assert.Equal(sums, Directory.EnumerateFiles(Path.Combine(unpacked, "usr"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(unpacked, f)).ToHashSet());
    }
}
