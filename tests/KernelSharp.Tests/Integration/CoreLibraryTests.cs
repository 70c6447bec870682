using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

// The core library's promises checked inside a booted kernel by tests/Drivers/CoreChecks.
[Trait("Category", "Integration")]
public class CoreLibraryTests
{
    [Fact]
    public async Task Statics_spans_literals_parsing_formatting_and_parameters_work_in_the_kernel()
    {
        var result = await Guest.Run("""
            insmod /corechecks.ko verbose big=18446744073709551615 || exit 10
            cd /sys/module/corechecks/parameters
            echo "read tunable $(cat tunable) verbose $(cat verbose) big $(cat big)"
            echo 77 > tunable && echo "wrote tunable"
            echo abc > tunable || echo "refused abc"
            echo "read tunable $(cat tunable)"
            stat -c 'mode %a' tunable
            cd /
            echo hello-echo > /dev/corechecks
            echo "read back [$(cat /dev/corechecks)]"
            echo "read in threes [$(dd if=/dev/corechecks bs=3 count=2 2>/dev/null)]"
            printf 'write fault: '; /kswrite /dev/corechecks --fault
            printf 'read fault: '; /kswrite /dev/corechecks --read-fault
            exec 3<>/dev/cksession 4<>/dev/cksession
            printf one >&3
            printf two-two >&4
            echo "session 3 [$(cat <&3)] session 4 [$(cat <&4)]"
            exec 3<&- 4<&-
            echo 1 > /sys/module/corechecks/parameters/session_fail
            cat /dev/cksession || echo "refused open"
            exec 5>/dev/cktally
            echo one >&5
            echo drop >&5
            [ -e /dev/cktally ] && echo "tally node still there" || echo "tally node gone"
            echo two >&5
            exec 5>&-
            echo "tally closed"
            rmmod corechecks || exit 11
            exit 0
            """, Guest.CoreChecks);

        GuestAssert.ScriptExited(result, 0);
        foreach (string check in new[] { "static field keeps its value", "static readonly data", "UTF-8 literal", "static constructor ran once", "stackalloc, slicing, copy", "parsing", "formatting", "nullable", "port region and port I/O", "kernel buffer" })
            GuestAssert.Contains(result, $"corechecks: ok {check}");
        GuestAssert.DoesNotContain(result, "FAILED");
        GuestAssert.Contains(result, "corechecks: 10 passed, 0 failed");
        GuestAssert.Contains(result, "corechecks: values -42 beef 0000BEEF 18446744073709551615 -9223372036854775808 True 007 ENOTTY (-25)");
        GuestAssert.Contains(result, "corechecks: parameters tunable=5 verbose=True big=18446744073709551615");
        // The printk line is bounded: 256 bytes, the end replaced by the truncation mark.
        GuestAssert.Contains(result, "corechecks: long " + string.Concat(Enumerable.Repeat("0123456789", 30))[..(256 - 17 - 5)] + "[...]\n");
        GuestAssert.Contains(result, ("corechecks: plain " + string.Concat(Enumerable.Repeat("0123456789", 30)))[..(256 - 5)] + "[...]\n");
        GuestAssert.Contains(result, "read tunable 5 verbose Y big 18446744073709551615");
        GuestAssert.Contains(result, "wrote tunable");
        GuestAssert.Contains(result, "refused abc");
        GuestAssert.Contains(result, "read tunable 77");
        GuestAssert.Contains(result, "mode 644");
        GuestAssert.Contains(result, "read back [hello-echo]");
        GuestAssert.Contains(result, "read in threes [hello-]");
        GuestAssert.Contains(result, "write fault: kswrite: errno EFAULT");
        GuestAssert.Contains(result, "read fault: kswrite: read errno EFAULT");
        // echo, cat, dd and the two kswrite calls: every open released, the device gone once.
        GuestAssert.Contains(result, "corechecks: unloaded with tunable=77, 5 opens, 5 releases");
        // Per-open state: each open file its own; disposed after release and after a refused open.
        GuestAssert.Contains(result, "session 3 [one] session 4 [two-two]");
        GuestAssert.Contains(result, "refused open");
        GuestAssert.Contains(result, "corechecks: sessions: 2 opened, 1 refused, 2 released, 3 disposed");
        // Device data shared with open files: the file outlives its device (a third write after
        // the drop still counts), and the data lives until the file's share goes (the leak
        // check at rmmod would catch it never going). Kernel lines keep their order; the
        // script's own output may interleave with them anywhere on the console.
        GuestAssert.InOrder(result, "corechecks: tally 1\n", "corechecks: tally 2 (device dropped)",
            "corechecks: tally 3\n", "corechecks: tally disposed at 3");
        GuestAssert.Contains(result, "tally node gone");
    }
}

