using KernelSharp.Harness;
using KernelSharp.Tests.Integration;

namespace KernelSharp.Tests.Unit;

/// <summary>
/// The harness's detector on real kernel logs: KernelLogs/ holds what Debian's 6.1 and 6.12 printed when
/// tests/Drivers/KernelFaults provoked each fault (the booted version of this test is
/// KernelProblemDetectionTests), and texts cut from them for the cases a log line alone decides.
/// </summary>
public sealed class KernelProblemsTests
{
    private static string Log(string name) =>
        File.ReadAllText(Path.Combine(Drivers.Toolchain.Value.RequireRepository("the tests"), "tests", "KernelSharp.Tests", "Unit", "KernelLogs", name));

    public static TheoryData<string, string> FaultsOnEachKernel()
    {
        var data = new TheoryData<string, string>();
        foreach (string kernel in new[] { "6.1", "6.12" })
            foreach (var fault in KernelProblemDetectionTests.Faults)
                data.Add(kernel, fault.Fault);
        return data;
    }

    [Theory]
    [MemberData(nameof(FaultsOnEachKernel))]
    public void Each_real_report_is_found_as_its_kind_only(string kernel, string fault)
    {
        KernelProblemDetectionTests.AssertPartShows(Log($"ksfaults-{kernel}.txt"), fault, KernelProblemDetectionTests.Faults.Single(f => f.Fault == fault).Kinds);
    }

    [Theory]
    [InlineData("6.1", "invalid opcode: 0000 [#1] PREEMPT SMP NOPTI")]
    [InlineData("6.12", "Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI")]
    public void Reports_start_at_their_headline_and_end_with_their_trace(string kernel, string bugOops)
    {
        var problems = KernelProblems.Find(KernelLog.Parse(Log($"ksfaults-{kernel}.txt")));

        var warn = problems.First(p => p.Kinds == KernelProblemKind.Warning);
        Assert.Matches(@"^WARNING: CPU: \d PID: \d+ at ksfaults/ksfaults\.c:\d+ ksfaults_warn\+0x[0-9a-f]+/0x[0-9a-f]+ \[ksfaults\]$", warn.Headline);
        Assert.Equal("</TASK>", warn.Excerpt[^1].Trim());
        Assert.Contains("Call Trace:", warn.Excerpt);
        var bug = problems.First(p => p.Kinds == KernelProblemKind.Oops);
        Assert.StartsWith("kernel BUG at ksfaults/ksfaults.c:", bug.Headline);
        Assert.Contains(bugOops, bug.Excerpt);
        Assert.All(problems, p => Assert.InRange(p.Excerpt.Count, 1, KernelProblems.MaximumExcerptLines));
    }

    // The debug kernel's log was taken without kasan_multi_shot: KASAN reported the use after free only, and the
    // out-of-bounds read after it went unreported (DebugKernelDetectionTests boots with multi-shot and checks both).
    [Theory]
    [InlineData("abba")]
    [InlineData("shift")]
    [InlineData("odebug")]
    [InlineData("uaf")]
    public void Each_debug_kernel_checker_report_is_found_as_its_kind_only(string fault)
    {
        KernelProblemDetectionTests.AssertPartShows(Log("ksfaults-6.1-debug.txt"), fault, DebugKernelDetectionTests.Faults.Single(f => f.Fault == fault).Kinds);
    }

    [Fact]
    public void A_kasan_report_runs_to_its_closing_rule_and_a_leak_names_the_module_that_is_gone()
    {
        var problems = KernelProblems.Find(KernelLog.Parse(Log("ksfaults-6.1-debug.txt")));

        var kasan = Assert.Single(problems, p => p.Kinds == KernelProblemKind.Kasan);
        Assert.Equal("BUG: KASAN: use-after-free in ksfaults_uaf+0xef/0x100 [ksfaults]", kasan.Headline);
        Assert.Contains("Freed by task 40:", kasan.Excerpt);
        Assert.Matches("^={66}$", kasan.Excerpt[^1]);
        var leak = Assert.Single(problems, p => p.Kinds == KernelProblemKind.Leak);
        Assert.Contains("kmemleak:     [<(____ptrval____)>] 0xffffffffa0000078 (ksfaults+0x78)", leak.Excerpt);
        // Without the guest's record of where ksfaults was, the same address stays bare.
        var unnamed = KernelProblems.Find(KernelLog.Parse(Log("ksfaults-6.1-debug.txt")).Where(l => !l.Text.StartsWith(GuestRunner.ModuleLoadMarker, StringComparison.Ordinal)).ToList());
        Assert.Contains("kmemleak:     [<(____ptrval____)>] 0xffffffffa0000078", unnamed.Single(p => p.Kinds == KernelProblemKind.Leak).Excerpt);
    }

    [Fact]
    public void The_script_output_is_the_console_without_kernel_records_even_in_mid_line()
    {
        const string console = "== jiq[    1.932109] ksharp-guest: module jiq at 0xffffffffc0201000 size 49152\nwq\n" +
            "[    2.000001] jiq: loaded\n    time  delta\n[12345.123456] x\n";
        Assert.Equal("== jiqwq\n    time  delta\n", KernelLog.WithoutRecords(console));
    }

    [Theory]
    [InlineData("6.1")]
    [InlineData("6.12")]
    public void A_panic_is_found_on_the_console_alone(string kernel)
    {
        var problems = KernelProblems.Find(KernelLog.Parse(Log($"panic-{kernel}.txt")));

        var panic = Assert.Single(problems);
        Assert.Equal(KernelProblemKind.Panic, panic.Kinds);
        Assert.Equal("Kernel panic - not syncing: ksfaults: panic on request", panic.Headline);
    }

