using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text;
using KernelSharp.Harness;
using Xunit;

namespace KernelSharp.Tests.Unit;

// Host file modes only exist on Unix, like the kernels these archives are for.
[SupportedOSPlatform("linux")]
public sealed class HarnessInitramfsTests : IDisposable
{
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("ksharp-initramfs-test-");

    public void Dispose() => scratch.Delete(recursive: true);

    [Fact]
    public void Gzip_archive_round_trips_directories_files_and_modes()
    {
        var archive = new InitramfsBuilder()
            .AddDirectory("/proc")
            .AddDirectory("/bin", UnixModes.FromOctal("700"))
            .AddTextFile("/init", "#!/bin/busybox sh\necho hi\n", UnixModes.Executable)
            .AddFile("/etc/data.bin", new byte[] { 1, 2, 3 })
            .AddFile("/empty", ReadOnlySpan<byte>.Empty);

        var bytes = Write(archive, InitramfsCompression.Gzip);
        Assert.Equal(new byte[] { 0x1F, 0x8B }, bytes[..2]);
        var entries = NewcReader.Parse(Gunzip(bytes));

        Assert.Equal(["proc", "bin", "init", "etc", "etc/data.bin", "empty"], entries.Select(e => e.Name));
        Assert.Equal(0x41ED, entries[0].Mode); // 040755
        Assert.Equal(0x41C0, entries[1].Mode); // 040700
        Assert.Equal(0x81ED, entries[2].Mode); // 0100755
        Assert.Equal("#!/bin/busybox sh\necho hi\n", Encoding.UTF8.GetString(entries[2].Data));
        Assert.Equal(0x81A4, entries[4].Mode); // 0100644
        Assert.Equal(new byte[] { 1, 2, 3 }, entries[4].Data);
        Assert.Empty(entries[5].Data);
        Assert.All(entries, e => Assert.Equal((0, 0, 0L), (e.Uid, e.Gid, e.Mtime)));
        Assert.Equal(entries.Count, entries.Select(e => e.Inode).Distinct().Count());
        Assert.All(entries, e => Assert.Equal((e.Mode & 0xF000) == 0x4000 ? 2 : 1, e.Nlink));
    }

    [Fact]
    public void Uncompressed_archive_starts_with_the_newc_magic_and_is_padded_to_512()
    {
        var bytes = Write(new InitramfsBuilder().AddDirectory("/tmp"), InitramfsCompression.None);

        Assert.Equal("070701", Encoding.ASCII.GetString(bytes, 0, 6));
        Assert.Equal(0, bytes.Length % 512);
        Assert.Equal(["tmp"], NewcReader.Parse(bytes).Select(e => e.Name));
    }

    [Theory]
    [InlineData("/a", 0)]
    [InlineData("/ab", 1)]
    [InlineData("/abc", 2)]
    [InlineData("/abcd", 3)]
    [InlineData("/abcde", 4)]
    [InlineData("/abcdef", 5)]
    [InlineData("/abcdefg", 6)]
    [InlineData("/abcdefgh", 7)]
    public void Names_and_data_of_every_length_are_padded_to_four_bytes(string path, int dataLength)
    {
        var data = Enumerable.Range(1, dataLength).Select(i => (byte)i).ToArray();
        var bytes = Write(new InitramfsBuilder().AddFile(path, data).AddTextFile("/next", "x"), InitramfsCompression.None);

        // NewcReader checks the alignment and that every padding byte is zero.
        var entries = NewcReader.Parse(bytes);
        Assert.Equal(data, entries[0].Data);
        Assert.Equal("next", entries[1].Name);
        Assert.Equal("x", Encoding.ASCII.GetString(entries[1].Data));
    }

    [Fact]
    public void Missing_parent_directories_are_added_before_the_entry()
    {
        var entries = Parse(new InitramfsBuilder()
            .AddDirectory("/lib")
            .AddTextFile("/lib/modules/6.1/extra/hello.ko", "elf"));

        Assert.Equal(["lib", "lib/modules", "lib/modules/6.1", "lib/modules/6.1/extra", "lib/modules/6.1/extra/hello.ko"],
            entries.Select(e => e.Name));
        Assert.All(entries.Take(4), e => Assert.Equal(0x41ED, e.Mode));
    }

