namespace KernelSharp.Harness;

/// <summary>
/// A kernel that modules can be built for and booted with: the bootable image and the matching headers
/// (the Kbuild tree that <c>make -C ... M=...</c> needs).
/// </summary>
/// <param name="Version">The kernel release, as <c>uname -r</c> prints it, for example <c>6.1.0-56-amd64</c>.</param>
/// <param name="ImagePath">The compressed kernel image, for example <c>/boot/vmlinuz-6.1.0-56-amd64</c>.</param>
/// <param name="HeadersPath">The headers directory, for example <c>/usr/src/linux-headers-6.1.0-56-amd64</c>.</param>
public sealed record KernelImage(string Version, string ImagePath, string HeadersPath)
{
    /// <summary>A PREEMPT_RT kernel (Debian's -rt- flavour, for example <c>6.1.0-57-rt-amd64</c>).</summary>
    public bool IsRealtime => Version.Contains("-rt-", StringComparison.Ordinal);

    /// <summary>The project's debug kernel (<see cref="DebugKernel"/>: KASAN, kmemleak, lockdep, UBSAN, fault
    /// injection), for example <c>6.1.192-ksharp-debug</c>.</summary>
    public bool IsDebug => Version.EndsWith(DebugKernel.ReleaseSuffix, StringComparison.Ordinal);

    /// <summary>Whether the harness may boot this kernel directly through its PVH entry point
    /// (<see cref="GuestOptions.DirectKernelBoot"/>); the debug kernel cannot (see <see cref="DebugKernel"/>).</summary>
    public bool DirectBoot { get; init; } = true;

    /// <summary>A kernel a user gets only by asking for it: realtime or debug.</summary>
    public bool IsSpecial => IsRealtime || IsDebug;

    /// <summary>Whether this kernel belongs to the <paramref name="major"/>.<paramref name="minor"/> series
    /// (<c>IsSeries(6, 1)</c> is true for 6.1.0-56-amd64 and false for 6.12.107+deb12-amd64).</summary>
    public bool IsSeries(int major, int minor)
    {
        var parts = Version.Split('.', 3);
        return parts.Length >= 2
            && int.TryParse(parts[0], out var actualMajor) && actualMajor == major
            && int.TryParse(LeadingDigits(parts[1]), out var actualMinor) && actualMinor == minor;
    }

    /// <summary>
    /// Compares kernel release strings so that newer releases sort higher: runs of digits compare as numbers
    /// (<c>6.12</c> is newer than <c>6.1</c>, <c>-56</c> newer than <c>-9</c>), other text compares ordinally, and
    /// punctuation only separates fields.
    /// </summary>
    /// <returns>Negative when <paramref name="left"/> is older, positive when newer, 0 when equal.</returns>
    public static int CompareVersions(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var a = Tokenize(left);
        var b = Tokenize(right);
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            var (aText, aNumeric) = a[i];
            var (bText, bNumeric) = b[i];
            int result;
            if (aNumeric && bNumeric)
            {
                // Compare digit strings as numbers without parsing, so arbitrarily long runs cannot overflow.
                var aTrimmed = aText.TrimStart('0');
                var bTrimmed = bText.TrimStart('0');
                result = aTrimmed.Length != bTrimmed.Length
                    ? aTrimmed.Length.CompareTo(bTrimmed.Length)
                    : string.CompareOrdinal(aTrimmed, bTrimmed);
            }
            else if (aNumeric != bNumeric)
            {
                // "6.1.0-56" vs "6.1.0-rc": a number is taken as the more final release.
                result = aNumeric ? 1 : -1;
            }
            else
            {
                result = string.CompareOrdinal(aText, bText);
            }
            if (result != 0)
                return result;
        }
        var byLength = a.Count.CompareTo(b.Count);
        return byLength != 0 ? byLength : string.CompareOrdinal(left, right);
    }

    private static List<(string Text, bool Numeric)> Tokenize(string version)
    {
        var tokens = new List<(string, bool)>();
        var i = 0;
        while (i < version.Length)
        {
            var start = i;
            if (char.IsAsciiDigit(version[i]))
            {
                while (i < version.Length && char.IsAsciiDigit(version[i])) i++;
                tokens.Add((version[start..i], true));
            }
            else if (char.IsAsciiLetter(version[i]))
            {
                while (i < version.Length && char.IsAsciiLetter(version[i])) i++;
                tokens.Add((version[start..i], false));
            }
            else
            {
                i++;
            }
        }
        return tokens;
    }

    private static string LeadingDigits(string text)
    {
        var end = 0;
        while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
        return text[..end];
    }
}

/// <summary>
/// The kernels installed on this machine the Debian way: each <c>/boot/vmlinuz-VERSION</c> that has a matching
/// <c>/usr/src/linux-headers-VERSION</c> directory. Kernels without headers are left out because modules cannot be
/// built for them.
/// </summary>
public sealed class KernelImages
{
    /// <summary>What to tell a user who has no usable kernel.</summary>
    public const string InstallHint =
        "No kernel with matching headers was found (a /boot/vmlinuz-VERSION together with /usr/src/linux-headers-VERSION). " +
        "On Debian install both with: apt-get install linux-image-amd64 linux-headers-amd64";

