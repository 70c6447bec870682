using System.Text.RegularExpressions;

namespace KernelSharp.Tests.Unit;

// The README shows an abridged PowerOff and docs/scull.md an abridged scull write; every
// line they show must be a line of the sample, so an excerpt cannot drift from code that is
// built and booted by the integration tests.
public class ReadmeTests
{
    private static string Root => Drivers.Toolchain.Value.RequireRepository("the tests");

    private static string WithoutComment(string line) => Regex.Replace(line, @"\s*//.*$", "").Trim();

    [Fact]
    public void PowerOff_excerpt_lines_are_lines_of_the_sample()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Match excerpt = Regex.Match(readme, "```csharp\n(?<code>\\[KernelModule\\(\"poweroff\".*?)```", RegexOptions.Singleline);
        Assert.True(excerpt.Success, "the README has no PowerOff excerpt");
        var sample = File.ReadAllLines(Path.Combine(Root, "samples", "PowerOff", "PowerOff.cs")).Select(WithoutComment).ToHashSet();

        var lines = excerpt.Groups["code"].Value.Split('\n').Select(WithoutComment).Where(line => line.Length > 0).ToList();
        Assert.True(lines.Count >= 20, $"the excerpt has {lines.Count} code lines");
        foreach (string line in lines)
            Assert.True(sample.Contains(line), $"README line not in samples/PowerOff/PowerOff.cs: {line}");
    }

    [Fact]
    public void Scull_excerpt_lines_are_lines_of_the_sample()
    {
        string doc = File.ReadAllText(Path.Combine(Root, "docs", "scull.md"));
        Match excerpt = Regex.Match(doc, "```csharp\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.True(excerpt.Success, "docs/scull.md has no C# excerpt");
        var sample = Directory.GetFiles(Path.Combine(Root, "samples", "Scull"), "*.cs")
            .SelectMany(File.ReadAllLines).Select(WithoutComment).ToHashSet();

        var lines = excerpt.Groups["code"].Value.Split('\n').Select(WithoutComment).Where(line => line.Length > 0).ToList();
        Assert.True(lines.Count >= 15, $"the excerpt has {lines.Count} code lines");
        foreach (string line in lines)
            Assert.True(sample.Contains(line), $"docs/scull.md line not in samples/Scull: {line}");
    }

    [Fact]
    public void Guide_excerpts_are_lines_of_the_samples_and_its_commands_name_real_files()
    {
        string guide = File.ReadAllText(Path.Combine(Root, "docs", "guide.md"));
        var samples = Directory.GetFiles(Path.Combine(Root, "samples"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(File.ReadAllLines).Select(WithoutComment).ToHashSet();
        var excerpts = Regex.Matches(guide, "```csharp\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.True(excerpts.Count >= 10, $"the guide has {excerpts.Count} C# excerpts");
        foreach (Match excerpt in excerpts)
            foreach (string line in excerpt.Groups["code"].Value.Split('\n').Select(WithoutComment).Where(line => line.Length > 0))
                Assert.True(samples.Contains(line), $"docs/guide.md line not in any sample: {line}");
        // Every sample directory and script a command names exists, and the guide runs every
        // sample's demo script.
        var named = Regex.Matches(guide, @"samples/[A-Za-z]+(/[a-z]+\.sh)?").Select(m => m.Value).Distinct().ToList();
        foreach (string path in named)
            Assert.True(File.Exists(Path.Combine(Root, path)) || Directory.Exists(Path.Combine(Root, path)), $"docs/guide.md names {path}, which does not exist");
        var demos = Directory.GetFiles(Path.Combine(Root, "samples"), "demo.sh", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(demos);
        Assert.Equal(demos, named.Where(path => path.EndsWith(".sh", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_two_commands_are_the_ones_ci_and_the_launcher_use()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Assert.Contains("./ksharp demo", readme);
        Assert.Contains("./ksharp test", readme);
        Assert.Contains("./ksharp test", File.ReadAllText(Path.Combine(Root, ".ci", "run")));
        string launcher = File.ReadAllText(Path.Combine(Root, "ksharp"));
        Assert.Contains("    demo)", launcher);
        Assert.Contains("    test)", launcher);
    }
}
