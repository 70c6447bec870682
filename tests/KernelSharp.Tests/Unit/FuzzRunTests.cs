using KernelSharp.Tool.Fuzz;

namespace KernelSharp.Tests.Unit;

/// <summary>The fuzzing run's script and the reading of its console (the booted runs are FuzzTests).</summary>
public sealed class FuzzRunTests
{
    [Fact]
    public void The_script_loads_dependencies_first_fuzzes_what_the_last_created_and_unloads_in_reverse()
    {
        string script = FuzzRun.Script(["skull", "skulluser"], new FuzzOptions(500, 7, 2, Unprivileged: false) { ModuleParameters = ["port=0x300"] });

        int skull = script.IndexOf("insmod /skull.ko", StringComparison.Ordinal);
        int user = script.IndexOf("insmod /skulluser.ko port=0x300", StringComparison.Ordinal);
        int entries = script.IndexOf("entries > /tmp/ksharp-fuzz.entries", StringComparison.Ordinal);
        Assert.True(skull >= 0 && entries > skull && user > entries, script);
        Assert.Contains("/ksfuzz --seed 7 --ops 500 --procs 2 $targets", script);
        Assert.DoesNotContain("--unprivileged", script);
        Assert.True(script.IndexOf("rmmod skulluser", StringComparison.Ordinal) < script.IndexOf("rmmod skull ", StringComparison.Ordinal), script);
        Assert.Throws<ArgumentException>(() => FuzzRun.Script([], new FuzzOptions(1, 1)));
    }

    [Fact]
    public void A_console_gives_the_seed_targets_histogram_violations_and_leftovers()
    {
        var report = FuzzRun.Parse("""
            ksharp-fuzz: targets /dev/scull0 /proc/scullmem
            ksfuzz: seed 42, 100 operations, 2 processes, 2 targets
            ksfuzz: VIOLATION read on /dev/scull0: errno 512, which is kernel-internal (ERESTARTSYS and kin must not reach user space)
            ksfuzz: result read ok 60
            ksfuzz: result read EFAULT 30
            ksfuzz: result ioctl ENOTTY 10
            ksfuzz: done: 100 operations in 1.5 s, 1 violations
            ksharp-fuzz: left after rmmod: +scull0
            """);

        Assert.Equal(42UL, report.Seed);
        Assert.Equal(["/dev/scull0", "/proc/scullmem"], report.Targets);
        Assert.Equal(100, report.Operations);
        Assert.Equal(1.5, report.Seconds);
        Assert.Equal(60, report.Results["read ok"]);
        Assert.Equal(["EFAULT", "ENOTTY"], report.Errors().Order());
        Assert.Equal(["EFAULT"], report.Errors("read"));
        Assert.Single(report.Violations);
        Assert.False(report.Clean);
        Assert.Equal(["+scull0"], report.Left);
        Assert.Contains("read EFAULT", report.Histogram());

        var unfinished = FuzzRun.Parse("ksharp-fuzz: nothing left after rmmod\n");
        Assert.Null(unfinished.Operations);
        Assert.True(unfinished.Clean);
    }
}
