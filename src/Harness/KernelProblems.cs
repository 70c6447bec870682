using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KernelSharp.Harness;

/// <summary>The kinds of trouble a kernel reports in its log. A run's problems are a set of these.</summary>
[Flags]
public enum KernelProblemKind
{
    /// <summary>No problem.</summary>
    None = 0,
    /// <summary>An oops: a fault or <c>BUG()</c> in kernel code (<c>Oops:</c>, <c>… [#N]</c>, <c>kernel BUG at</c>,
    /// <c>BUG: kernel NULL pointer dereference</c>, <c>BUG: unable to handle page fault</c>).</summary>
    Oops = 1 << 0,
    /// <summary><c>WARNING:</c>, from <c>WARN()</c> and the kernel's own consistency checks.</summary>
    Warning = 1 << 1,
    /// <summary><c>Kernel panic - not syncing</c>.</summary>
    Panic = 1 << 2,
    /// <summary>A CPU ran kernel code without scheduling for too long (<c>BUG: soft lockup</c>).</summary>
    SoftLockup = 1 << 3,
    /// <summary>A task slept uninterruptibly for too long (<c>INFO: task … blocked for more than</c>).</summary>
    HungTask = 1 << 4,
    /// <summary>An RCU grace period could not end (<c>rcu: INFO: … detected stall</c>).</summary>
    RcuStall = 1 << 5,
    /// <summary>Sleeping where the kernel must not (<c>BUG: scheduling while atomic</c>, <c>BUG: sleeping function
    /// called from invalid context</c>).</summary>
    SleepInAtomic = 1 << 6,
    /// <summary>Any other <c>BUG:</c> report (bad page state, KASAN, workqueue lockup, ...).</summary>
    Bug = 1 << 7,
    /// <summary>A stack dump that belongs to none of the reports above (a bare <c>dump_stack()</c>).</summary>
    CallTrace = 1 << 8,
    /// <summary>Kernel objects a module never released: the KernelSharp library's exit-time report, or kmemleak's.</summary>
    Leak = 1 << 9,
    /// <summary>Compiled C# stopped where .NET would have thrown (<c>C# failure:</c>).</summary>
    CSharpFailure = 1 << 10,
    /// <summary><c>/proc/sys/kernel/tainted</c> at the end of the script has a flag that no expected report explains
    /// (loading unsigned out-of-tree modules, O and E, is expected).</summary>
    Taint = 1 << 11,
    /// <summary>KASAN found a bad memory access: use after free, out of bounds, double free
    /// (<c>BUG: KASAN: …</c>; the project's debug kernel).</summary>
    Kasan = 1 << 12,
    /// <summary>UBSAN found undefined behaviour: a shift or an index out of range (<c>UBSAN: …</c>).</summary>
    Ubsan = 1 << 13,
    /// <summary>lockdep found a locking bug: a possible deadlock, a lock released twice or freed while held, a lock
    /// held on return to user space, RCU misuse (<c>WARNING: possible circular locking dependency detected</c>, …).</summary>
    Lockdep = 1 << 14,
    /// <summary>debugobjects found an object freed or reused while active: a pending timer or queued work in freed
    /// memory (<c>ODEBUG: free active …</c>).</summary>
    DebugObjects = 1 << 15,
    /// <summary>A checker stopped checking, so what follows passes unchecked (<c>kmemleak: Kernel memory leak
    /// detector disabled</c>, <c>BUG: MAX_LOCKDEP_KEYS too low!</c>).</summary>
    CheckerDisabled = 1 << 16,
    /// <summary>The kernel's warning that an allocation failed (<c>insmod: page allocation failure: order:0, …</c>,
    /// <c>insmod: vmalloc error: …</c>), with its stack dump: memory ran out, or a driver asked for more than the
    /// kernel can give without <c>__GFP_NOWARN</c>. Fault injection provokes it on purpose.</summary>
    AllocationFailure = 1 << 17,
}

