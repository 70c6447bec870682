using System.Buffers.Binary;
using System.Text;

namespace KernelSharp.Harness;

/// <summary>Just enough ELF64 reading to answer the two questions the harness has about host binaries.</summary>
internal static class Elf
{
    private const uint ProgramHeaderInterpreter = 3; // PT_INTERP
    private const uint ProgramHeaderNote = 4;        // PT_NOTE
    private const uint XenNotePhys32Entry = 18;      // XEN_ELFNOTE_PHYS32_ENTRY: the PVH entry point

    /// <summary>Whether the file starts with the ELF magic.</summary>
    public static bool IsElf(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        return file.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && IsElfMagic(magic);
    }

    /// <summary>
    /// Whether a 64-bit little-endian ELF executable names a program interpreter, i.e. is dynamically linked.
    /// A dynamically linked busybox cannot run in an initramfs that has no C library.
    /// </summary>
    /// <returns><see langword="null"/> when the file is not an ELF64 little-endian file.</returns>
    public static bool? IsDynamicallyLinked(string path)
    {
        using var file = File.OpenRead(path);
        var headers = ReadProgramHeaders(file);
        return headers?.Any(h => h.Type == ProgramHeaderInterpreter);
    }

    /// <summary>
    /// Whether an uncompressed kernel (vmlinux) carries the Xen PVH entry note, without which QEMU refuses to boot
    /// an ELF kernel directly.
    /// </summary>
    public static bool HasPvhEntryNote(string path)
    {
        using var file = File.OpenRead(path);
        var headers = ReadProgramHeaders(file);
        if (headers is null)
            return false;
        foreach (var header in headers.Where(h => h.Type == ProgramHeaderNote && h.Offset >= 0 && h.FileSize is > 0 and < 1 << 20))
        {
            var notes = new byte[header.FileSize];
            file.Position = header.Offset;
            if (file.ReadAtLeast(notes, notes.Length, throwOnEndOfStream: false) != notes.Length)
                return false;
            var position = 0;
            while (position + 12 <= notes.Length)
            {
                var nameSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(position));
                var descSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(position + 4));
                var type = BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(position + 8));
                var nameStart = position + 12;
                if (nameSize < 0 || descSize < 0 || nameStart + nameSize > notes.Length)
                    break;
                var name = Encoding.ASCII.GetString(notes, nameStart, nameSize).TrimEnd('\0');
                if (name == "Xen" && type == XenNotePhys32Entry)
                    return true;
                position = nameStart + Align4(nameSize) + Align4(descSize);
            }
        }
        return false;
    }

    private static int Align4(int value) => (value + 3) & ~3;

    private static bool IsElfMagic(ReadOnlySpan<byte> bytes) =>
        bytes[0] == 0x7f && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F';

    private readonly record struct ProgramHeader(uint Type, long Offset, long FileSize);

    private static List<ProgramHeader>? ReadProgramHeaders(FileStream file)
    {
        var header = new byte[64];
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) != header.Length
            || !IsElfMagic(header)
            || header[4] != 2 /* ELFCLASS64 */
            || header[5] != 1 /* ELFDATA2LSB */)
        {
            return null;
        }
        var tableOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(0x20));
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x36));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x38));
        if (entrySize < 56 || tableOffset <= 0 || tableOffset + ((long)entrySize * count) > file.Length)
            return null;

        var table = new byte[entrySize * count];
        file.Position = tableOffset;
        if (file.ReadAtLeast(table, table.Length, throwOnEndOfStream: false) != table.Length)
            return null;
        var result = new List<ProgramHeader>(count);
        for (var i = 0; i < count; i++)
        {
            var entry = table.AsSpan(i * entrySize, entrySize);
            result.Add(new ProgramHeader(
                BinaryPrimitives.ReadUInt32LittleEndian(entry),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[0x08..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[0x20..])));
        }
        return result;
    }
}
