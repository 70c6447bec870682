using KernelSharp.Harness;
using KernelSharp.Tool;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// ksharp test on tests/Drivers/KernelTests: its [KernelTest] methods run in the booted kernel, three
/// passing and two failing, and the report names each failed assertion's C# file and line (found from
/// the "fails here" markers in the source). On a kernel without KUnit the module's own runner prints
/// the KTAP; on the debug kernel, which has KUnit built in, the tests are a KUnit suite.
/// </summary>
[Trait("Category", "Integration")]
public class KernelTestTests
{
    private const string Project = "tests/Drivers/KernelTests";

    private static readonly Lazy<Task<KernelTestRun>> Run = new(() => Task.Run(async () =>
    {
        var builder = new ModuleBuilder(Unit.Drivers.Toolchain.Value, _ => { });
        string driver = Path.Combine(Unit.Drivers.Toolchain.Value.RequireRepository("the tests"), Project);
        BuildOutput built = builder.Build(new BuildRequest(driver, KernelHeaders.Open(Guest.Kernel.HeadersPath), Guest.Output("KernelTests-test"), Tests: true));
        return await TestCommand.RunAsync(Guest.Kernel, built, TimeSpan.FromSeconds(240));
    }));

    private static string Source => Path.Combine(Unit.Drivers.Toolchain.Value.RequireRepository("the tests"), Project, "KernelTestsModule.cs");

    /// <summary>The lines marked "fails here: TEST" in the driver's source.</summary>
    private static IEnumerable<int> MarkedLines(string test) =>
        File.ReadAllLines(Source).Select((line, index) => (line, index)).Where(l => l.line.EndsWith($"// fails here: {test}", StringComparison.Ordinal)).Select(l => l.index + 1);

    [Fact]
    public async Task Each_test_runs_in_the_kernel_and_only_the_failing_ones_fail()
    {
        KernelTestRun run = await Run.Value;
        Assert.Empty(run.Guest.Problems);
        Assert.Equal(0, run.Guest.ScriptExitStatus);
        Assert.Equal(
            [
                ("PassingTests.Checksum_of_known_bytes", true), ("PassingTests.Parses_decimals_and_refuses_the_rest", true),
                ("PassingTests.Runs_after_the_module_init_and_may_use_the_kernel", true),
                ("FailingTests.Wrong_checksum", false), ("FailingTests.Two_failures_and_a_pass", false),
            ],
            run.Tests.Select(t => (t.Name, t.Passed)));
        Assert.All(run.Tests.Where(t => t.Passed), t => Assert.Empty(t.Failures));
        Assert.Equal((3, 2), (run.Passed, run.Failed));
    }

    [Fact]
    public async Task A_failed_assertion_names_its_file_line_and_values()
    {
        KernelTestRun run = await Run.Value;
        KtapTest wrong = run.Tests.Single(t => t.Name == "FailingTests.Wrong_checksum");
        Assert.Equal([new KtapFailure("KernelTestsModule.cs", MarkedLines("Wrong_checksum").Single(), "Arithmetic.Checksum(\"a\"u8): expected 98, got 97")], wrong.Failures);
        KtapTest two = run.Tests.Single(t => t.Name == "FailingTests.Two_failures_and_a_pass");
        Assert.Equal(MarkedLines("Two_failures_and_a_pass"), two.Failures.Select(f => f.Line));
        Assert.Equal(["expected true: Arithmetic.ParseDecimal(\"x\"u8).IsOk", "\"abd\"u8: expected \"abc\", got \"abd\""], two.Failures.Select(f => f.Message));
    }

    [Fact]
    public async Task The_report_is_msbuild_lines_with_the_source_path_and_the_totals()
    {
        KernelTestRun run = await Run.Value;
        var report = TestCommand.Describe(run, Path.GetDirectoryName(Source)!);
        int line = MarkedLines("Wrong_checksum").Single();
        Assert.Contains($"    {Source}({line}): error: FailingTests.Wrong_checksum: Arithmetic.Checksum(\"a\"u8): expected 98, got 97", report);
        Assert.Contains("  ok      PassingTests.Checksum_of_known_bytes", report);
        Assert.Equal("ksharp: 3 passed, 2 failed", report[^1]);
        // KUnit runs them where the kernel has it built in: the project's debug kernel.
        string runner = Guest.Kernel.Version.Contains("ksharp-debug", StringComparison.Ordinal) ? "KUnit" : "the module's runner";
        Assert.EndsWith($"(KTAP from {runner})", report[0]);
    }
}