    [Fact]
    public void Adding_an_existing_directory_updates_its_mode_instead_of_duplicating_it()
    {
        var builder = new InitramfsBuilder()
            .AddTextFile("/root/.profile", "")
            .AddDirectory("/root", UnixModes.FromOctal("700"));

        Assert.Equal(["/root", "/root/.profile"], builder.Paths);
        Assert.Equal(0x41C0, Parse(builder)[0].Mode);
    }

    [Fact]
    public void Host_files_are_copied_with_their_own_mode_unless_one_is_given()
    {
        var host = Path.Combine(scratch.FullName, "tool");
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(host, content);
        File.SetUnixFileMode(host, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);

        var entries = Parse(new InitramfsBuilder()
            .AddHostFile("/bin/tool", host)
            .AddHostFile("/bin/tool-copy", host, UnixModes.Executable));

        Assert.Equal(content, entries[1].Data);
        Assert.Equal(0x81E0, entries[1].Mode); // 0100740, copied from the host
        Assert.Equal(0x81ED, entries[2].Mode); // 0100755, as asked
    }

    [Fact]
    public void Symlinks_and_character_devices_are_encoded_as_the_kernel_expects()
    {
        var entries = Parse(new InitramfsBuilder()
            .AddSymlink("/sbin/init", "/bin/busybox")
            .AddCharacterDevice("/dev/console", 5, 1));

        var link = entries.Single(e => e.Name == "sbin/init");
        Assert.Equal(0xA1FF, link.Mode); // 0120777
        Assert.Equal("/bin/busybox", Encoding.UTF8.GetString(link.Data));
        var console = entries.Single(e => e.Name == "dev/console");
        Assert.Equal(0x2180, console.Mode); // 020600
        Assert.Equal((5, 1), (console.RdevMajor, console.RdevMinor));
        Assert.Empty(console.Data);
    }

    [Fact]
    public void Writing_twice_gives_identical_bytes()
    {
        var builder = new InitramfsBuilder().AddTextFile("/init", "#!/bin/sh\n", UnixModes.Executable).AddDirectory("/proc");

        Assert.Equal(Write(builder, InitramfsCompression.Gzip), Write(builder, InitramfsCompression.Gzip));
    }

    [Theory]
    [InlineData("relative/path")]
    [InlineData("/")]
    [InlineData("/a/../b")]
    [InlineData("/a/./b")]
    [InlineData("/a//b")]
    public void Bad_paths_are_refused(string path)
    {
        Assert.Throws<ArgumentException>(() => new InitramfsBuilder().AddTextFile(path, "x"));
    }

