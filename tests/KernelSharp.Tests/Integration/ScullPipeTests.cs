using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// The rest of LDD3's scull module in a booted kernel, the C# driver (samples/Scull) and the C
/// original (benchmarks/c/scull) alike: the pipes (tests/Guest/scullpipecheck.c: blocking,
/// O_NONBLOCK, poll and select, wrap-around, signals, SIGIO, /proc counts, two writers and two
/// readers) and the access devices (tests/Guest/scullaccesscheck.c: one open, one user, wait
/// for the user, one device per terminal). One boot per driver; every test reads its part.
/// </summary>
[Trait("Category", "Integration")]
public class ScullPipeTests
{
    /// <summary>
    /// The checks and how many each reports. Exact, as <see cref="ScullGuest.CheckTests"/>: the
    /// programs run fixed tables of checks, so one that silently stopped running fails too.
    /// </summary>
    public static readonly (string Program, string Test, int Checks)[] CheckTests =
    [
        ("scullpipecheck", "nonblock", 14), ("scullpipecheck", "poll", 13), ("scullpipecheck", "block", 7),
        ("scullpipecheck", "wrap", 3), ("scullpipecheck", "signal", 7), ("scullpipecheck", "sigio", 7),
        ("scullpipecheck", "proc", 5), ("scullpipecheck", "stress", 1),
        ("scullaccesscheck", "single", 6), ("scullaccesscheck", "uid", 6), ("scullaccesscheck", "wuid", 8),
        ("scullaccesscheck", "priv", 10),
    ];

    private static Task<GuestFile> PipeCheck => Guest.Program("tests/Guest/scullpipecheck.c");
    private static Task<GuestFile> AccessCheck => Guest.Program("tests/Guest/scullaccesscheck.c");

    private static readonly Lazy<Task<GuestResult>> CSharp = new(() => Guest.Run(
        new GuestRun(Script("scull")) { ExtraFiles = [PipeCheck, AccessCheck] }, ScullGuest.Scull));

    private static readonly Lazy<Task<GuestResult>> C = new(() => Guest.Run(
        new GuestRun(Script("scull_c")) { ExtraFiles = [PipeCheck, AccessCheck, Guest.CModule("benchmarks/c/scull", "scull_c")] }));

    /// <summary>
    /// Every check on module <paramref name="module"/> (its nodes are MODULEpipe0, MODULEsingle, ...), then
    /// /proc/MODULEpipe as known writes leave it, then an unload while a reader sleeps in a pipe.
    /// </summary>
    private static string Script(string module) => $"""
        insmod /{module}.ko || exit 10
        mkdir -p /dev/pts && mount -t devpts devpts /dev/pts || exit 11
        echo "regions: $(grep -c ' scull[pa]$' /proc/devices)"
        for n in pipe0 pipe1 pipe2 pipe3 single uid wuid priv; do [ -c /dev/{module}$n ] && echo "node $n"; done
        {string.Join('\n', CheckTests.Select(t =>
            $"/{t.Program} {t.Test} /dev/{module}{(t.Program == "scullpipecheck" ? "pipe0 /proc/" + module + "pipe" : t.Test)}; echo \"{t.Program}-exit {t.Test} $?\""))}

        echo "== scullpipe"
        exec 3<>/dev/{module}pipe1
        printf hello >&3
        cat /proc/{module}pipe
        exec 3>&-
        echo "== end"

        echo "== unload"
        cat /dev/{module}pipe2 > /dev/null & reader=$!
        sleep 1
        rmmod {module}
        echo "rmmod with a reader asleep: $?"
        kill $reader
        wait $reader
        echo "reader: $?"
        rmmod {module}
        echo "rmmod after: $?"
        echo "left: nodes $(ls /dev | grep -c '^{module}') proc $(ls /proc | grep -c '^{module}') regions $(grep -c ' scull[pa]*$' /proc/devices)"
        """;

    private static Task<GuestResult> Boot(string driver) => driver == "C#" ? CSharp.Value : C.Value;

    public static TheoryData<string, string, string> Checks()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string driver in new[] { "C#", "C" })
            foreach (var (program, test, _) in CheckTests)
                data.Add(driver, program, test);
        return data;
    }

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Pipes_and_access_devices_behave_like_ldd3(string driver, string program, string test)
    {
        var result = await Boot(driver);
        ScullGuest.AssertCheckPassed(result, test, CheckTests.Single(t => t.Program == program && t.Test == test).Checks, program);
    }

    [Theory]
    [InlineData("C#")]
    [InlineData("C")]
    public async Task Registers_the_pipe_and_access_regions_and_their_nodes(string driver)
    {
        var result = await Boot(driver);
        GuestAssert.Contains(result, "regions: 2");
        GuestAssert.InOrder(result, "node pipe0", "node pipe1", "node pipe2", "node pipe3", "node single", "node uid", "node wuid", "node priv");
    }

    [Theory]
    [InlineData("C#")]
    [InlineData("C")]
    public async Task Proc_scullpipe_shows_each_pipe_like_ldd3(string driver)
    {
        var result = await Boot(driver);
        string text = GuestAssert.Section(result, "scullpipe");
        // %p: a 32-bit hash, zero-padded to 16 digits; a pipe no one has open has no buffer.
        const string Hash = "[0-9a-f]{16}", Null = "0{16}";
        string Closed(int i) =>
            $"\nDevice {i}: {Hash}\n   Buffer: {Null} to {Null} \\(0 bytes\\)\n   rp {Null}   wp {Null}\n   readers 0   writers 0\n";
        string expected = "^Default buffersize is 4000\n" + Closed(0) +
            // pipe1: open for reading and writing, "hello" written and not read.
            $"\nDevice 1: {Hash}\n   Buffer: {Hash} to {Hash} \\(4000 bytes\\)\n   rp {Hash}   wp {Hash}\n   readers 1   writers 1\n" +
            Closed(2) + Closed(3) + "$";
        Assert.Matches(new Regex(expected), text);
    }

    [Theory]
    [InlineData("C#")]
    [InlineData("C")]
    public async Task A_sleeping_reader_pins_the_module_and_unload_after_it_leaves_nothing(string driver)
    {
        var result = await Boot(driver);
        GuestAssert.Contains(result, "rmmod with a reader asleep: 1");
        GuestAssert.Contains(result, "rmmod after: 0");
        GuestAssert.Contains(result, "left: nodes 0 proc 0 regions 0");
    }
}
