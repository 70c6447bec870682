using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KernelSharp.Tool.Fuzz;

/// <summary>What to fuzz with: the operation count, the seed, the processes, module parameters.</summary>
/// <param name="Operations">Operations in all, shared among the processes.</param>
/// <param name="Seed">The generator's seed: the same seed repeats a run.</param>
/// <param name="Processes">Processes fuzzing at once; odd ones run as uid 65534 when <paramref name="Unprivileged"/>.</param>
/// <param name="Unprivileged">Whether odd processes drop their privileges.</param>
public sealed record FuzzOptions(long Operations, ulong Seed, int Processes = 4, bool Unprivileged = true)
{
    /// <summary>Parameters for the module under test (<c>name=value</c>), for example a port away from the one a
    /// test device listens on.</summary>
    public IReadOnlyList<string> ModuleParameters { get; init; } = [];
}

/// <summary>
/// One fuzzing run in the guest (<c>ksharp fuzz</c>, and the suite's FuzzTests): the script that loads the modules,
/// finds the device nodes and /proc files the module under test created, runs <c>ksfuzz</c> on them, unloads the
/// modules and checks that nothing of them is left; and what the run's console says.
/// </summary>
public static partial class FuzzRun
{
    /// <summary>The guest program, relative to the repository root.</summary>
    public const string ProgramSource = "src/Tool/Fuzz/ksfuzz.c";

    /// <summary>Where the fuzzer is in the guest.</summary>
    public const string ProgramPath = "/ksfuzz";

    /// <summary>
    /// The guest script. <paramref name="modules"/> are the module names in load order, the one under test last; it
    /// is loaded with <see cref="FuzzOptions.ModuleParameters"/>. The targets are what exists after loading it and
    /// did not before: character devices in /dev, files in /proc and /proc/driver. After the fuzzer the modules are
    /// unloaded in reverse order, and /dev, /proc/devices, /proc/ioports, /proc/iomem, /sys/class and /proc must be
    /// as they were before the first was loaded.
    /// </summary>
    public static string Script(IReadOnlyList<string> modules, FuzzOptions options)
    {
        ArgumentNullException.ThrowIfNull(modules);
        ArgumentNullException.ThrowIfNull(options);
        if (modules.Count == 0)
            throw new ArgumentException("no module to fuzz", nameof(modules));
        var script = new StringBuilder();
        script.Append(Harness.GuestScripts.Snapshot);
        script.Append("""
            entries() { ls -1 /dev | sed 's|^|/dev/|'; ls -1 /proc | grep -v '^[0-9]' | sed 's|^|/proc/|'; ls -1 /proc/driver 2>/dev/null | sed 's|^|/proc/driver/|'; }
            snapshot > /tmp/ksharp-fuzz.before 2>&1

            """);
        for (var i = 0; i < modules.Count - 1; i++)
            script.Append(CultureInfo.InvariantCulture, $"insmod /{modules[i]}.ko || exit 20\n");
        script.Append("entries > /tmp/ksharp-fuzz.entries\n");
        script.Append(CultureInfo.InvariantCulture, $"insmod /{modules[^1]}.ko {string.Join(' ', options.ModuleParameters)} || exit 21\n");
        script.Append(CultureInfo.InvariantCulture, $$"""
            targets=""
            for entry in $(entries); do
                grep -qx "$entry" /tmp/ksharp-fuzz.entries && continue
                if [ -c "$entry" ] || [ -f "$entry" ]; then targets="$targets $entry"; fi
            done
            echo "{{TargetsMarker}}$targets"
            [ -n "$targets" ] || { echo "ksharp-fuzz: {{modules[^1]}} created no device node or /proc file to fuzz"; exit 22; }
            {{ProgramPath}} --seed {{options.Seed}} --ops {{options.Operations}} --procs {{options.Processes}}{{(options.Unprivileged ? " --unprivileged" : "")}} $targets
            status=$?

            """);
        for (var i = modules.Count - 1; i >= 0; i--)
            script.Append(CultureInfo.InvariantCulture, $"rmmod {modules[i]} || {{ echo \"ksharp-fuzz: rmmod {modules[i]} failed\"; status=24; }}\n");
        script.Append(CultureInfo.InvariantCulture, $$"""
            if leftovers /tmp/ksharp-fuzz.before > /tmp/ksharp-fuzz.left; then
                echo "{{CleanMarker}}"
            else
                sed 's|^left: |{{LeftMarker}}|' /tmp/ksharp-fuzz.left
                status=23
            fi
            exit $status

            """);
        return script.ToString();
    }