    /// <summary>Scans <paramref name="bootDirectory"/> and <paramref name="sourceDirectory"/> once, now.</summary>
    /// <param name="bootDirectory">Where the <c>vmlinuz-VERSION</c> images are; <c>/boot</c> on the host.</param>
    /// <param name="sourceDirectory">Where the <c>linux-headers-VERSION</c> directories are; <c>/usr/src</c> on the host.</param>
    /// <param name="built">Kernels the project built itself (the debug kernel), added to those found.</param>
    public KernelImages(string bootDirectory, string sourceDirectory, IEnumerable<KernelImage>? built = null)
    {
        ArgumentNullException.ThrowIfNull(bootDirectory);
        ArgumentNullException.ThrowIfNull(sourceDirectory);
        BootDirectory = bootDirectory;
        SourceDirectory = sourceDirectory;

        var found = new List<KernelImage>();
        if (Directory.Exists(bootDirectory))
        {
            foreach (var image in Directory.EnumerateFiles(bootDirectory, "vmlinuz-*"))
            {
                var version = Path.GetFileName(image)["vmlinuz-".Length..];
                var headers = Path.Combine(sourceDirectory, "linux-headers-" + version);
                if (version.Length > 0 && Directory.Exists(headers))
                    found.Add(new KernelImage(version, image, headers));
            }
        }
        found.AddRange(built ?? []);
        found.Sort((x, y) => KernelImage.CompareVersions(y.Version, x.Version));
        All = found;
        Default = found.FirstOrDefault(k => k.IsSeries(6, 1) && !k.IsSpecial) ?? found.FirstOrDefault(k => !k.IsSpecial) ?? found.FirstOrDefault(k => !k.IsDebug);
    }

    /// <summary>Scans the host's <c>/boot</c> and <c>/usr/src</c>, and adds the debug kernel if this machine has
    /// built it.</summary>
    public static KernelImages OnHost() => new("/boot", "/usr/src", DebugKernel.Find() is { } debug ? [debug] : []);

    /// <summary>The directory scanned for kernel images.</summary>
    public string BootDirectory { get; }

    /// <summary>The directory scanned for kernel headers.</summary>
    public string SourceDirectory { get; }

    /// <summary>Every kernel that has both an image and headers, newest first.</summary>
    public IReadOnlyList<KernelImage> All { get; }

    /// <summary>
    /// The kernel to use when none is asked for: the newest 6.1 kernel (Debian 12's own, so results match what most
    /// users run), otherwise the newest kernel; a realtime kernel only when there is no other;
    /// <see langword="null"/> when there is none.
    /// </summary>
    public KernelImage? Default { get; }

    /// <summary>The default kernel, or an exception whose message says which Debian packages to install.</summary>
    /// <exception cref="HarnessException">No kernel with headers is installed.</exception>
    public KernelImage RequireDefault() => Default ?? throw new HarnessException(InstallHint);

    /// <summary>
    /// Finds a kernel by release. An exact match wins; otherwise <paramref name="version"/> is taken as a prefix
    /// ending at a field boundary, so <c>6.12</c> finds the newest <c>6.12.*</c> but not <c>6.120</c>. A prefix
    /// finds a realtime (PREEMPT_RT) kernel only when it ends in <c>-rt</c> (<c>6.1-rt</c>), or when no other matches,
    /// and the debug kernel only when it ends in <c>-debug</c> (<c>6.1-debug</c>).
    /// </summary>
    /// <returns>The kernel, or <see langword="null"/> when none matches.</returns>
    public KernelImage? FindByVersion(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        version = version.Trim();
        if (version.Length == 0)
            return null;
        if (All.FirstOrDefault(k => k.Version == version) is { } exact)
            return exact;
        if (version.EndsWith("-rt", StringComparison.Ordinal))
            return All.FirstOrDefault(k => k.IsRealtime && IsFieldPrefix(version[..^3], k.Version));
        if (version.EndsWith("-debug", StringComparison.Ordinal))
            return All.FirstOrDefault(k => k.IsDebug && IsFieldPrefix(version[..^6], k.Version));
        return All.FirstOrDefault(k => !k.IsSpecial && IsFieldPrefix(version, k.Version))
            ?? All.FirstOrDefault(k => !k.IsDebug && IsFieldPrefix(version, k.Version));
    }

    // "6.12" is a prefix of "6.12.107+deb12-amd64" but not of "6.120.0": the prefix must end where a field ends.
    private static bool IsFieldPrefix(string prefix, string version) =>
        version.Length > prefix.Length
        && version.StartsWith(prefix, StringComparison.Ordinal)
        && (!char.IsAsciiLetterOrDigit(prefix[^1]) || !char.IsAsciiLetterOrDigit(version[prefix.Length]));

    /// <summary>
    /// Finds the kernel whose image is <paramref name="imagePath"/>. Symbolic links are followed, so Debian's
    /// <c>/vmlinuz</c> link finds the kernel it points to.
    /// </summary>
    /// <returns>The kernel, or <see langword="null"/> when the file is not one of <see cref="All"/>.</returns>
    public KernelImage? FindByImagePath(string imagePath)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        var wanted = ResolvePath(imagePath);
        return All.FirstOrDefault(k => ResolvePath(k.ImagePath) == wanted);
    }

    private static string ResolvePath(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? full : Path.GetFullPath(target.FullName);
        }
        catch (IOException)
        {
            // A dangling or looping link: compare the path as given.
            return full;
        }
    }
}
