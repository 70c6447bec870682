using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KernelSharp.Harness;

/// <summary>
/// Boots a kernel in QEMU with a busybox initramfs, runs a shell script in the guest and reports what happened.
/// </summary>
/// <remarks>
/// <para>Each run gets its own temporary directory for the initramfs, deleted afterwards, so runs can go in
/// parallel. The guest's <c>/init</c> is written by the harness: it installs the busybox applets, mounts
/// <c>/proc</c>, <c>/sys</c> and <c>/dev</c>, runs the script as <c>sh /guest.sh</c>, prints
/// <c><see cref="StatusMarker"/>N</c> with the script's exit status N and powers the guest off.</para>
/// <para>QEMU runs with TCG by default (KVM is not available everywhere), no network card, no display and the
/// serial console on its standard output. The guest also has an isa-debug-exit device at port 0x10f4 so code in
/// the guest (a module, or <c>dd</c> to <c>/dev/port</c>) can end QEMU with a chosen exit code.</para>
/// </remarks>
public static partial class GuestRunner
{
    /// <summary>The start of the line <c>/init</c> prints after the script, followed by its exit status.</summary>
    public const string StatusMarker = "ksharp-guest: script exited with status ";

    /// <summary>The line <c>/init</c> prints after the script with the final value of
    /// <c>/proc/sys/kernel/tainted</c>, before <see cref="StatusMarker"/>.</summary>
    public const string TaintedMarker = "ksharp-guest: tainted ";

    /// <summary>The line <c>/init</c> writes to the second serial port after the dump of the kernel log, so the
    /// harness can tell a complete dump from one the guest did not finish.</summary>
    public const string KernelLogEndMarker = "ksharp-guest: end of kernel log";

    /// <summary>The isa-debug-exit I/O port. Writing V to it ends QEMU with exit code <c>(V &lt;&lt; 1) | 1</c>.</summary>
    public const int DebugExitPort = 0x10f4;

    /// <summary>The kernel command line before <see cref="GuestOptions.ExtraKernelArguments"/>. <c>panic=-1</c>
    /// reboots at once on a panic, which <c>-no-reboot</c> turns into QEMU exiting, so a panic never hangs a run
    /// until its timeout. <c>no_timer_check</c> skips the IO-APIC timer test of early boot, which counts timer
    /// interrupts in a busy loop: under TCG on a loaded host it can miss them and panic ("IO-APIC + timer doesn't
    /// work!"), as a CI run once did. Virtual machines commonly boot with it.</summary>
    public const string BaseKernelArguments = "console=ttyS0 quiet panic=-1 no_timer_check";

    private const string QemuDebianPackage = "qemu-system-x86";
    private static readonly string[] ReservedGuestPaths = ["/init", "/guest.sh", "/ksharp-functions.sh", "/bin/busybox"];

    /// <summary>The start of the kernel log line the guest's <c>insmod</c> writes for each module it loads:
    /// <c>ksharp-guest: module NAME at 0xADDRESS size BYTES</c>.</summary>
    public const string ModuleLoadMarker = "ksharp-guest: module ";

    /// <summary>
    /// Shell functions the script runs with (<c>/ksharp-functions.sh</c>, sourced before it): <c>insmod</c> is
    /// busybox's, then it writes the loaded module's name, address and size into the kernel log, so a report printed
    /// after the module is gone (kmemleak's, after <c>rmmod</c>) can still name it: <see cref="KernelProblems"/> reads
    /// <c>0xffffffffa0000078</c> as <c>ksfaults+0x78</c>. The newest module is the first line of
    /// <c>/proc/modules</c>. A function, not a file in PATH: Debian's static busybox runs its own applets first;
    /// <c>command</c> runs that applet as before, so the kernel still sees the task as <c>insmod</c>.
    /// </summary>
    public const string ShellFunctions = $$"""
        # Written by KernelSharp.Harness: sourced before /guest.sh.
        insmod() {
            command insmod "$@" || return
            read -r ksharp_name ksharp_size _ _ _ ksharp_address _ < /proc/modules
            echo "{{ModuleLoadMarker}}$ksharp_name at $ksharp_address size $ksharp_size" > /dev/kmsg
            unset ksharp_name ksharp_size ksharp_address
        }
        """;

