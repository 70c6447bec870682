using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace KernelSharp.Harness;

/// <summary>How <see cref="InitramfsBuilder"/> encodes the archive.</summary>
public enum InitramfsCompression
{
    /// <summary>A plain newc cpio archive. The kernel accepts it as is and does not have to decompress it.</summary>
    None,

    /// <summary>A gzip-compressed newc cpio archive, the usual initramfs format.</summary>
    Gzip,
}

/// <summary>
/// Builds an initramfs: a "newc" (SVR4, magic 070701) cpio archive, optionally gzip-compressed, that the kernel
/// unpacks into its root file system before running <c>/init</c>.
/// </summary>
/// <remarks>
/// <para>Written in C# rather than by running <c>cpio</c> so that the harness needs no staging directory, no root
/// rights for device nodes and no external tool, and so that archives are byte-for-byte reproducible: every entry
/// is owned by root (uid and gid 0), has modification time 0, and entries keep the order in which they were added.</para>
/// <para>Paths are absolute guest paths such as <c>/bin/busybox</c>. Missing parent directories are added
/// automatically (mode 0755) before an entry, because the kernel cannot create a file in a directory that does not
/// exist yet.</para>
/// </remarks>
/// <example>
/// <code>
/// new InitramfsBuilder()
///     .AddDirectory("/proc")
///     .AddTextFile("/init", "#!/bin/busybox sh\n...", UnixModes.Executable)
///     .AddHostFile("/bin/busybox", "/bin/busybox", UnixModes.Executable)
///     .WriteTo(stream);
/// </code>
/// </example>
public sealed class InitramfsBuilder
{
    // File type bits of st_mode, which newc stores in the same field as the permissions.
    private const int TypeDirectory = 0x4000;     // S_IFDIR  0040000
    private const int TypeCharDevice = 0x2000;    // S_IFCHR  0020000
    private const int TypeRegular = 0x8000;       // S_IFREG  0100000
    private const int TypeSymlink = 0xA000;       // S_IFLNK  0120000

    private const string Trailer = "TRAILER!!!";

    private readonly List<Entry> entries = [];
    private readonly Dictionary<string, int> indexByPath = new(StringComparer.Ordinal);

    /// <summary>The guest paths added so far, in archive order (including automatically added parents).</summary>
    public IReadOnlyList<string> Paths => entries.Select(e => "/" + e.Name).ToList();

    /// <summary>Whether <paramref name="path"/> (an absolute guest path) is already in the archive.</summary>
    public bool Contains(string path) => indexByPath.ContainsKey(NormalizePath(path));

    /// <summary>Adds a directory. Adding a directory that exists already (for example one added as a parent)
    /// just updates its mode.</summary>
    /// <param name="path">Absolute guest path, for example <c>/proc</c>.</param>
    /// <param name="mode">Permission bits; see <see cref="UnixModes"/>.</param>
    public InitramfsBuilder AddDirectory(string path, int mode = UnixModes.Directory)
    {
        var name = NormalizePath(path);
        CheckMode(mode);
        if (indexByPath.TryGetValue(name, out var existing))
        {
            if (entries[existing].Kind != EntryKind.Directory)
                throw new InvalidOperationException($"'/{name}' is already in the initramfs and is not a directory.");
            entries[existing] = entries[existing] with { Mode = TypeDirectory | mode };
            return this;
        }
        AddParents(name);
        Add(new Entry(name, EntryKind.Directory, TypeDirectory | mode));
        return this;
    }

    /// <summary>Adds a regular file with the given content (copied, so the caller may reuse its buffer).</summary>
    /// <param name="path">Absolute guest path.</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="mode">Permission bits; see <see cref="UnixModes"/>.</param>
    public InitramfsBuilder AddFile(string path, ReadOnlySpan<byte> content, int mode = UnixModes.RegularFile)
    {
        var name = NormalizeNewPath(path);
        CheckMode(mode);
        AddParents(name);
        Add(new Entry(name, EntryKind.Regular, TypeRegular | mode) { Content = content.ToArray() });
        return this;
    }

    /// <summary>Adds a regular file holding <paramref name="text"/> encoded as UTF-8 without a byte order mark
    /// (a BOM in front of <c>#!</c> would stop the kernel from recognising a script).</summary>
    /// <param name="path">Absolute guest path.</param>
    /// <param name="text">The file's text, written as is (line endings are not changed).</param>
    /// <param name="mode">Permission bits; see <see cref="UnixModes"/>.</param>
    public InitramfsBuilder AddTextFile(string path, string text, int mode = UnixModes.RegularFile)
    {
        ArgumentNullException.ThrowIfNull(text);
        return AddFile(path, Encoding.UTF8.GetBytes(text), mode);
    }

