using System.Buffers.Binary;
using System.Text;

namespace KernelSharp.Tool.Build;

/// <summary>
/// Just enough of an ELF64 little-endian relocatable object (what ILCompiler writes) to
/// check it before kbuild: its sections, symbols and relocations.
/// </summary>
public sealed class ElfObject
{
    public sealed record Section(int Index, string Name, uint Type, ulong Flags, long Offset, long Size, uint Link, uint Info, long EntrySize, long Alignment = 1);
    public sealed record Symbol(string Name, ulong Value, ulong Size, int Binding, int Type, int SectionIndex, int Visibility = 0)
    {
        public bool IsUndefined => SectionIndex == 0 && Name.Length > 0;
        public bool IsFunction => Type == 2;
    }
    public sealed record Relocation(Section Target, ulong Offset, uint Type, Symbol Symbol, long Addend);

    public IReadOnlyList<Section> Sections { get; }
    public IReadOnlyList<Symbol> Symbols { get; }
    public IReadOnlyList<Relocation> Relocations { get; }
    private readonly byte[] _data;

    private ElfObject(byte[] data, IReadOnlyList<Section> sections, IReadOnlyList<Symbol> symbols, IReadOnlyList<Relocation> relocations)
    {
        _data = data;
        Sections = sections;
        Symbols = symbols;
        Relocations = relocations;
    }

    /// <summary>The contents of a section (empty for one without file data, such as .bss).</summary>
    public ReadOnlySpan<byte> Contents(Section section) =>
        section.Type == 8 /* SHT_NOBITS */ ? [] : _data.AsSpan(checked((int)section.Offset), checked((int)section.Size));

    public static ElfObject Read(byte[] data)
    {
        try
        {
            return Parse(data);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException or ArgumentException)
        {
            throw new BuildError($"the compiled C# object is malformed ({e.Message})");
        }
    }

    private static ElfObject Parse(byte[] data)
    {
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            throw new BuildError("the compiled C# object is not an ELF file");
        if (data[4] != 2 || data[5] != 1)
            throw new BuildError("the compiled C# object is not 64-bit little-endian ELF");
        if (U16(data, 16) != 1 /* ET_REL */ || U16(data, 18) != 62 /* EM_X86_64 */)
            throw new BuildError("the compiled C# object is not an x86-64 relocatable object");

        long sectionTable = (long)U64(data, 40);
        int sectionEntrySize = U16(data, 58), sectionCount = U16(data, 60), namesIndex = U16(data, 62);
        var raw = new List<(uint Name, uint Type, ulong Flags, long Offset, long Size, uint Link, uint Info, long Alignment, long EntrySize)>();
        for (int i = 0; i < sectionCount; i++)
        {
            int at = checked((int)(sectionTable + (long)i * sectionEntrySize));
            raw.Add((U32(data, at), U32(data, at + 4), U64(data, at + 8), (long)U64(data, at + 24), (long)U64(data, at + 32),
                U32(data, at + 40), U32(data, at + 44), (long)U64(data, at + 48), (long)U64(data, at + 56)));
        }
        long names = raw[namesIndex].Offset;
        var sections = raw.Select((s, i) => new Section(i, CString(data, names + s.Name), s.Type, s.Flags, s.Offset, s.Size, s.Link, s.Info, s.EntrySize, Math.Max(1, s.Alignment))).ToList();

        var symbols = new List<Symbol>();
        Section? symtab = sections.FirstOrDefault(s => s.Type == 2 /* SHT_SYMTAB */);
        if (symtab is not null)
        {
            long strings = sections[(int)symtab.Link].Offset;
            for (long at = symtab.Offset; at < symtab.Offset + symtab.Size; at += 24)
            {
                int a = checked((int)at);
                byte info = data[a + 4];
                symbols.Add(new Symbol(CString(data, strings + U32(data, a)), U64(data, a + 8), U64(data, a + 16), info >> 4, info & 0xf, U16(data, a + 6), data[a + 5] & 3));
            }
        }

        if (sections.FirstOrDefault(s => s.Type == 9 /* SHT_REL */) is { } rel)
            throw new BuildError($"the compiled C# object has REL relocations ({rel.Name}); x86-64 modules use RELA only");
        var relocations = new List<Relocation>();
        foreach (Section rela in sections.Where(s => s.Type == 4 /* SHT_RELA */))
        {
            Section target = sections[(int)rela.Info];
            for (long at = rela.Offset; at < rela.Offset + rela.Size; at += 24)
            {
                int a = checked((int)at);
                ulong info = U64(data, a + 8);
                relocations.Add(new Relocation(target, U64(data, a), (uint)(info & 0xffffffff), symbols[(int)(info >> 32)], (long)U64(data, a + 16)));
            }
        }
        return new ElfObject(data, sections, symbols, relocations);
    }

    /// <summary>The function symbol whose code contains <paramref name="offset"/> in <paramref name="section"/>.</summary>
    public Symbol? FunctionAt(Section section, ulong offset) =>
        Symbols.Where(s => s.SectionIndex == section.Index && s.Value <= offset && (s.Size == 0 ? s.IsFunction : offset < s.Value + s.Size))
            .OrderByDescending(s => s.Value).FirstOrDefault();

    /// <summary>
    /// x86-64 relocation types the kernel's module loader applies correctly to a module
    /// (arch/x86/kernel/module.c). R_X86_64_32 is left out: the loader knows it, but a
    /// module lives in the top 2 GiB, where a zero-extended 32-bit address always overflows.
    /// </summary>
    public static readonly IReadOnlyDictionary<uint, string> LoaderAcceptedRelocations = new Dictionary<uint, string>
    {
        [0] = "R_X86_64_NONE", [1] = "R_X86_64_64", [2] = "R_X86_64_PC32", [4] = "R_X86_64_PLT32",
        [11] = "R_X86_64_32S", [24] = "R_X86_64_PC64",
    };

    public static string RelocationName(uint type) => LoaderAcceptedRelocations.TryGetValue(type, out string? name) ? name : type switch
    {
        9 => "R_X86_64_GOTPCREL", 3 => "R_X86_64_GOT32", 10 => "R_X86_64_32", 16 => "R_X86_64_DTPMOD64", 17 => "R_X86_64_DTPOFF64",
        18 => "R_X86_64_TPOFF64", 19 => "R_X86_64_TLSGD", 20 => "R_X86_64_TLSLD", 21 => "R_X86_64_DTPOFF32",
        22 => "R_X86_64_GOTTPOFF", 23 => "R_X86_64_TPOFF32", 41 => "R_X86_64_GOTPCRELX", 42 => "R_X86_64_REX_GOTPCRELX",
        _ => $"relocation type {type}",
    };

    private static ushort U16(byte[] d, long at) => BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(checked((int)at)));
    private static uint U32(byte[] d, long at) => BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(checked((int)at)));
    private static ulong U64(byte[] d, long at) => BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(checked((int)at)));

    private static string CString(byte[] d, long at)
    {
        int start = checked((int)at), end = start;
        while (end < d.Length && d[end] != 0)
            end++;
        return Encoding.UTF8.GetString(d, start, end - start);
    }
}
