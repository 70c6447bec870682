using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

// LDD3's sleepy and complete (samples/Sleepy, samples/Complete) in a booted kernel: readers
// sleep until a writer in another process lets them through, and a signal ends the sleep.
[Trait("Category", "Integration")]
public class SleepyCompleteTests
{
    private static Task<GuestFile> Block => Guest.Program("tests/Guest/ksblock.c");

    [Fact]
    public async Task A_sleepy_reader_sleeps_until_a_write_and_a_signal_ends_the_sleep()
    {
        var result = await Guest.Run("""
            # LDD3's messages are Log.Debug calls: dynamic debug, on for the module from insmod.
            insmod /sleepy.ko dyndbg=+p || exit 10
            /ksblock /dev/sleepy > /tmp/reader & reader=$!
            sleep 1
            kill -0 $reader && echo "reader still asleep"
            echo wake > /dev/sleepy
            wait $reader
            echo "reader: $(cat /tmp/reader)"
            echo "interrupted: $(/ksblock /dev/sleepy --alarm 300)"
            echo early > /dev/sleepy
            echo "flag already set: $(/ksblock /dev/sleepy)"
            dmesg | grep -E "going to sleep|awoken|awakening" | sed 's/^\[[ 0-9.]*\] /log: /'
            rmmod sleepy || exit 11
            """, [Block], Guest.Module("samples/Sleepy"));

        GuestAssert.ScriptExited(result, 0);
        GuestAssert.Contains(result, "reader still asleep");
        // The read ends at end of file (0 bytes) once the write sets the flag; a signal ends it with EINTR;
        // a flag set before the read lets it through at once.
        Assert.Matches(@"reader: ksblock: read 0 bytes after (9\d\d|1\d\d\d) ms", result.Console);
        Assert.Matches(@"interrupted: ksblock: read failed EINTR after [23]\d\d ms", result.Console);
        Assert.Matches(@"flag already set: ksblock: read 0 bytes after \d{1,2} ms", result.Console);
        // LDD3's messages, with the pid and command of each side.
        Assert.Matches(@"log: process \d+ \(ksblock\) going to sleep", result.Console);
        Assert.Matches(@"log: process \d+ \(sh\) awakening the readers\.\.\.", result.Console);
        Assert.Matches(@"log: awoken \d+ \(ksblock\)", result.Console);
    }

    [Fact]
    public async Task Each_write_lets_exactly_one_waiting_reader_through()
    {
        var result = await Guest.Run("""
            insmod /complete.ko || exit 10
            /ksblock /dev/complete > /tmp/first & first=$!
            /ksblock /dev/complete > /tmp/second & second=$!
            sleep 1
            echo > /dev/complete
            sleep 1
            left=0
            kill -0 $first 2>/dev/null && left=$((left + 1))
            kill -0 $second 2>/dev/null && left=$((left + 1))
            echo "after one write: $left reader(s) still waiting"
            echo > /dev/complete
            wait $first $second
            echo "after two writes: $(cat /tmp/first /tmp/second | grep -c 'read 0 bytes') readers through"
            echo "interrupted: $(/ksblock /dev/complete --alarm 300)"
            rmmod complete || exit 11
            """, [Block], Guest.Module("samples/Complete"));

        GuestAssert.ScriptExited(result, 0);
        GuestAssert.Contains(result, "after one write: 1 reader(s) still waiting");
        GuestAssert.Contains(result, "after two writes: 2 readers through");
        Assert.Matches(@"interrupted: ksblock: read failed EINTR after [23]\d\d ms", result.Console);
    }
}
