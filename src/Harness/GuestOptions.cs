namespace KernelSharp.Harness;

/// <summary>A host file to put into the guest's initramfs.</summary>
/// <param name="GuestPath">Absolute path inside the guest, for example <c>/hello.ko</c>. Missing parent directories
/// are created.</param>
/// <param name="HostPath">The file on the host. It is read when the guest starts.</param>
/// <param name="Mode">Permission bits (see <see cref="UnixModes"/>); <see langword="null"/> copies the host file's.</param>
public sealed record GuestFile(string GuestPath, string HostPath, int? Mode = null);

/// <summary>What to boot and what to run in the guest. Only <see cref="KernelImagePath"/> is required.</summary>
public sealed record GuestOptions
{
    /// <summary>The kernel to boot: a bzImage such as <c>/boot/vmlinuz-6.1.0-56-amd64</c>
    /// (see <see cref="KernelImages"/>), or an uncompressed vmlinux with a PVH entry point.</summary>
    public required string KernelImagePath { get; init; }

    /// <summary>
    /// Shell script run by busybox <c>sh</c> once <c>/proc</c>, <c>/sys</c> and <c>/dev</c> are mounted. It runs in
    /// <c>/</c> with standard input from <c>/dev/null</c> (nobody types into the console) and its output goes to the
    /// console. Its exit status becomes <see cref="GuestResult.ScriptExitStatus"/>. CR LF line endings are turned
    /// into LF, because busybox would take the CR as part of each command.
    /// </summary>
    public string Script { get; init; } = "";

    /// <summary>Host files to add to the initramfs, such as the module under test. The harness owns
    /// <c>/init</c>, <c>/guest.sh</c> and <c>/bin/busybox</c>; those paths are refused.</summary>
    public IReadOnlyList<GuestFile> Files { get; init; } = [];

    /// <summary>
    /// How long the whole run may take, boot included, before QEMU is killed and
    /// <see cref="GuestResult.TimedOut"/> is set. Boot alone takes 4 to 10 seconds under TCG depending on host load,
    /// so the default of two minutes leaves room for a busy CI machine.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Guest memory in MiB (QEMU's <c>-m</c>).</summary>
    public int MemoryMiB { get; init; } = 256;

    /// <summary>
    /// Virtual CPUs (QEMU's <c>-smp</c>). Two by default, so two tasks really are in the kernel at once and a driver
    /// without its locks loses a race; one vCPU would hide that (see <see cref="Accelerator"/> for how TCG runs them).
    /// </summary>
    public int Cpus { get; init; } = 2;

    /// <summary>
    /// Appended to the kernel command line, which starts with <c>console=ttyS0 quiet panic=-1 no_timer_check</c>. Later arguments
    /// win, so for example <c>loglevel=7</c> undoes <c>quiet</c> for the boot messages.
    /// </summary>
    public string? ExtraKernelArguments { get; init; }

    /// <summary>Extra QEMU arguments, appended after the harness's own (for example <c>-smp 2</c> or another
    /// <c>-device</c>).</summary>
    public IReadOnlyList<string> ExtraQemuArguments { get; init; } = [];

    /// <summary>
    /// Called with each console line as it arrives, already stripped of terminal control sequences (see
    /// <see cref="ConsoleText"/>), for streaming the guest's output to a user or a test log. Called from a
    /// thread-pool thread, one line at a time and in order. If it throws, QEMU is killed and
    /// <see cref="GuestRunner.RunAsync"/> throws that exception.
    /// </summary>
    public Action<string>? OnConsoleLine { get; init; }

    /// <summary>
    /// The console log level set once <c>/init</c> runs (written to <c>/proc/sys/kernel/printk</c>): kernel messages
    /// with a priority below it reach the console. The boot itself stays <c>quiet</c>, so the console is not flooded
    /// with hundreds of boot lines, but the default of 7 then shows everything up to <c>KERN_INFO</c>, which is where
    /// a module's <c>printk</c> output usually is. <see langword="null"/> keeps the boot setting (4: warnings and
    /// worse).
    /// </summary>
    public int? ConsoleLogLevel { get; init; } = 7;

    /// <summary>
    /// Boot the uncompressed kernel through its PVH entry point instead of the bzImage. This skips the kernel
    /// decompressing itself in emulated code, which takes most of the boot time under TCG (12 s boot + script +
    /// power-off becomes about 4.5 s). The uncompressed kernel is extracted once and cached in
    /// <see cref="KernelCacheDirectory"/>. When it cannot be had (no <c>xz</c> on the host, a kernel without
    /// CONFIG_PVH) the bzImage is booted and <see cref="GuestResult.Notes"/> says why.
    /// </summary>
    public bool DirectKernelBoot { get; init; } = true;

    /// <summary>Where uncompressed kernels are cached; <see langword="null"/> means
    /// <c>$XDG_CACHE_HOME/kernelsharp/kernels</c> or <c>~/.cache/kernelsharp/kernels</c>. Each kernel takes about 65 MB.</summary>
    public string? KernelCacheDirectory { get; init; }

    /// <summary>
    /// QEMU's accelerator (<c>-accel</c>). TCG, pure emulation, works everywhere, including machines where KVM is
    /// missing or broken; set <c>kvm</c> where it works. The default runs TCG's vCPUs in one host thread
    /// (<c>thread=single</c>), taking turns: races between the vCPUs still happen (a scull without locks loses
    /// records at every run), but the kernel's live code patching (static keys, <c>text_poke_bp</c>) stays
    /// coherent. With one thread per vCPU, Debian's 6.12 oopsed on a stale <c>int3</c> during boot in about one
    /// boot in 25 (<c>Oops: int3</c> in <c>enqueue_timer</c>, <c>hrtimer_start_range_ns</c>), and on a loaded
    /// 2-core host the second thread bought no speed.
    /// </summary>
    public string Accelerator { get; init; } = "tcg,thread=single";

    /// <summary>Whether the guest has QEMU's isa-debug-exit device at <see cref="GuestRunner.DebugExitPort"/>. A run
    /// that writes to ports on purpose (the fuzzer, on PowerOff) goes without it, so no write can end QEMU.</summary>
    public bool DebugExitDevice { get; init; } = true;

    /// <summary>The QEMU executable: a path, or a name looked up in PATH.</summary>
    public string QemuExecutable { get; init; } = "qemu-system-x86_64";

    /// <summary>The busybox copied into the guest. It must be statically linked, since the initramfs has no C
    /// library; Debian's busybox-static package installs one as <c>/bin/busybox</c>.</summary>
    public string BusyboxPath { get; init; } = "/bin/busybox";
}
