using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// Log.Debug as the kernel's dynamic debug (tests/Drivers/DynamicDebug): each call is listed in
/// /proc/dynamic_debug/control with its C# file, line, method and template, prints nothing and
/// formats nothing until turned on by file, by module or with insmod's dyndbg=, and prints
/// with the decorations asked for.
/// </summary>
[Trait("Category", "Integration")]
public class DynamicDebugTests
{
    private const string Driver = "tests/Drivers/DynamicDebug";

    /// <summary>The 1-based line of <paramref name="file"/> (in the driver) that has <paramref name="text"/>, which must be on one line only.</summary>
    private static int LineOf(string file, string text)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Unit.Drivers.Toolchain.Value.RequireRepository("the tests"), Driver, file));
        return Assert.Single(Enumerable.Range(1, lines.Length), n => lines[n - 1].Contains(text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Log_debug_sites_are_listed_off_until_enabled_and_format_nothing_while_off()
    {
        var result = await Guest.Run("""
            # KERN_DEBUG lines stay off the console: each phase prints (and clears) the module's part of the log.
            log() { dmesg -c | grep ksdyndbg | grep -v ksharp-guest | sed 's/^\[[ 0-9.]*\] /log: /'; }
            insmod /ksdyndbg.ko || exit 10
            dmesg -c > /dev/null
            echo "== control"
            grep '\[ksdyndbg\]' /proc/dynamic_debug/control
            echo "== end"
            echo "== off"
            echo run > /dev/ksdyndbg
            echo 100000 > /dev/ksdyndbg
            log
            echo "== end"
            echo "== one file"
            echo 'file DynamicDebug.cs +p' > /proc/dynamic_debug/control
            echo run > /dev/ksdyndbg
            log
            echo "== end"
            echo "== decorated"
            echo 'file Sub/Counting.cs +pfl' > /proc/dynamic_debug/control
            grep 'Sub/Counting.cs' /proc/dynamic_debug/control
            echo run > /dev/ksdyndbg
            log
            echo "== end"
            echo "== off again"
            echo 'module ksdyndbg -p' > /proc/dynamic_debug/control
            echo run > /dev/ksdyndbg
            log
            echo "== end"
            rmmod ksdyndbg || exit 11
            echo "== parameter"
            insmod /ksdyndbg.ko dyndbg=+pfl greeting=9 || exit 12
            echo run > /dev/ksdyndbg
            log
            echo "== end"
            rmmod ksdyndbg || exit 13
            echo "== gone"
            grep -c '\[ksdyndbg\]' /proc/dynamic_debug/control
            echo "== end"
            """, Guest.Module(Driver));
        GuestAssert.ScriptExited(result, 0);

        int init = LineOf("DynamicDebug.cs", "ksdyndbg: init"), write = LineOf("DynamicDebug.cs", "ksdyndbg: write of"),
            plain = LineOf("DynamicDebug.cs", "ksdyndbg: a plain line"), loop = LineOf("DynamicDebug.cs", "ksdyndbg: call {i}"),
            counted = LineOf("Counting.cs", "counted by ksdyndbg"), counting = LineOf("Sub/Counting.cs", "ksdyndbg: counting");
        Assert.True(counted == counting, "Counting.cs and Sub/Counting.cs must have their Log.Debug calls on one line: the test checks the glue tells them apart by file");
        // Every site, with its project-relative file, line, C# method and template, all off (=_).
        string control = GuestAssert.Section(result, "control");
        foreach (string site in (string[])[
            $"DynamicDebug.cs:{init} [ksdyndbg]DynamicDebugTest.DynamicDebugModule.Init =_ \"ksdyndbg: init, greeting {{greeting}}\"",
            $"DynamicDebug.cs:{write} [ksdyndbg]DynamicDebugTest.SiteDevice.RunSites =_ \"ksdyndbg: write of {{(long)length}} bytes, value {{new Counted(42)}}\"",
            $"DynamicDebug.cs:{plain} [ksdyndbg]DynamicDebugTest.SiteDevice.RunSites =_ \"ksdyndbg: a plain line\"",
            $"DynamicDebug.cs:{loop} [ksdyndbg]DynamicDebugTest.SiteDevice.Time =_ \"ksdyndbg: call {{i}} of {{new Counted(calls)}}\"",
            $"Counting.cs:{counted} [ksdyndbg]DynamicDebugTest.Counting.Count =_ \"{{new Counted((int)length)}} counted by ksdyndbg in the project folder\"",
            $"Sub/Counting.cs:{counting} [ksdyndbg]DynamicDebugTest.Sub.Counting.Count =_ \"ksdyndbg: counting {{length:x}} in a subfolder\""])
            Assert.Contains(site + "\n", control);
        Assert.Equal(6, control.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Off: no line, and no hole formatted, not even over 100000 calls of the loop's site.
        string off = GuestAssert.Section(result, "off");
        Assert.Contains("log: ksdyndbg: formatted 0 times", off);
        Assert.Matches(@"log: ksdyndbg: 100000 calls in \d+ ns, \d+ ps each, formatted 0 times", off);
        NoDebugLines(off);

        // On for one file: its sites print as they are, the other files' stay off.
        string oneFile = GuestAssert.Section(result, "one file");
        Assert.Contains("log: ksdyndbg: write of 4 bytes, value 42\n", oneFile);
        Assert.Contains("log: ksdyndbg: a plain line\n", oneFile);
        Assert.Contains("log: ksdyndbg: formatted 1 times", oneFile);
        Assert.DoesNotContain("counted by", oneFile);
        Assert.DoesNotContain("counting", oneFile);

        // +fl: the C# method and line before the text. The site on the same line of the other Counting.cs stays off.
        string decorated = GuestAssert.Section(result, "decorated");
        Assert.Contains($"Sub/Counting.cs:{counting} [ksdyndbg]DynamicDebugTest.Sub.Counting.Count =pfl ", decorated);
        Assert.Contains($"log: DynamicDebugTest.Sub.Counting.Count:{counting}: ksdyndbg: counting 4 in a subfolder\n", decorated);
        Assert.Contains("log: ksdyndbg: write of 4 bytes, value 42\n", decorated);
        Assert.Contains("log: ksdyndbg: formatted 2 times", decorated);
        Assert.DoesNotContain("counted by", decorated);

        string offAgain = GuestAssert.Section(result, "off again");
        Assert.Contains("log: ksdyndbg: formatted 2 times", offAgain);
        NoDebugLines(offAgain);

        // insmod's dyndbg= turns every site on before init runs.
        string parameter = GuestAssert.Section(result, "parameter");
        Assert.Contains($"log: DynamicDebugTest.DynamicDebugModule.Init:{init}: ksdyndbg: init, greeting 9\n", parameter);
        Assert.Contains($"log: DynamicDebugTest.SiteDevice.RunSites:{write}: ksdyndbg: write of 4 bytes, value 42\n", parameter);
        Assert.Contains($"log: DynamicDebugTest.SiteDevice.RunSites:{plain}: ksdyndbg: a plain line\n", parameter);
        Assert.Contains($"log: DynamicDebugTest.Counting.Count:{counted}: 4 counted by ksdyndbg in the project folder\n", parameter);
        Assert.Contains($"log: DynamicDebugTest.Sub.Counting.Count:{counting}: ksdyndbg: counting 4 in a subfolder\n", parameter);
        Assert.Contains("log: ksdyndbg: formatted 2 times", parameter);

        // rmmod takes the sites away.
        Assert.Equal("0", GuestAssert.Section(result, "gone").Trim());
    }

    private static void NoDebugLines(string phase)
    {
        foreach (string text in (string[])["write of", "plain line", "counted by", "counting", "init, greeting", "call 0"])
            Assert.DoesNotContain(text, phase);
    }
}