    [Fact]
    public void Duplicates_and_files_used_as_directories_are_refused()
    {
        var builder = new InitramfsBuilder().AddTextFile("/init", "x");

        Assert.Throws<InvalidOperationException>(() => builder.AddTextFile("/init", "y"));
        Assert.Throws<InvalidOperationException>(() => builder.AddTextFile("/init/child", "y"));
        Assert.Throws<InvalidOperationException>(() => builder.AddDirectory("/init"));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddTextFile("/big-mode", "x", 0x1000));
        Assert.Throws<FileNotFoundException>(() => builder.AddHostFile("/missing", Path.Combine(scratch.FullName, "missing")));
    }

    [Theory]
    [InlineData("755", 0x1ED)]
    [InlineData("0644", 0x1A4)]
    [InlineData("7777", 0xFFF)]
    [InlineData("0", 0)]
    public void Octal_modes_parse(string text, int expected) => Assert.Equal(expected, UnixModes.FromOctal(text));

    [Theory]
    [InlineData("")]
    [InlineData("8")]
    [InlineData("17777")]
    [InlineData("rwx")]
    public void Bad_octal_modes_are_refused(string text) => Assert.Throws<FormatException>(() => UnixModes.FromOctal(text));

    [Fact]
    public void The_real_cpio_lists_and_extracts_the_archive()
    {
        // The check against an independent implementation. GNU cpio is a test dependency:
        // without it the test fails rather than passing having checked nothing.
        var cpio = new[] { "/usr/bin/cpio", "/bin/cpio" }.FirstOrDefault(File.Exists);
        Assert.True(cpio is not null, "GNU cpio is not installed (looked for /usr/bin/cpio and /bin/cpio): "
            + "this test checks the archive against it (Debian: apt-get install cpio)");

        var host = Path.Combine(scratch.FullName, "payload");
        File.WriteAllBytes(host, Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray());
        var archivePath = Path.Combine(scratch.FullName, "initramfs.cpio.gz");
        new InitramfsBuilder()
            .AddDirectory("/proc")
            .AddTextFile("/init", "#!/bin/busybox sh\n", UnixModes.Executable)
            .AddHostFile("/lib/modules/payload.bin", host, UnixModes.RegularFile)
            .AddSymlink("/sbin/init", "../init")
            .WriteToFile(archivePath);
        var uncompressed = Path.Combine(scratch.FullName, "initramfs.cpio");
        File.WriteAllBytes(uncompressed, Gunzip(File.ReadAllBytes(archivePath)));

        var listing = RunCpio(cpio, ["-t", "--quiet"], uncompressed, scratch.FullName);
        Assert.Equal(["proc", "init", "lib", "lib/modules", "lib/modules/payload.bin", "sbin", "sbin/init"],
            listing.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var target = Directory.CreateDirectory(Path.Combine(scratch.FullName, "extracted")).FullName;
        RunCpio(cpio, ["-i", "-d", "--quiet", "--no-absolute-filenames"], uncompressed, target);
        Assert.Equal("#!/bin/busybox sh\n", File.ReadAllText(Path.Combine(target, "init")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                     | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(Path.Combine(target, "init")));
        Assert.Equal(File.ReadAllBytes(host), File.ReadAllBytes(Path.Combine(target, "lib/modules/payload.bin")));
        Assert.Equal("../init", new FileInfo(Path.Combine(target, "sbin/init")).LinkTarget);
    }

    private static string RunCpio(string cpio, string[] arguments, string archive, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo(cpio)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using (var input = File.OpenRead(archive))
            input.CopyTo(process.StandardInput.BaseStream);
        process.StandardInput.Close();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"cpio {string.Join(' ', arguments)} failed: {errors.Result}");
        return output.Result;
    }

    private static List<NewcEntry> Parse(InitramfsBuilder builder) =>
        NewcReader.Parse(Gunzip(Write(builder, InitramfsCompression.Gzip)));

    private static byte[] Write(InitramfsBuilder builder, InitramfsCompression compression)
    {
        using var stream = new MemoryStream();
        builder.WriteTo(stream, compression);
        return stream.ToArray();
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var result = new MemoryStream();
        gzip.CopyTo(result);
        return result.ToArray();
    }

    private sealed record NewcEntry(
        string Name, long Inode, int Mode, int Uid, int Gid, int Nlink, long Mtime, int RdevMajor, int RdevMinor, byte[] Data);

    /// <summary>An independent newc reader, strict about everything the kernel's unpacker relies on.</summary>
    private static class NewcReader
    {
        public static List<NewcEntry> Parse(byte[] archive)
        {
            var entries = new List<NewcEntry>();
            var offset = 0;
            while (true)
            {
                Assert.True(offset + 110 <= archive.Length, $"archive ends inside a header at {offset}");
                Assert.Equal(0, offset % 4);
                Assert.Equal("070701", Encoding.ASCII.GetString(archive, offset, 6));
                var fields = new long[13];
                for (var i = 0; i < fields.Length; i++)
                {
                    var hex = Encoding.ASCII.GetString(archive, offset + 6 + (i * 8), 8);
                    Assert.Matches("^[0-9A-F]{8}$", hex);
                    fields[i] = long.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
                var fileSize = (int)fields[6];
                var nameSize = (int)fields[11];
                Assert.Equal(0, fields[12]); // check field: zero outside the crc format
                var nameStart = offset + 110;
                Assert.Equal(0, archive[nameStart + nameSize - 1]); // NUL terminator
                var name = Encoding.UTF8.GetString(archive, nameStart, nameSize - 1);
                var dataStart = AssertZeroPadding(archive, nameStart + nameSize);
                var data = archive.AsSpan(dataStart, fileSize).ToArray();
                offset = AssertZeroPadding(archive, dataStart + fileSize);
                if (name == "TRAILER!!!")
                {
                    Assert.Equal(0, fileSize);
                    Assert.All(archive.Skip(offset), b => Assert.Equal(0, b));
                    return entries;
                }
                Assert.DoesNotContain(name, entries.Select(e => e.Name));
                entries.Add(new NewcEntry(name, fields[0], (int)fields[1], (int)fields[2], (int)fields[3], (int)fields[4],
                    fields[5], (int)fields[9], (int)fields[10], data));
            }
        }

        private static int AssertZeroPadding(byte[] archive, int position)
        {
            var aligned = (position + 3) & ~3;
            for (var i = position; i < aligned; i++)
                Assert.Equal(0, archive[i]);
            return aligned;
        }
    }
}
