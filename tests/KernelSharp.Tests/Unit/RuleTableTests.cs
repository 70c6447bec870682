using KernelSharp.Analyzers;
using Microsoft.CodeAnalysis;

namespace KernelSharp.Tests.Unit;

/// <summary>The rule table (src/Analyzers/Rules.cs) and its pages in docs/diagnostics stay in step.</summary>
public class RuleTableTests
{
    private static string Docs => Path.Combine(Tool.Build.Toolchain.Locate().RepositoryRoot!, "docs", "diagnostics");

    [Fact]
    public void Ids_are_unique_and_numbered_in_order()
    {
        Assert.Equal(Enumerable.Range(1, Rules.All.Count).Select(n => $"KS{n:0000}"), Rules.All.Select(rule => rule.Id));
    }

    [Fact]
    public void Every_rule_has_a_page_with_its_title_and_severity_and_the_index_lists_it()
    {
        string index = File.ReadAllText(Path.Combine(Docs, "README.md"));
        foreach (Rule rule in Rules.All)
        {
            string page = File.ReadAllText(Path.Combine(Docs, rule.Id + ".md"));
            Assert.StartsWith($"# {rule.Id}: {rule.Title}\n", page);
            string severity = rule.Descriptor.DefaultSeverity == DiagnosticSeverity.Error ? "error" : "warning";
            Assert.Contains($"Severity: {severity}.", page);
            Assert.Contains($"| [{rule.Id}]({rule.Id}.md) | {severity} | {rule.Title} |", index);
            Assert.Contains($"docs/diagnostics/{rule.Id}.md", rule.Descriptor.Description.ToString());
        }
        Assert.Equal(Rules.All.Count, Directory.GetFiles(Docs, "KS*.md").Length);
    }

    [Fact]
    public void The_analyzer_reports_exactly_the_rules_of_the_table()
    {
        Assert.Equal(Rules.All.Select(rule => rule.Id), new DriverRulesAnalyzer().SupportedDiagnostics.Select(d => d.Id));
    }
}
