using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KernelSharp.Harness;

/// <summary>
/// The project's debug kernel: Debian's <c>linux-source-6.1</c> built with KASAN, kmemleak, lockdep, UBSAN,
/// debugobjects and fault injection (<c>DebugKernel/debug.config</c>), which Debian's own kernels lack. It is built
/// once per machine into the kernel cache, keyed by the source, the configuration and the compiler, and its build
/// tree is the headers its modules are built against.
/// </summary>
public static class DebugKernel
{
    /// <summary>The end of the debug kernel's release (<c>uname -r</c>: <c>6.1.192-ksharp-debug</c>).</summary>
    public const string ReleaseSuffix = "-ksharp-debug";

    /// <summary>How a user names it: <c>--kernel 6.1-debug</c>, <c>KSHARP_TEST_KERNEL=6.1-debug</c>.</summary>
    public const string Name = "6.1-debug";

    /// <summary>The Debian source package and its tarball.</summary>
    public const string SourcePackage = "linux-source-6.1";

    /// <summary>Where <see cref="SourcePackage"/> puts the source.</summary>
    public const string SourceTarball = "/usr/src/linux-source-6.1.tar.xz";

    /// <summary>What building it needs besides gcc and make, as Debian packages.</summary>
    public const string BuildPackages = "linux-source-6.1 flex bison bc libelf-dev libssl-dev";

    // Written into the build tree last: a tree without it is a build that did not finish.
    private const string ReadyStamp = "ksharp-debug-kernel.ready";

    /// <summary>The configuration fragment (<c>debug.config</c>), as built into the harness.</summary>
    public static string Fragment { get; } = ReadFragment();

    /// <summary>
    /// Changes to Debian's source, each a text that must occur exactly once in its file. Only one: the boot-time
    /// self-test of RCU Tasks (compiled in by PROVE_RCU, which lockdep selects) hung the boot after "Running
    /// RCU-tasks wait API self tests" in about one boot in four under TCG (measured: 2 of 8, 3 of 9 and 1 of 8 boots
    /// hung for 40 s or more, with 2 vCPUs or 1; without the self-test 16 of 16 booted). It tests RCU, not what the
    /// suite checks, and nothing the suite loads uses RCU Tasks.
    /// </summary>
    public static IReadOnlyList<(string File, string Find, string Replace)> SourcePatches { get; } =
    [
        ("kernel/rcu/tasks.h", "\trcu_tasks_initiate_self_tests();\n}", "\tif (0) /* KernelSharp: the self-test hangs boots under TCG */\n\t\trcu_tasks_initiate_self_tests();\n}"),
        ("kernel/rcu/tasks.h", "late_initcall(rcu_tasks_verify_schedule_work);",
            "static int __maybe_unused rcu_tasks_self_tests_skipped(void) { return rcu_tasks_verify_schedule_work(); } /* KernelSharp */"),
    ];

