namespace KernelSharp.Tests.Unit;

/// <summary>
/// KS0013 ([KernelTest] methods the test entry cannot run) and KS0014 (Log.Debug used in a way dynamic debug cannot
/// follow), as the analyzer reports them in every build and in the editor, not only when the build tool reads the
/// tests or the debug sites.
/// </summary>
public class UsageRuleTests
{
    [Theory]
    [InlineData("public void Instance() { } [KernelSharp.Testing.KernelTest] internal void Check() { }",
        "Snippet.cs(7,79): error KS0013: [KernelTest] 'Check' must be static: the test entry calls it without an instance")]
    [InlineData("[KernelSharp.Testing.KernelTest] internal static void Twice() { } [KernelSharp.Testing.KernelTest] internal static void Twice(int n) { }",
        "Snippet.cs(7,125): error KS0013: [KernelTest] 'Twice' must take no parameters")]
    [InlineData("public static void Two() { Log.Debug($\"a\"); Log.Debug($\"b\"); }",
        "Snippet.cs(7,49): error KS0014: a second Log.Debug call on line 7: dynamic debug tells sites apart by file and line, so put each call on a line of its own")]
    [InlineData("public static void Mine() => Log.Debug(\"x\"u8, \"Mine.cs\");",
        "Snippet.cs(7,34): error KS0014: Log.Debug's file is the compiler's (the call's own file and line): leave it out")]
    [InlineData("public static void Make() { var m = new DebugMessage(0, 0); }",
        "Snippet.cs(7,41): error KS0014: a DebugMessage is made by the compiler from the interpolated string of a Log.Debug call, not by hand")]
    public void Refused_forms_are_reported_at_their_line_and_column(string members, string expected)
    {
        var findings = RuntimeRuleTests.Findings(members);
        Assert.True(findings.Any(finding => finding.StartsWith(expected, StringComparison.Ordinal)), string.Join('\n', findings));
    }

    // The report names a test Type.Method: two types of one name in two namespaces would give two tests one name.
    [Fact]
    public void Two_tests_of_one_name_are_refused_at_the_second()
    {
        var findings = RuntimeRuleTests.Findings("",
            "namespace A { internal static class T { [KernelSharp.Testing.KernelTest] internal static void Check() { } } }",
            "namespace B { internal static class T { [KernelSharp.Testing.KernelTest] internal static void Check() { } } }");
        Assert.Equal(["Other1.cs(2,95): error KS0013: two [KernelTest] methods are named T.Check (overloads): the report names each test once"], findings);
    }

    [Theory]
    [InlineData("[KernelSharp.Testing.KernelTest] internal static void Adds() { } [KernelSharp.Testing.KernelTest] public static void Subtracts() { }")]
    [InlineData("public static void Say(int n) { Log.Debug($\"n={n}\");\n Log.Debug(\"plain\"u8); }")]
    public void Allowed_forms_build_clean(string members)
    {
        Assert.Empty(RuntimeRuleTests.Findings(members));
    }
}
