using System.Diagnostics;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool;

/// <summary>The ksharp command line: build and run C# kernel modules.</summary>
public static class Cli
{
    public const string Usage = """
        ksharp: build Linux kernel modules from C# and run them in QEMU.

        usage:
          ksharp build <driver-project-dir> [--kernel <version>|--kernel-headers <dir>] [--out <dir>] [--debug]
              Compile the driver's C# into <out>/<module>.ko (default out: <driver-project-dir>/bin).
              --debug defines DEBUG: debug-zone messages (DebugZones.Log) stay in the module, and
              the C# lines and names go into it for ksharp decode.
              The compiled C# becomes kernel assembly (<out>/build/<module>_csharp.S), the same
              for every kernel; kbuild assembles it with the C glue against the target's headers,
              and the build fails on any objtool warning.
          ksharp run <driver-project-dir> [--kernel <version>|<vmlinuz>] [--script <guest.sh>] [--timeout <s>] [--out <dir>]
                     [--file <host-path>[:<guest-path>]]...
              Build the module, boot QEMU with it in a busybox initramfs (at /<module>.ko), run the
              script there (default: insmod, show dmesg, rmmod), stream the console, and exit
              with the guest's status. Each --file copies a host file into the guest (default
              guest path: /<file name>; executables keep their execute bit).
          ksharp demo [--kernel <version>]
              Build samples/PowerOff, boot it, show its /proc/ioports line, and power QEMU off
              with status 43 by writing 21 to /dev/poweroff.
        After the guest, run and demo check the kernel log: any oops, WARNING, BUG, lockup, stall,
        hung task, leak report or unexpected taint is printed, and a run whose script succeeded
        exits with 3.
          ksharp fuzz <driver-project-dir> [--ops N] [--seed S] [--procs P] [--kernel <version>]
                      [--param name=value]... [--timeout <s>] [--out <dir>]
              Build the module, boot it, and run the syscall fuzzer (src/Tool/Fuzz/ksfuzz.c) in P
              processes (odd ones unprivileged) on every device node and /proc file it creates:
              open flags, read/write/pread/pwrite sizes, offsets, lseek whence, ioctl numbers,
              bad user pointers. Prints the seed, a histogram of results, and fails on a
              kernel-internal errno, a kernel report, or anything left after rmmod. The guest has
              no isa-debug-exit device, so no write powers it off. Default: 100000 operations.
          ksharp test <driver-project-dir> [--kernel <version>] [--timeout <s>] [--out <dir>] [--debug]
              Build a test build of the module (default out: <driver-project-dir>/bin/test), in which
              its [KernelTest] methods run in the kernel: as a KUnit suite where the kernel has KUnit
              built in (the debug kernel, 6.1-debug), else from the module's init after its Init.
              Boots it, reads the kernel's KTAP report, and prints each test with every failed
              KernelAssert as FILE.cs(LINE): error: ...; exits 1 when a test failed.
          ksharp decode [--module <module.ko>|<driver-project-dir>]... [<kernel-log>]
              Print the kernel log (the file, or standard input) with each C# frame of an oops or
              stack dump (call trace lines and RIP:) followed by its C# name and line, as
              Namespace.Type.Method (File.cs:line). --module gives each module the log names: its
              .ko, or a driver project whose bin/ (or bin/Debug/, the SDK's) holds it. Lines need
              a debug build (--debug, or the SDK's Debug configuration); other lines pass through
              unchanged. ksharp run does this by itself for a debug build's kernel reports.
          ksharp package dkms <driver-project-dir> [--version <v>] [--out <dir>] [--kernel <version>]
              Write a DKMS source tree <out>/<module>-<version> (default out: <driver-project-dir>/bin/dkms,
              version 1.0): dkms.conf, a Kbuild and Makefile, and per module (the driver and the modules
              it depends on) the prebuilt kernel assembly from the C#, the generated glue and the shims
              it uses. On the target, dkms add/build/install needs only kernel headers, gcc and make.
          ksharp package deb <driver-project-dir> [--version <v>] [--out <dir>] [--kernel <version>] [--maintainer <m>]
              Write <out>/<module>-dkms_<version>_all.deb (default out: <driver-project-dir>/bin/deb) with
              dpkg-deb: that DKMS tree in /usr/src, and dh_dkms's scripts. Installing it builds the
              module for every installed kernel that has headers, DKMS builds it for kernels installed
              later, and removing it removes it from all. --maintainer "Name <email>" (default: the
              module's author) is the package's Maintainer field.
          ksharp debug-kernel
              Build the project's debug kernel (6.1 with KASAN, kmemleak, lockdep, UBSAN,
              debugobjects, fault injection) once per machine, and print its release.
          ksharp help
        --kernel takes a release or its start (6.1, 6.12, 6.12.107+deb12-amd64, 6.1-rt), "host" (the
        running kernel), or an image path; 6.1-debug is the debug kernel, built on first use. A build
        needs only the kernel's headers: for a whole release, also /lib/modules/RELEASE/build, where
        every distribution's headers package puts them. Default kernel: the
        newest Debian test kernel with both /boot/vmlinuz-VERSION and
        /usr/src/linux-headers-VERSION installed (6.1 preferred).
        """;

