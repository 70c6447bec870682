namespace KernelSharp.Tool.Build;

/// <summary>A kernel build tree (Debian's linux-headers-VERSION) that kbuild builds modules against.</summary>
public sealed record KernelHeaders(string Directory)
{
    public string Release => Path.GetFileName(Directory.TrimEnd('/')).Replace("linux-headers-", "");

    public static KernelHeaders Open(string directory)
    {
        string full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
            throw new BuildError($"kernel headers not found: {full} does not exist (Debian: apt-get install linux-headers-amd64)");
        if (!File.Exists(Path.Combine(full, "Makefile")) || !File.Exists(Path.Combine(full, "Module.symvers")))
            throw new BuildError($"{full} is not a kernel build tree: it needs a Makefile and Module.symvers (Debian's linux-headers-VERSION packages have both)");
        return new KernelHeaders(full);
    }

    private HashSet<string>? _enabled;

    /// <summary>Whether the kernel was configured with any of <paramref name="options"/> (=y, from include/config/auto.conf).</summary>
    public bool Configured(params string[] options) => options.Any(Enabled().Contains);

    // The options set to y, read once.
    private HashSet<string> Enabled()
    {
        if (_enabled is not null)
            return _enabled;
        string path = Path.Combine(Directory, "include", "config", "auto.conf");
        if (!File.Exists(path))
            throw new BuildError($"{path} is missing: {Directory} is not a configured kernel build tree");
        return _enabled = File.ReadLines(path).Where(l => l.EndsWith("=y", StringComparison.Ordinal)).Select(l => l[..^2]).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The symbols the kernel exports to modules, from Module.symvers.</summary>
    public IReadOnlySet<string> Exports()
    {
        var exports = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(Path.Combine(Directory, "Module.symvers")))
        {
            string[] fields = line.Split('\t');
            if (fields.Length >= 2)
                exports.Add(fields[1]);
        }
        return exports;
    }
}