    [GeneratedRegex(StatusMarker + @"(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex StatusPattern();

    [GeneratedRegex("^" + TaintedMarker + @"(\d+)$", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex TaintedPattern();

    /// <summary>
    /// Boots <see cref="GuestOptions.KernelImagePath"/>, runs <see cref="GuestOptions.Script"/> and waits until QEMU
    /// exits or <see cref="GuestOptions.Timeout"/> passes.
    /// </summary>
    /// <param name="options">What to boot and run.</param>
    /// <param name="cancellationToken">Kills QEMU and throws <see cref="OperationCanceledException"/> when
    /// cancelled. A timeout is not a cancellation: it returns a result with <see cref="GuestResult.TimedOut"/>.</param>
    /// <returns>QEMU's exit code, the script's exit status and the console output.</returns>
    /// <exception cref="HarnessException">QEMU, busybox, the kernel image or a guest file is missing or unusable;
    /// the message says what to install or fix.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent, for example a guest file at a path the
    /// harness owns, or a timeout that is not positive.</exception>
    public static async Task<GuestResult> RunAsync(GuestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var qemu = FindQemu(options.QemuExecutable);
        CheckKernelImage(options.KernelImagePath);
        CheckBusybox(options.BusyboxPath);
        foreach (var file in options.Files)
        {
            if (!File.Exists(file.HostPath))
                throw new HarnessException($"The file '{file.HostPath}' to be copied into the guest as '{file.GuestPath}' does not exist.");
        }

        var notes = new List<string>();
        var kernel = options.KernelImagePath;
        var direct = false;
        if (options.DirectKernelBoot)
        {
            var uncompressed = await UncompressedKernel.GetAsync(options.KernelImagePath, options.KernelCacheDirectory, cancellationToken)
                .ConfigureAwait(false);
            if (uncompressed.VmlinuxPath is { } vmlinux)
            {
                kernel = vmlinux;
                direct = true;
            }
            else
            {
                notes.Add($"Booted the kernel image as given instead of directly, which takes some 6 s longer under TCG, because {uncompressed.UnavailableReason}.");
            }
        }

        var workDirectory = Directory.CreateTempSubdirectory("ksharp-guest-");
        try
        {
            var initramfs = Path.Combine(workDirectory.FullName, "initramfs.cpio");
            // Uncompressed: the guest would otherwise gunzip it in emulated code, some 0.1 to 0.5 s per boot, to
            // save copying about 1 MB more into guest memory, which QEMU does at host speed.
            BuildInitramfs(options).WriteToFile(initramfs, InitramfsCompression.None);
            var kernelLog = Path.Combine(workDirectory.FullName, "kernel-log.txt");
            var arguments = BuildQemuArguments(options, kernel, initramfs, kernelLog);
            return await RunQemuAsync(qemu, arguments, options, direct, notes, kernelLog, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                workDirectory.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Leaving a temporary file behind must not hide the run's outcome.
            }
        }
    }

    /// <summary>Finds the QEMU executable: a path, or a name looked up in PATH.</summary>
    /// <exception cref="HarnessException">It is not installed; the message names the Debian package.</exception>
    public static string FindQemu(string executable = "qemu-system-x86_64")
    {
        ArgumentException.ThrowIfNullOrEmpty(executable);
        return HostTools.FindExecutable(executable)
            ?? throw new HarnessException(
                $"{executable} was not found{(executable.Contains('/') ? "" : " in PATH")}. " +
                $"On Debian install it with: apt-get install {QemuDebianPackage}");
    }

    /// <summary>The guest's <c>/init</c> for the given options.</summary>
    public static string BuildInitScript(GuestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var script = new StringBuilder();
        script.Append("#!/bin/busybox sh\n");
        script.Append("# Written by KernelSharp.Harness: prepares the guest, runs /guest.sh, reports its status, powers off.\n");
        script.Append("/bin/busybox --install -s /bin\n");
        script.Append("export PATH=/bin:/sbin:/usr/bin:/usr/sbin\n");
        script.Append("mount -t proc proc /proc\n");
        script.Append("mount -t sysfs sysfs /sys\n");
        script.Append("mount -t devtmpfs devtmpfs /dev\n");
        // debugfs: where kmemleak and fault injection are controlled, on kernels that have them.
        script.Append("mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null\n");
        if (options.ConsoleLogLevel is { } level)
            script.Append(CultureInfo.InvariantCulture, $"echo {level} > /proc/sys/kernel/printk\n");
        script.Append("cd /\n");
        // Sourced in one shell, so the script's line numbers and exit status are its own.
        script.Append("sh -c '. /ksharp-functions.sh; . /guest.sh' </dev/null\n");
        script.Append("status=$?\n");
        script.Append(KmemleakScan);
        // What the harness checks every run for: the taint flags, and the whole kernel log (the console misses
        // debug messages and whatever a script printed with the console level lowered). The log goes to the second
        // serial port, which only this command opens: closing it waits until every byte is out.
        script.Append(CultureInfo.InvariantCulture, $"echo \"{TaintedMarker}$(cat /proc/sys/kernel/tainted)\"\n");
        script.Append(CultureInfo.InvariantCulture, $"{{ dmesg -r; echo \"{KernelLogEndMarker}\"; }} > /dev/ttyS1\n");
        script.Append(CultureInfo.InvariantCulture, $"echo \"{StatusMarker}$status\"\n");
        // If poweroff failed, init would exit and the kernel would panic, which with panic=-1 also ends QEMU.
        script.Append("poweroff -f\n");
        return script.ToString();
    }

    /// <summary>
    /// What <c>/init</c> does after the script on a kernel with kmemleak (the debug kernel): it scans for leaks and
    /// copies each suspect's record (its size, who allocated it, the allocation's stack) into the kernel log, where
    /// the harness finds it as a <see cref="KernelProblemKind.Leak"/> report. kmemleak takes an object for a leak
    /// only once it is 5 seconds old and unchanged between two scans: hence the wait and the second scan. After an
    /// oops (taint D) there is no scan: the task the oops killed leaves whatever it held unreferenced, and the oops
    /// has failed the run already.
    /// </summary>
    public const string KmemleakScan = """
        if [ -w /sys/kernel/debug/kmemleak ] && [ $(($(cat /proc/sys/kernel/tainted) & 128)) -eq 0 ]; then
            sleep 5
            echo scan > /sys/kernel/debug/kmemleak
            echo scan > /sys/kernel/debug/kmemleak
            while IFS= read -r line; do echo "kmemleak: $line" > /dev/kmsg; done < /sys/kernel/debug/kmemleak
        fi

        """;

    private static void Validate(GuestOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.KernelImagePath, nameof(options.KernelImagePath));
        ArgumentNullException.ThrowIfNull(options.Script, nameof(options.Script));
        ArgumentNullException.ThrowIfNull(options.Files, nameof(options.Files));
        ArgumentNullException.ThrowIfNull(options.ExtraQemuArguments, nameof(options.ExtraQemuArguments));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, nameof(options.Timeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MemoryMiB, 64, nameof(options.MemoryMiB));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Cpus, 1, nameof(options.Cpus));
        if (options.ConsoleLogLevel is < 0 or > 15)
            throw new ArgumentOutOfRangeException(nameof(options.ConsoleLogLevel), options.ConsoleLogLevel, "Kernel log levels go from 0 to 15.");
        foreach (var file in options.Files)
        {
            var normalized = "/" + file.GuestPath.Trim('/');
            if (ReservedGuestPaths.Contains(normalized, StringComparer.Ordinal))
                throw new ArgumentException($"'{file.GuestPath}' is written by the harness and cannot be one of GuestOptions.Files.", nameof(options));
        }
    }

    private static void CheckKernelImage(string path)
    {
        if (!File.Exists(path))
            throw new HarnessException($"The kernel image '{path}' does not exist. {KernelImages.InstallHint}");
        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (UnauthorizedAccessException e)
        {
            // Some distributions install kernel images readable by root only; QEMU would fail with a vaguer message.
            throw new HarnessException($"The kernel image '{path}' is not readable by this user; run as root or make it readable ({e.Message}).", e);
        }
    }

    private static void CheckBusybox(string path)
    {
        const string hint = "On Debian install a statically linked one with: apt-get install busybox-static";
        if (!File.Exists(path))
            throw new HarnessException($"busybox was not found at '{path}'. {hint}");
        bool? dynamic;
        try
        {
            dynamic = Elf.IsDynamicallyLinked(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarnessException($"Cannot read '{path}': {e.Message}", e);
        }
        // A dynamically linked busybox would make the guest panic at once: the initramfs has no C library.
        if (dynamic == true)
            throw new HarnessException($"'{path}' is dynamically linked and cannot run in the guest, which has no C library. {hint}");
    }

    private static InitramfsBuilder BuildInitramfs(GuestOptions options)
    {
        var builder = new InitramfsBuilder();
        foreach (var directory in new[] { "/bin", "/sbin", "/proc", "/sys", "/dev", "/tmp", "/root" })
            builder.AddDirectory(directory);
        // The kernel opens /dev/console for init's standard streams before /init could mount devtmpfs; Debian's
        // kernels carry the node in their built-in initramfs, but not every kernel does.
        builder.AddCharacterDevice("/dev/console", 5, 1);
        builder.AddHostFile("/bin/busybox", options.BusyboxPath, UnixModes.Executable);
        builder.AddTextFile("/init", BuildInitScript(options), UnixModes.Executable);
        builder.AddTextFile("/guest.sh", options.Script.ReplaceLineEndings("\n"), UnixModes.Executable);
        builder.AddTextFile("/ksharp-functions.sh", ShellFunctions, UnixModes.RegularFile);
        foreach (var file in options.Files)
        {
            try
            {
                builder.AddHostFile(file.GuestPath, file.HostPath, file.Mode);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new ArgumentException($"Cannot add '{file.HostPath}' to the guest as '{file.GuestPath}': {e.Message}", nameof(options), e);
            }
        }
        return builder;
    }

    private static List<string> BuildQemuArguments(GuestOptions options, string kernel, string initramfs, string kernelLog)
    {
        var commandLine = string.IsNullOrWhiteSpace(options.ExtraKernelArguments)
            ? BaseKernelArguments
            : BaseKernelArguments + " " + options.ExtraKernelArguments.Trim();
        List<string> arguments =
        [
            "-accel", options.Accelerator,
            "-cpu", "max",
            "-m", options.MemoryMiB.ToString(CultureInfo.InvariantCulture),
            "-smp", options.Cpus.ToString(CultureInfo.InvariantCulture),
            // No default devices: no network card (whose iPXE option ROM slows the firmware down), no VGA, floppy,
            // CD-ROM or parallel port. The serial console is added back below.
            "-nodefaults",
            "-no-reboot",
            "-display", "none",
            // The console on QEMU's standard streams, without the monitor multiplexed in (-nographic would add it),
            // so nothing the guest prints can be taken for a monitor command.
            "-serial", "stdio",
            // ttyS1: /init's dump of the kernel log after the script.
            "-serial", "file:" + kernelLog,
            "-monitor", "none",
            "-kernel", kernel,
            "-initrd", initramfs,
            "-append", commandLine,
        ];
        if (options.DebugExitDevice)
            arguments.AddRange(["-device", $"isa-debug-exit,iobase=0x{DebugExitPort:x},iosize=0x04"]);
        arguments.AddRange(options.ExtraQemuArguments);
        return arguments;
    }

    private static async Task<GuestResult> RunQemuAsync(
        string qemu, List<string> arguments, GuestOptions options, bool direct, List<string> notes, string kernelLogPath,
        CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = HostTools.Redirected(qemu, arguments) };
        var stopwatch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new HarnessException($"Could not start {qemu}: {e.Message}", e);
        }
        // QEMU reads console input from its standard input. Closing it at once gives QEMU an end of file instead of
        // the caller's terminal (which QEMU would switch to raw mode) or a CI job's missing stdin.
        process.StandardInput.Close();

        var console = new ConsoleReader(options.OnConsoleLine);
        var readConsole = console.ReadAsync(process.StandardOutput.BaseStream);
        var readErrors = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var timeout = new CancellationTokenSource(options.Timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var timedOut = false;
        try
        {
            var exited = process.WaitForExitAsync(stop.Token);
            // The console reader finishing first means the callback threw (or QEMU closed its output and is exiting).
            if (await Task.WhenAny(exited, readConsole).ConfigureAwait(false) == readConsole)
                await readConsole.ConfigureAwait(false);
            await exited.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            timedOut = true;
        }
        finally
        {
            if (!process.HasExited)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited between the check and the kill.
                }
            }
            // Killed or not, QEMU is gone (or going) now; wait so its pipes are closed and the readers finish.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            stopwatch.Stop();
        }

        await readConsole.ConfigureAwait(false);
        var errors = (await readErrors.ConfigureAwait(false)).Trim();
        if (timedOut)
            notes.Add($"QEMU was killed after the {options.Timeout.TotalSeconds:0.#} s timeout.");

        var consoleText = console.Text;
        var dump = File.Exists(kernelLogPath) ? await File.ReadAllTextAsync(kernelLogPath, CancellationToken.None).ConfigureAwait(false) : "";
        var dumpComplete = dump.Contains(KernelLogEndMarker, StringComparison.Ordinal);
        if (!dumpComplete && console.ScriptExitStatus is not null && !timedOut)
            notes.Add("The guest's dump of the kernel log is incomplete; only the console's kernel lines were checked.");
        var kernelLog = KernelLog.Merge(KernelLog.Parse(dump), KernelLog.Parse(consoleText));
        var taint = TaintedPattern().Match(consoleText);
        long? tainted = taint.Success && long.TryParse(taint.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var flags)
            ? flags : null;

        RecordBoot(options, stopwatch.Elapsed);
        return new GuestResult
        {
            KernelLog = kernelLog,
            KernelLogComplete = dumpComplete,
            Tainted = tainted,
            Problems = KernelProblems.Find(kernelLog, tainted),
            QemuExitCode = process.ExitCode,
            ScriptExitStatus = timedOut ? null : console.ScriptExitStatus,
            Console = consoleText,
            QemuStandardError = errors,
            TimedOut = timedOut,
            Elapsed = stopwatch.Elapsed,
            DirectKernelBoot = direct,
            QemuArguments = arguments,
            Notes = notes,
        };
    }