    public static async Task<int> MainAsync(string[] args)
    {
        try
        {
            var parsed = Arguments.Parse(args);
            return parsed.Command switch
            {
                "build" => Build(parsed),
                "run" => await RunCommand.RunAsync(parsed),
                "demo" => await RunCommand.DemoAsync(parsed),
                "decode" => Decode(parsed),
                "debug-kernel" => await DebugKernelAsync(),
                "fuzz" => await Fuzz.FuzzCommand.RunAsync(parsed),
                "test" => await TestCommand.RunAsync(parsed),
                "package" => PackageCommand.Run(parsed),
                "help" or "--help" or "-h" => Help(),
                _ => throw new UsageError($"unknown command '{parsed.Command}'"),
            };
        }
        catch (UsageError e)
        {
            Console.Error.WriteLine($"ksharp: {e.Message}");
            Console.Error.WriteLine();
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (Harness.HarnessException e)
        {
            Console.Error.WriteLine($"ksharp: error: {e.Message}");
            return 1;
        }
        catch (BuildError e)
        {
            Console.Error.WriteLine($"ksharp: error: {e.Message}");
            if (e.Details is { Length: > 0 } details)
                Console.Error.WriteLine(Indent(details.TrimEnd()));
            return 1;
        }
    }

    private static async Task<int> DebugKernelAsync()
    {
        var kernel = await Harness.DebugKernel.GetOrBuildAsync(line => Console.Error.WriteLine($"ksharp: debug kernel: {line}"));
        Console.WriteLine(kernel.Version);
        return 0;
    }

    private static int Decode(Arguments parsed)
    {
        if (parsed.Positionals.Count > 1)
            throw new UsageError($"unexpected argument '{parsed.Positionals[1]}'");
        var modules = Debugging.TraceDecoder.LoadModules(parsed.All("--module"));
        if (modules.Count == 0)
            throw new UsageError("decode needs --module <module.ko> (or a driver project dir) for each module to decode");
        if (parsed.Positionals.Count == 1 && !File.Exists(parsed.Positionals[0]))
            throw new BuildError($"kernel log not found: {parsed.Positionals[0]}");
        var decoder = new Debugging.TraceDecoder(modules);
        decoder.Note += note => Console.Error.WriteLine($"ksharp: {note}");
        using TextReader input = parsed.Positionals.Count == 1 ? new StreamReader(parsed.Positionals[0]) : Console.In;
        decoder.Decode(input, Console.Out);
        return 0;
    }

    private static int Help()
    {
        Console.WriteLine(Usage);
        return 0;
    }

    private static int Build(Arguments parsed)
    {
        BuildOutput output = BuildModule(parsed);
        Console.WriteLine($"ksharp: built {output.ModulePath}");
        return 0;
    }

    /// <summary>The build step shared by 'build' and 'run'.</summary>
    internal static BuildOutput BuildModule(Arguments parsed, KernelHeaders? headers = null, bool tests = false)
    {
        string driver = parsed.Positional(0, "driver-project-dir");
        if (headers is null && parsed.Option("--kernel") is not null && parsed.Option("--kernel-headers") is not null)
            throw new UsageError("give --kernel or --kernel-headers, not both");
        headers ??= parsed.Option("--kernel-headers") is { } dir ? KernelHeaders.Open(dir) : HeadersFor(parsed);
        string output = parsed.Option("--out") ?? Path.Combine(driver, tests ? Path.Combine("bin", "test") : "bin");
        Console.WriteLine($"ksharp: building {driver} against {headers.Directory}");
        var clock = Stopwatch.StartNew();
        var builder = new ModuleBuilder(Toolchain.Locate(), Console.WriteLine);
        BuildOutput result = builder.Build(new BuildRequest(driver, headers, output, parsed.Option("--debug") is not null, Tests: tests));
        Console.WriteLine($"ksharp: module {result.Model.Module.Name} ready in {clock.Elapsed.TotalSeconds:0.00} s");
        return result;
    }

    /// <summary>
    /// The headers a build needs for --kernel: an installed test kernel's (6.1, 6.12, 6.1-rt,
    /// 6.1-debug, an image path), else any release's headers where distributions put them
    /// (/lib/modules/RELEASE/build, /usr/src/linux-headers-RELEASE); "host" is the running kernel.
    /// A build needs no kernel image, only its headers.
    /// </summary>
    internal static KernelHeaders HeadersFor(Arguments parsed)
    {
        if (parsed.Option("--kernel") is not { } wanted || wanted.Contains('/') || wanted.EndsWith("-debug", StringComparison.Ordinal))
            return KernelHeaders.Open(ChooseKernel(parsed).HeadersPath);
        if (wanted == "host")
            return KernelHeaders.Find(KernelHeaders.HostRelease());
        var images = Harness.KernelImages.OnHost();
        if (images.FindByVersion(wanted) is { } image)
            return KernelHeaders.Open(image.HeadersPath);
        // Neither an installed test kernel nor a release with headers: say both, and what to install.
        return KernelHeaders.TryFind(wanted)
            ?? throw new BuildError($"no installed kernel matches --kernel {wanted}; installed with headers: {(images.All.Count == 0 ? "none" : string.Join(", ", images.All.Select(k => k.Version)))}; and {KernelHeaders.Missing(wanted)}");
    }

    /// <summary>The kernel --kernel names (a release, the start of one, "host", or an image path), else the default.</summary>
    internal static Harness.KernelImage ChooseKernel(Arguments parsed)
    {
        var images = Harness.KernelImages.OnHost();
        if (parsed.Option("--kernel") is not { } wanted)
            return images.Default ?? throw new BuildError(Harness.KernelImages.InstallHint);
        if (wanted == "host")
        {
            string release = KernelHeaders.HostRelease();
            return images.FindByVersion(release)
                ?? throw new BuildError($"--kernel host: the running kernel {release} has no /boot/vmlinuz-{release} with headers here to boot in QEMU (ksharp build --kernel host needs only its headers)");
        }
        if (wanted.Contains('/'))
        {
            if (!File.Exists(wanted))
                throw new BuildError($"kernel image not found: {wanted}");
            return images.FindByImagePath(wanted)
                ?? throw new BuildError($"no kernel headers match {wanted}: ksharp needs /usr/src/linux-headers-VERSION for the same VERSION (Debian: linux-headers-VERSION)");
        }
        if (images.FindByVersion(wanted) is null && wanted.EndsWith("-debug", StringComparison.Ordinal))
        {
            // The debug kernel is the project's own: build it now (once per machine) rather than fail.
            var built = Harness.DebugKernel.GetOrBuildAsync(line => Console.Error.WriteLine($"ksharp: debug kernel: {line}")).GetAwaiter().GetResult();
            images = Harness.KernelImages.OnHost();
            return images.FindByVersion(wanted) ?? throw new BuildError($"--kernel {wanted}: the debug kernel is {built.Version}");
        }
        return images.FindByVersion(wanted)
            ?? throw new BuildError($"no installed kernel matches --kernel {wanted}; installed with headers: {(images.All.Count == 0 ? "none" : string.Join(", ", images.All.Select(k => k.Version)))}");
    }

    internal static string Indent(string text) => string.Join('\n', text.Split('\n').Select(line => "    " + line));
}

/// <summary>A command line that does not parse: print it with the usage text.</summary>
public sealed class UsageError(string message) : Exception(message);

/// <summary>Command, positional arguments and --options (each option takes one value).</summary>
public sealed class Arguments
{
    private static readonly HashSet<string> Known = ["--kernel-headers", "--out", "--kernel", "--script", "--timeout", "--ops", "--seed", "--procs", "--version", "--maintainer"];
    /// <summary>Options that take no value.</summary>
    private static readonly HashSet<string> Flags = ["--debug"];
    /// <summary>Options that may be given more than once; each use adds a value.</summary>
    private static readonly HashSet<string> Repeatable = ["--file", "--param", "--module"];