    /// <summary>The line that lists the targets.</summary>
    public const string TargetsMarker = "ksharp-fuzz: targets";

    /// <summary>The line that says the modules left nothing behind.</summary>
    public const string CleanMarker = "ksharp-fuzz: nothing left after rmmod";

    /// <summary>The start of each line that differs after unloading.</summary>
    public const string LeftMarker = "ksharp-fuzz: left after rmmod: ";

    [GeneratedRegex(@"^ksfuzz: result (?<op>\w+) (?<result>\S+) (?<count>\d+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ResultLine();

    [GeneratedRegex(@"^ksfuzz: seed (?<seed>\d+), ", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex SeedLine();

    [GeneratedRegex(@"^ksfuzz: done: (?<ops>\d+) operations in (?<seconds>[0-9.]+) s, (?<violations>\d+) violations$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex DoneLine();

    /// <summary>Reads a run's console.</summary>
    public static FuzzReport Parse(string console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var results = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (Match match in ResultLine().Matches(console))
            results[$"{match.Groups["op"].Value} {match.Groups["result"].Value}"] = long.Parse(match.Groups["count"].ValueSpan, CultureInfo.InvariantCulture);
        var lines = console.Split('\n');
        var done = DoneLine().Match(console);
        var seed = SeedLine().Match(console);
        return new FuzzReport
        {
            Seed = seed.Success ? ulong.Parse(seed.Groups["seed"].ValueSpan, CultureInfo.InvariantCulture) : null,
            Targets = lines.FirstOrDefault(l => l.StartsWith(TargetsMarker, StringComparison.Ordinal)) is { } targets
                ? targets[TargetsMarker.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [],
            Results = results,
            Operations = done.Success ? long.Parse(done.Groups["ops"].ValueSpan, CultureInfo.InvariantCulture) : null,
            Seconds = done.Success ? double.Parse(done.Groups["seconds"].ValueSpan, CultureInfo.InvariantCulture) : null,
            Violations = [.. lines.Where(l => l.StartsWith("ksfuzz: VIOLATION ", StringComparison.Ordinal))],
            Clean = lines.Contains(CleanMarker),
            Left = [.. lines.Where(l => l.StartsWith(LeftMarker, StringComparison.Ordinal)).Select(l => l[LeftMarker.Length..])],
        };
    }
}

/// <summary>What a fuzzing run reported.</summary>
public sealed record FuzzReport
{
    /// <summary>The seed the fuzzer used; <see langword="null"/> if it never started.</summary>
    public ulong? Seed { get; init; }

    /// <summary>The device nodes and /proc files fuzzed.</summary>
    public required IReadOnlyList<string> Targets { get; init; }

    /// <summary>How often each operation had each result: <c>"read ok"</c>, <c>"ioctl ENOTTY"</c>.</summary>
    public required IReadOnlyDictionary<string, long> Results { get; init; }

    /// <summary>Operations done; <see langword="null"/> if the fuzzer did not finish.</summary>
    public long? Operations { get; init; }

    /// <summary>How long the fuzzer ran.</summary>
    public double? Seconds { get; init; }

    /// <summary>Results no driver may give (a kernel-internal errno, more bytes than asked, a dead worker).</summary>
    public required IReadOnlyList<string> Violations { get; init; }

    /// <summary>Whether unloading left everything as it was before loading.</summary>
    public bool Clean { get; init; }

    /// <summary>What unloading left behind (lines of /dev, /proc/devices, ... that differ).</summary>
    public required IReadOnlyList<string> Left { get; init; }

    /// <summary>The errno names among the results of <paramref name="operation"/> (or of all operations).</summary>
    public IReadOnlySet<string> Errors(string? operation = null) =>
        Results.Keys.Select(k => k.Split(' ')).Where(k => k[1] != "ok" && (operation is null || k[0] == operation)).Select(k => k[1]).ToHashSet(StringComparer.Ordinal);

    /// <summary>The histogram, one line per operation and result.</summary>
    public string Histogram() => string.Join('\n', Results.Select(r => string.Create(CultureInfo.InvariantCulture, $"  {r.Key,-22} {r.Value,10}")));
}