    /// <summary>The cache key of the kernel this machine would build now: the source tarball (name, size, time), the
    /// fragment and the compiler's version; <see langword="null"/> when the source is not installed.</summary>
    public static string? CurrentKey(string tarball = SourceTarball)
    {
        var source = new FileInfo(tarball);
        if (!source.Exists)
            return null;
        var identity = string.Create(CultureInfo.InvariantCulture,
            $"{source.Name}\n{source.Length}\n{source.LastWriteTimeUtc.Ticks}\n{Fragment}\n{string.Join('\n', SourcePatches)}\n{Compiler.Value}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..12];
    }

    /// <summary>The built tree for the current key in <paramref name="cacheDirectory"/> (default: the harness's kernel
    /// cache), or <see langword="null"/> when the source is missing or the kernel has not been built yet.</summary>
    public static KernelImage? Find(string? cacheDirectory = null)
    {
        if (CurrentKey() is not { } key)
            return null;
        var tree = TreePath(cacheDirectory, key);
        return File.Exists(Path.Combine(tree, ReadyStamp)) && MarkInUse(tree) ? ImageOf(tree) : null;
    }

    // The trees this process uses, each with a shared lock on its lock file for as long as the process runs, so
    // no build elsewhere removes a tree a test is building modules against or booting.
    private static readonly Dictionary<string, FileStream> InUse = new(StringComparer.Ordinal);

    private static bool MarkInUse(string tree)
    {
        lock (InUse)
        {
            if (InUse.ContainsKey(tree))
                return true;
            try
            {
                // Any sharing but None is a shared flock on Unix; a build or a removal holds it exclusively.
                InUse[tree] = new FileStream(tree + ".lock", FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
                return true;
            }
            catch (IOException)
            {
                return false; // being removed right now
            }
        }
    }

    /// <summary>
    /// Returns the debug kernel, building it first when this machine has none for the current key. The build unpacks
    /// the source, configures it from allnoconfig with the fragment, checks that every option of the fragment took
    /// effect, and runs <c>make all</c> on every core, reporting progress through <paramref name="progress"/> about
    /// every 30 seconds. One build at a time per cache: another process waits for it and then uses its result. The
    /// process keeps a shared lock on the tree it uses; trees built for other keys are removed once nobody uses them.
    /// </summary>
    /// <exception cref="HarnessException">The source or a build tool is missing (the message names the Debian
    /// packages), an option did not take effect, or the build failed (the message has the end of its output).</exception>
    public static async Task<KernelImage> GetOrBuildAsync(Action<string> progress, string? cacheDirectory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var key = CurrentKey() ?? throw new HarnessException(
            $"The debug kernel is built from {SourceTarball}, which is missing. On Debian install what it needs with: apt-get install {BuildPackages}");
        CheckTools();
        var tree = TreePath(cacheDirectory, key);
        if (File.Exists(Path.Combine(tree, ReadyStamp)) && MarkInUse(tree))
            return ImageOf(tree);
        Directory.CreateDirectory(Path.GetDirectoryName(tree)!);
        KernelImage built;
        using (await LockAsync(tree + ".lock", progress, cancellationToken).ConfigureAwait(false))
            built = File.Exists(Path.Combine(tree, ReadyStamp)) ? ImageOf(tree) : await BuildAsync(tree, key, progress, cancellationToken).ConfigureAwait(false);
        MarkInUse(tree);
        RemoveOtherBuilds(tree, progress);
        return built;
    }

    private static async Task<KernelImage> BuildAsync(string tree, string key, Action<string> progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        if (Directory.Exists(tree))
        {
            progress($"removing the unfinished debug kernel build in {tree}");
            Directory.Delete(tree, recursive: true);
        }
        Directory.CreateDirectory(tree);
        progress($"unpacking {SourceTarball} into {tree}");
        await RunAsync("tar", ["-xf", SourceTarball, "-C", tree, "--strip-components=1"], tree, null, cancellationToken).ConfigureAwait(false);

        foreach (var (file, find, replace) in SourcePatches)
        {
            var path = Path.Combine(tree, file);
            var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            var at = text.IndexOf(find, StringComparison.Ordinal);
            if (at < 0 || text.IndexOf(find, at + 1, StringComparison.Ordinal) >= 0)
                throw new HarnessException($"The debug kernel's source patch no longer fits {file} (the text to change is not there exactly once): update DebugKernel.SourcePatches for this source.");
            await File.WriteAllTextAsync(path, text[..at] + replace + text[(at + find.Length)..], cancellationToken).ConfigureAwait(false);
        }
        progress($"patched {SourcePatches.Count} place(s) of the source; configuring: allnoconfig with DebugKernel/debug.config");
        var fragmentPath = Path.Combine(tree, "ksharp-debug.config");
        await File.WriteAllTextAsync(fragmentPath, Fragment, cancellationToken).ConfigureAwait(false);
        await RunAsync("make", ["KCONFIG_ALLCONFIG=ksharp-debug.config", "allnoconfig"], tree, null, cancellationToken).ConfigureAwait(false);
        var dropped = DroppedOptions(Fragment, await File.ReadAllTextAsync(Path.Combine(tree, ".config"), cancellationToken).ConfigureAwait(false));
        if (dropped.Count > 0)
            throw new HarnessException($"Configuring the debug kernel dropped {dropped.Count} option(s) of debug.config (a dependency is not met): {string.Join(", ", dropped)}");

        var jobs = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        progress($"compiling on {jobs} cores (once per machine; some 5 minutes on 2 cores)");
        var compiled = 0;
        var lastReport = Stopwatch.StartNew();
        await RunAsync("make", ["-j" + jobs, "all"], tree, line =>
        {
            // kbuild's short log: "  CC      kernel/fork.o", "  AS      arch/x86/entry/entry_64.o", "  LD      vmlinux.o".
            var text = line.TrimStart();
            if (text.StartsWith("CC ", StringComparison.Ordinal) || text.StartsWith("AS ", StringComparison.Ordinal))
                Interlocked.Increment(ref compiled);
            if (lastReport.Elapsed >= TimeSpan.FromSeconds(30))
            {
                lastReport.Restart();
                progress(string.Create(CultureInfo.InvariantCulture,
                    $"compiling: {Volatile.Read(ref compiled)} files after {stopwatch.Elapsed.TotalMinutes:0.0} min (about {ExpectedFiles} in all)"));
            }
        }, cancellationToken).ConfigureAwait(false);

        var image = ImageOf(tree);
        foreach (var needed in new[] { "arch/x86/boot/bzImage", "Module.symvers", "tools/objtool/objtool", "include/config/auto.conf" })
            if (!File.Exists(Path.Combine(tree, needed)))
                throw new HarnessException($"The debug kernel build finished without {needed}, which building modules against it needs.");
        await File.WriteAllTextAsync(Path.Combine(tree, ReadyStamp),
            string.Create(CultureInfo.InvariantCulture, $"release {image.Version}\nkey {key}\nbuilt in {stopwatch.Elapsed.TotalSeconds:0} s\n"), cancellationToken).ConfigureAwait(false);
        progress(string.Create(CultureInfo.InvariantCulture, $"built {image.Version} ({compiled} files) in {stopwatch.Elapsed.TotalMinutes:0.0} min"));
        return image;
    }

    // A tree built for another key (an older source, fragment or compiler) is 1.7 GB nobody boots any more.
    private static void RemoveOtherBuilds(string tree, Action<string> progress)
    {
        var cache = Path.GetDirectoryName(tree)!;
        foreach (var other in Directory.EnumerateDirectories(cache, "debug-*"))
        {
            if (other == tree)
                continue;
            try
            {
                // Only a tree nobody uses or builds: its lock file opens exclusively.
                using (new FileStream(other + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
                    Directory.Delete(other, recursive: true);
                File.Delete(other + ".lock");
                progress($"removed the debug kernel built for another configuration: {other}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use, or not ours to remove: leave it.
            }
        }
    }

    // Measured for debug.config on 6.1.192; only the progress lines use it.
    private const int ExpectedFiles = 1000;

    /// <summary>The options of <paramref name="fragment"/> that <paramref name="config"/> (the resulting .config) does
    /// not have as asked: <c>CONFIG_X=y</c> missing or different, or <c>CONFIG_X=n</c> set.</summary>
    public static IReadOnlyList<string> DroppedOptions(string fragment, string config)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        ArgumentNullException.ThrowIfNull(config);
        var actual = Settings(config).ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        var dropped = new List<string>();
        foreach (var (name, wanted) in Settings(fragment))
        {
            var has = actual.TryGetValue(name, out var value);
            if (wanted == "n" ? has : !has || value != wanted)
                dropped.Add(has ? $"{name}={wanted} (is {value})" : $"{name}={wanted}");
        }
        return dropped;
    }

    // The CONFIG_NAME=VALUE lines of a fragment or a .config; comments ("# CONFIG_X is not set") are not settings.
    private static IEnumerable<(string Name, string Value)> Settings(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("CONFIG_", StringComparison.Ordinal) && trimmed.IndexOf('=') is var equals and > 0)
                yield return (trimmed[..equals], trimmed[(equals + 1)..]);
        }
    }

    private static string TreePath(string? cacheDirectory, string key) =>
        Path.Combine(cacheDirectory ?? UncompressedKernel.DefaultCacheDirectory(), "debug-" + key);

    private static KernelImage ImageOf(string tree)
    {
        var releaseFile = Path.Combine(tree, "include", "config", "kernel.release");
        var release = File.Exists(releaseFile) ? File.ReadAllText(releaseFile).Trim() : "";
        if (!release.EndsWith(ReleaseSuffix, StringComparison.Ordinal))
            throw new HarnessException($"{tree} is not a KernelSharp debug kernel tree (its release is '{release}').");
        // The bzImage, booted the classic way: 6.1's PVH entry calls KASAN-instrumented C (memcmp, from the
        // hypervisor check) before KASAN's early shadow exists, and the guest triple-faults before its first
        // message. Through the bzImage the kernel sets the shadow up first; decompressing costs well under a second
        // here (LZ4 instead of gzip measured the same 6 s boot to /init: the checkers' own setup dominates).
        return new KernelImage(release, Path.Combine(tree, "arch", "x86", "boot", "bzImage"), tree) { DirectBoot = false };
    }

    private static string ReadFragment()
    {
        using var stream = typeof(DebugKernel).Assembly.GetManifestResourceStream("KernelSharp.Harness.DebugKernel.debug.config")
            ?? throw new InvalidOperationException("debug.config is not embedded in the harness");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    // gcc --version's first line, asked once: every KernelImages.OnHost() computes the key.
    private static readonly Lazy<string> Compiler = new(CompilerVersion);

    private static string CompilerVersion()
    {
        try
        {
            using var gcc = Process.Start(HostTools.Redirected("gcc", ["--version"]))!;
            var first = gcc.StandardOutput.ReadLine() ?? "";
            gcc.WaitForExit();
            return first;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "no gcc";
        }
    }

    private static void CheckTools()
    {
        var missing = new[] { ("gcc", "gcc"), ("make", "make"), ("flex", "flex"), ("bison", "bison"), ("bc", "bc") }
            .Where(tool => HostTools.FindExecutable(tool.Item1) is null).Select(tool => tool.Item2).ToList();
        if (!File.Exists("/usr/include/gelf.h"))
            missing.Add("libelf-dev");
        if (missing.Count > 0)
            throw new HarnessException($"Building the debug kernel needs {string.Join(", ", missing)}. On Debian install them with: apt-get install {BuildPackages}");
    }

    // An exclusive lock on a file next to the tree, waited for with a note every minute.
    private static async Task<FileStream> LockAsync(string path, Action<string> progress, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var noted = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                if (!noted || waited.Elapsed > TimeSpan.FromMinutes(1))
                {
                    progress("another process is building the debug kernel; waiting for it");
                    noted = true;
                    waited.Restart();
                }
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Runs a build step in directory, each output line to onLine; a failure throws with the output's last lines.
    private static async Task RunAsync(string executable, IReadOnlyList<string> arguments, string directory, Action<string>? onLine, CancellationToken cancellationToken)
    {
        var start = HostTools.Redirected(executable, arguments);
        start.WorkingDirectory = directory;
        using var process = Process.Start(start) ?? throw new HarnessException($"Could not start {executable}.");
        process.StandardInput.Close();
        var tail = new Queue<string>();
        void Take(string? line)
        {
            if (line is null)
                return;
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 40)
                    tail.Dequeue();
            }
            onLine?.Invoke(line);
        }
        process.OutputDataReceived += (_, e) => Take(e.Data);
        process.ErrorDataReceived += (_, e) => Take(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        if (process.ExitCode != 0)
        {
            string output;
            lock (tail)
                output = string.Join('\n', tail);
            throw new HarnessException($"Building the debug kernel failed: {executable} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        }
    }
}