    /// <summary>Adds a regular file whose content is read from the host when the archive is written, so large
    /// files are streamed rather than held in memory.</summary>
    /// <param name="path">Absolute guest path.</param>
    /// <param name="hostPath">File on the host to copy. It must exist now.</param>
    /// <param name="mode">Permission bits; <see langword="null"/> copies the host file's permission bits (0644 on
    /// Windows, which has none).</param>
    /// <exception cref="FileNotFoundException"><paramref name="hostPath"/> does not exist.</exception>
    public InitramfsBuilder AddHostFile(string path, string hostPath, int? mode = null)
    {
        ArgumentNullException.ThrowIfNull(hostPath);
        var name = NormalizeNewPath(path);
        var fullHostPath = Path.GetFullPath(hostPath);
        if (!File.Exists(fullHostPath))
            throw new FileNotFoundException($"Cannot add '{hostPath}' to the initramfs as '{path}': the file does not exist.", fullHostPath);
        // Windows has no permission bits to copy; plain files get 0644 there.
        var permissions = mode ?? (OperatingSystem.IsWindows()
            ? UnixModes.RegularFile
            : (int)File.GetUnixFileMode(fullHostPath) & UnixModes.MaxPermissions);
        CheckMode(permissions);
        AddParents(name);
        Add(new Entry(name, EntryKind.Regular, TypeRegular | permissions) { HostPath = fullHostPath });
        return this;
    }

    /// <summary>Adds a symbolic link.</summary>
    /// <param name="path">Absolute guest path of the link.</param>
    /// <param name="target">What the link points to, stored verbatim (absolute or relative).</param>
    public InitramfsBuilder AddSymlink(string path, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (target.Contains('\0'))
            throw new ArgumentException("A symlink target cannot contain NUL.", nameof(target));
        var name = NormalizeNewPath(path);
        AddParents(name);
        // Links are always 0777; the kernel ignores their permission bits.
        Add(new Entry(name, EntryKind.Symlink, TypeSymlink | 0b111_111_111) { Content = Encoding.UTF8.GetBytes(target) });
        return this;
    }

