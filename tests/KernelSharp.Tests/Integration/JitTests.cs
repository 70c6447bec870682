using System.Globalization;
using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// LDD3's jit and jiq (samples/Jit, samples/Jiq) in a booted kernel: the clocks in currentime,
/// each way of waiting for 25 jiffies, a kernel timer firing every 10 jiffies in softirq
/// context, the tasklet's replacement running in a high-priority kernel worker, work that
/// queues itself again with and without a delay, a signal ending the sleeping waits, and
/// unloading while a reader waits for a timer or work item.
/// </summary>
[Trait("Category", "Integration")]
public class JitTests
{
    private const int Delay = 25, TimerDelay = 10, JiqDelay = 3;

    private static readonly Lazy<Task<GuestResult>> Boot = new(() => Guest.Run($$"""
        insmod /jit.ko delay={{Delay}} tdelay={{TimerDelay}} || exit 10
        echo "date $(date +%s)"
        echo "== currentime"; cat /proc/currentime; echo "== end"
        for f in jitbusy jitsched jitqueue jitschedto; do echo "$f: $(cat /proc/$f)"; done
        echo "== jitimer"; cat /proc/jitimer; echo "== end"
        echo "== jitasklet"; cat /proc/jitasklet; echo "== end"
        rmmod jit || exit 11

        # A signal ends the sleeping waits long before their 20 s.
        insmod /jit.ko delay=5000 || exit 12
        for f in jitqueue jitschedto; do
            start=$(date +%s)
            cat /proc/$f > /dev/null & reader=$!
            sleep 1
            kill -TERM $reader  # not INT: a background job of a script ignores it
            wait $reader
            echo "$f interrupted after $(( $(date +%s) - start )) s"
        done
        # Unloading while a reader waits for its timer (5 lines a second apart): the /proc file's
        # removal waits for the reader, then the timer is cancelled; nothing is left.
        rmmod jit || exit 13
        insmod /jit.ko tdelay=250 || exit 14
        cat /proc/jitimer > /tmp/jitimer & reader=$!
        sleep 1
        rmmod jit
        echo "rmmod with a timer reader: $?"
        wait $reader
        echo "timer reader lines: $(grep -c '^ *[0-9]' /tmp/jitimer)"
        echo "left: jit $(grep -c '^jit ' /proc/modules) proc $(ls /proc | grep -cE '^(currentime|jit)')"

        insmod /jiq.ko delay={{JiqDelay}} || exit 15
        echo "== jiqwq"; cat /proc/jiqwq; echo "== end"
        echo "== jiqwqdelay"; cat /proc/jiqwqdelay; echo "== end"
        cat /proc/jiqwqdelay > /dev/null & reader=$!
        rmmod jiq
        echo "rmmod with a work reader: $?"
        wait $reader
        echo "left: jiq $(grep -c '^jiq ' /proc/modules) proc $(ls /proc | grep -c '^jiq')"
        """, Guest.Module("samples/Jit"), Guest.Module("samples/Jiq")));

