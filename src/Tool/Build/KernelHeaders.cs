namespace KernelSharp.Tool.Build;

/// <summary>
/// A kernel build tree that kbuild builds modules against: Debian's and Ubuntu's
/// /usr/src/linux-headers-RELEASE, or whatever /lib/modules/RELEASE/build points to, the
/// place every distribution's headers package fills.
/// </summary>
public sealed record KernelHeaders(string Directory)
{
    /// <summary>The release these headers are for: /usr/src/linux-headers-RELEASE, /lib/modules/RELEASE/build or /usr/src/kernels/RELEASE.</summary>
    public string Release
    {
        get
        {
            string name = Path.GetFileName(Directory.TrimEnd('/'));
            return name == "build" ? Path.GetFileName(Path.GetDirectoryName(Directory.TrimEnd('/'))) ?? name : name.Replace("linux-headers-", "");
        }
    }

    /// <summary>
    /// Opens a build tree and refuses one no module can be built against: not a build tree,
    /// a kernel without module support, or one that is not x86-64 (what the compiled C# is).
    /// </summary>
    public static KernelHeaders Open(string directory)
    {
        string full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
            throw new BuildError($"kernel headers not found: {full} does not exist (Debian: apt-get install linux-headers-amd64)");
        // /lib/modules/RELEASE/build is usually a link into /usr/src: the tree is where it points.
        if (new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            full = target.FullName;
        if (!File.Exists(Path.Combine(full, "Makefile")) || !File.Exists(Path.Combine(full, "Module.symvers")))
            throw new BuildError($"{full} is not a kernel build tree: it needs a Makefile and Module.symvers (Debian's linux-headers-VERSION packages have both)");
        var headers = new KernelHeaders(full);
        if (!headers.Configured("CONFIG_MODULES"))
            throw new BuildError($"kernel {headers.Release} is configured without loadable modules (CONFIG_MODULES is not set): no .ko can be loaded into it");
        if (!headers.Configured("CONFIG_X86_64"))
            throw new BuildError($"kernel {headers.Release} is not an x86-64 kernel (CONFIG_X86_64 is not set): KernelSharp compiles C# to x86-64 kernel code only");
        return headers;
    }

    /// <summary>
    /// The headers of the kernel release <paramref name="release"/> (a whole release, as
    /// <c>uname -r</c> prints it), from /lib/modules/RELEASE/build or /usr/src/linux-headers-RELEASE
    /// under <paramref name="root"/>; missing headers are an error naming the package to install.
    /// </summary>
    public static KernelHeaders Find(string release, string root = "/") =>
        TryFind(release, root) ?? throw new BuildError(Missing(release, root));

    /// <summary>As <see cref="Find"/>, but null when neither place exists.</summary>
    public static KernelHeaders? TryFind(string release, string root = "/") =>
        Places(release, root).FirstOrDefault(System.IO.Directory.Exists) is { } place ? Open(place) : null;

    /// <summary>What to say when a release has no headers: where they were looked for, and the package to install.</summary>
    public static string Missing(string release, string root = "/") =>
        $"no headers for kernel {release} (looked in {string.Join(" and ", Places(release, root))}): install linux-headers-{release} (Debian, Ubuntu: apt-get install linux-headers-{release}; Fedora: dnf install kernel-devel-{release})";

    private static string[] Places(string release, string root) =>
        [Path.Combine(root, "lib", "modules", release, "build"), Path.Combine(root, "usr", "src", "linux-headers-" + release)];

    /// <summary>The running kernel's release (<c>uname -r</c>), from /proc under <paramref name="root"/>.</summary>
    public static string HostRelease(string root = "/") =>
        File.ReadAllText(Path.Combine(root, "proc", "sys", "kernel", "osrelease")).Trim();

    /// <summary>
    /// A warning when this machine's gcc is another version than the one the kernel was built
    /// with (kbuild warns too): the glue and shims would be compiled with different flags and
    /// assumptions than the kernel's own code. Null when they agree or the headers do not say.
    /// </summary>
    public string? CompilerWarning(string machineGccVersion)
    {
        string? kernelCompiler = Setting("CONFIG_CC_VERSION_TEXT");
        if (Setting("CONFIG_GCC_VERSION") is not { } number || !int.TryParse(number, out int kernelVersion) || kernelVersion == 0)
            return kernelCompiler is null ? null : $"kernel {Release} was built with {kernelCompiler}, not gcc; the glue and shims are compiled with gcc {machineGccVersion}";
        string[] parts = machineGccVersion.Split('.');
        if (parts.Length < 2 || !int.TryParse(parts[0], out int major) || !int.TryParse(parts[1], out int minor))
            return null;
        if (major == kernelVersion / 10000 && minor == kernelVersion / 100 % 100)
            return null;
        return $"kernel {Release} was built with {kernelCompiler ?? $"gcc {kernelVersion / 10000}.{kernelVersion / 100 % 100}"}, but this machine's gcc is {machineGccVersion}: the module may not load or may misbehave; install the kernel's compiler (as kbuild also warns)";
    }

    // A CONFIG_X=value line of include/config/auto.conf, unquoted.
    private string? Setting(string name)
    {
        string path = Path.Combine(Directory, "include", "config", "auto.conf");
        if (!File.Exists(path))
            return null;
        string prefix = name + "=";
        string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line?[prefix.Length..].Trim('"');
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
