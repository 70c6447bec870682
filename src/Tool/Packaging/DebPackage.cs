using System.Security.Cryptography;
using System.Text;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.Packaging;

/// <summary>
/// A Debian package of a module's DKMS tree, <c>MODULE-dkms_VERSION_all.deb</c>, as dh_dkms makes them:
/// the tree in /usr/src/MODULE-VERSION, a postinst that hands it to DKMS's common.postinst (add, then
/// build and install for the running and the newest kernel), and a prerm that removes it from every
/// kernel. One step past dh_dkms: the postinst also installs the module for every other kernel whose
/// headers are there, so a machine with several kernels has the module in each. Later kernels get it
/// from DKMS's own kernel and headers hooks, as AUTOINSTALL in dkms.conf asks.
/// </summary>
public static class DebPackage
{
    /// <summary>The lowest dkms whose common.postinst the postinst calls, as dh_dkms depends on it.</summary>
    public const string DkmsDependency = "dkms (>= 2.1.0.0)";

    /// <summary>The Debian package name of <paramref name="module"/>: letters lower case, '_' as '-', then "-dkms".</summary>
    public static string PackageName(string module) => module.Replace('_', '-').ToLowerInvariant() + "-dkms";

    /// <summary>Why <paramref name="version"/> cannot be a Debian package's version, or null when it can.</summary>
    public static string? VersionProblem(string version) =>
        version.Length > 0 && char.IsAsciiDigit(version[0]) ? null : $"version '{version}': a Debian package's version starts with a digit";

    /// <summary>Writes <paramref name="directory"/>/MODULE-dkms_VERSION_all.deb with dpkg-deb; returns its path.</summary>
    public static string Write(BuildOutput built, string version, string directory, string? maintainer = null)
    {
        if (VersionProblem(version) is { } problem)
            throw new ArgumentException(problem, nameof(version));
        RequirePacker();
        ModuleInfo module = built.Model.Module;
        string package = PackageName(module.Name);
        string[] bundled = [.. DkmsTree.Modules(built).Select(m => m.Model.Module.Name).Where(name => name != module.Name)];
        Directory.CreateDirectory(directory);
        string staging = Path.Combine(directory, $"{package}_{version}.root");
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);
        DkmsTree.Write(built, version, Path.Combine(staging, "usr", "src"));
        string documentation = Path.Combine(staging, "usr", "share", "doc", package);
        Directory.CreateDirectory(documentation);
        File.WriteAllText(Path.Combine(documentation, "copyright"), Copyright(module));
        // The sums and the size are of the files the package installs, taken before DEBIAN/ is there.
        string sums = Md5Sums(staging);
        long size = InstalledSize(staging);
        string control = Path.Combine(staging, "DEBIAN");
        Directory.CreateDirectory(control);
        File.WriteAllText(Path.Combine(control, "md5sums"), sums);
        File.WriteAllText(Path.Combine(control, "control"), Control(module, package, version, maintainer, size, bundled));
        WriteScript(Path.Combine(control, "postinst"), Postinst(module.Name, version));
        WriteScript(Path.Combine(control, "prerm"), Prerm(module.Name, version));

