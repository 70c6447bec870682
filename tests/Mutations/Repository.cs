using System.Diagnostics;

namespace KernelSharp.Mutations;

/// <summary>The checkout and the scratch copy mutations are applied to.</summary>
public static class Repository
{
    public static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KernelSharp.slnx")) && Directory.Exists(Path.Combine(dir.FullName, "tests", "Mutations")))
                return dir.FullName;
        return null;
    }

    /// <summary>Copies the files git knows of (tracked, or new and not ignored) to a temporary directory, so no
    /// mutation ever touches the checkout and no build output comes along.</summary>
    public static Scratch CopyToScratch(string root)
    {
        var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        {
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("cannot start git");
        string listing = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0)
            throw new InvalidOperationException("git ls-files failed in " + root);
        var scratch = new Scratch(Directory.CreateTempSubdirectory("ksharp-mutations-").FullName);
        foreach (string file in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            string source = Path.Combine(root, file);
            if (!File.Exists(source))
                continue; // deleted in the work tree but not yet in the index
            string target = Path.Combine(scratch.Path, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(target, File.GetUnixFileMode(source));
        }
        return scratch;
    }
}

/// <summary>A temporary copy of the repository, deleted when disposed.</summary>
public sealed class Scratch(string path) : IDisposable
{
    public string Path { get; } = path;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory must not hide the verdict.
        }
    }
}
