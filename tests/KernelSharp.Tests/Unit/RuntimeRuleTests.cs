using System.Collections.Immutable;
using KernelSharp.Analyzers;
using KernelSharp.Tool.Build;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelSharp.Tests.Unit;

/// <summary>
/// The rules that say in the C# what kernel C# has no runtime for (KS0009 managed allocation,
/// KS0010 throw, KS0011 floating point, KS0012 static initializers that need the kernel), run as
/// the analyzer editors and dotnet build load. Each refused form has its line and column; each
/// allowed look-alike builds clean.
/// </summary>
public class RuntimeRuleTests
{
    /// <summary>The analyzer's findings for a module with these members (line 7 is the first), as the tool prints them.</summary>
    internal static List<string> Findings(string members, params string[] otherFiles)
    {
        var trees = new List<SyntaxTree> { DriverCompiler.ParseText(Drivers.Module(members), "Snippet.cs") };
        trees.AddRange(otherFiles.Select((text, i) => DriverCompiler.ParseText(Drivers.Usings + text, $"Other{i}.cs")));
        var compilation = Drivers.Compiler.CreateCompilation("Snippet", trees);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return Analyze(compilation).Select(SourcePosition.Format).ToList();
    }

    private static ImmutableArray<Diagnostic> Analyze(Compilation compilation) =>
        compilation.WithAnalyzers([new DriverRulesAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

    [Theory]
    [InlineData("private sealed class Box { } public static object Make() => new Box();", "Snippet.cs(7,65): error KS0009: 'new Box' allocates a managed object")]
    [InlineData("public static int Sum(int n) { int[] a = new int[n]; return a.Length; }", "Snippet.cs(7,46): error KS0009: 'new int[n]' allocates a managed array")]
    [InlineData("public static object Box(int n) => n;", "Snippet.cs(7,40): error KS0009: this boxes a Int32 into an object")]
    [InlineData("public delegate int Count(); public static Count Later(int n) => () => n;", "Snippet.cs(7,70): error KS0009: this makes a delegate")]
    [InlineData("public static string Join(string a, string b) => a + b;", "Snippet.cs(7,54): error KS0009: this joins strings at run time")]
    [InlineData("public static int Count(params int[] values) => values.Length; public static int Three() => Count(1, 2, 3);", "Snippet.cs(7,97): error KS0009: this call passes its params arguments in a new array")]
    [InlineData("public static int[] Pair() => [1, 2];", "Snippet.cs(7,35): error KS0009: this collection expression makes a managed array")]
    [InlineData("public static void Fail() => throw new Exception();", "Snippet.cs(7,34): error KS0010: this throws 'Exception'")]
    [InlineData("public static int Half(int n) => (int)(n * 0.5);", "Snippet.cs(7,44): error KS0011: 'n * 0.5' is double arithmetic")]
    [InlineData("private static float s_scale;", "Snippet.cs(7,26): error KS0011: field 's_scale' is float")]
    [InlineData("public static int Round(double value) => 0;", "Snippet.cs(7,29): error KS0011: parameter 'value' is double")]
    [InlineData("private static readonly ulong s_start = KernelSharp.Time.Jiffies.Now;", "Snippet.cs(7,45): error KS0012: the initializer of SnippetModule.s_start calls 'Jiffies.Now', which reaches the kernel")]
    [InlineData("private static readonly int s_size = Size(); private static int Size() { KernelSharp.Memory.KernelBuffer.Allocate(8, KernelSharp.Memory.Gfp.Kernel, out var b); int n = b.Length; b.Dispose(); return n; }",
        "Snippet.cs(7,42): error KS0012: the initializer of SnippetModule.s_size calls 'SnippetModule.Size', which calls 'KernelBuffer.Allocate', which reaches the kernel")]
    public void Refused_forms_are_reported_at_their_line_and_column(string members, string expected)
    {
        var findings = Findings(members);
        Assert.Contains(findings, finding => finding.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("private struct Point { public int X; } public static int Make() => new Point { X = 1 }.X;")]
    [InlineData("public static int Stack() { Span<byte> b = stackalloc byte[16]; return b.Length; }")]
    [InlineData("public static ReadOnlySpan<byte> Table => new byte[] { 1, 2, 3 };")]
    [InlineData("public static ReadOnlySpan<byte> Table => [1, 2, 3];")]
    [InlineData("private static readonly int[] s_primes = { 2, 3, 5, 7 };")]
    [InlineData("public static void Say(int n) => Log.Info($\"n={n}\");")]
    [InlineData("public static int Total<T>(T value) where T : IUtf8SpanFormattable => 0; public static int Use() => Total(5);")]
    [InlineData("private static readonly KernelSharp.Sync.Atomic32 s_count = new(1);")]
    [InlineData("private static readonly int s_sum = Sum(); private static int Sum() { int s = 0; for (int i = 1; i <= 10; i++) s += i; return s; }")]
    [InlineData("public static Result Check(int n) => n > 0 ? Result.Ok : Error.EINVAL;")]
    public void Allowed_look_alikes_build_clean(string members)
    {
        Assert.Empty(Findings(members));
    }

    [Fact]
    public void Each_file_gets_its_own_findings_also_for_rules_that_follow_calls_across_files()
    {
        var findings = Findings("private static readonly int s_size = Helper.Size();",
            "static class Helper { public static int Size() => (int)KernelSharp.Time.Jiffies.Now; }");
        Assert.Equal(["Snippet.cs(7,42): error KS0012: the initializer of SnippetModule.s_size calls 'Helper.Size', which calls 'Jiffies.Now', which reaches the kernel; the compiler runs static initializers at build time, where there is no kernel, so this one would run at first use, on any CPU, without a lock: give the static fields constant initializers, or set them in Init"], findings);
    }

    [Fact]
    public void A_project_that_is_not_a_driver_gets_no_findings()
    {
        // The same code, compiled against .NET rather than the kernel library: the rules are KernelSharp's only.
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Plain",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class C { object M() => new object(); double D() => 1.5; }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)]);
        Assert.Empty(Analyze(compilation));
    }
}
