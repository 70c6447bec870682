using System.Buffers.Binary;
using System.Text;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.Debugging;

/// <summary>
/// The DWARF line tables (.debug_line, versions 2 to 5) of a relocatable ELF object: which
/// source line each code address came from. In a relocatable object (ILCompiler's output,
/// a .ko) every address in the table is a relocation against a code section's symbol, and so
/// is every DWARF 5 string offset into .debug_line_str: both are applied here, so an address
/// is a code section and an offset in it.
/// </summary>
public sealed class DwarfLineTable
{
    /// <summary>One row of a line program: the code at (<paramref name="Section"/>, <paramref name="Address"/>)
    /// up to the next row came from <paramref name="File"/>:<paramref name="Line"/> (line 0: no source line).
    /// An end-of-sequence row marks the first address after a sequence.</summary>
    /// <param name="Section">The code section's index; -1 when the address came without a relocation (a linked file).</param>
    public sealed record Row(int Section, ulong Address, string File, int Line, bool EndSequence);

    /// <summary>Every sequence's rows, in program order; sequences are never merged.</summary>
    public IReadOnlyList<IReadOnlyList<Row>> Sequences { get; }

    private DwarfLineTable(IReadOnlyList<IReadOnlyList<Row>> sequences) => Sequences = sequences;

    public static DwarfLineTable Empty { get; } = new([]);

    /// <summary>The line tables of <paramref name="elf"/>; empty when it has no .debug_line.</summary>
    public static DwarfLineTable Read(ElfObject elf)
    {
        ElfObject.Section? lines = elf.Sections.FirstOrDefault(s => s.Name == ".debug_line" && s.Type == 1);
        if (lines is null)
            return Empty;
        ElfObject.Section? strings = elf.Sections.FirstOrDefault(s => s.Name == ".debug_line_str");
        ElfObject.Section? strp = elf.Sections.FirstOrDefault(s => s.Name == ".debug_str");
        var relocations = elf.Relocations.Where(r => r.Target == lines).ToDictionary(r => r.Offset);
        try
        {
            return new DwarfLineTable(new Reader(Contents(elf, lines), relocations,
                strings is null ? [] : Contents(elf, strings), strp is null ? [] : Contents(elf, strp)).ReadAll());
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException or InvalidDataException)
        {
            throw new BuildError($".debug_line is malformed ({e.Message})");
        }
    }

