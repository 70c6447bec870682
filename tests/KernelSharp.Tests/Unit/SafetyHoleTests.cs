using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

/// <summary>
/// Architecture rule 5: driver code without <c>unsafe</c> cannot corrupt the kernel. Each way
/// around it is refused at build time with file(line,col) and the rule's id; these are the
/// drivers a review wrote, each with the diagnostic asserted whole.
/// </summary>
public class SafetyHoleTests
{
    private static BuildError Refused(string body) =>
        Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module(body)));

    private static string Only(BuildError error)
    {
        string[] lines = (error.Details ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{error.Message}\n{error.Details}");
        return lines[0];
    }

    [Fact]
    public void Unsafe_code_without_the_opt_in_is_refused()
    {
        BuildError error = Refused("""
            public static unsafe void Poke(nint address) { *(long*)address = 42; }
            """);
        Assert.Equal("unsafe code without [assembly: KernelSharp.AllowUnsafeCode]: 1 error(s)", error.Message);
        Assert.Equal("Snippet.cs(7,19): error KS0003: unsafe method 'Poke': driver code is unsafe only by choice; use the library's safe types, or opt in with [assembly: KernelSharp.AllowUnsafeCode]", Only(error));
    }

    [Fact]
    public void Unsafe_code_with_the_opt_in_builds_with_a_warning_per_unsafe_member()
    {
        var (_, _, _, warnings) = Drivers.Compile(Drivers.Module("""
            public static void Poke(nint address) { unsafe { *(long*)address = 42; } }
            """).Replace("[KernelModule", "[assembly: KernelSharp.AllowUnsafeCode]\n[KernelModule"));
        Assert.Contains("Snippet.cs(8,45): warning KS0004: unsafe block: this code can corrupt kernel memory; keep it small and reviewed", warnings);
    }

    [Fact]
    public void Unsafe_is_refused()
    {
        BuildError error = Refused("""
            private static long s_value;
            public static void Poke(int offset) { System.Runtime.CompilerServices.Unsafe.Add(ref s_value, offset) = 42; }
            """);
        Assert.Equal("APIs that bypass the safe library: 1 error(s)", error.Message);
        Assert.Equal("Snippet.cs(8,78): error KS0005: 'System.Runtime.CompilerServices.Unsafe.Add<long>(ref long, int)' reads and writes any memory without the unsafe keyword: drivers use the KernelSharp library's safe types", Only(error));
    }

    [Fact]
    public void MemoryMarshal_is_refused()
    {
        BuildError error = Refused("""
            private static long s_value;
            public static Span<long> All() => System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref s_value, 1 << 20);
            """);
        Assert.Contains("error KS0005: 'System.Runtime.InteropServices.MemoryMarshal.CreateSpan<long>(ref long, int)'", Only(error));
        Assert.Contains("reinterprets memory and creates spans of any length", Only(error));
    }

    [Fact]
    public void The_generated_glue_support_is_refused()
    {
        BuildError error = Refused("""
            public static void Poke() { KernelSharp.Glue.ParameterStorage.Variable<long>(0x1000) = 42; }
            """);
        Assert.Equal("Snippet.cs(7,67): error KS0005: 'KernelSharp.Glue.ParameterStorage.Variable<long>(nint)' is the generated entry points' support (it turns addresses into references): drivers use the KernelSharp library's safe types", Only(error));
    }

    // ILCompiler matches the attribute by name, so a driver could declare its own.
    [Fact]
    public void Exporting_a_symbol_by_attribute_is_refused()
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module("""
            [System.Runtime.RuntimeExport("init_module")]
            public static int Hijack() => 0;
            """) + """

            namespace System.Runtime { internal sealed class RuntimeExportAttribute : Attribute { public RuntimeExportAttribute(string name) { } } }
            """));
        Assert.Contains("Snippet.cs(7,21): error KS0005: 'System.Runtime.RuntimeExportAttribute", Only(error));
        Assert.Contains("exports a method under any symbol name", Only(error));
    }

    [Fact]
    public void A_copy_of_a_mutex_guard_is_refused()
    {
        BuildError error = Refused("""
            private static KernelSharp.Sync.Mutex s_lock;
            public static void Twice()
            {
                KernelSharp.Sync.MutexGuard guard = s_lock.Lock();
                KernelSharp.Sync.MutexGuard second = guard;
                using (guard) { }
                second.Dispose();
            }
            """);
        Assert.Equal("Snippet.cs(11,42): error KS0001: this initialization copies the owned value 'guard' (MutexGuard); both copies would release it. Pass it by ref, or move it with Owned.Take(ref guard)", Only(error));
    }

    [Fact]
    public void A_foreach_copy_of_owned_elements_is_refused()
    {
        BuildError error = Refused("""
            private static KernelSharp.Memory.KernelArray<KernelSharp.Memory.KernelBuffer> s_buffers;
            public static void FreeAll()
            {
                foreach (KernelSharp.Memory.KernelBuffer buffer in s_buffers.Span)
                    buffer.Dispose();
            }
            """);
        Assert.Equal("Snippet.cs(10,46): error KS0001: this foreach copies each owned element into 'buffer' (KernelBuffer); both copies would release it. Iterate by reference: foreach (ref KernelBuffer buffer in ...)", Only(error));
    }

    // Every way C# copies a value, each refused where the copy is made.
    [Theory]
    [InlineData("var pair = (s_buffer, 1);", "Snippet.cs(11,41): error KS0001: this tuple copies the owned value 's_buffer' (KernelBuffer); both copies would release it. Pass it by ref, or move it with Owned.Take(ref s_buffer)")]
    [InlineData("Holder copy = s_holder with { Count = 2 };", "Snippet.cs(11,43): error KS0001: this 'with' expression copies the owned value 's_holder' (Holder); both copies would release it. Pass it by ref, or move it with Owned.Take(ref s_holder)")]
    [InlineData("Holder copy = s_holder;", "Snippet.cs(11,43): error KS0001: this initialization copies the owned value 's_holder' (Holder); both copies would release it. Pass it by ref, or move it with Owned.Take(ref s_holder)")]
    [InlineData("KernelSharp.Memory.KernelBuffer local = s_flag ? s_buffer : default;", "Snippet.cs(11,78): error KS0001: this conditional expression copies the owned value 's_buffer' (KernelBuffer); both copies would release it. Pass it by ref, or move it with Owned.Take(ref s_buffer)")]
    [InlineData("KernelSharp.Memory.KernelBuffer element = s_buffers[0];", "Snippet.cs(11,71): error KS0001: this initialization copies the owned value 's_buffers[0]' (KernelBuffer); both copies would release it. Pass it by ref, or move it with Owned.Take(ref s_buffers[0])")]
    [InlineData("if (s_buffer is var alias) alias.Dispose();", "Snippet.cs(11,45): error KS0001: this pattern copies an owned value into 'alias' (KernelBuffer); both copies would release it. Test the original instead (x.IsEmpty, ...)")]
    [InlineData("KernelSharp.Memory.KernelBuffer.Allocate(8, KernelSharp.Memory.Gfp.Kernel, out var mine); KernelSharp.Memory.KernelBuffer Later() => mine; Later().Dispose(); mine.Dispose();", "Snippet.cs(11,162): error KS0001: returning it copies the owned value 'mine' (KernelBuffer); both copies would release it. Pass it by ref, or move it with Owned.Take(ref mine)")]
    [InlineData("Free(in s_buffer);\n} private static void Free(in KernelSharp.Memory.KernelBuffer buffer) { buffer.Dispose();", "Snippet.cs(12,73): error KS0001: 'Dispose' runs on a hidden copy of 'buffer' (KernelBuffer), which is read-only here; the original would still hold what the copy releases. Pass it by ref, or make the field writable")]
    [InlineData("s_kept.Dispose();", "Snippet.cs(11,29): error KS0001: 'Dispose' runs on a hidden copy of 's_kept' (KernelBuffer), which is read-only here; the original would still hold what the copy releases. Pass it by ref, or make the field writable")]
    [InlineData("(s_flag ? s_buffer : s_buffer).Dispose();", "Snippet.cs(11,39): error KS0001: this conditional expression copies the owned value 's_buffer' (KernelBuffer); both copies would release it. Pass it by ref, or move it with Owned.Take(ref s_buffer)\nSnippet.cs(11,50): error KS0001: this conditional expression copies the owned value 's_buffer' (KernelBuffer); both copies would release it. Pass it by ref, or move it with Owned.Take(ref s_buffer)")]
    [InlineData("(s_buffer, 0).Item1.Dispose();", "Snippet.cs(11,30): error KS0001: this tuple copies the owned value 's_buffer' (KernelBuffer); both copies would release it. Pass it by ref, or move it with Owned.Take(ref s_buffer)")]
    [InlineData("if (s_buffer is { IsEmpty: false } named) named.Dispose();", "Snippet.cs(11,45): error KS0001: this pattern copies an owned value into 'named' (KernelBuffer); both copies would release it. Test the original instead (x.IsEmpty, ...)")]
    [InlineData("Span<KernelSharp.Memory.KernelBuffer> two = stackalloc KernelSharp.Memory.KernelBuffer[] { s_buffer };", "Snippet.cs(11,120): error KS0001: this stackalloc copies the owned value 's_buffer' (KernelBuffer); both copies would release it. Move it with Owned.Take(ref s_buffer)")]
    [InlineData("s_buffers.Span.Slice(1).CopyTo(s_buffers.Span);", "Snippet.cs(11,29): error KS0001: 'CopyTo' copies owned elements (KernelBuffer); each would be released twice. Move them one by one with Owned.Take(ref ...)")]
    [InlineData("KernelSharp.Memory.KernelBuffer? maybe = KernelSharp.Owned.Take(ref s_buffer);", "Snippet.cs(11,62): error KS0001: KernelSharp.Memory.KernelBuffer? holds an owned value, and its code copies values of its type argument freely; keep owned values in fields, KernelArray<T>, Mutex<T> or Shared<T>")]
    [InlineData("Twice(ref s_buffer);\n} private static void Twice<T>(ref T x) where T : System.IDisposable { x.Dispose();", "Snippet.cs(11,29): error KS0001: 'Twice<KernelBuffer>' is generic code that may copy its owned type argument (KernelBuffer) freely; write it for the type, taking it by ref")]
    [InlineData("Keep(s_buffer);\n} private static void Keep(KernelSharp.Memory.KernelBuffer kept) { kept.Dispose();", "Snippet.cs(11,34): error KS0001: passing it by value copies the owned value 's_buffer' (KernelBuffer); both copies would release it. Pass it by ref, or move it with Owned.Take(ref s_buffer)\nSnippet.cs(12,28): error KS0001: parameter 'kept' takes a copy of an owned value (KernelBuffer) at every call; both copies would release it. Declare it ref (or in, to only read it)")]
    [InlineData("Prop.Dispose();\n} private static KernelSharp.Memory.KernelBuffer Prop { get; set; } private static void Unused() {", "Snippet.cs(11,29): error KS0001: 'Prop' returns a copy of an owned value (KernelBuffer); both copies would release it. Keep owned values in fields, reached by ref")]
    public void Copies_of_owned_values_are_refused_in_every_form(string statement, string diagnostic)
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module($$"""
            private static KernelSharp.Memory.KernelBuffer s_buffer;
            private static KernelSharp.Memory.KernelArray<KernelSharp.Memory.KernelBuffer> s_buffers;
            private static Holder s_holder;
            private static bool s_flag; private static readonly KernelSharp.Memory.KernelBuffer s_kept;
            public static void Copy() { {{statement}} }
            """) + "public struct Holder { public KernelSharp.Memory.KernelBuffer Buffer; public int Count; }\n"));
        Assert.Equal(diagnostic, error.Details);
    }

    private static string LifetimeDriver(string members) => Drivers.Module($$"""
            private static KernelSharp.Memory.KernelBuffer s_buffer;
            private static KernelSharp.Memory.KernelArray<KernelSharp.Memory.KernelBuffer> s_buffers;
            private static KernelSharp.Sync.Mutex<Counter> s_lock;
            private static bool s_flag;
            {{members}}
            """) + "public struct Counter : System.IDisposable { public int Count; public void Dispose() { } }\n";

    [Theory]
    // The review's write after free.
    [InlineData("public static void Poke() { Span<byte> view = s_buffer.Span; s_buffer.Dispose(); view[0] = 1; }",
        "Snippet.cs(11,82): error KS0006: 'view' came from 'SnippetModule.s_buffer', which Dispose() on line 11 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    // A slice of a view is a view of the same owner.
    [InlineData("public static void Poke() { Span<byte> view = s_buffer.Span; Span<byte> part = view.Slice(1); s_buffer.Dispose(); part[0] = 1; }",
        "Snippet.cs(11,115): error KS0006: 'part' came from 'SnippetModule.s_buffer', which Dispose() on line 11 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    // The guarded data after the guard's using: a data race, not a lock.
    [InlineData("public static void Poke() { s_lock.LockInterruptible(out KernelSharp.Sync.MutexGuard<Counter> guard); ref Counter counter = ref guard.Data; using (guard) counter.Count++; counter.Count++; }",
        "Snippet.cs(11,172): error KS0006: 'counter' came from 'guard', which the end of its using on line 11 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    // Elements move when the array grows.
    [InlineData("public static void Poke() { Span<KernelSharp.Memory.KernelBuffer> all = s_buffers.Span; s_buffers.Resize(8, KernelSharp.Memory.Gfp.Kernel); all[0].Dispose(); }",
        "Snippet.cs(11,141): error KS0006: 'all' came from 'SnippetModule.s_buffers', which Resize, which moves its elements on line 11 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    // A reference out of the lock, returned to a caller that holds nothing.
    [InlineData("public static ref Counter Leak() { using (KernelSharp.Sync.MutexGuard<Counter> guard = s_lock.Lock()) return ref guard.Data; }",
        "Snippet.cs(11,114): error KS0006: this returns a span or reference into 'guard', which the end of its using (line 11) ends before the caller can use it. Return a copy of the data, or let the caller own 'guard'")]
    // using (x) disposes a hidden copy of x; x itself would be released again.
    [InlineData("public static void Twice() { KernelSharp.Sync.MutexGuard<Counter> guard = s_lock.Lock(); using (guard) { } guard.Dispose(); }",
        "Snippet.cs(11,108): error KS0006: 'guard' is used after 'using (guard)' on line 11, which disposed a copy of it: this one still looks live and would be released a second time. Declare it with 'using' where it is created, or Dispose it once")]
    // The owner ended under another name: through a ref local, or written with its type.
    [InlineData("public static void Poke() { Span<byte> view = s_buffer.Span; ref KernelSharp.Memory.KernelBuffer alias = ref s_buffer; alias.Dispose(); view[0] = 1; }",
        "Snippet.cs(11,137): error KS0006: 'view' came from 'SnippetModule.s_buffer', which Dispose() on line 11 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    [InlineData("public static void Poke() { Span<byte> view = s_buffer.Span; SnippetModule.s_buffer.Dispose(); view[0] = 1; }",
        "Snippet.cs(11,96): error KS0006: 'view' came from 'SnippetModule.s_buffer', which Dispose() on line 11 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    // A guard is a view of its lock: the lock freed under it.
    [InlineData("public static void Poke() { using KernelSharp.Sync.MutexGuard<Counter> guard = s_lock.Lock(); s_lock.Dispose(); guard.Data.Count++; }",
        "Snippet.cs(11,113): error KS0006: 'guard' came from 'SnippetModule.s_lock', which Dispose() on line 11 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    // A view kept in a ref struct's field is still a view.
    [InlineData("public static void Poke() { Holder holder = default; holder.View = s_buffer.Span; s_buffer.Dispose(); holder.View[0] = 1; }\n} public ref struct Holder { public Span<byte> View; } public static class Unused {",
        "Snippet.cs(11,103): error KS0006: 'holder' came from 'SnippetModule.s_buffer', which Dispose() on line 11 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    public void Spans_and_references_used_after_their_owner_ended_are_refused(string members, string diagnostic)
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(LifetimeDriver(members)));
        Assert.Equal("spans or references used after their owner ended: 1 error(s)", error.Message);
        Assert.Equal(diagnostic, Only(error));
    }

    [Fact]
    public void Views_used_while_their_owner_lives_build()
    {
        var (assembly, _, _, _) = Drivers.Compile(LifetimeDriver("""
            public static void Fine()
            {
                Span<byte> view = s_buffer.Span;
                view[0] = 1;
                if (s_flag)
                    s_buffer.Dispose();
                else
                    view[1] = 2; // the other branch: the buffer lives
                s_buffer.Dispose();
                view = s_buffer.Span; // taken again: empty, not freed
                view.Clear();
                using (KernelSharp.Sync.MutexGuard<Counter> guard = s_lock.Lock())
                {
                    ref Counter counter = ref guard.Data;
                    counter.Count++;
                }
            }
            """));
        Assert.NotEmpty(assembly);
    }

    // A reader advances: a copy handed to a helper would fetch the same user bytes again.
    [Fact]
    public void A_copy_of_a_user_memory_reader_is_refused()
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module("") + """
            public sealed class Device : IWrite
            {
                public static Result<nint> Write(File file, UserReader source, ref long position)
                {
                    Span<byte> header = stackalloc byte[4];
                    Result<nint> peeked = Peek(source, header);
                    return peeked.Failed ? peeked : source.CopyTo(header);
                }
                private static Result<nint> Peek(UserReader reader, Span<byte> into) => reader.CopyTo(into);
            }
            """));
        Assert.Equal("Snippet.cs(13,36): error KS0001: passing it by value copies 'source' (UserReader); both copies would read or write the same user memory again. Pass it by ref", Only(error));
    }

    // An atomic's copy counts apart from the original; a static atomic is never "unassigned" (CS0649), since it changes through readonly methods.
    [Fact]
    public void A_copy_of_an_atomic_is_refused_and_a_static_one_gives_no_unassigned_warning()
    {
        BuildError error = Refused("""
            private static KernelSharp.Sync.Atomic32 s_count;
            public static int Poke() { KernelSharp.Sync.Atomic32 copy = s_count; return copy.Increment(); }
            """);
        Assert.Equal("Snippet.cs(8,61): error KS0001: this initialization copies 's_count' (Atomic32); the copy would be a separate value that other CPUs never see, not the shared one. Pass it by ref", Only(error));
        var (_, _, _, warnings) = Drivers.Compile(Drivers.Module("""
            private static KernelSharp.Sync.Atomic32 s_count;
            public static int Poke() => s_count.Increment();
            """));
        Assert.DoesNotContain(warnings, warning => warning.Contains("CS0649", StringComparison.Ordinal));
    }

    // Overlapping fields, uninitialized locals and spans of any length need no unsafe keyword.
    [Theory]
    [InlineData("[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)] public struct Evil { [System.Runtime.InteropServices.FieldOffset(0)] public KernelSharp.Memory.KernelBuffer Buffer; }", "Snippet.cs(8,89): error KS0005: 'System.Runtime.InteropServices.LayoutKind.Explicit' lays fields over each other, so a number can become the pointer an owned value frees: drivers use the KernelSharp library's safe types\nSnippet.cs(8,153): error KS0005: 'System.Runtime.InteropServices.FieldOffsetAttribute.FieldOffsetAttribute(int)' lays fields over each other, so a number can become the pointer an owned value frees: drivers use the KernelSharp library's safe types")]
    [InlineData("public static class Stale { [System.Runtime.CompilerServices.SkipLocalsInit] public static void Use() { Span<byte> b = stackalloc byte[8]; b[0]++; } }", "Snippet.cs(8,63): error KS0005: 'System.Runtime.CompilerServices.SkipLocalsInitAttribute.SkipLocalsInitAttribute()' leaves stack memory uninitialized, so stale kernel data becomes values and pointers: drivers use the KernelSharp library's safe types")]
    [InlineData("public static class Wide { private static long s_value; public static void Poke() { new Span<long>(ref s_value, 1 << 20)[9] = 1; } }", "Snippet.cs(8,105): error CS1615: Argument 1 may not be passed with the 'ref' keyword")]
    public void Memory_tricks_without_unsafe_are_refused(string declaration, string diagnostic)
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module("") + declaration + "\n"));
        Assert.Equal(diagnostic, error.Details);
    }

    // Two tasks in write(2) at once would both free the buffer; a helper the write calls counts too.
    [Fact]
    public void Changing_an_owned_static_where_tasks_run_at_once_is_refused()
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module("") + """
            public sealed class Device : IWrite
            {
                private static KernelSharp.Memory.KernelBuffer s_last;
                public static Result<nint> Write(File file, UserReader source, ref long position)
                {
                    Forget();
                    return KernelSharp.Memory.KernelBuffer.Allocate(16, KernelSharp.Memory.Gfp.Kernel, out s_last).Failed ? Error.ENOMEM : 0;
                }
                private static void Forget() => s_last.Dispose();
            }
            """));
        Assert.Equal("owned statics changed where tasks run at once: 2 error(s)", error.Message);
        Assert.Equal(
            "Snippet.cs(14,96): error KS0007: 's_last' (KernelBuffer) is changed in Device.Write, which user space can run in several tasks at once: both could release it. Set owned statics up in Init and release them in Exit, or keep what changes in a Mutex<T>\n" +
            "Snippet.cs(16,37): error KS0007: 's_last' (KernelBuffer) is changed in Device.Forget, which user space can run in several tasks at once: both could release it. Set owned statics up in Init and release them in Exit, or keep what changes in a Mutex<T>",
            error.Details);
    }

    // No unsafe keyword, but memory nobody claimed: unsafe by the library's word ([UnsafeApi]).
    [Fact]
    public void Mapping_memory_nobody_claimed_needs_the_unsafe_opt_in()
    {
        BuildError error = Refused("""
            public static void Poke() { if (KernelSharp.IO.IoMapping.MapUnclaimed(0xfee00000, 4096, out KernelSharp.IO.IoMapping map).IsOk) { map.WriteByte(0xb0, 0); map.Dispose(); } }
            """);
        Assert.Equal("Snippet.cs(7,37): error KS0003: unsafe call of 'IoMapping.MapUnclaimed' (maps physical memory the driver has not claimed; a write there can break another device or the firmware): driver code is unsafe only by choice; use the library's safe types, or opt in with [assembly: KernelSharp.AllowUnsafeCode]", Only(error));
    }

    // Shared data is read-only: its arrays' elements are not a way around that.
    [Fact]
    public void Shared_data_cannot_be_changed_through_its_arrays()
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module("""
            private static KernelSharp.Memory.Shared<Pool> s_pool;
            public static void Poke() { s_pool.Value.Items[0].Dispose(); }
            """) + "public struct Pool : System.IDisposable { public KernelSharp.Memory.KernelArray<KernelSharp.Memory.KernelBuffer> Items; public void Dispose() => KernelSharp.Memory.KernelArray.DisposeAll(ref Items); }\n"));
        Assert.Equal("Snippet.cs(8,29): error KS0001: 'this[]' runs on a hidden copy of 's_pool.Value.Items' (KernelArray), which is read-only here, and would hand out what only its owner may change. Lock it (a Mutex<T> inside), or reach it by ref", Only(error));
    }

    // A writable ref to an owned static is a way to change it: refused where tasks run at once.
    [Fact]
    public void A_writable_ref_to_an_owned_static_is_a_change()
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module("") + """
            public sealed class Device : IWrite
            {
                private static KernelSharp.Memory.KernelBuffer s_last;
                public static Result<nint> Write(File file, UserReader source, ref long position)
                {
                    ref KernelSharp.Memory.KernelBuffer alias = ref s_last;
                    alias.Dispose();
                    return 0;
                }
            }
            """));
        Assert.Equal("Snippet.cs(13,57): error KS0007: 's_last' (KernelBuffer) is changed in Device.Write, which user space can run in several tasks at once: both could release it. Set owned statics up in Init and release them in Exit, or keep what changes in a Mutex<T>", Only(error));
    }

    // The second review's holes, each refused.
    [Theory]
    [InlineData("private static KernelSharp.Memory.Shared<KernelSharp.Memory.KernelBuffer> s_shared;\npublic static void Poke() { KernelSharp.Memory.KernelBuffer copy = s_shared.Value; copy.Dispose(); }", "Snippet.cs(8,68): error KS0001: this initialization copies the owned value 's_shared.Value' (KernelBuffer); both copies would release it. Pass it by ref, or move it with Owned.Take(ref s_shared.Value)")]
    [InlineData("public static void Poke() { }\n} public struct Holder : System.IDisposable { public KernelSharp.Memory.KernelBuffer Buffer; public void Dispose() { Holder copy = this; copy.Buffer.Dispose(); Buffer.Dispose(); } } public static class Unused {", "Snippet.cs(8,132): error KS0001: this initialization copies the owned value 'this' (Holder); both copies would release it. Pass it by ref, or move it with Owned.Take(ref this)")]
    [InlineData("private static KernelSharp.Memory.KernelBuffer s_buffer;\npublic static void Poke() { KernelSharp.Evil.Dup.Twice(ref s_buffer); }\n} namespace KernelSharp.Evil { public static class Dup { public static void Twice<T>(ref T x) where T : System.IDisposable { x.Dispose(); } } } public static class Unused {", "Snippet.cs(8,29): error KS0001: 'Twice<KernelBuffer>' is generic code that may copy its owned type argument (KernelBuffer) freely; write it for the type, taking it by ref")]
    [InlineData("private static KernelSharp.Memory.KernelBuffer s_a; private static bool s_flag;\npublic static void Poke() { Span<byte> v = s_a.Span; ref KernelSharp.Memory.KernelBuffer r = ref (s_flag ? ref s_a : ref s_a); r.Dispose(); v[0] = 1; }", "Snippet.cs(8,141): error KS0006: 'v' came from 'SnippetModule.s_a', which Dispose() on line 8 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    public void Holes_found_by_the_second_review_are_refused(string members, string diagnostic)
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module(members)));
        Assert.Equal(diagnostic, error.Details);
    }

    // Code a file operation runs through a constructor, a setter, an operator or a using's Dispose is followed.
    [Fact]
    public void Owned_statics_changed_through_constructors_setters_and_operators_are_refused()
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module("") + """
            public sealed class Device : IWrite
            {
                internal static KernelSharp.Memory.KernelBuffer s_a, s_b, s_c;
                public static Result<nint> Write(File file, UserReader source, ref long position)
                {
                    _ = new ByConstructor(1);
                    Evict = 1;
                    using (var u = new ByUsing()) { }
                    return 0;
                }
                private static int Evict { get => 0; set => s_b.Dispose(); }
            }
            public readonly struct ByConstructor { public ByConstructor(int x) { Device.s_a.Dispose(); } }
            public ref struct ByUsing { public void Dispose() => Device.s_c.Dispose(); }
            """));
        Assert.Equal(
            "Snippet.cs(18,49): error KS0007: 's_b' (KernelBuffer) is changed in Device.set_Evict, which user space can run in several tasks at once: both could release it. Set owned statics up in Init and release them in Exit, or keep what changes in a Mutex<T>\n" +
            "Snippet.cs(20,70): error KS0007: 's_a' (KernelBuffer) is changed in ByConstructor..ctor, which user space can run in several tasks at once: both could release it. Set owned statics up in Init and release them in Exit, or keep what changes in a Mutex<T>\n" +
            "Snippet.cs(21,54): error KS0007: 's_c' (KernelBuffer) is changed in ByUsing.Dispose, which user space can run in several tasks at once: both could release it. Set owned statics up in Init and release them in Exit, or keep what changes in a Mutex<T>",
            error.Details);
    }

    // The third review's holes, each refused.
    [Theory]
    [InlineData("private static KernelSharp.Memory.KernelBuffer s_buf; private static bool s_flag;\npublic static void Poke() { Span<byte> a = s_flag ? s_buf.Span : s_buf.Span; s_buf.Dispose(); a[0] = 1; }", "Snippet.cs(8,95): error KS0006: 'a' came from 'SnippetModule.s_buf', which Dispose() on line 8 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    [InlineData("private static KernelSharp.Memory.KernelBuffer s_buf;\npublic static void Poke() { Span<byte> b = Id(s_buf.Span); s_buf.Dispose(); b[0] = 1; }\nprivate static Span<byte> Id(Span<byte> s) => s;", "Snippet.cs(8,77): error KS0006: 'b' came from 'SnippetModule.s_buf', which Dispose() on line 8 ended: it now reaches freed or unlocked memory. Use it before that, or take it again from a live owner")]
    [InlineData("private static KernelSharp.Memory.KernelBuffer s_u;\npublic static void Poke() { using (KernelSharp.Memory.KernelBuffer u = KernelSharp.Owned.Take(ref s_u)) { u.Dispose(); } }", "Snippet.cs(8,107): error KS0001: 'Dispose' runs on a hidden copy of 'u' (KernelBuffer), which is read-only here; the original would still hold what the copy releases. Pass it by ref, or make the field writable")]
    [InlineData("private static KernelSharp.Memory.KernelBuffer s_h;\npublic static void Poke() { }\n} public struct Holder : System.IDisposable { public KernelSharp.Memory.KernelBuffer Buffer; public readonly void Free() { Buffer.Dispose(); } public void Dispose() => Buffer.Dispose(); } public static class Unused {", "Snippet.cs(9,124): error KS0001: 'Dispose' runs on a hidden copy of 'Buffer' (KernelBuffer), which is read-only here; the original would still hold what the copy releases. Pass it by ref, or make the field writable")]
    public void Holes_found_by_the_third_review_are_refused(string members, string diagnostic)
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module(members)));
        Assert.Equal(diagnostic, error.Details);
    }

    [Fact]
    public void Owned_statics_changed_through_their_elements_or_interface_calls_are_refused()
    {
        BuildError error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module("") + """
            public interface IEvict { static abstract void Evict(); }
            public sealed class Evictor : IEvict { public static void Evict() => Device.s_buf.Dispose(); }
            public sealed class Device : IWrite
            {
                internal static KernelSharp.Memory.KernelBuffer s_buf;
                internal static KernelSharp.Memory.KernelArray<KernelSharp.Memory.KernelBuffer> s_items;
                public static Result<nint> Write(File file, UserReader source, ref long position)
                {
                    s_items[0].Dispose();
                    Run<Evictor>();
                    return 0;
                }
                private static void Run<T>() where T : IEvict => T.Evict();
            }
            """));
        Assert.Equal(
            "Snippet.cs(9,70): error KS0007: 's_buf' (KernelBuffer) is changed in Evictor.Evict, which user space can run in several tasks at once: both could release it. Set owned statics up in Init and release them in Exit, or keep what changes in a Mutex<T>\n" +
            "Snippet.cs(16,9): error KS0007: 's_items' (KernelArray) is changed in Device.Write, which user space can run in several tasks at once: both could release it. Set owned statics up in Init and release them in Exit, or keep what changes in a Mutex<T>",
            error.Details);
    }
}
