namespace KernelSharp.Tests.Integration;

[Trait("Category", "Integration")]
public class HelloTests
{
    [Fact]
    public async Task Greets_at_load_and_says_goodbye_at_unload()
    {
        var result = await Guest.Run("""
            # busybox modinfo wants a module directory, even for a path
            mkdir -p /lib/modules/$(uname -r) && touch /lib/modules/$(uname -r)/modules.dep
            modinfo /hello.ko
            insmod /hello.ko || exit 10
            echo "step: loaded"
            lsmod | grep -q '^hello ' || exit 11
            rmmod hello || exit 12
            echo "step: unloaded"
            lsmod | grep -q '^hello ' && exit 13
            dmesg | grep -E 'Hello, world|Goodbye, cruel world'
            exit 0
            """, Guest.Hello);

        GuestAssert.ScriptExited(result, 0);
        // A kernel line before the script's later output, never the other way round: the tty's
        // buffered output can reach the console after a printk made later.
        GuestAssert.InOrder(result, "] Hello, world", "step: loaded");
        GuestAssert.InOrder(result, "] Hello, world", "] Goodbye, cruel world", "step: unloaded");
        GuestAssert.Contains(result, "license:        GPL");
        GuestAssert.Contains(result, "description:    Says hello at load and goodbye at unload");
    }
}