    /// <summary>A debug section's bytes, inflated if the assembler compressed it (SHF_COMPRESSED, zlib).</summary>
    public static byte[] Contents(ElfObject elf, ElfObject.Section section)
    {
        ReadOnlySpan<byte> bytes = elf.Contents(section);
        if ((section.Flags & 0x800 /* SHF_COMPRESSED */) == 0)
            return bytes.ToArray();
        // Elf64_Chdr: type (1 = zlib), reserved, uncompressed size, alignment; then the zlib stream.
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes) != 1)
            throw new BuildError($"{section.Name} is compressed in a way other than zlib");
        var inflated = new byte[checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]))];
        using var zlib = new System.IO.Compression.ZLibStream(new MemoryStream(bytes[24..].ToArray()), System.IO.Compression.CompressionMode.Decompress);
        zlib.ReadExactly(inflated);
        return inflated;
    }

    /// <summary>
    /// The row that covers (<paramref name="section"/>, <paramref name="address"/>): the last row at or before
    /// it in a sequence that has not ended by then. With <paramref name="notBefore"/>, a row before that address
    /// does not count (a function's code is covered only by rows inside the function).
    /// </summary>
    public Row? Find(int section, ulong address, ulong notBefore = 0)
    {
        foreach (var sequence in Sequences)
        {
            if (sequence.Count == 0 || sequence[0].Section != section || address < sequence[0].Address || address >= sequence[^1].Address)
                continue;
            // Rows of a sequence go up in address: the last one at or before the address covers it.
            int low = 0, high = sequence.Count - 1;
            while (low < high)
            {
                int middle = (low + high + 1) / 2;
                if (sequence[middle].Address <= address)
                    low = middle;
                else
                    high = middle - 1;
            }
            Row found = sequence[low];
            return found.EndSequence || found.Address < notBefore ? null : found;
        }
        return null;
    }

    private sealed class Reader(byte[] data, Dictionary<ulong, ElfObject.Relocation> relocations, byte[] lineStrings, byte[] strings)
    {
        private int _at;

        public List<IReadOnlyList<Row>> ReadAll()
        {
            var sequences = new List<IReadOnlyList<Row>>();
            while (_at < data.Length)
                ReadUnit(sequences);
            return sequences;
        }

        private void ReadUnit(List<IReadOnlyList<Row>> sequences)
        {
            ulong length = U32();
            bool dwarf64 = length == 0xffffffff;
            if (dwarf64)
                length = U64();
            else if (length >= 0xfffffff0)
                throw new InvalidDataException($"reserved unit length 0x{length:x}");
            int end = checked(_at + (int)length);
            int version = U16();
            if (version is < 2 or > 5)
                throw new InvalidDataException($"line table version {version}");
            if (version >= 5)
                _at += 2; // address size (set_address says it too), segment selector size
            ulong headerLength = dwarf64 ? U64() : U32();
            int program = checked(_at + (int)headerLength);
            int minimumInstructionLength = data[_at++];
            if (version >= 4)
                _at++; // maximum operations per instruction: 1 on x86
            _at++; // default is_stmt: every row counts here
            int lineBase = (sbyte)data[_at++];
            int lineRange = data[_at++];
            int opcodeBase = data[_at++];
            if (lineRange == 0)
                throw new InvalidDataException("line range 0");
            var argumentCounts = new int[opcodeBase];
            for (int i = 1; i < opcodeBase; i++)
                argumentCounts[i] = data[_at++];

            List<string> directories, files;
            if (version >= 5)
            {
                directories = EntryTable(dwarf64).Select(e => e.Path).ToList();
                files = EntryTable(dwarf64).Select(e => Join(directories, e.Directory, e.Path)).ToList();
            }
            else
            {
                // DWARF 2 to 4: directory 0 is the compilation directory, which only .debug_info names; files count from 1.
                directories = [""];
                for (string name; (name = CString()).Length > 0;)
                    directories.Add(name);
                files = [""];
                for (string name; (name = CString()).Length > 0;)
                {
                    int directory = (int)Uleb();
                    Uleb(); // modification time
                    Uleb(); // length
                    files.Add(Join(directories, directory, name));
                }
            }
            _at = program;

            // The state machine (DWARF 5, 6.2.2).
            int section = -1, file = 1, line = 1;
            ulong address = 0;
            var rows = new List<Row>();
            void Emit(bool endSequence) =>
                rows.Add(new Row(section, address, file >= 0 && file < files.Count ? files[file] : "", line, endSequence));
            void Reset()
            {
                section = -1;
                address = 0;
                file = 1;
                line = 1;
            }
            while (_at < end)
            {
                int opcode = data[_at++];
                if (opcode >= opcodeBase)
                {
                    int adjusted = opcode - opcodeBase;
                    address += (ulong)(adjusted / lineRange * minimumInstructionLength);
                    line += lineBase + adjusted % lineRange;
                    Emit(false);
                    continue;
                }
                switch (opcode)
                {
                    case 0: // extended
                        int size = checked((int)Uleb());
                        int next = _at + size;
                        int extended = size > 0 ? data[_at++] : -1;
                        switch (extended)
                        {
                            case 1: // DW_LNE_end_sequence
                                Emit(true);
                                sequences.Add(rows);
                                rows = [];
                                Reset();
                                break;
                            case 2: // DW_LNE_set_address
                                (section, address) = Address((ulong)_at, size - 1 == 4 ? U32() : size - 1 == 8 ? U64() : throw new InvalidDataException($"address of {size - 1} bytes"));
                                break;
                            case 3: // DW_LNE_define_file (DWARF 2 to 4)
                                string name = CString();
                                int directory = (int)Uleb();
                                files.Add(Join(directories, directory, name));
                                break;
                        }
                        _at = next;
                        break;
                    case 1: // DW_LNS_copy
                        Emit(false);
                        break;
                    case 2: // DW_LNS_advance_pc
                        address += Uleb() * (ulong)minimumInstructionLength;
                        break;
                    case 3: // DW_LNS_advance_line
                        line += (int)Sleb();
                        break;
                    case 4: // DW_LNS_set_file
                        file = (int)Uleb();
                        break;
                    case 8: // DW_LNS_const_add_pc
                        address += (ulong)((255 - opcodeBase) / lineRange * minimumInstructionLength);
                        break;
                    case 9: // DW_LNS_fixed_advance_pc
                        address += (ulong)U16();
                        break;
                    default: // set_column, negate_stmt, basic_block, prologue_end, epilogue_begin, set_isa, and any newer one
                        for (int i = 0; i < argumentCounts[opcode]; i++)
                            Uleb();
                        break;
                }
            }
            if (rows.Count > 0)
                sequences.Add(rows);
            _at = end;
        }

        // A DWARF 5 directory or file name table: its format, then its entries.
        private List<(string Path, int Directory)> EntryTable(bool dwarf64)
        {
            int formatCount = data[_at++];
            var format = new List<(ulong Content, ulong Form)>();
            for (int i = 0; i < formatCount; i++)
                format.Add((Uleb(), Uleb()));
            ulong count = Uleb();
            var entries = new List<(string, int)>();
            for (ulong n = 0; n < count; n++)
            {
                string path = "";
                int directory = 0;
                foreach ((ulong content, ulong form) in format)
                {
                    ulong offsetOfValue = (ulong)_at;
                    switch (form)
                    {
                        case 0x08: // DW_FORM_string
                            string text = CString();
                            if (content == 1)
                                path = text;
                            break;
                        case 0x1f: // DW_FORM_line_strp
                        case 0x0e: // DW_FORM_strp
                            ulong raw = dwarf64 ? U64() : U32();
                            ulong offset = relocations.TryGetValue(offsetOfValue, out var relocation) ? (ulong)((long)relocation.Symbol.Value + relocation.Addend) : raw;
                            if (content == 1)
                                path = CStringAt(form == 0x1f ? lineStrings : strings, checked((int)offset));
                            break;
                        case 0x0b: SetNumber(content, data[_at++], ref directory); break; // data1
                        case 0x05: SetNumber(content, (ulong)U16(), ref directory); break; // data2
                        case 0x06: SetNumber(content, U32(), ref directory); break; // data4
                        case 0x07: SetNumber(content, U64(), ref directory); break; // data8
                        case 0x0f: SetNumber(content, Uleb(), ref directory); break; // udata
                        case 0x1e: _at += 16; break; // data16 (MD5)
                        case 0x09: _at += checked((int)Uleb()); break; // block
                        default: throw new InvalidDataException($"form 0x{form:x} in a line table header");
                    }
                }
                entries.Add((path, directory));
            }
            return entries;
        }

        private static void SetNumber(ulong content, ulong value, ref int directory)
        {
            if (content == 2) // DW_LNCT_directory_index
                directory = checked((int)value);
        }

        // A file's path as the table gives it: joined with its directory unless that is the
        // compilation directory (which names the machine the object was built on, not the source).
        private static string Join(List<string> directories, int directory, string name)
        {
            if (name.StartsWith('/') || directory <= 0 || directory >= directories.Count)
                return name;
            string dir = directories[directory];
            return dir.Length == 0 ? name : dir.TrimEnd('/') + "/" + name;
        }

        // An address in the program: the relocation there says which section it is in.
        private (int Section, ulong Address) Address(ulong offset, ulong raw) =>
            relocations.TryGetValue(offset, out var relocation) && relocation.Symbol.SectionIndex is > 0 and < 0xff00
                ? (relocation.Symbol.SectionIndex, (ulong)((long)relocation.Symbol.Value + relocation.Addend))
                : (-1, raw);

        private int U16() { int v = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(_at)); _at += 2; return v; }
        private uint U32() { uint v = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(_at)); _at += 4; return v; }
        private ulong U64() { ulong v = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(_at)); _at += 8; return v; }

        private ulong Uleb()
        {
            ulong result = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = data[_at++];
                if (shift < 64)
                    result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                    return result;
            }
        }

        private long Sleb()
        {
            long result = 0;
            int shift = 0;
            byte b;
            do
            {
                b = data[_at++];
                if (shift < 64)
                    result |= (long)(b & 0x7f) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            if (shift < 64 && (b & 0x40) != 0)
                result |= -1L << shift;
            return result;
        }

        private string CString()
        {
            string s = CStringAt(data, _at, out int end);
            _at = end + 1;
            return s;
        }

        private static string CStringAt(byte[] bytes, int at) => CStringAt(bytes, at, out _);

        private static string CStringAt(byte[] bytes, int at, out int end)
        {
            end = Array.IndexOf(bytes, (byte)0, at);
            if (end < 0)
                throw new InvalidDataException("unterminated string");
            return Encoding.UTF8.GetString(bytes, at, end - at);
        }
    }
}