    /// <summary>The environment variable naming a file to which every boot appends a line (kernel image, seconds),
    /// so a test run can show, and check, which kernel each of its boots used, whichever process booted it.</summary>
    public const string BootLogVariable = "KSHARP_BOOT_LOG";

    private static void RecordBoot(GuestOptions options, TimeSpan elapsed)
    {
        if (Environment.GetEnvironmentVariable(BootLogVariable) is { Length: > 0 } path)
            AppendToBootLog(path, options.KernelImagePath, elapsed);
    }

    /// <summary>Appends one boot's line (kernel image, seconds) to the boot log at <paramref name="path"/>; safe
    /// to call from many threads and processes at once.</summary>
    public static void AppendToBootLog(string path, string kernelImage, TimeSpan elapsed)
    {
        // Boots in parallel, from several processes, append to one file. .NET's FileMode.Append seeks to the end
        // and writes there rather than opening with O_APPEND, so writers overwrite each other's lines (16 threads
        // appending 2000 lines kept 1779 to 1872; a suite run reported 24 of its 25 boots): each append holds the
        // file exclusively (flock on Unix) and waits its turn.
        var line = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{kernelImage}\t{elapsed.TotalSeconds:0.0}\n"));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var log = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);
                log.Write(line);
                return;
            }
            catch (IOException) when (attempt < 500)
            {
                Thread.Sleep(10);
            }
        }
    }

    /// <summary>Splits QEMU's output into clean lines, streams them to the callback and watches for the status line.</summary>
    private sealed class ConsoleReader(Action<string>? onLine)
    {
        private readonly StringBuilder text = new();
        private readonly StringBuilder line = new();
        private readonly Decoder decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();

        public int? ScriptExitStatus { get; private set; }

        public string Text => text.ToString();

        public async Task ReadAsync(Stream output)
        {
            // Read raw bytes rather than lines: a reader that also split on CR would cut lines such as SeaBIOS's
            // "Booting from ROM..\r" in odd places, and lines must reach the callback as soon as they are complete.
            var bytes = new byte[4096];
            var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
            while (true)
            {
                var read = await output.ReadAsync(bytes).ConfigureAwait(false);
                var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: read == 0);
                for (var i = 0; i < count; i++)
                {
                    if (chars[i] == '\n')
                        EndLine();
                    else
                        line.Append(chars[i]);
                }
                if (read == 0)
                    break;
            }
            if (line.Length > 0)
                EndLine();
        }

        private void EndLine()
        {
            var clean = ConsoleText.StripControlSequences(line.ToString());
            line.Clear();
            text.Append(clean).Append('\n');
            var match = StatusPattern().Match(clean);
            if (match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var status))
                ScriptExitStatus = status;
            onLine?.Invoke(clean);
        }
    }
}
