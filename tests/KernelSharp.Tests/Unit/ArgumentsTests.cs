using KernelSharp.Tool;

namespace KernelSharp.Tests.Unit;

public class ArgumentsTests
{
    [Fact]
    public void Parses_command_positionals_and_options_in_both_spellings()
    {
        var parsed = Arguments.Parse(["run", "samples/PowerOff", "--timeout", "30", "--out=/tmp/x"]);
        Assert.Equal("run", parsed.Command);
        Assert.Equal("samples/PowerOff", parsed.Positional(0, "driver-project-dir"));
        Assert.Equal("30", parsed.Option("--timeout"));
        Assert.Equal("/tmp/x", parsed.Option("--out"));
        Assert.Null(parsed.Option("--kernel"));
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "build", "--out" }, "option --out needs a value")]
    [InlineData(new[] { "build", "x", "--frobnicate", "1" }, "unknown option --frobnicate")]
    [InlineData(new[] { "build", "x", "--out", "a", "--out", "b" }, "option --out given twice")]
    public void Rejects_bad_command_lines_with_a_clear_message(string[] args, string message)
    {
        var error = Assert.Throws<UsageError>(() => Arguments.Parse(args));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Positional_reports_missing_and_extra_arguments()
    {
        Assert.Equal("missing <driver-project-dir>", Assert.Throws<UsageError>(() => Arguments.Parse(["build"]).Positional(0, "driver-project-dir")).Message);
        Assert.Equal("unexpected argument 'b'", Assert.Throws<UsageError>(() => Arguments.Parse(["build", "a", "b"]).Positional(0, "dir")).Message);
    }

    [Fact]
    public async Task Unknown_command_exits_2_and_prints_usage()
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, await Cli.MainAsync(["frobnicate"]));
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.Contains("unknown command 'frobnicate'", error.ToString());
        Assert.Contains("usage:", error.ToString());
    }
}
