using System.Text.RegularExpressions;
using KernelSharp.Harness;

namespace KernelSharp.Tests.Integration;

// Spin locks and atomics in a booted kernel (tests/Drivers/Locking): their semantics at load,
// and no count lost when four processes write at once (200 000 counts in tight loops, so
// that the two vCPUs overlap many times). On the debug kernel lockdep watches
// each form of the lock (plain, bottom halves, irqsave) taken in turn.
[Trait("Category", "Integration")]
public class LockingTests
{
    private const int Writers = 4;
    private const int WritesEach = 50;
    private const int BytesEach = 1000;

    [Fact]
    public async Task Spin_locks_and_atomics_keep_every_count_of_concurrent_writers()
    {
        var result = await Guest.Run($$"""
            insmod /locking.ko || exit 10
            for w in $(seq {{Writers}}); do
                dd if=/dev/zero of=/dev/cklock bs={{BytesEach}} count={{WritesEach}} 2>/dev/null &
            done
            wait
            rmmod locking || exit 11
            """, Guest.Module("tests/Drivers/Locking"));

        GuestAssert.ScriptExited(result, 0);
        foreach (string check in new[] { "atomic 32-bit", "atomic 64-bit", "atomic bits", "spin lock" })
            GuestAssert.Contains(result, $"locking: ok {check}");
        GuestAssert.Contains(result, "locking: 4 passed, 0 failed");
        // Every byte counted once in the atomic and once under the lock; all three forms of the lock were taken.
        int total = Writers * WritesEach * BytesEach;
        GuestAssert.Contains(result, $"locking: {total} counted, {total} under the lock, forms 7");
    }
}
