using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

/// <summary>Which [KernelTest] methods a test build runs, and the ones it refuses at their line rather than skip.</summary>
public class KernelTestReaderTests
{
    private static IReadOnlyList<KernelTestCase> Tests(string types) =>
        KernelTestReader.Read(Drivers.Compiler.CreateCompilation("Snippet", [DriverCompiler.ParseText("using KernelSharp.Testing;\n" + Drivers.Module() + "\n" + types, "Snippet.cs")]));

    [Fact]
    public void Static_void_parameterless_methods_are_tests_in_source_order()
    {
        var tests = Tests("""
            namespace Checks { internal static class Numbers { [KernelTest] internal static void Adds() { } [KernelTest] public static void Subtracts() { } } }
            internal static class Other { [KernelTest] internal static void Last() { } internal static void NotATest() { } }
            """);
        Assert.Equal([new KernelTestCase("Numbers.Adds", "global::Checks.Numbers.Adds"), new KernelTestCase("Numbers.Subtracts", "global::Checks.Numbers.Subtracts"),
            new KernelTestCase("Other.Last", "global::Other.Last")], tests);
    }

    [Theory]
    [InlineData("internal class T { [KernelTest] internal void Instance() { } }", "Snippet.cs(10,47): error KS0013: [KernelTest] 'Instance' must be static")]
    [InlineData("internal static class T { [KernelTest] internal static void Takes(int n) { } }", "Snippet.cs(10,61): error KS0013: [KernelTest] 'Takes' must take no parameters")]
    [InlineData("internal static class T { [KernelTest] internal static int Returns() => 0; }", "Snippet.cs(10,60): error KS0013: [KernelTest] 'Returns' must return void")]
    [InlineData("internal static class T { [KernelTest] private static void Hidden() { } }", "Snippet.cs(10,60): error KS0013: [KernelTest] 'Hidden' cannot be private or protected (Hidden is)")]
    public void A_method_that_cannot_run_is_an_error_at_its_name(string types, string expected)
    {
        var error = Assert.Throws<BuildError>(() => Tests(types));
        Assert.StartsWith("[KernelTest] methods that cannot run: 1 error(s)", error.Message);
        Assert.StartsWith(expected, error.Details);
    }
}