    /// <summary>The lines between "== NAME" and "== end".</summary>
    private static string[] Section(GuestResult result, string name) =>
        GuestAssert.Section(result, name).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Currentime_shows_jiffies_and_the_time_of_day_in_ldd3s_format()
    {
        var result = await Boot.Value;
        string[] lines = Section(result, "currentime");
        Assert.Equal(2, lines.Length);
        Match first = Regex.Match(lines[0], @"^0x([0-9a-f]{8}) 0x([0-9a-f]{16}) +(\d+)\.(\d{6})$");
        Match second = Regex.Match(lines[1], @"^ +(\d+)\.(\d{9})$");
        Assert.True(first.Success && second.Success, string.Join('\n', lines));
        Assert.True(lines[1].Length == 50, $"the coarse time is right-aligned in 40 columns: \"{lines[1]}\"");
        // jiffies is jiffies_64 on x86-64: the low 32 bits print the same.
        Assert.EndsWith(first.Groups[1].Value, first.Groups[2].Value, StringComparison.Ordinal);
        long seconds = long.Parse(first.Groups[3].Value, CultureInfo.InvariantCulture), coarse = long.Parse(second.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(seconds - coarse, 0, 1);
        long date = long.Parse(Regex.Match(result.Console, @"date (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(seconds - date, 0, 5);
    }

    [Theory]
    [InlineData("jitbusy")]
    [InlineData("jitsched")]
    [InlineData("jitqueue")]
    [InlineData("jitschedto")]
    public async Task Each_way_of_waiting_takes_the_delay(string file)
    {
        var result = await Boot.Value;
        Match line = Regex.Match(result.Console, $@"{file}: +(\d+) +(\d+)\n");
        Assert.True(line.Success, result.Describe(consoleLines: 60));
        long waited = long.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture) - long.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
        // At least the delay; under TCG a few jiffies late at most.
        Assert.InRange(waited, Delay, Delay + 25);
    }

    /// <summary>jitimer's and jitasklet's lines: jiffies, delta, inirq, pid, cpu, command.</summary>
    private static List<(long Jiffies, long Delta, int InIrq, int Pid, string Command)> Lines(GuestResult result, string name)
    {
        string[] lines = Section(result, name);
        Assert.Equal("   time   delta  inirq    pid   cpu command", lines[0]);
        var parsed = new List<(long Jiffies, long Delta, int InIrq, int Pid, string Command)>();
        foreach (string line in lines.Skip(1))
        {
            Match m = Regex.Match(line, @"^ *(\d+) +(\d+) +([01]) +(\d+) +(\d+) +(\S+)$");
            Assert.True(m.Success, $"{name}: \"{line}\"");
            parsed.Add((long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), m.Groups[6].Value));
        }
        Assert.Equal(6, parsed.Count);
        Assert.Equal(("cat", 0, 0L), (parsed[0].Command, parsed[0].InIrq, parsed[0].Delta));
        for (int i = 1; i < parsed.Count; i++)
            Assert.Equal(parsed[i].Jiffies - parsed[i - 1].Jiffies, parsed[i].Delta);
        return parsed;
    }

    [Fact]
    public async Task Jitimer_fires_every_tdelay_jiffies_in_softirq_context()
    {
        var result = await Boot.Value;
        var lines = Lines(result, "jitimer");
        foreach (var line in lines.Skip(1))
        {
            Assert.Equal(1, line.InIrq);
            // Each expiry is tdelay after the last one, so the timer does not drift; a tick late under TCG at most.
            Assert.InRange(line.Delta, TimerDelay - 1, TimerDelay + 5);
        }
        Assert.InRange(lines[^1].Jiffies - lines[0].Jiffies, 5 * TimerDelay, 5 * TimerDelay + 10);
    }

    [Fact]
    public async Task Jitasklet_runs_in_a_high_priority_kernel_worker_not_in_interrupt()
    {
        var result = await Boot.Value;
        var lines = Lines(result, "jitasklet");
        foreach (var line in lines.Skip(1))
        {
            Assert.Equal(0, line.InIrq);
            // system_highpri_wq's workers are named kworker/CPU:NH.
            Assert.Matches(@"^kworker/\d+:\d+H$", line.Command);
        }
    }

    [Fact]
    public async Task A_signal_ends_the_sleeping_waits_and_unloading_waits_for_a_timer_reader()
    {
        var result = await Boot.Value;
        foreach (string file in new[] { "jitqueue", "jitschedto" })
        {
            Match line = Regex.Match(result.Console, $@"{file} interrupted after (\d+) s");
            Assert.True(line.Success, result.Describe(consoleLines: 60));
            Assert.InRange(int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), 0, 4);
        }
        GuestAssert.Contains(result, "rmmod with a timer reader: 0");
        GuestAssert.Contains(result, "timer reader lines: 6");
        GuestAssert.Contains(result, "left: jit 0 proc 0");
    }

    [Theory]
    [InlineData("jiqwq", 0)]
    [InlineData("jiqwqdelay", JiqDelay)]
    public async Task Jiq_work_requeues_itself_in_a_kernel_worker(string file, int delay)
    {
        var result = await Boot.Value;
        string[] lines = Section(result, file);
        Assert.Equal("    time  delta preempt   pid cpu command", lines[0]);
        Assert.Equal(80, lines.Length - 1);
        foreach (string line in lines.Skip(2))
        {
            Match m = Regex.Match(line, @"^ *\d+ +(\d+) +(\d+) +\d+ +\d+ (\S+)$");
            Assert.True(m.Success, $"{file}: \"{line}\"");
            Assert.Equal("0", m.Groups[2].Value); // a worker may sleep: nothing held
            Assert.Matches(@"^kworker/", m.Groups[3].Value);
            Assert.InRange(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), delay, delay + 10);
        }
        GuestAssert.Contains(result, "rmmod with a work reader: 0");
        GuestAssert.Contains(result, "left: jiq 0 proc 0");
    }
}
