namespace KernelSharp.Tests.Integration;

[Trait("Category", "Integration")]
public class PowerOffTests
{
    [Fact]
    public async Task Reserves_its_ports_refuses_bad_input_releases_at_unload_and_powers_off_on_write()
    {
        var result = await Guest.Run("""
            echo "== busy ports"
            insmod /poweroff.ko port=0x60
            echo "busy insmod status $?"
            echo "busy ioports lines $(grep -c poweroff /proc/ioports)"
            echo "busy lsmod lines $(lsmod | grep -c '^poweroff ')"
            echo "busy dev $(ls /dev | grep -c poweroff)"

            echo "== bad code"
            insmod /poweroff.ko code=300
            echo "badcode insmod status $?"

            echo "== load"
            insmod /poweroff.ko || exit 10
            grep poweroff /proc/ioports
            stat -c 'node %F %a' /dev/poweroff
            for p in port code; do echo "param $p $(cat /sys/module/poweroff/parameters/$p) $(stat -c %a /sys/module/poweroff/parameters/$p)"; done

            echo "== bad writes"
            # 00000000000000001 is 17 bytes: past the 16-byte limit though its first 16 parse.
            for text in abc -1 256 1000 ' 5' '5 ' 0x10 +5 '5\n\n' '\n' '5\0' 12345678901234567 00000000000000001; do
                printf 'write [%s]: ' "$text"; /kswrite /dev/poweroff "$text"
            done
            printf 'write [empty]: '; /kswrite /dev/poweroff --empty
            printf 'write [fault]: '; /kswrite /dev/poweroff --fault
            echo "still running after bad writes"

            echo "== unload"
            rmmod poweroff || exit 11
            echo "unloaded ioports lines $(grep -c poweroff /proc/ioports)"
            echo "unloaded dev $(ls /dev | grep -c poweroff)"

            echo "== reload and power off"
            insmod /poweroff.ko || exit 12
            echo 21 > /dev/poweroff
            echo "still running after the valid write"
            exit 0
            """, Guest.PowerOff);

        GuestAssert.QemuExited(result, 43);
        GuestAssert.Contains(result, "insmod: can't insert '/poweroff.ko': Device or resource busy");
        GuestAssert.Contains(result, "busy insmod status 16"); // busybox exits with the errno
        GuestAssert.Contains(result, "busy ioports lines 0");
        GuestAssert.Contains(result, "busy lsmod lines 0");
        GuestAssert.Contains(result, "busy dev 0");
        GuestAssert.Contains(result, "insmod: can't insert '/poweroff.ko': Invalid argument");
        GuestAssert.Contains(result, "badcode insmod status 22");
        GuestAssert.Contains(result, "  10f4-10f7 : poweroff");
        GuestAssert.Contains(result, "node character special file 600");
        GuestAssert.Contains(result, "param port 4340 444");
        GuestAssert.Contains(result, "param code -1 444");
        foreach (string text in new[] { "abc", "-1", "256", "1000", " 5", "5 ", "0x10", "+5", @"5\n\n", @"\n", @"5\0", "12345678901234567", "00000000000000001", "empty" })
            GuestAssert.Contains(result, $"write [{text}]: kswrite: errno EINVAL");
        GuestAssert.Contains(result, "write [fault]: kswrite: errno EFAULT");
        GuestAssert.Contains(result, "still running after bad writes");
        GuestAssert.Contains(result, "unloaded ioports lines 0");
        GuestAssert.Contains(result, "unloaded dev 0");
        GuestAssert.Contains(result, "poweroff: exiting QEMU with status 43");
        GuestAssert.DoesNotContain(result, "still running after the valid write");
    }

    [Fact]
    public async Task Powers_off_during_init_with_the_code_parameter()
    {
        var result = await Guest.Run("""
            insmod /poweroff.ko code=5
            echo "still running after insmod"
            exit 0
            """, Guest.PowerOff);

        GuestAssert.QemuExited(result, 11);
        GuestAssert.DoesNotContain(result, "still running after insmod");
    }

    [Fact]
    public async Task Accepts_a_number_without_a_trailing_newline()
    {
        var result = await Guest.Run("""
            insmod /poweroff.ko || exit 10
            /kswrite /dev/poweroff 7
            echo "still running after the write"
            exit 0
            """, Guest.PowerOff);

        GuestAssert.QemuExited(result, 15);
        GuestAssert.DoesNotContain(result, "still running after the write");
    }
}