    public required string Command { get; init; }
    public required IReadOnlyList<string> Positionals { get; init; }
    public required IReadOnlyDictionary<string, string> Options { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> RepeatedOptions { get; init; }

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
            throw new UsageError("no command given");
        var positionals = new List<string>();
        var options = new Dictionary<string, string>();
        var repeated = new Dictionary<string, List<string>>();
        for (int i = 1; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positionals.Add(arg);
                continue;
            }
            if (Flags.Contains(arg))
            {
                if (!options.TryAdd(arg, "true"))
                    throw new UsageError($"option {arg} given twice");
                continue;
            }
            string name = arg, value;
            int equals = arg.IndexOf('=');
            if (equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                if (i + 1 >= args.Count)
                    throw new UsageError($"option {arg} needs a value");
                value = args[++i];
            }
            if (Repeatable.Contains(name))
            {
                if (!repeated.TryGetValue(name, out var values))
                    repeated[name] = values = [];
                values.Add(value);
                continue;
            }
            if (!Known.Contains(name))
                throw new UsageError($"unknown option {name}");
            if (!options.TryAdd(name, value))
                throw new UsageError($"option {name} given twice");
        }
        return new Arguments
        {
            Command = args[0],
            Positionals = positionals,
            Options = options,
            RepeatedOptions = repeated.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value),
        };
    }

    public string Positional(int index, string name)
    {
        if (index >= Positionals.Count)
            throw new UsageError($"missing <{name}>");
        if (Positionals.Count > index + 1)
            throw new UsageError($"unexpected argument '{Positionals[index + 1]}'");
        return Positionals[index];
    }

    public string? Option(string name) => Options.TryGetValue(name, out string? value) ? value : null;

    /// <summary>Every value of a repeatable option, in command-line order.</summary>
    public IReadOnlyList<string> All(string name) => RepeatedOptions.TryGetValue(name, out var values) ? values : [];
}