    /// <summary>Adds a character device node, for example <c>/dev/console</c> (5, 1). The kernel creates the node
    /// while unpacking, so no root rights are needed on the host.</summary>
    /// <param name="path">Absolute guest path.</param>
    /// <param name="major">Device major number.</param>
    /// <param name="minor">Device minor number.</param>
    /// <param name="mode">Permission bits; see <see cref="UnixModes"/>.</param>
    public InitramfsBuilder AddCharacterDevice(string path, int major, int minor, int mode = UnixModes.Private)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        var name = NormalizeNewPath(path);
        CheckMode(mode);
        AddParents(name);
        Add(new Entry(name, EntryKind.CharDevice, TypeCharDevice | mode) { DeviceMajor = major, DeviceMinor = minor });
        return this;
    }

    /// <summary>Writes the archive to <paramref name="output"/>, which is left open.</summary>
    /// <param name="output">Destination stream.</param>
    /// <param name="compression">Gzip (the default) or none.</param>
    /// <exception cref="IOException">A host file changed size or could not be read while it was copied.</exception>
    public void WriteTo(Stream output, InitramfsCompression compression = InitramfsCompression.Gzip)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (compression == InitramfsCompression.Gzip)
        {
            using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
            WriteCpio(gzip);
        }
        else
        {
            WriteCpio(output);
        }
    }

    /// <summary>Writes the archive to a file on the host, replacing it if it exists.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="compression">Gzip (the default) or none.</param>
    public void WriteToFile(string path, InitramfsCompression compression = InitramfsCompression.Gzip)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        WriteTo(file, compression);
    }

    private void WriteCpio(Stream output)
    {
        var writer = new CpioWriter(output);
        // Inode numbers only need to be unique: the kernel treats regular files with nlink >= 2 and equal
        // (device, inode) as hard links, so each entry gets its own number and nlink 1 (2 for directories).
        var inode = 1;
        foreach (var entry in entries)
        {
            var nlink = entry.Kind == EntryKind.Directory ? 2 : 1;
            if (entry.HostPath is { } hostPath)
            {
                using var source = new FileStream(hostPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                var length = source.Length;
                if (length > uint.MaxValue)
                    throw new IOException($"'{hostPath}' is larger than 4 GiB, which a newc cpio archive cannot hold.");
                writer.WriteHeader(entry.Name, inode++, entry.Mode, nlink, length, 0, 0);
                writer.CopyData(source, length, hostPath);
            }
            else
            {
                var content = entry.Content ?? [];
                writer.WriteHeader(entry.Name, inode++, entry.Mode, nlink, content.Length, entry.DeviceMajor, entry.DeviceMinor);
                writer.WriteData(content);
            }
        }
        writer.WriteHeader(Trailer, 0, 0, 1, 0, 0, 0);
        // Traditional cpio pads the archive to 512 bytes. The kernel does not need it, but some tools expect it.
        writer.PadTo(512);
    }

    private void Add(Entry entry)
    {
        indexByPath.Add(entry.Name, entries.Count);
        entries.Add(entry);
    }

    private void AddParents(string name)
    {
        var slash = name.IndexOf('/');
        while (slash >= 0)
        {
            var parent = name[..slash];
            if (indexByPath.TryGetValue(parent, out var existing))
            {
                if (entries[existing].Kind != EntryKind.Directory)
                    throw new InvalidOperationException($"'/{parent}' is already in the initramfs and is not a directory, so '/{name}' cannot be added.");
            }
            else
            {
                Add(new Entry(parent, EntryKind.Directory, TypeDirectory | UnixModes.Directory));
            }
            slash = name.IndexOf('/', slash + 1);
        }
    }

    private string NormalizeNewPath(string path)
    {
        var name = NormalizePath(path);
        if (indexByPath.ContainsKey(name))
            throw new InvalidOperationException($"'{path}' is already in the initramfs.");
        return name;
    }

    // Archive names are stored without the leading slash, as `find . | cpio` and the kernel's gen_init_cpio do.
    private static string NormalizePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/'))
            throw new ArgumentException($"Initramfs paths must be absolute guest paths such as /bin/busybox; got '{path}'.", nameof(path));
        var trimmed = path.Trim('/');
        if (trimmed.Length == 0)
            throw new ArgumentException("The root directory '/' always exists and cannot be added.", nameof(path));
        foreach (var segment in trimmed.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
                throw new ArgumentException($"'{path}' must not contain empty, '.' or '..' components.", nameof(path));
        }
        if (trimmed.Contains('\0'))
            throw new ArgumentException("Initramfs paths cannot contain NUL.", nameof(path));
        return trimmed;
    }

    private static void CheckMode(int mode)
    {
        if (mode is < 0 or > UnixModes.MaxPermissions)
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "A mode holds permission bits only (0 to 07777); the file type is set by the Add method.");
    }

    private enum EntryKind { Directory, Regular, Symlink, CharDevice }

    private sealed record Entry(string Name, EntryKind Kind, int Mode)
    {
        public byte[]? Content { get; init; }
        public string? HostPath { get; init; }
        public int DeviceMajor { get; init; }
        public int DeviceMinor { get; init; }
    }

    /// <summary>Writes newc records and keeps track of the offset for the 4-byte alignment the format requires.</summary>
    private sealed class CpioWriter(Stream output)
    {
        private long offset;

        public void WriteHeader(string name, long inode, int mode, int nlink, long fileSize, int rdevMajor, int rdevMinor)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var header = new StringBuilder(110);
            header.Append("070701");
            foreach (var field in new long[]
                     {
                         inode, mode, 0 /* uid */, 0 /* gid */, nlink, 0 /* mtime */, fileSize,
                         0 /* devmajor */, 0 /* devminor */, rdevMajor, rdevMinor,
                         nameBytes.Length + 1 /* namesize counts the NUL */, 0, /* check: only used by the crc format */
                     })
            {
                header.Append(((uint)field).ToString("X8", CultureInfo.InvariantCulture));
            }
            Write(Encoding.ASCII.GetBytes(header.ToString()));
            Write(nameBytes);
            Write([0]);
            PadTo(4);
        }

        public void WriteData(ReadOnlySpan<byte> data)
        {
            Write(data);
            PadTo(4);
        }

        public void CopyData(Stream source, long length, string hostPath)
        {
            var buffer = new byte[1 << 16];
            var remaining = length;
            while (remaining > 0)
            {
                var read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (read == 0)
                    throw new IOException($"'{hostPath}' became shorter while it was copied into the initramfs.");
                Write(buffer.AsSpan(0, read));
                remaining -= read;
            }
            PadTo(4);
        }

        public void PadTo(int alignment)
        {
            var padding = (int)((alignment - (offset % alignment)) % alignment);
            if (padding > 0)
                Write(new byte[padding]);
        }

        private void Write(ReadOnlySpan<byte> bytes)
        {
            output.Write(bytes);
            offset += bytes.Length;
        }
    }
}
