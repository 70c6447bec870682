using KernelSharp.Tool.Build;
using KernelSharp.Tool.Packaging;

namespace KernelSharp.Tool;

/// <summary>'ksharp package dkms DIR': a DKMS source tree that builds the module on machines without .NET.</summary>
public static class PackageCommand
{
    public static int Run(Arguments parsed)
    {
        string kind = parsed.Positionals.Count > 0 ? parsed.Positionals[0] : throw new UsageError("missing package kind: ksharp package dkms <driver-project-dir>");
        if (kind != "dkms")
            throw new UsageError($"unknown package kind '{kind}': ksharp package dkms <driver-project-dir>");
        if (parsed.Positionals.Count != 2)
            throw new UsageError("usage: ksharp package dkms <driver-project-dir> [--version V] [--out D]");
        string driver = parsed.Positionals[1];
        string version = parsed.Option("--version") ?? "1.0";
        if (version.Length == 0 || version.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '~')))
            throw new UsageError($"--version '{version}': DKMS versions are letters, digits and . - + ~");
        // The C# part is the same for every kernel: built once here, against any installed headers.
        var build = Arguments.Parse(["build", driver, "--out", Path.Combine(driver, "bin", "package"),
            .. parsed.Option("--kernel") is { } kernel ? new[] { "--kernel", kernel } : []]);
        BuildOutput built = Cli.BuildModule(build);
        string tree = DkmsTree.Write(built, version, parsed.Option("--out") ?? Path.Combine(driver, "bin", "dkms"));
        Console.WriteLine($"ksharp: wrote the DKMS tree {tree}");
        Console.WriteLine($"ksharp: on the target: cp -r {Path.GetFileName(tree)} /usr/src/ && dkms install {built.Model.Module.Name}/{version}");
        return 0;
    }
}
