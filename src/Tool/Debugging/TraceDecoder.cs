using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using KernelSharp.Tool.Build;
using KernelSharp.Tool.MachineCode;

namespace KernelSharp.Tool.Debugging;

/// <summary>
/// One frame as the kernel prints it in an oops or a stack dump: <c>SYMBOL+0xOFFSET/0xSIZE [MODULE]</c>,
/// in a call trace line (<c> ? </c> before it when the unwinder guessed) or after <c>RIP: 0010:</c>.
/// </summary>
/// <param name="IsRip">The faulting instruction itself; every other frame is a return address, which points after its call.</param>
public sealed partial record TraceFrame(string Symbol, ulong Offset, ulong Size, string? Module, bool IsRip)
{
    // [    3.301115]  ksfaults_write+0xda/0x100 [ksfaults]
    // [    3.303215] RIP: 0010:ksfaults_warn+0x15/0x20 [ksfaults]
    [GeneratedRegex(@"^(?:\[[ 0-9.]+\] ?)?(?:(?<rip>RIP: [0-9a-f]{4}:)|\s+(?:\? )?)(?<symbol>[^\s+]+)\+0x(?<offset>[0-9a-f]+)/0x(?<size>[0-9a-f]+)(?: \[(?<module>[\w-]+)\])?\s*$")]
    private static partial Regex FramePattern();

