using Iced.Intel;

namespace KernelSharp.Tool.MachineCode;

/// <summary>
/// Ends the code after calls that never return, as objtool expects. RyuJIT does not know that
/// ThrowHelpers.Fail (a kernel BUG through ksharp_panic) never returns, so code follows calls
/// to it and to the helpers that call it. objtool knows: a function without a return is a
/// dead end, so what follows a call to one is unreachable, and it warns ("unreachable
/// instruction", "missing a __noreturn annotation"). The pass finds the same dead ends
/// (objtool's rule: no RET, no tail call to a function that returns), puts ud2 after each
/// call to one (as the kernel's C compiler does after a __noreturn call; on 6.1, objtool checks
/// the C# object alone and does not see into the shims) and drops the code nothing reaches.
/// </summary>
public sealed class NoReturnRewriter(CodeSymbols symbols)
{
    public int CallsEnded { get; private set; }
    public int LinesDropped { get; private set; }

    /// <param name="externalNoReturn">Functions outside the object that never return (the shims' __noreturn ones).</param>
    public void Rewrite(List<CodePiece> pieces, IReadOnlySet<string> externalNoReturn)
    {
        var noReturn = DeadEnds(pieces, externalNoReturn);
        foreach (CodePiece piece in pieces)
        {
            bool[] reachable = Reachable(piece, noReturn);
            for (int i = 0; i < piece.Lines.Count; i++)
            {
                CodeLine line = piece.Lines[i];
                if (!reachable[i])
                {
                    if (line is OriginalInstruction or GeneratedAssembly { Lines.Length: > 0 })
                        LinesDropped++;
                    piece.Lines[i] = new GeneratedAssembly(line.Origin);
                }
                else if (CallTarget(line) is { } callee && noReturn.Contains(callee))
                {
                    piece.Lines[i] = (GeneratedAssembly)line with { Lines = [.. ((GeneratedAssembly)line).Lines, "ud2"] };
                    CallsEnded++;
                }
            }
        }
    }

    private static string? CallTarget(CodeLine line) => line is GeneratedAssembly { Branch.Mnemonic: Mnemonic.Call } call ? call.BranchSymbol : null;

    private static string? TailTarget(CodeLine line) => line is GeneratedAssembly { Branch.Mnemonic: Mnemonic.Jmp } jump ? jump.BranchSymbol : null;

    // objtool's dead_end_function: no return anywhere, and every tail call goes to a dead end.
    private static HashSet<string> DeadEnds(List<CodePiece> pieces, IReadOnlySet<string> external)
    {
        var dead = new HashSet<string>(external, StringComparer.Ordinal);
        var bySymbol = pieces.ToDictionary(p => p.Symbol);
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (CodePiece piece in pieces)
            {
                if (dead.Contains(piece.Symbol) || piece.Lines.Any(l => l is GeneratedAssembly g && g.Lines.Contains("RET")))
                    continue;
                var tails = piece.Lines.Select(TailTarget).OfType<string>().Where(t => t != piece.Symbol).ToList();
                if (tails.All(dead.Contains) && piece.Lines.Count > 0)
                {
                    dead.Add(piece.Symbol);
                    changed = true;
                }
            }
        }
        return dead;
    }

    private bool[] Reachable(CodePiece piece, HashSet<string> noReturn)
    {
        int count = piece.Lines.Count;
        var firstOf = new Dictionary<ulong, int>();
        for (int i = 0; i < count; i++)
            firstOf.TryAdd(piece.Lines[i].Origin, i);
        var reachable = new bool[count];
        var work = new Stack<int>();
        work.Push(0);
        // Places reached from outside the straight control flow (jump table cases, taken addresses).
        foreach (var (origin, index) in firstOf)
            if (symbols.IsOtherwiseReached(piece.Section.Index, origin))
                work.Push(index);
        while (work.Count > 0)
        {
            int i = work.Pop();
            if (i >= count || reachable[i])
                continue;
            reachable[i] = true;
            CodeLine line = piece.Lines[i];
            bool fallsThrough = true;
            switch (line)
            {
                case OriginalInstruction { Instruction.Mnemonic: Mnemonic.Int3 or Mnemonic.Ud2 }:
                    fallsThrough = false;
                    break;
                case GeneratedAssembly { Branch: { } branch } generated:
                    if (branch.FlowControl == FlowControl.Call)
                        fallsThrough = CallTarget(generated) is not { } callee || !noReturn.Contains(callee);
                    else
                    {
                        if (firstOf.TryGetValue(branch.NearBranchTarget, out int target) && branch.NearBranchTarget >= piece.Start && branch.NearBranchTarget < piece.End)
                            work.Push(target);
                        fallsThrough = branch.FlowControl == FlowControl.ConditionalBranch;
                    }
                    break;
                case GeneratedAssembly generated:
                    fallsThrough = !generated.EndsFlow;
                    break;
            }
            if (fallsThrough)
                work.Push(i + 1);
        }
        return reachable;
    }
}