/// <summary>One report in the kernel log: what it is, the line that started it and the lines that belong to it.</summary>
/// <param name="Kinds">Every kind found in the report; an oops that a C# failure started is both.</param>
/// <param name="Excerpt">The report's lines, as the log has them: from the first line that announced trouble to the
/// end of its trace, at most <see cref="KernelProblems.MaximumExcerptLines"/>.</param>
public sealed record KernelProblem(KernelProblemKind Kinds, IReadOnlyList<string> Excerpt)
{
    /// <summary>The report's first line.</summary>
    public string Headline => Excerpt.Count > 0 ? Excerpt[0] : "";

    /// <inheritdoc/>
    public override string ToString() => $"{Kinds}: {Headline}";

    /// <summary>The report for a person: "kernel problem: KINDS" and the excerpt, each line marked "  ! ".</summary>
    public string Describe() => $"kernel problem: {Kinds}" + string.Concat(Excerpt.Select(line => "\n  ! " + line));
}

/// <summary>Finds oopses, warnings, lockups, stalls, leaks and unexpected taint in a kernel log.</summary>
public static partial class KernelProblems
{
    /// <summary>The most lines of a report kept in its excerpt; a KASAN or UBSAN report keeps up to
    /// <see cref="MaximumReportLines"/>.</summary>
    public const int MaximumExcerptLines = 40;

    /// <summary>The taint flags every run of this harness has: out-of-tree (O) and unsigned (E) modules.</summary>
    public const long ExpectedTaint = (1L << 12) | (1L << 13);

    // Each pattern matches the start of a line's text; 6.1 and 6.12 word some reports differently (6.1: "general
    // protection fault, ...: 0000 [#1] PREEMPT SMP NOPTI"; 6.12: "Oops: general protection fault, ...").
    private static readonly (KernelProblemKind Kind, Regex Pattern)[] Triggers =
    [
        (KernelProblemKind.CSharpFailure, new(@": C# failure: ", RegexOptions.CultureInvariant)),
        (KernelProblemKind.SoftLockup, new(@"BUG: soft lockup", RegexOptions.CultureInvariant)),
        (KernelProblemKind.Kasan, new(@"^BUG: KASAN: ", RegexOptions.CultureInvariant)),
        (KernelProblemKind.Ubsan, new(@"^UBSAN: ", RegexOptions.CultureInvariant)),
        // lockdep's reports (kernel/locking/lockdep.c, kernel/rcu/): each follows a line of '=' and ends with a stack dump.
        (KernelProblemKind.Lockdep, new(@"^(WARNING: (possible (circular locking dependency|recursive locking|irq lock inversion dependency) detected|inconsistent lock state|bad (unlock balance|contention) detected!|held lock freed!|lock held when returning to user space!|suspicious RCU usage|Nested lock was not taken|chain_key collision|\S+-safe -> \S+-unsafe lock order detected|\S+ still has locks held!)|INFO: trying to register non-static key)", RegexOptions.CultureInvariant)),
        (KernelProblemKind.DebugObjects, new(@"^ODEBUG: ", RegexOptions.CultureInvariant)),
        // warn_alloc(): "COMM: page allocation failure: order:N, mode:…" or "COMM: vmalloc error: size N, …".
        (KernelProblemKind.AllocationFailure, new(@"^\S+: (page allocation failure: order:|vmalloc error: size )", RegexOptions.CultureInvariant)),
        (KernelProblemKind.CheckerDisabled, new(@"^(kmemleak: (Kernel memory leak detector disabled|Cannot allocate a kmemleak_object structure|Memory pool empty)|BUG: MAX_LOCKDEP_\w+ too low!|BUG: MAX_STACK_TRACE_ENTRIES too low!)", RegexOptions.CultureInvariant)),
        (KernelProblemKind.SleepInAtomic, new(@"^BUG: (scheduling while atomic|sleeping function called from invalid context)", RegexOptions.CultureInvariant)),
        (KernelProblemKind.Oops, new(@"^(Oops: |[Kk]ernel BUG at |BUG: kernel NULL pointer dereference|BUG: unable to handle )|: [0-9a-f]{4} \[#\d+\]", RegexOptions.CultureInvariant)),
        (KernelProblemKind.Bug, new(@"^BUG: ", RegexOptions.CultureInvariant)),
        (KernelProblemKind.Warning, new(@"^WARNING: ", RegexOptions.CultureInvariant)),
        (KernelProblemKind.Panic, new(@"^Kernel panic - not syncing", RegexOptions.CultureInvariant)),
        (KernelProblemKind.HungTask, new(@"^INFO: task .+ blocked for more than \d+ seconds", RegexOptions.CultureInvariant)),
        (KernelProblemKind.RcuStall, new(@"^rcu: INFO: \S+ (self-)?detected stalls?", RegexOptions.CultureInvariant)),
        (KernelProblemKind.Leak, new(@" were never released$|^kmemleak: \d+ new suspected memory leaks", RegexOptions.CultureInvariant)),
        (KernelProblemKind.CallTrace, new(@"^Call Trace:", RegexOptions.CultureInvariant)),
    ];