    /// <summary>The frame a kernel log line shows, or null for any other line.</summary>
    public static TraceFrame? Parse(string line)
    {
        Match match = FramePattern().Match(line.TrimEnd('\r'));
        if (!match.Success)
            return null;
        return new TraceFrame(match.Groups["symbol"].Value,
            ulong.Parse(match.Groups["offset"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ulong.Parse(match.Groups["size"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            match.Groups["module"].Success ? match.Groups["module"].Value : null,
            match.Groups["rip"].Success);
    }
}

/// <summary>Where a C# frame came from: its C# name and, in a debug build, its file and line.</summary>
public sealed record CSharpLocation(string Name, string? File, int Line)
{
    public override string ToString() => File is null ? Name : $"{Name} ({File}:{Line})";
}

/// <summary>
/// A module's .ko as <c>ksharp decode</c> reads it: its symbols, its line table (the C# lines a
/// debug build's assembly gave the assembler) and the C# names of its functions
/// (<see cref="CSharpDebugInfo.NamesSection"/>).
/// </summary>
public sealed class ModuleSymbols
{
    public string Name { get; }
    public string Path { get; }
    /// <summary>Whether the module was built with its C# lines and names (ksharp build --debug).</summary>
    public bool HasCSharpDebugInfo => _names.Count > 0;

    private readonly Dictionary<string, List<ElfObject.Symbol>> _symbols;
    private readonly Dictionary<string, string> _names;
    private readonly DwarfLineTable _lines;

    private ModuleSymbols(string name, string path, ElfObject elf, Dictionary<string, string> names, DwarfLineTable lines)
    {
        Name = name;
        Path = path;
        _symbols = elf.Symbols.Where(s => s.SectionIndex is > 0 and < 0xff00 && s.Name.Length > 0 && s.Type is 0 or 2
                && (elf.Sections[s.SectionIndex].Flags & 0x4 /* SHF_EXECINSTR */) != 0)
            .GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.IsFunction).ToList(), StringComparer.Ordinal);
        _names = names;
        _lines = lines;
    }

    /// <summary>Reads a .ko; its name is the one its .modinfo gives the kernel (else the file's).</summary>
    public static ModuleSymbols Load(string path)
    {
        ElfObject elf;
        try
        {
            elf = ElfObject.Read(File.ReadAllBytes(path));
        }
        catch (BuildError e)
        {
            throw new BuildError($"{path}: not a kernel module ({e.Message})");
        }
        string name = System.IO.Path.GetFileNameWithoutExtension(path).Replace('-', '_');
        if (elf.Sections.FirstOrDefault(s => s.Name == ".modinfo") is { } modinfo)
            foreach (string entry in Encoding.UTF8.GetString(elf.Contents(modinfo)).Split('\0'))
                if (entry.StartsWith("name=", StringComparison.Ordinal))
                    name = entry[5..];
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (elf.Sections.FirstOrDefault(s => s.Name == CSharpDebugInfo.NamesSection) is { } section)
            foreach (string line in Encoding.UTF8.GetString(DwarfLineTable.Contents(elf, section)).Split('\n'))
                if (line.Split('\t') is [var symbol, var csharp])
                    names[symbol] = csharp;
        return new ModuleSymbols(name, path, elf, names, names.Count > 0 ? DwarfLineTable.Read(elf) : DwarfLineTable.Empty);
    }

    /// <summary>The C# name and line of a frame in this module; null when the frame is not C# (glue, shims) or its symbol is not here.</summary>
    public CSharpLocation? Find(TraceFrame frame)
    {
        if (!_names.TryGetValue(frame.Symbol, out string? name) || !_symbols.TryGetValue(frame.Symbol, out var candidates))
            return null;
        ElfObject.Symbol symbol = candidates[0];
        // A return address is the instruction after the call, which may be the next line's (or,
        // after a call that never returns, the next function's): the call itself is one byte before.
        ulong offset = frame.IsRip || frame.Offset == 0 ? frame.Offset : frame.Offset - 1;
        DwarfLineTable.Row? row = _lines.Find(symbol.SectionIndex, symbol.Value + offset, symbol.Value);
        return row is { Line: > 0 } ? new CSharpLocation(name, row.File, row.Line) : new CSharpLocation(name, null, 0);
    }
}

/// <summary>
/// <c>ksharp decode</c>: a kernel log with each C# frame followed by its C# name and line,
/// <c>Namespace.Type.Method (File.cs:line)</c>, as the kernel's decode_stacktrace.sh does for C.
/// Every other line passes through unchanged.
/// </summary>
public sealed class TraceDecoder(IReadOnlyList<ModuleSymbols> modules)
{
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>Said once for each module the log names that was built without its C# lines.</summary>
    public event Action<string>? Note;

    /// <summary>The C# location of the frame on <paramref name="line"/>, or null.</summary>
    public CSharpLocation? Find(string line)
    {
        if (TraceFrame.Parse(line) is not { Module: { } name } frame)
            return null;
        ModuleSymbols? module = modules.FirstOrDefault(m => m.Name == name);
        if (module is null)
            return null;
        if (!module.HasCSharpDebugInfo)
        {
            if (_warned.Add(name))
                Note?.Invoke($"{module.Path} has no C# line information: build it with --debug (or the Debug configuration)");
            return null;
        }
        return module.Find(frame);
    }

    /// <summary>The line, followed by the C# location of its frame if it shows a C# one.</summary>
    public string Decode(string line) => Find(line) is { } location ? $"{line.TrimEnd('\r')} {location}" : line;

    public void Decode(TextReader input, TextWriter output)
    {
        for (string? line; (line = input.ReadLine()) is not null;)
            output.WriteLine(Decode(line));
    }

    /// <summary>
    /// The modules <c>--module</c> names: a .ko, or a directory with .ko files; for a driver project,
    /// its <c>bin/</c> (ksharp build's) or <c>bin/Debug/</c> (the SDK's Debug configuration).
    /// </summary>
    public static List<ModuleSymbols> LoadModules(IEnumerable<string> arguments)
    {
        var modules = new List<ModuleSymbols>();
        foreach (string argument in arguments)
        {
            if (File.Exists(argument))
            {
                modules.Add(ModuleSymbols.Load(argument));
                continue;
            }
            if (!Directory.Exists(argument))
                throw new BuildError($"--module {argument}: no such .ko or directory");
            var found = new[] { argument, System.IO.Path.Combine(argument, "bin"), System.IO.Path.Combine(argument, "bin", "Debug") }
                .Where(Directory.Exists)
                .Select(directory => Directory.EnumerateFiles(directory, "*.ko").Order(StringComparer.Ordinal).ToList())
                .FirstOrDefault(files => files.Count > 0)
                ?? throw new BuildError($"--module {argument}: no .ko in it, its bin/ or its bin/Debug/ (build the driver first)");
            modules.AddRange(found.Select(ModuleSymbols.Load));
        }
        return modules;
    }
}
