using KernelSharp.Harness;
using KernelSharp.Tool.Build;
using KernelSharp.Tool.Fuzz;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// The syscall fuzzer (src/Tool/Fuzz, what <c>./ksharp fuzz</c> runs) on every sample that creates a device node or
/// a /proc file, on the debug kernel: no kernel report of any kind (KASAN, lockdep, kmemleak after unloading, ...),
/// no result a driver may not give, only errnos from the list below, and nothing left after rmmod. The runs here are
/// small; docs/reliability.md has the long ones.
/// </summary>
[Trait("Category", "DebugKernel")]
public class FuzzTests
{
    /// <summary>Operations per run: in the suite enough to reach every operation, size class and pointer kind many
    /// times; a million in a full reliability run.</summary>
    public static long Operations => Reliability.Full ? 1_000_000 : 20_000;

    /// <summary>The suite's seed, so a failure repeats with the command the report prints.</summary>
    public const ulong Seed = 20261202;

    /// <summary>
    /// What a driver may answer to the fuzzer, each for a reason the kernel's own char drivers share: bad file
    /// descriptors and access modes (EBADF, from the VFS), bad pointers (EFAULT), bad sizes, offsets, whence values
    /// and ioctl arguments (EINVAL), unknown ioctls (ENOTTY), pwrite on a file without positions and huge offsets
    /// (ESPIPE, EFBIG, EOVERFLOW), permissions (EACCES at open, EPERM for a privileged ioctl), writes to a /proc file
    /// without a write operation (EIO), a huge quantum's allocation failing (ENOMEM), a blocked call cut short by the
    /// fuzzer's timer (EINTR), a busy device (EBUSY) and a call on an O_NONBLOCK file that would wait (EAGAIN).
    /// </summary>
    public static readonly IReadOnlySet<string> Allowed = new HashSet<string>(StringComparer.Ordinal)
    {
        "EBADF", "EFAULT", "EINVAL", "ENOTTY", "ESPIPE", "EFBIG", "EOVERFLOW", "EACCES", "EPERM", "EIO", "ENOMEM", "EINTR", "EBUSY", "EAGAIN",
    };

    private static Task<GuestFile> Fuzzer => Guest.Program(FuzzRun.ProgramSource);

    /// <summary>Boots <paramref name="module"/> (built for this run's kernel) and fuzzes what it creates.</summary>
    public static async Task<(GuestResult Result, FuzzReport Report)> Fuzz(Task<BuildOutput> module, FuzzOptions options)
    {
        BuildOutput built = await module;
        string[] modules = [.. built.Dependencies.Select(d => d.Model.Module.Name), built.Model.Module.Name];
        var result = await Guest.Run(new GuestRun(FuzzRun.Script(modules, options))
        {
            ExtraFiles = [Fuzzer],
            DebugExitDevice = false,
            Timeout = Reliability.Timeout,
        }, module);
        return (result, FuzzRun.Parse(result.Console));
    }

    [Theory]
    [InlineData("samples/Scull")]
    [InlineData("samples/PowerOff")]
    [InlineData("samples/Skull")]
    [InlineData("tests/Drivers/CoreChecks")]
    public async Task Fuzzing_every_device_and_proc_file_gives_only_the_errnos_drivers_give_and_leaves_nothing(string project)
    {
        Assert.True(Guest.Kernel.IsDebug, $"fuzzing is checked on the debug kernel (KSHARP_TEST_KERNEL={DebugKernel.Name}), not {Guest.Kernel.Version}");
        var (result, report) = await Fuzz(Guest.Module(project), new FuzzOptions(Operations, Seed));

        string context = $"{project}: targets {string.Join(' ', report.Targets)}\n{report.Histogram()}\n{result.Describe(consoleLines: 40)}";
        GuestAssert.ScriptExited(result, 0);
        Assert.True(report.Targets.Count > 0, context);
        Assert.True(report.Operations == Operations, context);
        Assert.True(report.Violations.Count == 0, string.Join('\n', report.Violations) + "\n" + context);
        Assert.True(report.Clean, "left after rmmod: " + string.Join('\n', report.Left) + "\n" + context);
        Assert.True(report.Errors().IsSubsetOf(Allowed), $"errnos no driver gives: {string.Join(", ", report.Errors().Except(Allowed))}\n{context}");
        // Every operation ran.
        Assert.True(new[] { "read", "write", "pread", "pwrite", "lseek", "ioctl" }.All(op => report.Results.Keys.Any(k => k.StartsWith(op + " ", StringComparison.Ordinal))), context);
        Reliability.Record($"fuzz {project}", $"{report.Operations} operations, 4 processes (2 unprivileged), {report.Targets.Count} target{(report.Targets.Count == 1 ? "" : "s")}, {report.Seconds:0} s, errnos {string.Join(' ', report.Errors())}, nothing left after rmmod");
    }

    /// <summary>
    /// The C original against the C# scull, one process, the same seed: the same operations in the same order on
    /// the same kind of targets (four devices and a /proc file each), so every result should be the C one.
    /// </summary>
    [Fact]
    public async Task The_csharp_scull_answers_the_fuzzer_as_the_c_scull_does()
    {
        var options = new FuzzOptions(Operations, Seed, Processes: 1, Unprivileged: false);
        var csharp = await Fuzz(Guest.Module("samples/Scull"), options);
        var c = await Guest.Run(new GuestRun(FuzzRun.Script(["scull_c"], options))
        {
            ExtraFiles = [Fuzzer, Guest.CModule("benchmarks/c/scull", "scull_c")],
            DebugExitDevice = false,
            Timeout = Reliability.Timeout,
        });
        var reference = FuzzRun.Parse(c.Console);

        Assert.True(reference.Operations == Operations && csharp.Report.Operations == Operations, c.Describe(consoleLines: 40));
        Assert.Equal(reference.Targets.Select(t => t.Replace("scull_c", "scull")), csharp.Report.Targets);
        Assert.True(csharp.Report.Errors().IsSubsetOf(reference.Errors()),
            $"errnos the C scull never gave: {string.Join(", ", csharp.Report.Errors().Except(reference.Errors()))}\nC#:\n{csharp.Report.Histogram()}\nC:\n{reference.Histogram()}");
        Assert.Equal(reference.Histogram(), csharp.Report.Histogram());
        Reliability.Record("fuzz samples/Scull against benchmarks/c/scull", $"{Operations} operations, 1 process, seed {Seed}: the same {csharp.Report.Results.Count} (operation, result) counts");
    }
}