    // The end of a stack dump (after any <IRQ> part), or of an oops or a warning.
    [GeneratedRegex(@"^(\s*</TASK>|---\[ end (trace|Kernel panic))", RegexOptions.CultureInvariant)]
    private static partial Regex EndOfReport();

    // KASAN and UBSAN frame a report with lines of '=' and put more after its stack dump (where the memory was
    // allocated and freed, the shadow bytes): their reports end at the closing rule.
    [GeneratedRegex(@"^={20,}$", RegexOptions.CultureInvariant)]
    private static partial Regex Rule();

    private const KernelProblemKind Framed = KernelProblemKind.Kasan | KernelProblemKind.Ubsan;

    /// <summary>How many lines a report may span without its end: a report whose end never comes (a C# failure
    /// line whose oops did not follow) stops taking later lines after this many.</summary>
    public const int MaximumReportLines = 120;

    /// <summary>
    /// The reports in <paramref name="log"/>. A report starts at a line that announces trouble and takes the lines
    /// after it up to the end of its stack dump (<c> &lt;/TASK&gt;</c>) or its <c>---[ end trace</c> line; a trigger
    /// inside an open report adds its kind (an oops's call trace is no extra problem, a C# failure line and the oops
    /// it causes are one report). The excerpt keeps the first <see cref="MaximumExcerptLines"/> lines.
    /// <paramref name="tainted"/>, the final value of <c>/proc/sys/kernel/tainted</c> if the run got that far, adds
    /// <see cref="KernelProblemKind.Taint"/> when it has a flag beyond <see cref="ExpectedTaint"/> that none of the
    /// reports found explains.
    /// </summary>
    public static IReadOnlyList<KernelProblem> Find(IReadOnlyList<KernelLogLine> log, long? tainted = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        var problems = new List<KernelProblem>();
        List<string>? excerpt = null;
        var kinds = KernelProblemKind.None;
        var span = 0;

        void Close()
        {
            if (excerpt is not null)
                problems.Add(new KernelProblem(kinds, excerpt));
            excerpt = null;
            kinds = KernelProblemKind.None;
        }

        var modules = new List<(string Name, ulong Start, ulong Size)>();
        foreach (var line in log)
        {
            if (ModuleLoad().Match(line.Text) is { Success: true } load)
                modules.Insert(0, (load.Groups["name"].Value, ulong.Parse(load.Groups["address"].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    ulong.Parse(load.Groups["size"].ValueSpan, CultureInfo.InvariantCulture)));
            var kind = Classify(line.Text);
            if (excerpt is not null && span >= MaximumReportLines)
                Close();
            if (excerpt is null)
            {
                if (kind == KernelProblemKind.None)
                    continue;
                excerpt = [];
                span = 0;
            }
            span++;
            // A framed report keeps all of it: where the memory was allocated and freed comes after its stack dump.
            if (excerpt.Count < (((kinds | kind) & Framed) != 0 ? MaximumReportLines : MaximumExcerptLines))
                excerpt.Add(NameModuleAddresses(line.Text, modules));
            // Within a report, a stack dump is part of it, not a problem of its own.
            if (kind != KernelProblemKind.CallTrace || kinds == KernelProblemKind.None)
                kinds |= kind;
            if ((kinds & Framed) != 0 ? Rule().IsMatch(line.Text) : EndOfReport().IsMatch(line.Text))
                Close();
        }
        Close();

        // KUnit taints the kernel with N (TAINT_TEST) when it runs a suite: a test build's run, not a problem.
        bool testsRan = log.Any(line => line.Text.TrimStart().StartsWith("# Subtest: ", StringComparison.Ordinal));
        if (tainted is { } value && UnexplainedTaint(value, KindsOf(problems), testsRan) is var extra and not 0)
            problems.Add(new KernelProblem(KernelProblemKind.Taint, [$"tainted {value}: unexpected flags {TaintLetters(extra)} ({extra})"]));
        return problems;
    }

    // What the guest's insmod logs for each module (GuestRunner.ShellFunctions).
    [GeneratedRegex("^" + GuestRunner.ModuleLoadMarker + @"(?<name>\S+) at 0x(?<address>[0-9a-f]+) size (?<size>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ModuleLoad();

    // A bare kernel address, as a report prints a code address it cannot name (kmemleak's trace of a module that
    // is gone): not already followed by a name.
    [GeneratedRegex(@"\b0x(?<address>ffffffff[0-9a-f]{8})\b(?! \()", RegexOptions.CultureInvariant)]
    private static partial Regex BareAddress();

    /// <summary><paramref name="text"/> with each bare address inside a module the guest loaded followed by the
    /// module and offset, the newest load first: <c>0xffffffffa0000078 (ksfaults+0x78)</c>.</summary>
    public static string NameModuleAddresses(string text, IReadOnlyList<(string Name, ulong Start, ulong Size)> modules)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(modules);
        if (modules.Count == 0)
            return text;
        return BareAddress().Replace(text, match =>
        {
            var address = ulong.Parse(match.Groups["address"].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            foreach (var (name, start, size) in modules)
                if (address >= start && address - start < size)
                    return string.Create(CultureInfo.InvariantCulture, $"{match.Value} ({name}+0x{address - start:x})");
            return match.Value;
        });
    }

    /// <summary>The kind of report a log line starts, or <see cref="KernelProblemKind.None"/>.</summary>
    public static KernelProblemKind Classify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (kind, pattern) in Triggers)
            if (pattern.IsMatch(text))
                return kind;
        return KernelProblemKind.None;
    }

    /// <summary>The taint flags beyond <see cref="ExpectedTaint"/> that <paramref name="reported"/> problems do not
    /// explain: an oops taints D (die), a warning W, a soft lockup L, sleeping in atomic context W, a KASAN report B
    /// (bad page); a KUnit run, N (test).</summary>
    public static long UnexplainedTaint(long tainted, KernelProblemKind reported, bool testsRan = false)
    {
        long explained = ExpectedTaint;
        if (testsRan)
            explained |= 1L << 18;
        if (reported.HasFlag(KernelProblemKind.Oops))
            explained |= 1L << 7;
        if ((reported & (KernelProblemKind.Warning | KernelProblemKind.SleepInAtomic)) != 0)
            explained |= 1L << 9;
        if (reported.HasFlag(KernelProblemKind.SoftLockup))
            explained |= 1L << 14;
        if (reported.HasFlag(KernelProblemKind.Kasan))
            explained |= 1L << 5;
        return tainted & ~explained;
    }

    /// <summary>Taint flags as the kernel's letters (<c>Documentation/admin-guide/tainted-kernels.rst</c>).</summary>
    public static string TaintLetters(long flags)
    {
        const string Letters = "PFSRMBUDAWCIOELKXTNJ";
        var text = new StringBuilder();
        for (var bit = 0; bit < 63; bit++)
            if ((flags & (1L << bit)) != 0)
                text.Append(bit < Letters.Length ? Letters[bit].ToString() : $"bit{bit}");
        return text.ToString();
    }

    /// <summary>All kinds among <paramref name="problems"/>.</summary>
    public static KernelProblemKind KindsOf(IEnumerable<KernelProblem> problems) =>
        problems.Aggregate(KernelProblemKind.None, (all, problem) => all | problem.Kinds);
}
