using System.Globalization;
using System.Text;

namespace KernelSharp.Harness;

/// <summary>What happened in one guest run. <see cref="GuestRunner.RunAsync"/> creates these; the init-only
/// properties also let callers build one by hand, for example to test how they report results.</summary>
public sealed class GuestResult
{
    /// <summary>
    /// QEMU's exit code: 0 after the harness's <c>poweroff -f</c> (and also after a kernel panic, since the guest
    /// runs with <c>panic=-1</c> and QEMU with <c>-no-reboot</c>); <c>(V &lt;&lt; 1) | 1</c> when the guest wrote
    /// V to the isa-debug-exit port 0x10f4 (see <see cref="DebugExitValue"/>); 1 also when QEMU itself failed, in
    /// which case <see cref="QemuStandardError"/> says why. Meaningless when <see cref="TimedOut"/>.
    /// </summary>
    public required int QemuExitCode { get; init; }

    /// <summary>The exit status of the guest script, or <see langword="null"/> when the harness's
    /// status line never appeared: QEMU stopped first (isa-debug-exit, a panic) or the run timed out.</summary>
    public int? ScriptExitStatus { get; init; }

    /// <summary>The whole serial console, one <c>\n</c>-terminated line per console line, without terminal control
    /// sequences or carriage returns. Includes the harness's status line.</summary>
    public string Console { get; init; } = "";

    /// <summary>The console without the kernel's messages: what the guest script and its programs wrote, each line
    /// whole even where a kernel message arrived in its middle (see <see cref="KernelLog.WithoutRecords"/>).</summary>
    public string ScriptOutput => Harness.KernelLog.WithoutRecords(Console);

    /// <summary>What QEMU wrote to its standard error (empty when all went well).</summary>
    public string QemuStandardError { get; init; } = "";

    /// <summary>Whether <see cref="GuestOptions.Timeout"/> passed and the harness killed QEMU.</summary>
    public bool TimedOut { get; init; }

    /// <summary>Time from starting QEMU to its exit (or to killing it). Preparing the initramfs and a first-time
    /// kernel extraction are not included.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Whether the uncompressed kernel was booted directly (see <see cref="GuestOptions.DirectKernelBoot"/>).</summary>
    public bool DirectKernelBoot { get; init; }

    /// <summary>The arguments QEMU was started with (the initramfs path in them no longer exists), for reproducing
    /// or reporting a run.</summary>
    public IReadOnlyList<string> QemuArguments { get; init; } = [];

    /// <summary>Things the harness noticed about the run that are not errors, such as why direct kernel boot was not
    /// used.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// The value V the guest wrote to the isa-debug-exit port, derived from an odd <see cref="QemuExitCode"/> as
    /// <c>(code - 1) / 2</c>; <see langword="null"/> for an even code or a timeout. A value of 0 cannot be told apart
    /// from QEMU failing with exit code 1; check <see cref="QemuStandardError"/> for that.
    /// </summary>
    public int? DebugExitValue => !TimedOut && QemuExitCode > 0 && QemuExitCode % 2 == 1 ? (QemuExitCode - 1) / 2 : null;

    /// <summary>The guest kernel's log: the dump <c>/init</c> makes after the script joined with the kernel lines of
    /// the console (see <see cref="Harness.KernelLog"/>).</summary>
    public IReadOnlyList<KernelLogLine> KernelLog { get; init; } = [];

    /// <summary>Whether the dump of the whole kernel log arrived; when the run ended before the script did (a panic,
    /// isa-debug-exit, a timeout), <see cref="KernelLog"/> has only what the console showed.</summary>
    public bool KernelLogComplete { get; init; }

    /// <summary><c>/proc/sys/kernel/tainted</c> after the script, or <see langword="null"/> when the run ended
    /// first.</summary>
    public long? Tainted { get; init; }

    /// <summary>Every oops, warning, lockup, stall, leak report and unexpected taint in the run (see
    /// <see cref="KernelProblems"/>); empty for a healthy run.</summary>
    public IReadOnlyList<KernelProblem> Problems { get; init; } = [];

    /// <summary>Whether the kernel printed a panic message.</summary>
    public bool KernelPanicked => Console.Contains("Kernel panic - not syncing", StringComparison.Ordinal);

    /// <summary>A summary for logs and test failure messages: the outcome and the last lines of the console.</summary>
    public override string ToString() => Describe(consoleLines: 40);

    /// <summary>The outcome plus the last <paramref name="consoleLines"/> lines of the console and QEMU's errors.</summary>
    public string Describe(int consoleLines)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"QEMU exit code {QemuExitCode}");
        if (TimedOut)
            text.Append(" (killed after timing out)");
        else if (DebugExitValue is { } value)
            text.Append(CultureInfo.InvariantCulture, $" (debug-exit value {value})");
        text.Append(ScriptExitStatus is { } status ? $", script exit status {status}" : ", no script exit status");
        if (KernelPanicked)
            text.Append(", kernel panic");
        text.Append(CultureInfo.InvariantCulture, $", {Elapsed.TotalSeconds:0.0} s");
        text.Append(DirectKernelBoot ? ", direct kernel boot" : ", bzImage boot");
        foreach (var problem in Problems)
            text.Append('\n').Append(problem.Describe());
        foreach (var note in Notes)
            text.Append("\nnote: ").Append(note);
        if (QemuStandardError.Length > 0)
            text.Append("\nQEMU stderr:\n").Append(QemuStandardError);
        if (consoleLines > 0)
        {
            var lines = Console.TrimEnd('\n').Split('\n');
            var shown = lines.Skip(Math.Max(0, lines.Length - consoleLines)).ToList();
            text.Append(CultureInfo.InvariantCulture, $"\nconsole (last {shown.Count} of {lines.Length} lines):");
            foreach (var line in shown)
                text.Append("\n  ").Append(line);
        }
        return text.ToString();
    }
}