    [Theory]
    // The library's own reports, as src/Native/ksharp_runtime.c prints them.
    [InlineData("scull: 3 kernel object(s) created from C# (memory, mutexes, classes, devices) were never released", KernelProblemKind.Leak)]
    [InlineData("kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)", KernelProblemKind.Leak)]
    [InlineData("corechecks: C# failure: IndexOutOfRangeException: index 5 is outside 0..3", KernelProblemKind.CSharpFailure)]
    [InlineData("BUG: sleeping function called from invalid context at mm/slab.h:742", KernelProblemKind.SleepInAtomic)]
    [InlineData("BUG: Bad page state in process sh  pfn:0a2c3", KernelProblemKind.Bug)]
    [InlineData("BUG: unable to handle page fault for address: ffffc90000a1b000", KernelProblemKind.Oops)]
    [InlineData("divide error: 0000 [#1] PREEMPT SMP NOPTI", KernelProblemKind.Oops)]
    [InlineData("Oops: divide error: 0000 [#1] PREEMPT SMP NOPTI", KernelProblemKind.Oops)]
    [InlineData("rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:", KernelProblemKind.RcuStall)]
    // The debug kernel's checkers, as 6.1 words them.
    [InlineData("WARNING: possible circular locking dependency detected", KernelProblemKind.Lockdep)]
    [InlineData("WARNING: bad unlock balance detected!", KernelProblemKind.Lockdep)]
    [InlineData("WARNING: insmod/81 still has locks held!", KernelProblemKind.Lockdep)]
    [InlineData("WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected", KernelProblemKind.Lockdep)]
    [InlineData("BUG: KASAN: slab-out-of-bounds in ksfaults_oob+0x5f/0x90 [ksfaults]", KernelProblemKind.Kasan)]
    [InlineData("UBSAN: shift-out-of-bounds in ksfaults/ksfaults.c:139:9", KernelProblemKind.Ubsan)]
    [InlineData("ODEBUG: free active (active state 0) object: ffff888004a3e000 object type: timer_list hint: 0x0", KernelProblemKind.DebugObjects)]
    [InlineData("kmemleak: Kernel memory leak detector disabled", KernelProblemKind.CheckerDisabled)]
    [InlineData("BUG: MAX_LOCKDEP_KEYS too low!", KernelProblemKind.CheckerDisabled)]
    [InlineData("ksfailnth: vmalloc error: size 49128, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL), nodemask=(null)", KernelProblemKind.AllocationFailure)]
    [InlineData("ksfaultio: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=(null)", KernelProblemKind.AllocationFailure)]
    [InlineData("Kernel BUG at ksharp_panic+0x18/0x1a [corechecks] [verbose debug info unavailable]", KernelProblemKind.Oops)]
    [InlineData("WARNING: CPU: 1 PID: 86 at kernel/locking/mutex.c:582 __mutex_lock+0x5a5/0xd80", KernelProblemKind.Warning)]
    // Lines that only look alike.
    [InlineData("scull: never released nothing", KernelProblemKind.None)]
    [InlineData("ACPI: PM: Preparing to enter system sleep state S5", KernelProblemKind.None)]
    [InlineData("sh[95]: segfault at 427700 ip 0000000000427700 sp 00007fff8609a128 error 14", KernelProblemKind.None)]
    [InlineData("ksfaults: loading out-of-tree module taints kernel.", KernelProblemKind.None)]
    public void Single_lines_are_classified(string text, KernelProblemKind kind)
    {
        Assert.Equal(kind, KernelProblems.Classify(text));
    }

    [Fact]
    public void Taint_beyond_unsigned_out_of_tree_modules_is_a_problem_unless_a_report_explains_it()
    {
        KernelLogLine[] warning = [new(2.3, 4, "WARNING: CPU: 1 PID: 92 at x.c:31 f+0x11/0x20 [m]"), new(2.4, 4, "---[ end trace 0000000000000000 ]---")];
        const long OE = (1L << 12) | (1L << 13), W = 1L << 9, D = 1L << 7, L = 1L << 14;

        Assert.Empty(KernelProblems.Find([], OE));
        Assert.Empty(KernelProblems.Find([], null));
        Assert.Equal(KernelProblemKind.Warning, KernelProblems.KindsOf(KernelProblems.Find(warning, OE | W)));
        var extra = KernelProblems.Find(warning, OE | W | D | L);
        Assert.Equal(KernelProblemKind.Warning | KernelProblemKind.Taint, KernelProblems.KindsOf(extra));
        Assert.Equal($"tainted {OE | W | D | L}: unexpected flags DL ({D | L})", extra[^1].Headline);
        // A proprietary module taints P even with no report at all.
        Assert.Equal("tainted 4097: unexpected flags P (1)", Assert.Single(KernelProblems.Find([], 4097)).Headline);
    }

    [Fact]
    public void Console_lines_and_the_dump_merge_into_one_log_in_time_order()
    {
        var dump = KernelLog.Parse("<6>[    1.000000] a\n<4>[    3.000000] c\nnot a record\n");
        var console = KernelLog.Parse("script output\n[    1.000000] a\n[    2.000000] b (cleared from the ring by dmesg -c)\n[    3.000000] c\n");

        var merged = KernelLog.Merge(dump, console);

        Assert.Equal(["a", "b (cleared from the ring by dmesg -c)", "c"], merged.Select(l => l.Text));
        Assert.Equal([6, null, 4], merged.Select(l => l.Level));
        Assert.Equal(2.0, merged[1].Seconds);
    }
}
