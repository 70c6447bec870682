using KernelSharp.Analyzers;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

public class OwnershipTests
{
    private static string Body(string statements) => Drivers.Usings + "using KernelSharp.IO; using KernelSharp.Memory;\n" + $$"""
        [KernelModule("snippet")]
        public sealed class SnippetModule : IKernelModule
        {
            private static PortRegion s_ports;
            private static PortRegion s_other;
            public static Result Init()
            {
                {{statements}}
                return Result.Ok;
            }
            public static void Exit() { s_ports.Dispose(); s_other.Dispose(); }
            private static void Keep(PortRegion region) { }
            private static void Use(ref PortRegion region) => region.WriteByte(0, 1);
            private static PortRegion Give() => s_ports;
        }
        """;

    private static IReadOnlyList<string> Copies(string statements)
    {
        var compilation = Drivers.Compiler.CreateCompilation("Snippet", [DriverCompiler.ParseText(Body(statements), "Snippet.cs")]);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        return OwnershipChecker.Check(compilation, [.. compilation.SyntaxTrees]).Select(finding => SourcePosition.Format(finding.ToDiagnostic())).ToList();
    }

    [Fact]
    public void Moves_by_out_ref_and_take_are_allowed()
    {
        var copies = Copies("""
            PortRegion.Request(0x100, 4, "a"u8, out s_ports);
            PortRegion.Request(0x200, 4, "b"u8, out PortRegion local);
            Use(ref local);
            local.WriteByte(0, 1);
            s_other = Owned.Take(ref local);
            local = default;
            local.Dispose();
            """);
        // The only copies are the snippet class's helpers: one returns a field, one takes a region by value.
        Assert.Equal(2, copies.Count);
        Assert.Contains(copies, copy => copy.Contains("returning it copies the owned value 's_ports' (PortRegion)"));
        Assert.Contains(copies, copy => copy.Contains("parameter 'region' takes a copy of an owned value (PortRegion) at every call"));
    }

    [Theory]
    [InlineData("PortRegion copy = s_ports;", "this initialization copies the owned value 's_ports'")]
    [InlineData("s_other = s_ports;", "this assignment copies the owned value 's_ports'")]
    [InlineData("Keep(s_ports);", "passing it by value copies the owned value 's_ports'")]
    [InlineData("PortRegion.Request(1, 1, \"x\"u8, out PortRegion a); PortRegion b = a;", "this initialization copies the owned value 'a'")]
    [InlineData("KernelBuffer.Allocate(8, Gfp.Kernel, out KernelBuffer a); var b = a;", "copies the owned value 'a' (KernelBuffer)")]
    public void Copies_are_refused_with_file_line_and_the_fix(string statements, string message)
    {
        var copies = Copies(statements);
        Assert.Contains(copies, c => c.Contains(message) && c.Contains("Snippet.cs(") && c.Contains("error KS0001") && c.Contains("Owned.Take(ref "));
    }
}
