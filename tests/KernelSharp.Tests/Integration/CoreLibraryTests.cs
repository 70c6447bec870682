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
}