// One boot each: after a BUG the kernel keeps running, but the task died holding whatever
// it held, so nothing else should share that guest.
[Trait("Category", "Integration")]
public class CoreLibraryFailureTests
{
    // The kernel's report: BUG() for failures the core library detects, the CPU's trap for a
    // division by zero or a null pointer (compiled code has no zero or null check there: the
    // trap is the check, and the module's die notifier names it).
    [Theory]
    // insmod dies by SIGSEGV (139) after BUG or a trap, by SIGKILL (137) after a page fault.
    [InlineData(1, "IndexOutOfRangeException", "kernel BUG at ", 139)]
    [InlineData(2, "OverflowException", "kernel BUG at ", 139)]
    [InlineData(3, "DivideByZeroException", "divide error: 0000", 139)]
    [InlineData(4, "InvalidCastException", "kernel BUG at ", 139)]
    [InlineData(5, "NullReferenceException or invalid memory access", "BUG: kernel NULL pointer dereference", 137)]
    public async Task What_dotnet_would_throw_ends_in_a_kernel_oops_naming_the_failure(int fail, string exception, string report, int insmodStatus)
    {
        // The harness must see the oops and the C# failure line, and nothing else.
        var result = await Guest.RunExpecting(KernelProblemKind.CSharpFailure | KernelProblemKind.Oops, $"""
            insmod /corechecks.ko fail={fail}
            echo "insmod status $?"
            exit 0
            """, [], Guest.CoreChecks);

        GuestAssert.ScriptExited(result, 0);
        GuestAssert.InOrder(result, "corechecks: 10 passed, 0 failed", $"corechecks: C# failure: {exception}", $"insmod status {insmodStatus}");
        GuestAssert.Contains(result, report);
        GuestAssert.DoesNotContain(result, "corechecks: cast gave"); // nothing ran past the failure
    }

    // objtool writes unwind data (ORC) for the compiled C# like for any kernel function, so
    // the kernel names every C# frame of an oops reliably: without "?", which marks a guess.
    [Fact]
    public async Task An_oops_three_csharp_frames_deep_names_each_frame_reliably()
    {
        var result = await Guest.RunExpecting(KernelProblemKind.CSharpFailure | KernelProblemKind.Oops, """
            insmod /corechecks.ko fail=6
            echo "insmod status $?"
            exit 0
            """, [], Guest.CoreChecks);

        GuestAssert.ScriptExited(result, 0);
        string console = result.Console.Replace("\r", "");
        Assert.Matches(new Regex(@"RIP: 0010:CoreChecks_CoreChecks_CoreChecksModule__InnerFrame\+0x"), console);
        var frames = Regex.Matches(console, @"^\[[ .0-9]+\]  (?<guess>\? )?(?<name>[A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+ \[corechecks\]$", RegexOptions.Multiline)
            .Select(m => (Name: m.Groups["name"].Value, Guessed: m.Groups["guess"].Success)).ToList();
        string[] expected = ["CoreChecks_CoreChecks_CoreChecksModule__MiddleFrame", "CoreChecks_CoreChecks_CoreChecksModule__OuterFrame",
            "CoreChecks_CoreChecks_CoreChecksModule__Init", "corechecks__cs_init", "corechecks_init"];
        // Guessed entries are stale return addresses the unwinder also prints (6.12 shows the
        // C init's __pfx_ padding symbol); no C# frame may be one of them.
        string trace = string.Join(", ", frames.Select(f => (f.Guessed ? "? " : "") + f.Name));
        Assert.True(frames.Where(f => !f.Guessed).Select(f => f.Name).SequenceEqual(expected), $"the call trace's corechecks frames are {trace}\n{result.Describe(consoleLines: 60)}");
        Assert.True(!frames.Any(f => f.Guessed && f.Name.StartsWith("CoreChecks_", StringComparison.Ordinal)), $"a C# frame is guessed: {trace}");
    }
}
