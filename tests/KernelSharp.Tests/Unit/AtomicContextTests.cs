using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

/// <summary>KS0008: nothing that may sleep while a spin lock is held, and every spin lock guard held by a using.</summary>
public sealed class AtomicContextTests
{
    // A module with a spin-locked counter and a mutex; BODY goes into a method that takes the lock.
    private static string Driver(string members, string types = "") => Drivers.Module("""
        internal static KernelSharp.Sync.SpinLock<Counter> s_lock;
        internal static KernelSharp.Sync.Mutex s_mutex;
        """ + members) + """

        public struct Counter : System.IDisposable { public int Count; public void Dispose() { } }
        """ + types;

    private static IReadOnlyList<string> Errors(string members, string types = "")
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Driver(members, types)));
        Assert.StartsWith("sleeping while a spin lock is held", error.Message);
        return (error.Details ?? "").Split('\n');
    }

    [Theory]
    [InlineData("using (var guard = s_lock.Lock()) { guard.Data.Count++; KernelSharp.Time.Delay.Sleep(1); }", "'Delay.Sleep' may sleep")]
    [InlineData("using var guard = s_lock.LockIrqSave(); guard.Data.Count++; using KernelSharp.Sync.MutexGuard held = s_mutex.Lock();", "'Mutex.Lock' may sleep")]
    [InlineData("using (var guard = s_lock.LockBottomHalves()) { KernelSharp.Memory.KernelBuffer.Allocate(16, KernelSharp.Memory.Gfp.Kernel, out KernelSharp.Memory.KernelBuffer b); b.Dispose(); }", "'KernelBuffer.Allocate' may sleep")]
    [InlineData("KernelSharp.Memory.Gfp flags = KernelSharp.Memory.Gfp.Atomic; using (var guard = s_lock.Lock()) { KernelSharp.Memory.KernelBuffer.Allocate(16, flags, out KernelSharp.Memory.KernelBuffer b); b.Dispose(); }", "'KernelBuffer.Allocate' may sleep")]
    [InlineData("if (s_lock.TryLock(out var guard)) { using (guard) { KernelSharp.Time.Delay.Sleep(1); } }", "'Delay.Sleep' may sleep")]
    [InlineData("using (var guard = s_lock.Lock()) { KernelSharp.Time.Delay.SleepRange(10, 20); }", "'Delay.SleepRange' may sleep")]
    [InlineData("using (var guard = s_lock.Lock()) { KernelSharp.Tasks.Scheduler.Yield(); }", "'Scheduler.Yield' may sleep")]
    [InlineData("using (var guard = s_lock.Lock()) { KernelSharp.Tasks.Scheduler.Sleep(1); }", "'Scheduler.Sleep' may sleep")]
    public void A_call_that_may_sleep_under_a_spin_lock_is_refused(string body, string why)
    {
        string error = Assert.Single(Errors($"public static void Poke() {{ {body} }}"));
        Assert.Matches(@"^Snippet\.cs\(\d+,\d+\): error KS0008: ", error);
        Assert.Contains($"{why}, and a spin lock is held here (taken on line ", error);
    }

    // Through the driver's own methods, however deep, and through an interface's implementations.
    [Fact]
    public void A_driver_method_that_reaches_a_sleep_is_refused_under_a_spin_lock()
    {
        IReadOnlyList<string> errors = Errors(
            "public static void Poke() { using (var guard = s_lock.Lock()) { Helpers.Outer(); Helpers.Run<Sleeper>(); } }",
            """
            public static class Helpers
            {
                public static void Outer() => Inner();
                private static void Inner() => KernelSharp.Time.Delay.Sleep(5);
                public static void Run<T>() where T : IWork => T.Work();
            }
            public interface IWork { static abstract void Work(); }
            public sealed class Sleeper : IWork { public static void Work() => Helpers.Outer(); }
            """);
        Assert.Equal(2, errors.Count);
        Assert.Contains("error KS0008: 'Helpers.Outer' may sleep (it reaches 'Helpers.Inner'), and a spin lock is held here", errors[0]);
        Assert.Contains("error KS0008: 'Helpers.Run' may sleep (it reaches 'Sleeper.Work'), and a spin lock is held here", errors[1]);
    }

    // Library generic code runs the driver type it is given: Log's formatting calls the value's TryFormat, and
    // KernelAssert.Equal its Equals, there and then.
    [Fact]
    public void A_library_generic_method_that_calls_back_into_a_driver_type_that_sleeps_is_refused()
    {
        IReadOnlyList<string> errors = Errors(
            "public static void Poke() { using (var guard = s_lock.Lock()) { KernelSharp.Log.Info($\"value {new Slow()}\"); KernelSharp.Testing.KernelAssert.Equal(new Locking(), new Locking()); } }",
            """
            public readonly struct Slow : System.IUtf8SpanFormattable
            {
                public bool TryFormat(System.Span<byte> destination, out int written, System.ReadOnlySpan<char> format, System.IFormatProvider provider)
                {
                    KernelSharp.Time.Delay.Sleep(1);
                    written = 0;
                    return true;
                }
            }
            public readonly struct Locking : System.IUtf8SpanFormattable, System.IEquatable<Locking>
            {
                public bool TryFormat(System.Span<byte> destination, out int written, System.ReadOnlySpan<char> format, System.IFormatProvider provider) { written = 0; return true; }
                public bool Equals(Locking other) { using (KernelSharp.Sync.MutexGuard held = SnippetModule.s_mutex.Lock()) return true; }
            }
            """);
        // At the interpolation hole and at the assertion, each naming the callback and what it reaches.
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("Snippet.cs(8,141): error KS0008: 'Slow.TryFormat' may sleep (it reaches 'Delay.Sleep'), and a spin lock is held here", errors[0]);
        Assert.StartsWith("Snippet.cs(8,157): error KS0008: 'Locking.Equals' may sleep (it reaches 'Mutex.Lock'), and a spin lock is held here", errors[1]);
    }

    // A timer handler runs in softirq context, a wait condition with the task marked asleep: neither may sleep.
    [Fact]
    public void Timer_handlers_and_wait_conditions_may_not_sleep()
    {
        IReadOnlyList<string> errors = Errors("public static void Poke() { }", """
            public sealed class Tick : KernelSharp.Time.ITimerHandler<Counter>
            {
                public static KernelSharp.Time.TimerNext Expired(ref Counter data) { KernelSharp.Time.Delay.Sleep(1); return KernelSharp.Time.TimerNext.Stop; }
            }
            public struct Ready : KernelSharp.Sync.IWaitCondition
            {
                public readonly bool IsMet() { using (KernelSharp.Sync.MutexGuard held = SnippetModule.s_mutex.Lock()) return true; }
            }
            """);
        Assert.Equal(2, errors.Count);
        Assert.Contains("error KS0008: 'Delay.Sleep' may sleep, and a timer handler runs in softirq context: it must not sleep.", errors[0]);
        Assert.Contains("error KS0008: 'Mutex.Lock' may sleep, and a wait condition is tested with the task already marked asleep: it must not sleep.", errors[1]);
    }

    [Fact]
    public void The_error_names_the_call_and_the_line_the_lock_was_taken()
    {
        string error = Assert.Single(Errors("""
            public static void Poke()
            {
                using (var guard = s_lock.Lock())
                    KernelSharp.Time.Delay.Sleep(1);
            }
            """));
        Assert.Equal("Snippet.cs(11,9): error KS0008: 'Delay.Sleep' may sleep, and a spin lock is held here (taken on line 10): a CPU that holds a spin lock must not sleep. Call it before or after the using, or guard data that sleeping code needs with a Mutex<T>", error);
    }

    [Theory]
    [InlineData("var guard = s_lock.Lock(); guard.Data.Count++; guard.Dispose();", "the guard of 'Lock' is not held by a using")]
    [InlineData("s_lock.TryLock(out var guard); guard.Dispose();", "the guard 'out var guard' is not held by a using")]
    public void A_guard_outside_a_using_is_refused(string body, string what)
    {
        string error = Assert.Single(Errors($"public static void Poke() {{ {body} }}"));
        Assert.Contains($"error KS0008: {what}", error);
    }

    [Fact]
    public void Atomic_work_under_a_spin_lock_and_sleeping_outside_it_build()
    {
        Drivers.Compile(Driver("""
            public static void Poke()
            {
                using (KernelSharp.Sync.MutexGuard outer = s_mutex.Lock())
                {
                    using (var guard = s_lock.LockIrqSave())
                    {
                        guard.Data.Count++;
                        KernelSharp.Memory.KernelBuffer.Allocate(16, KernelSharp.Memory.Gfp.Atomic, out KernelSharp.Memory.KernelBuffer b);
                        b.Dispose();
                        Log.Info("counted"u8);
                        KernelSharp.Time.Delay.Spin(5);
                        KernelSharp.Tasks.Cpu.Relax();
                        guard.Data.Count += KernelSharp.Tasks.Cpu.Current + (KernelSharp.Tasks.Cpu.InInterrupt ? 1 : 0);
                    }
                    KernelSharp.Time.Delay.Sleep(1);
                }
                if (s_lock.TryLock(out var other))
                    using (other)
                        other.Data.Count--;
            }
            """));
    }
}
