using KernelSharp.Harness;

namespace KernelSharp.Tests.Unit;

/// <summary>KTAP as KernelSharp's runner and as KUnit print it, read into tests and failed C# assertions.</summary>
public class KtapReportTests
{
    // What a test build's own runner prints (CGlueGenerator.AppendTests, ksharp_test.c), as the kernel log has it.
    private static readonly string[] Runner =
    [
        "kerneltests: loading out-of-tree module taints kernel.",
        "KTAP version 1",
        "1..1",
        "    KTAP version 1",
        "    # Subtest: kerneltests",
        "    1..3",
        "    ok 1 PassingTests.Adds",
        "    # KernelTestsModule.cs:84: Arithmetic.Checksum(\"a\"u8): expected 98, got 97",
        "    not ok 2 FailingTests.Wrong_checksum",
        "    # KernelTestsModule.cs:90: expected true: ok",
        "    # Sub/Other.cs:7: \"abd\"u8: expected \"abc\", got \"abd\"",
        "    not ok 3 FailingTests.Two",
        "not ok 1 kerneltests",
        "    ok 9 after.the.report",
    ];

    // KUnit's (lib/kunit/test.c, 6.1): the case's prologue names the shim's C line; the C# place follows it.
    private static readonly string[] KUnit =
    [
        "    KTAP version 1",
        "    # Subtest: kerneltests",
        "    1..2",
        "    ok 1 PassingTests.Adds",
        "    # FailingTests.Wrong_checksum: EXPECTATION FAILED at ksharp_test.c:17",
        "KernelTestsModule.cs:84: Arithmetic.Checksum(\"a\"u8): expected 98, got 97",
        "    not ok 2 FailingTests.Wrong_checksum",
        "    ok 3 Skipped.One # SKIP not here",
        "# kerneltests: pass:1 fail:1 skip:1 total:3",
        "# Totals: pass:1 fail:1 skip:1 total:3",
        "not ok 1 kerneltests",
    ];

    [Fact]
    public void The_runners_report_gives_each_test_and_its_failed_assertions()
    {
        var tests = KtapReport.Parse(Runner);
        Assert.Equal(
            [
                new KtapTest("kerneltests", 1, "PassingTests.Adds", true, false, []),
                new KtapTest("kerneltests", 2, "FailingTests.Wrong_checksum", false, false, [new("KernelTestsModule.cs", 84, "Arithmetic.Checksum(\"a\"u8): expected 98, got 97")]),
                new KtapTest("kerneltests", 3, "FailingTests.Two", false, false, [new("KernelTestsModule.cs", 90, "expected true: ok"), new("Sub/Other.cs", 7, "\"abd\"u8: expected \"abc\", got \"abd\"")]),
            ],
            tests, new KtapTestComparer());
    }

    [Fact]
    public void KUnits_report_gives_the_csharp_place_not_the_shims_and_knows_skips()
    {
        var tests = KtapReport.Parse(KUnit);
        Assert.Equal(3, tests.Count);
        Assert.Equal([new KtapFailure("KernelTestsModule.cs", 84, "Arithmetic.Checksum(\"a\"u8): expected 98, got 97")], tests[1].Failures);
        Assert.False(tests[1].Passed);
        Assert.True(tests[2] is { Passed: true, Skipped: true, Name: "Skipped.One" });
    }

    [Fact]
    public void Lines_outside_a_suite_are_not_tests()
    {
        Assert.Empty(KtapReport.Parse(["    ok 1 not.in.a.suite", "KernelTestsModule.cs:1: stray"]));
    }

    // Records hold lists: compare them by content.
    private sealed class KtapTestComparer : IEqualityComparer<KtapTest>
    {
        public bool Equals(KtapTest? x, KtapTest? y) =>
            x is not null && y is not null && x with { Failures = [] } == y with { Failures = [] } && x.Failures.SequenceEqual(y.Failures);

        public int GetHashCode(KtapTest obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
