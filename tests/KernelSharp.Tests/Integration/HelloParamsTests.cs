using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

/// <summary>samples/HelloParams (LDD's hellop): integer, string and array parameters, ranges, the current process.</summary>
[Trait("Category", "Integration")]
public class HelloParamsTests
{
    private static readonly Lazy<Task<GuestResult>> Boot = new(() => Guest.Run("""
        echo "== given"
        insmod /hellop.ko howmany=3 whom=Mom numbers=1,-2,30 || exit 10
        echo "sysfs: $(cat /sys/module/hellop/parameters/whom) $(cat /sys/module/hellop/parameters/numbers) $(cat /sys/module/hellop/parameters/howmany)"
        echo "modes: $(stat -c %a /sys/module/hellop/parameters/whom /sys/module/hellop/parameters/numbers | tr '\n' ' ')"
        rmmod hellop || exit 11
        echo "== defaults"
        insmod /hellop.ko || exit 12
        rmmod hellop || exit 13
        echo "== bad values"
        for bad in howmany=abc howmany=0 howmany=101 whom=abcdefghijklmnopqrstuvwxyz0123456 numbers=1,2,3,4,5,6,7,8,9 numbers=1,x; do
            insmod /hellop.ko $bad 2>/dev/null
            echo "bad $bad: status $? loaded $(grep -c '^hellop ' /proc/modules)"
        done
        echo "== edge values"
        insmod /hellop.ko howmany=100 whom=abcdefghijklmnopqrstuvwxyz012345 numbers=1,2,3,4,5,6,7,8 > /dev/null || exit 14
        rmmod hellop || exit 15
        echo "edge: done"
        """, Guest.Module("samples/HelloParams")));

    [Fact]
    public async Task Greets_whom_howmany_times_adds_up_numbers_and_names_the_process()
    {
        var result = await Boot.Value;
        // Orders only what one stream fixes: kernel lines among themselves, and a kernel line before the
        // script's later output. Script output before a kernel line may reach the console after it
        // (the tty's buffer drains while printk writes straight to the UART, and with 2 vCPUs it does).
        GuestAssert.InOrder(result, "] (0) Hello, Mom", "] (1) Hello, Mom", "] (2) Hello, Mom",
            "] The process is \"insmod\" (pid ", "] hellop: 3 numbers add up to 29", "sysfs: Mom 1,-2,30 3", "modes: 444 444 ");
        GuestAssert.InOrder(result, "] hellop: 3 numbers add up to 29", "] Goodbye, Mom", "== defaults");
        GuestAssert.DoesNotContain(result, "(3) Hello, Mom");
    }

    [Fact]
    public async Task Defaults_apply_when_insmod_gives_nothing()
    {
        var result = await Boot.Value;
        GuestAssert.InOrder(result, "] Goodbye, Mom", "] (0) Hello, world", "] hellop: 0 numbers add up to 0", "] Goodbye, world", "== bad values");
    }

    [Theory]
    [InlineData("howmany=abc", "hellop: `abc' invalid for parameter `howmany'")]
    [InlineData("howmany=0", "hellop: parameter howmany: 0 is outside 1..100")]
    [InlineData("howmany=101", "hellop: parameter howmany: 101 is outside 1..100")]
    [InlineData("whom=abcdefghijklmnopqrstuvwxyz0123456", "hellop: parameter whom: 33 bytes, at most 32 allowed")]
    [InlineData("numbers=1,2,3,4,5,6,7,8,9", "numbers: can only take 8 arguments")]
    [InlineData("numbers=1,x", "hellop: `1' invalid for parameter `numbers'")]
    public async Task Bad_values_fail_insmod_with_einval_and_a_log_line_naming_the_parameter(string argument, string logLine)
    {
        var result = await Boot.Value;
        GuestAssert.Contains(result, $"bad {argument}: status 22 loaded 0");
        GuestAssert.Contains(result, logLine);
    }

    [Fact]
    public async Task Values_at_the_limits_are_accepted()
    {
        var result = await Boot.Value;
        GuestAssert.Contains(result, "edge: done");
        GuestAssert.Contains(result, "] (99) Hello, abcdefghijklmnopqrstuvwxyz012345");
    }
}
