using System.Text.RegularExpressions;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

// The raw layer (src/Kernel/Interop/Native.cs) and the C shims (src/Native) must agree.
public class ShimTests
{
    private static string Root => Drivers.Toolchain.Value.RequireRepository("the tests");

    [Fact]
    public void Every_raw_import_is_defined_by_exactly_one_shim()
    {
        string raw = File.ReadAllText(Path.Combine(Root, "src", "Kernel", "Interop", "Native.cs"));
        var imports = Regex.Matches(raw, "RuntimeImport\\(Shim, \"(?<name>\\w+)\"\\)").Select(m => m.Groups["name"].Value).ToList();
        Assert.NotEmpty(imports);
        var shims = Drivers.Toolchain.Value.ShimDefinitions();
        foreach (string name in imports)
        {
            var definers = shims.Where(s => s.Value.Contains(name)).Select(s => s.Key).ToList();
            Assert.True(definers.Count == 1, $"{name} is defined by {definers.Count} shim files: {string.Join(", ", definers)}");
            // The raw layer keeps the C name: the C# method is called exactly like the symbol.
            Assert.Matches($"extern [^;]+ {name}\\(", raw);
        }
    }

    // C# reserves a wait queue entry's bytes on its stack; the shim checks the kernel's entry fits in that many.
    [Fact]
    public void The_wait_entry_size_is_the_same_on_both_sides()
    {
        string header = File.ReadAllText(Path.Combine(Root, "src", "Native", "ksharp.h"));
        string raw = File.ReadAllText(Path.Combine(Root, "src", "Kernel", "Interop", "Native.cs"));
        string c = Regex.Match(header, @"#define KSHARP_WAIT_ENTRY_SIZE (\d+)").Groups[1].Value;
        string csharp = Regex.Match(raw, @"const int WaitEntrySize = (\d+);").Groups[1].Value;
        Assert.NotEmpty(c);
        Assert.Equal(c, csharp);
    }

    // Each shim's prototype in ksharp.h lets the compiler check its definition (6.12 warns
    // for any global function without one, and the build fails on warnings in shims).
    [Fact]
    public void Every_shim_function_has_a_prototype_in_ksharp_h()
    {
        string header = File.ReadAllText(Path.Combine(Root, "src", "Native", "ksharp.h"));
        var variables = new HashSet<string> { "__security_cookie", "RhpTrapThreads", "ksharp_live_allocations" };
        foreach (var (file, names) in Drivers.Toolchain.Value.ShimDefinitions())
            foreach (string name in names.Where(n => !variables.Contains(n) && Regex.IsMatch(n, @"^(ksharp_[a-z0-9_]+|Rhp\w+)$")))
                Assert.True(Regex.IsMatch(header, $@"\b{Regex.Escape(name)}\([^;]*\);"), $"{file}: {name} has no prototype in src/Native/ksharp.h");
    }

    // Compiled C# calls shims with the managed convention, which takes a small return value
    // as already widened; SysV leaves the upper bits undefined. So no shim returns one.
    [Fact]
    public void No_shim_returns_a_value_narrower_than_32_bits()
    {
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Root, "src", "Native"), "*.c"))
            foreach (string line in File.ReadLines(file))
                Assert.False(Regex.IsMatch(line, @"^(u8|s8|u16|s16|bool|char|unsigned char|short|unsigned short)\s+\**ksharp_\w+\("),
                    $"{Path.GetFileName(file)}: {line}");
    }

    // One error convention (see ksharp.h): a pointer or ERR_PTR, or an s32 value or -errno.
    // No NULL that C# would have to guess an errno for, no errno through an out parameter.
    [Fact]
    public void Shims_report_failure_only_as_an_error_pointer_or_a_negative_errno()
    {
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Root, "src", "Native"), "ksharp_*.c"))
        {
            string code = File.ReadAllText(file);
            Assert.False(Regex.IsMatch(code, @"return NULL;"), $"{Path.GetFileName(file)} returns NULL: return ERR_PTR(-errno) instead");
            Assert.False(Regex.IsMatch(code, @"s32 \*error"), $"{Path.GetFileName(file)} reports an errno through a pointer: return it");
        }
    }

    // The KERN_* table is written once, in ksharp.h (ksharp_kern_level).
    [Fact]
    public void Log_levels_are_mapped_in_one_place()
    {
        var holders = Directory.EnumerateFiles(Path.Combine(Root, "src", "Native"))
            .Where(file => File.ReadAllText(file).Contains("KERN_EMERG,")).Select(Path.GetFileName).ToList();
        Assert.Equal(["ksharp.h"], holders);
    }

    [Fact]
    public void Runtime_stubs_define_what_every_compiled_object_needs()
    {
        var runtime = Drivers.Toolchain.Value.ShimDefinitions()["ksharp_runtime.c"];
        foreach (string name in new[] { "RhpReversePInvoke", "RhpReversePInvokeReturn", "RhpFallbackFailFast", "__security_cookie", "ksharp_panic" })
            Assert.Contains(name, runtime);
    }

    [Fact]
    public void Finds_global_definitions_in_kernel_style_c()
    {
        var names = Toolchain.DefinedFunctions("""
            #include <linux/io.h>
            static int hidden(void) { return 0; }
            unsigned long cookie = 1;
            int flag;
            struct resource *ksharp_request(u64 start,
                                            u64 count)
            {
            	return call_something(start);
            }
            void __noreturn ksharp_stop(const char *message)
            """);
        Assert.Equal(new HashSet<string> { "cookie", "flag", "ksharp_request", "ksharp_stop" }, names);
    }
}
