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
}
