using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace KernelSharp.Harness;

/// <summary>
/// Gets the uncompressed kernel (vmlinux) out of a bzImage so QEMU can start it through its PVH entry point.
/// </summary>
/// <remarks>
/// Booting a bzImage under TCG spends most of its time before the kernel's first message: the kernel's own
/// decompressor unpacking an xz payload in emulated code (about 7.5 of 12 seconds for Debian's 6.1 kernel here).
/// The host unpacks the same payload in about 2 seconds, once, and the result is cached, so later boots skip that
/// step entirely. QEMU (since 4.0) boots an ELF kernel that has a Xen PVH entry note directly, and Debian's
/// kernels are built with CONFIG_PVH=y.
/// </remarks>
internal static class UncompressedKernel
{
    // One extraction at a time per process: tests that boot in parallel would otherwise all unpack the same kernel.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The outcome: the vmlinux to boot, or why the compressed image has to be booted instead.</summary>
    public readonly record struct Result(string? VmlinuxPath, string? UnavailableReason);

    /// <summary>Returns the cached vmlinux for <paramref name="bzImagePath"/>, extracting it first if needed.</summary>
    public static async Task<Result> GetAsync(string bzImagePath, string? cacheDirectory, CancellationToken cancellationToken)
    {
        // Someone who already has an uncompressed kernel (a vmlinux from a kernel build) can boot it as it is.
        if (Elf.IsElf(bzImagePath))
        {
            return Elf.HasPvhEntryNote(bzImagePath)
                ? new Result(bzImagePath, null)
                : new Result(null, "the ELF kernel has no PVH entry point (it was built without CONFIG_PVH)");
        }

        var image = new FileInfo(bzImagePath);
        var directory = cacheDirectory ?? DefaultCacheDirectory();
        var version = image.Name.StartsWith("vmlinuz-", StringComparison.Ordinal) ? image.Name["vmlinuz-".Length..] : image.Name;
        var prefix = "vmlinux-" + SafeFileName(version) + "-";
        var cachePath = Path.Combine(directory, prefix + CacheKey(image) + ".elf");

        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(cachePath) && Elf.HasPvhEntryNote(cachePath))
                return new Result(cachePath, null);

            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new Result(null, $"cannot create the kernel cache directory {directory}: {e.Message}");
            }

            var temporary = Path.Combine(directory, $".{prefix}{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
            try
            {
                var reason = await ExtractAsync(image.FullName, temporary, cancellationToken).ConfigureAwait(false);
                if (reason is not null)
                    return new Result(null, reason);
                // Rename into place so another process never sees a half-written file.
                File.Move(temporary, cachePath, overwrite: true);
                RemoveStaleEntries(directory, prefix, cachePath);
                return new Result(cachePath, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new Result(null, $"cannot write the uncompressed kernel to {directory}: {e.Message}");
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary><c>$XDG_CACHE_HOME/kernelsharp/kernels</c>, else <c>~/.cache/kernelsharp/kernels</c>.</summary>
    public static string DefaultCacheDirectory()
    {
        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cacheHome) || !Path.IsPathRooted(cacheHome))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            cacheHome = string.IsNullOrEmpty(home) ? Path.Combine(Path.GetTempPath(), "kernelsharp-cache") : Path.Combine(home, ".cache");
        }
        return Path.Combine(cacheHome, "kernelsharp", "kernels");
    }

    // Extracts to outputPath; returns null on success, otherwise why it could not.
    private static async Task<string?> ExtractAsync(string bzImagePath, string outputPath, CancellationToken cancellationToken)
    {
        var data = await File.ReadAllBytesAsync(bzImagePath, cancellationToken).ConfigureAwait(false);
        // x86 boot protocol: "HdrS" at 0x202, version at 0x206; payload_offset/payload_length exist from 2.08 on.
        if (data.Length < 0x250 || Encoding.ASCII.GetString(data, 0x202, 4) != "HdrS")
            return "the kernel image is not an x86 bzImage";
        if (BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(0x206)) < 0x208)
            return "the kernel image uses a boot protocol older than 2.08, which does not locate its payload";
        int setupSectors = data[0x1F1] == 0 ? 4 : data[0x1F1];
        var payloadOffset = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(0x248));
        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(0x24C));
        var start = ((long)setupSectors + 1) * 512 + payloadOffset;
        if (payloadLength < 8 || start + payloadLength > data.Length)
            return "the kernel image's payload fields point outside the file";

        // The build appends the uncompressed size (little-endian, 32 bits) to the compressed stream.
        var payload = data.AsMemory((int)start, (int)payloadLength);
        var compressed = payload[..^4];
        var expectedSize = BinaryPrimitives.ReadUInt32LittleEndian(payload.Span[^4..]);
        var head = compressed.Span;

        if (head is [0x1F, 0x8B, ..])
        {
            await using var output = File.Create(outputPath);
            await using var gzip = new GZipStream(new MemoryStream(compressed.ToArray()), CompressionMode.Decompress);
            await gzip.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
        }
        else if (head is [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, ..])
        {
            var failure = await RunDecompressorAsync("xz", "xz-utils", compressed, outputPath, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
                return failure;
        }
        else if (head is [0x28, 0xB5, 0x2F, 0xFD, ..])
        {
            var failure = await RunDecompressorAsync("zstd", "zstd", compressed, outputPath, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
                return failure;
        }
        else
        {
            return "the kernel payload is compressed with a format the harness cannot unpack (it handles gzip, xz and zstd)";
        }

        var actualSize = new FileInfo(outputPath).Length;
        if (actualSize != expectedSize)
            return $"the unpacked kernel has {actualSize} bytes but the image says {expectedSize}";
        if (!Elf.HasPvhEntryNote(outputPath))
            return "the kernel has no PVH entry point (it was built without CONFIG_PVH)";
        return null;
    }

    private static async Task<string?> RunDecompressorAsync(
        string tool, string debianPackage, ReadOnlyMemory<byte> input, string outputPath, CancellationToken cancellationToken)
    {
        var executable = HostTools.FindExecutable(tool);
        if (executable is null)
            return $"the kernel is {tool}-compressed and '{tool}' is not installed (Debian package {debianPackage})";
        var (exitCode, errors) = await HostTools.RunFilterAsync(executable, ["-d", "-c", "-q"], input, outputPath, cancellationToken)
            .ConfigureAwait(false);
        return exitCode == 0 ? null : $"'{tool} -d' failed with exit code {exitCode}: {errors}";
    }

    // Changes to the image (a kernel package upgrade that keeps the file name) must not reuse the old vmlinux.
    private static string CacheKey(FileInfo image)
    {
        var identity = string.Join('\n',
            image.FullName,
            image.Length.ToString(CultureInfo.InvariantCulture),
            image.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16];
    }

    private static string SafeFileName(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '_' ? c : '_'));

    // Each entry is some 60 MB, so older extractions of the same kernel file are removed.
    private static void RemoveStaleEntries(string directory, string prefix, string keep)
    {
        foreach (var stale in Directory.EnumerateFiles(directory, prefix + "*.elf"))
        {
            if (stale == keep)
                continue;
            try
            {
                File.Delete(stale);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process may be booting it right now; it will be removed next time.
            }
        }
    }
}
