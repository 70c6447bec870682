using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// Names for places in the generated assembly. Code moves when the pass rewrites it, so every
/// reference into code goes through a name the assembler resolves: a piece's symbol for its
/// start, a local label for any other instruction. Data keeps its layout and its symbols.
/// </summary>
public sealed class CodeSymbols
{
    private readonly ElfObject _elf;
    private readonly Dictionary<(int Section, ulong Offset), CodePiece> _pieceStarts;
    private readonly List<CodePiece> _pieces;
    private readonly HashSet<(int Section, ulong Offset)> _labels = [];
    private readonly HashSet<(int Section, ulong Offset)> _otherwiseReached = [];

    public CodeSymbols(ElfObject elf, List<CodePiece> pieces)
    {
        _elf = elf;
        _pieces = pieces;
        _pieceStarts = pieces.ToDictionary(p => (p.Section.Index, p.Start));
    }

    /// <summary>The places in code that need a label, by section and original offset.</summary>
    public IReadOnlySet<(int Section, ulong Offset)> Labels => _labels;

    public bool IsPieceStart(ElfObject.Section section, ulong offset) => _pieceStarts.ContainsKey((section.Index, offset));

    public static string LabelName(int section, ulong offset) => $".L{section}_{offset:x}";

    /// <summary>
    /// Labels reached other than by a direct branch the decoder kept (a jump table's case, a
    /// code address in data or in a lea): analyses that follow branches know nothing there.
    /// </summary>
    public bool IsOtherwiseReached(int section, ulong offset) => _otherwiseReached.Contains((section, offset));

    /// <summary>The name of an original code address: the piece that starts there, or a label.</summary>
    /// <param name="directBranch">The reference is a direct branch kept in the code (with its Branch instruction).</param>
    public string CodeAddress(ElfObject.Section section, ulong offset, bool directBranch = false)
    {
        if (!directBranch)
            _otherwiseReached.Add((section.Index, offset));
        if (_pieceStarts.TryGetValue((section.Index, offset), out CodePiece? piece))
            return Quote(piece.Symbol);
        if (!_pieces.Any(p => p.Section == section && offset >= p.Start && offset < p.End))
            throw new BuildError($"the compiled C# refers to {section.Name}+0x{offset:x}, which is in no method");
        _labels.Add((section.Index, offset));
        return LabelName(section.Index, offset);
    }

    /// <summary>
    /// An assembler expression for the address <paramref name="symbol"/> + <paramref name="offset"/>.
    /// </summary>
    public string Address(ElfObject.Symbol symbol, long offset)
    {
        if (symbol.SectionIndex is > 0 and < 0xff00 && CodeLayout.IsCode(_elf.Sections[symbol.SectionIndex]))
            return CodeAddress(_elf.Sections[symbol.SectionIndex], (ulong)((long)symbol.Value + offset));
        string name = symbol.Type == 3 /* STT_SECTION */ ? SectionLabel(symbol.SectionIndex) : Quote(symbol.Name);
        return Plus(name, offset);
    }

    public static string SectionLabel(int section) => $".Lsection{section}";

    public static string Plus(string name, long offset) => offset switch
    {
        0 => name,
        > 0 => $"{name}+{offset}",
        _ => $"{name}-{-offset}",
    };

    /// <summary>
    /// A symbol name as the assembler reads it, always quoted: C# names hold '&lt;' and ',', and
    /// the C preprocessor that runs over a .S file never expands a macro inside quotes.
    /// </summary>
    public static string Quote(string name) => "\"" + name.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>The name <see cref="Quote"/> made <paramref name="expression"/> from, or null for anything else (a label, symbol+offset).</summary>
    public static string? Unquote(string expression) =>
        expression.Length >= 2 && expression[0] == '"' && expression[^1] == '"' && expression.IndexOf('"', 1) == expression.Length - 1
            ? expression[1..^1] : null;
}
