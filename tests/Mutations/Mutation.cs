namespace KernelSharp.Mutations;

/// <summary>
/// One known-bad change: in <see cref="File"/>, the text <see cref="Find"/> (which must occur exactly once) becomes
/// <see cref="Replace"/>. <see cref="Tests"/> is the dotnet test filter to run; the mutation is caught when a failed
/// test's name contains <see cref="CaughtBy"/> and, if given, its message contains <see cref="Reason"/>.
/// </summary>
public sealed record Mutation(string Name, string What, IReadOnlyList<string> Tags, string File, string Tests,
    string CaughtBy, string? Reason, string Find, string Replace)
{
    /// <summary>The kernel the tests must run on (<c>kernel: 6.1-debug</c> for a bug only the debug kernel's checkers
    /// see); <see langword="null"/>: the one the run was given.</summary>
    public string? Kernel { get; init; }

    /// <summary>The mutated text of the file.</summary>
    public string Apply(string original)
    {
        int at = original.IndexOf(Find, StringComparison.Ordinal);
        if (at < 0)
            throw new MutationException($"{File} no longer contains the text to change; update mutations.md");
        if (original.IndexOf(Find, at + 1, StringComparison.Ordinal) >= 0)
            throw new MutationException($"{File} contains the text to change more than once; make it unique in mutations.md");
        return original[..at] + Replace + original[(at + Find.Length)..];
    }
}

/// <summary>A mutation that cannot be applied or judged: the list is out of date.</summary>
public sealed class MutationException(string message) : Exception(message);

/// <summary>
/// Reads mutations.md: each mutation is a "## name: what it breaks" heading, "key: value" lines (tags, file,
/// tests, caught-by, reason, kernel) and two fenced blocks, "~~~ find" and "~~~ replace" (closed by "~~~").
/// </summary>
public static class MutationList
{
    public static IReadOnlyList<Mutation> Parse(string text)
    {
        var mutations = new List<Mutation>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("## ", StringComparison.Ordinal))
                continue;
            string heading = lines[i][3..];
            int colon = heading.IndexOf(':');
            if (colon < 0)
                throw new MutationException($"mutations.md line {i + 1}: a heading is '## name: what it breaks'");
            var fields = new Dictionary<string, string>();
            var blocks = new Dictionary<string, string>();
            for (i++; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
            {
                // A block runs to the next fence: "~~~" closes it, "~~~ replace" also opens the next.
                if (lines[i].StartsWith("~~~ ", StringComparison.Ordinal))
                {
                    i = ReadBlocks(lines, i, blocks);
                }
                else if (lines[i].IndexOf(": ", StringComparison.Ordinal) is > 0 and var separator && !lines[i].StartsWith(' '))
                {
                    fields[lines[i][..separator].Trim()] = lines[i][(separator + 2)..].Trim();
                }
            }
            i--;
            string Field(string key) => fields.TryGetValue(key, out var value) ? value
                : throw new MutationException($"mutation {heading[..colon]}: no '{key}:' line");
            mutations.Add(new Mutation(
                heading[..colon].Trim(), heading[(colon + 1)..].Trim(),
                fields.TryGetValue("tags", out var tags) ? tags.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [],
                Field("file"), Field("tests"), Field("caught-by"), fields.GetValueOrDefault("reason"),
                blocks.TryGetValue("find", out var find) ? find : throw new MutationException($"mutation {heading[..colon]}: no '~~~ find' block"),
                blocks.TryGetValue("replace", out var replace) ? replace : throw new MutationException($"mutation {heading[..colon]}: no '~~~ replace' block"))
            {
                Kernel = fields.GetValueOrDefault("kernel"),
            });
        }
        return mutations;
    }

    /// <summary>Reads fenced blocks from line <paramref name="i"/>: each runs to the next fence; "~~~" closes it,
    /// "~~~ replace" also opens the next. Returns the index of the closing fence.</summary>
    private static int ReadBlocks(string[] lines, int i, Dictionary<string, string> blocks)
    {
        while (i < lines.Length && lines[i].StartsWith("~~~ ", StringComparison.Ordinal))
        {
            string block = lines[i][4..].Trim();
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].StartsWith("~~~", StringComparison.Ordinal); i++)
                body.Add(lines[i]);
            blocks[block] = string.Join('\n', body);
        }
        return i;
    }
}
