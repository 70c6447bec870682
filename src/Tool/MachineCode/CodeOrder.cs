using Iced.Intel;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// The order functions go into the generated assembly: each entry point the C glue calls
/// (file operations first: they run on every system call; init and exit once), followed
/// depth-first by what it calls directly, except calls that never return (the failure
/// paths), then everything else in ILCompiler's order. A system call's path through the C# then lies on few pages instead of being spread
/// over the whole module: under QEMU's TCG, the emulator the tests and benchmarks run in, a
/// call or jump to another page costs a lookup that one within a page does not (on hardware,
/// the same locality saves i-cache and TLB misses).
/// </summary>
public static class CodeOrder
{
    /// <param name="entryRank">For a piece the C glue calls, its rank (lower first); null for any other.</param>
    public static List<CodePiece> Arrange(IReadOnlyList<CodePiece> pieces, Func<CodePiece, int?> entryRank)
    {
        var bySymbol = pieces.ToDictionary(p => p.Symbol);
        var placed = new HashSet<CodePiece>();
        var order = new List<CodePiece>();
        void Visit(CodePiece piece)
        {
            var stack = new Stack<CodePiece>();
            stack.Push(piece);
            while (stack.Count > 0)
            {
                CodePiece next = stack.Pop();
                if (!placed.Add(next))
                    continue;
                order.Add(next);
                // Callees in the order the piece calls them: pushed in reverse, popped first to last.
                var callees = next.Lines.OfType<GeneratedAssembly>()
                    .Where(g => g.Branch is { } b && (b.FlowControl == FlowControl.Call || b.FlowControl == FlowControl.UnconditionalBranch)
                        && !g.Lines.Contains("ud2"))
                    .Select(g => g.BranchSymbol is { } symbol ? bySymbol.GetValueOrDefault(symbol) : null)
                    .OfType<CodePiece>().Where(c => !placed.Contains(c)).ToList();
                for (int i = callees.Count - 1; i >= 0; i--)
                    stack.Push(callees[i]);
            }
        }
        foreach (CodePiece entry in pieces.Where(p => entryRank(p) is not null).OrderBy(p => entryRank(p)))
            Visit(entry);
        foreach (CodePiece piece in pieces)
            if (!placed.Contains(piece))
            {
                placed.Add(piece);
                order.Add(piece);
            }
        return order;
    }
}
