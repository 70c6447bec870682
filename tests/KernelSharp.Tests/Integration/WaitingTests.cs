using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

// Wait queues and completions in a booted kernel (tests/Drivers/Waiting): a read sleeps until
// a write in another process lets it through, a signal ends the sleep with EINTR, O_NONBLOCK
// gives EAGAIN, and a timed wait runs out; poll and select report readiness, and SIGIO comes.
[Trait("Category", "Integration")]
public partial class WaitingTests
{
    private static Task<GuestFile> Block => Guest.Program("tests/Guest/ksblock.c");

    [Fact]
    public async Task A_blocked_read_is_woken_by_a_writer_and_a_signal_or_nonblocking_read_does_not_wait()
    {
        var result = await Guest.Run("""
            insmod /waiting.ko || exit 10
            echo "mail: $(/ksblock /dev/ckmail --nonblock)"
            /ksblock /dev/ckmail > /tmp/mail & reader=$!
            sleep 1
            printf m > /dev/ckmail
            wait $reader
            echo "mail: $(cat /tmp/mail)"
            echo "mail: $(/ksblock /dev/ckmail --alarm 500)"
            printf q > /dev/ckmail
            echo "mail: $(/ksblock /dev/ckmail --nonblock)"
            /ksblock /dev/ckdone > /tmp/done & waiter=$!
            sleep 1
            echo > /dev/ckdone
            wait $waiter
            echo "done: $(cat /tmp/done)"
            echo "done: $(/ksblock /dev/ckdone --alarm 300)"
            /ksblock /dev/ckflag > /tmp/flag & flagged=$!
            sleep 1
            echo > /dev/ckflag
            wait $flagged
            echo "flag: $(cat /tmp/flag)"
            echo "flag: $(/ksblock /dev/ckflag)"
            echo "flag: $(/ksblock /dev/ckflag --alarm 300)"
            rmmod waiting || exit 11
            """, [Block], Guest.Module("tests/Drivers/Waiting"));

        GuestAssert.ScriptExited(result, 0);
        // Mail: nothing there without waiting; a blocked reader woken after about a second with the letter; a
        // signal ends the wait with EINTR (no SA_RESTART); a letter waiting is read at once.
        AssertWaited(result, "mail", @"read failed EAGAIN", 0, 200);
        AssertWaited(result, "mail", @"read 1 byte 'm'", 900, 3000);
        AssertWaited(result, "mail", @"read failed EINTR", 450, 2000);
        AssertWaited(result, "mail", @"read 1 byte 'q'", 0, 200);
        // A completion: the waiter let through by the write; without a write, only a signal ends the wait.
        AssertWaited(result, "done", @"read 1 byte 'c'", 900, 3000);
        AssertWaited(result, "done", @"read failed EINTR", 250, 2000);
        // The atomic flag: set by the write, taken by the woken reader; unset, the 2 s timeout runs out ('t');
        // a signal ends the timed wait too.
        AssertWaited(result, "flag", @"read 1 byte 'f'", 900, 3000);
        AssertWaited(result, "flag", @"read 1 byte 't'", 1900, 4000);
        AssertWaited(result, "flag", @"read failed EINTR", 250, 1900);
    }

    [Fact]
    public async Task Poll_and_select_report_readiness_when_it_changes_and_a_write_sends_sigio()
    {
        var result = await Guest.Run("""
            insmod /waiting.ko || exit 10
            echo "empty: $(/ksblock /dev/ckmail --poll 300)"
            echo "empty: $(/ksblock /dev/ckmail --select 300)"
            /ksblock /dev/ckmail --sigio 5000 > /tmp/sigio & notified=$!
            sleep 1
            printf a > /dev/ckmail
            wait $notified
            echo "sigio: $(tail -n1 /tmp/sigio)"
            echo "letter: $(/ksblock /dev/ckmail --poll 300)"
            echo "letter: $(/ksblock /dev/ckmail --select 300)"
            /ksblock /dev/ckmail --nonblock > /dev/null
            echo "taken: $(/ksblock /dev/ckmail --poll 300)"
            echo "nobody: $(/ksblock /dev/ckmail --sigio 500 | tail -n1)"
            ( sleep 1; printf b > /dev/ckmail ) &
            echo "woken: $(/ksblock /dev/ckmail --poll-in 5000)"
            rmmod waiting || exit 11
            """, [Block], Guest.Module("tests/Drivers/Waiting"));

        GuestAssert.ScriptExited(result, 0);
        // Empty: writable at once, never readable. A letter: readable and writable at once. SIGIO comes with a
        // write (about a second after asking), and not without one.
        AssertWaited(result, "empty", "poll out", 0, 200);
        AssertWaited(result, "empty", "select write", 0, 200);
        AssertWaited(result, "sigio", "SIGIO", 900, 3000);
        AssertWaited(result, "letter", "poll in out", 0, 200);
        AssertWaited(result, "letter", "select read write", 0, 200);
        AssertWaited(result, "taken", "poll out", 0, 200);
        GuestAssert.Contains(result, "nobody: ksblock: no SIGIO");
        // A poll for reading waits until the write's wake-up of the queue it registered.
        AssertWaited(result, "woken", "poll in", 900, 3000);
    }

    // A line "<what>: ksblock: <outcome> after N ms" with N in [min, max].
    private static void AssertWaited(GuestResult result, string what, string outcome, int min, int max)
    {
        var line = Regex.Match(result.Console, $@"{what}: ksblock: {outcome} after (\d+) ms\n");
        Assert.True(line.Success, $"no \"{what}: ksblock: {outcome} after N ms\"\n{result.Describe(consoleLines: 40)}");
        int ms = int.Parse(line.Groups[1].Value);
        Assert.True(ms >= min && ms <= max, $"{what}: {outcome} after {ms} ms, expected {min} to {max}");
    }
}
