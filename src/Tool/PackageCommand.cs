using System.Diagnostics;
using KernelSharp.Tool.Build;
using KernelSharp.Tool.Packaging;

namespace KernelSharp.Tool;

/// <summary>
/// 'ksharp package dkms|deb DIR': a DKMS source tree, or the Debian package of one, that builds the
/// module on machines without .NET.
/// </summary>
public static class PackageCommand
{
    private const string Usage = "usage: ksharp package dkms|deb <driver-project-dir> [--version V] [--out D] [--kernel K] [--maintainer M]";

    public static int Run(Arguments parsed)
    {
        string kind = parsed.Positionals.Count > 0 ? parsed.Positionals[0] : throw new UsageError($"missing package kind: {Usage}");
        if (kind is not ("dkms" or "deb"))
            throw new UsageError($"unknown package kind '{kind}': {Usage}");
        if (parsed.Positionals.Count != 2)
            throw new UsageError(Usage);
        if (kind == "dkms" && parsed.Option("--maintainer") is not null)
            throw new UsageError("--maintainer is for ksharp package deb: a DKMS tree has no maintainer field");
        string driver = parsed.Positionals[1];
        string version = parsed.Option("--version") ?? "1.0";
        if (version.Length == 0 || version.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '~')))
            throw new UsageError($"--version '{version}': DKMS versions are letters, digits and . - + ~");
        if (kind == "deb" && DebPackage.VersionProblem(version) is { } problem)
            throw new UsageError("--" + problem);

        if (kind == "deb")
            DebPackage.RequirePacker();

        // The C# part is the same for every kernel: built once here, against any installed headers.
        var stopwatch = Stopwatch.StartNew();
        var build = Arguments.Parse(["build", driver, "--out", Path.Combine(driver, "bin", "package"),
            .. parsed.Option("--kernel") is { } kernel ? new[] { "--kernel", kernel } : []]);
        BuildOutput built = Cli.BuildModule(build);
        string module = built.Model.Module.Name;
        if (kind == "dkms")
        {
            string tree = DkmsTree.Write(built, version, parsed.Option("--out") ?? Path.Combine(driver, "bin", "dkms"));
            Console.WriteLine($"ksharp: wrote the DKMS tree {tree}");
            Console.WriteLine($"ksharp: on the target: cp -r {Path.GetFileName(tree)} /usr/src/ && dkms install {module}/{version}");
            return 0;
        }
        Console.WriteLine($"ksharp: packing {DebPackage.PackageName(module)} {version} with dpkg-deb");
        string deb = DebPackage.Write(built, version, parsed.Option("--out") ?? Path.Combine(driver, "bin", "deb"), parsed.Option("--maintainer"));
        Console.WriteLine($"ksharp: wrote {deb} ({new FileInfo(deb).Length / 1024.0:0.0} KiB) in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"ksharp: on the target: apt install ./{Path.GetFileName(deb)}   (builds {module} for each kernel with headers)");
        return 0;
    }
}