        string deb = Path.Combine(directory, $"{package}_{version}_all.deb");
        var outcome = ProcessRunner.Run("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", staging, deb]);
        if (outcome.ExitCode != 0)
            throw new BuildError($"dpkg-deb could not build {Path.GetFileName(deb)} (exit {outcome.ExitCode})", outcome.Output);
        Directory.Delete(staging, recursive: true);
        return deb;
    }

    /// <summary>Refuses, before a build, a machine without dpkg-deb, which packs the .deb.</summary>
    public static void RequirePacker()
    {
        if (Harness.HostTools.FindExecutable("dpkg-deb") is null)
            throw new BuildError("dpkg-deb not found: ksharp package deb packs with it (Debian and Ubuntu: apt-get install dpkg; Fedora: dnf install dpkg)");
    }

    /// <summary>
    /// The package's DEBIAN/control: what dpkg and apt show, and the dkms it needs. A module it bundles (a dependency
    /// built in the same tree) would be installed twice with that module's own package, so the two conflict.
    /// </summary>
    public static string Control(ModuleInfo module, string package, string version, string? maintainer, long installedKiB, IReadOnlyList<string> bundled)
    {
        string summary = module.Description is { Length: > 0 } description ? description : $"the {module.Name} kernel module";
        var text = new StringBuilder();
        text.Append($"Package: {package}\nVersion: {version}\nArchitecture: all\n");
        text.Append($"Maintainer: {maintainer ?? module.Author ?? module.Name}\n");
        text.Append($"Installed-Size: {installedKiB}\nDepends: {DkmsDependency}\n");
        if (bundled.Count > 0)
            text.Append($"Conflicts: {string.Join(", ", bundled.Select(PackageName))}\n");
        text.Append("Section: kernel\nPriority: optional\n");
        text.Append($"Description: {OneLine(summary)} (DKMS)\n");
        text.Append($" This package provides the {string.Join(" and ", bundled.Append(module.Name))} kernel module{(bundled.Count > 0 ? "s" : "")}, written in C# with KernelSharp,\n");
        text.Append(" to be built with dkms for each installed kernel that has headers. Its C# part\n");
        text.Append(" is prebuilt kernel assembly, the same for every kernel: building it needs the\n");
        text.Append(" kernel headers, gcc and make, and no .NET.\n");
        return text.ToString();
    }

    /// <summary>
    /// dh_dkms's postinst (DKMS's common.postinst adds the tree and builds and installs it for the running and the
    /// newest kernel), then an install for each other kernel that has headers. A kernel the module cannot be built
    /// for is named and skipped there, as DKMS's own kernel hooks do; a failure for the running kernel fails the install.
    /// </summary>
    public static string Postinst(string module, string version) => $$"""
        #!/bin/sh
        set -e
        # Generated by ksharp package deb: dh_dkms's postinst, then every installed kernel with headers.
        DKMS_NAME={{module}}
        DKMS_PACKAGE_NAME={{PackageName(module)}}
        DKMS_VERSION={{version}}

        case "$1" in
        	configure)
        		if [ ! -f /usr/lib/dkms/common.postinst ]; then
        			echo "ERROR: this dkms has no /usr/lib/dkms/common.postinst; $DKMS_PACKAGE_NAME needs dkms 2.1 or later." >&2
        			exit 1
        		fi
        		/usr/lib/dkms/common.postinst $DKMS_NAME $DKMS_VERSION /usr/share/$DKMS_PACKAGE_NAME "" $2
        		for kernel in $(ls /lib/modules 2>/dev/null); do
        			if [ -e /lib/modules/$kernel/build/include ] && \
        			   ! dkms status -m $DKMS_NAME -v $DKMS_VERSION -k $kernel 2>/dev/null | grep ": installed" > /dev/null; then
        				echo "Building $DKMS_NAME $DKMS_VERSION for $kernel, which has headers too"
        				status=0
        				dkms install -m $DKMS_NAME -v $DKMS_VERSION -k $kernel > /dev/null || status=$?
        				case $status in
        					0) ;;
        					77) echo "$DKMS_NAME is not for $kernel (dkms.conf's BUILD_EXCLUSIVE): skipped" ;;
        					*) echo "$DKMS_PACKAGE_NAME: could not build $DKMS_NAME for $kernel; see /var/lib/dkms/$DKMS_NAME/$DKMS_VERSION/build/make.log" >&2 ;;
        				esac
        			fi
        		done
        	;;
        esac

        """;

    /// <summary>dh_dkms's prerm: on remove, upgrade or deconfigure, dkms removes the module from every kernel.</summary>
    public static string Prerm(string module, string version) => $$"""
        #!/bin/sh
        set -e
        # Generated by ksharp package deb, as dh_dkms makes it.
        DKMS_NAME={{module}}
        DKMS_VERSION={{version}}

        case "$1" in
        	remove|upgrade|deconfigure)
        		if [ "$(dkms status -m $DKMS_NAME -v $DKMS_VERSION)" ]; then
        			dkms remove -m $DKMS_NAME -v $DKMS_VERSION --all
        		fi
        	;;
        esac

        """;

    // Debian's machine-readable copyright file, from the module's author and license.
    private static string Copyright(ModuleInfo module) => $"""
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: {module.Name}

        Files: *
        Copyright: {module.Author ?? module.Name}
        License: {module.License}
         The module's MODULE_LICENSE is "{module.License}". The files under
         /usr/src/{module.Name}-* were generated by KernelSharp from its C# sources.

        """;

    // "MD5  path" for every file under root, relative to it, as dpkg's md5sums has them.
    private static string Md5Sums(string root)
    {
        var text = new StringBuilder();
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            text.Append($"{Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(file)))}  {Path.GetRelativePath(root, file)}\n");
        return text.ToString();
    }

    // Installed-Size in KiB as dpkg-gencontrol counts it: each file rounded up to a KiB, and one per directory.
    private static long InstalledSize(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => (new FileInfo(f).Length + 1023) / 1024)
        + Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Count();

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, (UnixFileMode)Harness.UnixModes.Executable);
    }
}
