using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

// The build tool's failures, each one clear message, produced by the real pipeline
// (Roslyn, ILCompiler and the object checks) on small drivers written to a temp folder. What
// the rule table's analyzers refuse in the C# (KS0009 to KS0012) is built a second time with
// them off: the object checks behind them must refuse it too.
public class BuildErrorTests
{
    private static BuildError BuildFails(string source, string? headers = null, bool sourceRules = true)
    {
        string dir = Directory.CreateTempSubdirectory("ksharp-driver").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "Driver.cs"), source);
            var builder = new ModuleBuilder(Drivers.Toolchain.Value, _ => { });
            return Assert.Throws<BuildError>(() => builder.Build(new BuildRequest(dir,
                KernelHeaders.Open(headers ?? Integration.Guest.Kernel.HeadersPath), Path.Combine(dir, "bin"), SourceRules: sourceRules)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // An object that does not escape is allocated on the stack by the JIT and builds fine;
    // one that escapes needs the garbage-collected heap.
    [Fact]
    public void Allocating_a_class_is_refused_naming_the_method()
    {
        string driver = Drivers.Module("""
            private sealed class Box { public int Value; }
            private static Box s_kept;
            public static int Allocate() { s_kept = new Box(); return s_kept.Value; }
            """).Replace("public static Result Init() => Result.Ok;", "public static Result Init() => Allocate() > 0 ? Result.Ok : Error.EIO;");
        var rule = BuildFails(driver);
        Assert.Equal("managed allocations: 1 error(s)", rule.Message);
        Assert.EndsWith("Driver.cs(9,41): error KS0009: 'new Box' allocates a managed object, and kernel C# has no garbage collector: use a struct, or KernelBuffer, Shared<T> or KernelArray<T> for memory that outlives the call", rule.Details);
        var error = BuildFails(driver, sourceRules: false);
        Assert.Contains("C# code that allocates a managed object", error.Message + error.Details);
        Assert.Contains("(used by SnippetModule.Allocate", error.Message + error.Details);
        Assert.Contains("stores an object reference in a field", error.Message + error.Details);
        Assert.DoesNotContain("unresolved symbol", error.Message + error.Details);
    }

    // The kernel's C is compiled with -mno-sse and cannot use float or double either; the
    // machine-code pass refuses the instructions, naming the method.
    [Fact]
    public void Floating_point_arithmetic_is_refused_naming_the_method()
    {
        string driver = Drivers.Module("""
            public static int tunable = 3;
            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
            public static int Scale(int value) => (int)(value * 1.5 + tunable / 3.0);
            """).Replace("public static Result Init() => Result.Ok;", "public static Result Init() => Scale(tunable) > 0 ? Result.Ok : Error.EIO;");
        var rule = BuildFails(driver);
        Assert.Equal("floating-point arithmetic: 1 error(s)", rule.Message);
        Assert.EndsWith("Driver.cs(9,45): error KS0011: 'value * 1.5 + tunable / 3.0' is double arithmetic; the kernel does not save FPU or SIMD registers for module code, so kernel C# cannot use them: use integers, scaled (fixed point) where a fraction is needed", rule.Details);
        var error = BuildFails(driver, sourceRules: false);
        Assert.StartsWith("SnippetModule.Scale: floating-point arithmetic (", error.Message);
        Assert.Contains("kernel code cannot use float or double", error.Message);
    }

    [Fact]
    public void Throwing_is_refused()
    {
        string driver = Drivers.Module().Replace("public static void Exit() { }", "public static void Exit() { if (Result.Ok.IsOk) throw new Exception(); }");
        var rules = BuildFails(driver);
        Assert.Equal("driver code breaks 2 rules (KS0009, KS0010): 2 error(s)", rules.Message);
        Assert.Equal([
            "Driver.cs(6,59): error KS0009: 'new Exception' allocates a managed object, and kernel C# has no garbage collector: use a struct, or KernelBuffer, Shared<T> or KernelArray<T> for memory that outlives the call",
            "Driver.cs(6,53): error KS0010: this throws 'Exception'; kernel C# has no exception handling: return an Error (Result) instead",
        ], rules.Details!.Split('\n').Select(line => line[(line.IndexOf("Driver.cs", StringComparison.Ordinal))..]));
        var error = BuildFails(driver, sourceRules: false);
        // `throw new Exception()` needs two runtime helpers the kernel cannot have: one allocates
        // the exception object, one throws it. Each is one problem naming the method.
        Assert.Equal("2 problems in the compiled C#", error.Message);
        Assert.Equal(new HashSet<string>
        {
            "C# code that allocates a managed object ('new' of a class, boxing, a lambda or closure); kernel C# has no garbage collector: use structs, stackalloc or KernelBuffer (used by SnippetModule.Exit)",
            "C# code that throws an exception; kernel C# has no exception handling: return an Error (Result) instead (used by SnippetModule.Exit)",
        }, error.Details?.Split('\n').ToHashSet());
    }

    [Fact]
    public void A_static_constructor_left_for_run_time_is_refused_naming_the_class()
    {
        string driver = Drivers.Usings + "using KernelSharp.Memory;\n" + """
            [KernelModule("snippet")]
            public sealed class SnippetModule : IKernelModule
            {
                public static Result Init() => Holder.Value > 0 ? Result.Ok : Error.EIO;
                public static void Exit() { }
            }
            static class Holder
            {
                public static readonly int Value = Compute();
                static int Compute()
                {
                    KernelBuffer.Allocate(8, Gfp.Kernel, out KernelBuffer buffer);
                    int length = buffer.Length;
                    buffer.Dispose();
                    return length;
                }
            }
            """;
        var rule = BuildFails(driver);
        Assert.Equal("static constructors that cannot run at build time: 1 error(s)", rule.Message);
        Assert.EndsWith("Driver.cs(11,40): error KS0012: the initializer of Holder.Value calls 'Holder.Compute', which calls 'KernelBuffer.Allocate', which reaches the kernel; the compiler runs static initializers at build time, where there is no kernel, so this one would run at first use, on any CPU, without a lock: give the static fields constant initializers, or set them in Init", rule.Details);
        var error = BuildFails(driver, sourceRules: false);
        Assert.Equal("the static constructor of Holder cannot run at build time, so it would run at first use, on any CPU, without a lock: give its static fields constant initializers, or set them in Init", error.Message);
    }

    [Fact]
    public void Extern_methods_in_a_driver_are_refused()
    {
        var error = BuildFails(Drivers.Module("[System.Runtime.InteropServices.DllImport(\"*\")] private static extern void msleep(uint ms);"));
        Assert.Contains("error KS0002: extern method 'msleep'", error.Details);
    }

    [Fact]
    public void An_empty_driver_folder_is_named()
    {
        string dir = Directory.CreateTempSubdirectory("ksharp-empty").FullName;
        try
        {
            var builder = new ModuleBuilder(Drivers.Toolchain.Value, _ => { });
            var error = Assert.Throws<BuildError>(() => builder.Build(new BuildRequest(dir, KernelHeaders.Open(Integration.Guest.Kernel.HeadersPath), Path.Combine(dir, "bin"))));
            Assert.Equal($"no C# sources (*.cs) in {dir}", error.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Missing_or_wrong_kernel_headers_are_named_with_the_package()
    {
        Assert.Contains("apt-get install linux-headers-amd64", Assert.Throws<BuildError>(() => KernelHeaders.Open("/nonexistent/headers")).Message);
        string notATree = Directory.CreateTempSubdirectory("ksharp-headers").FullName;
        try
        {
            Assert.Contains("is not a kernel build tree", Assert.Throws<BuildError>(() => KernelHeaders.Open(notATree)).Message);
        }
        finally
        {
            Directory.Delete(notATree);
        }
    }

    [Fact]
    public void Kernel_exports_come_from_module_symvers()
    {
        var exports = KernelHeaders.Open(Integration.Guest.Kernel.HeadersPath).Exports();
        Assert.Contains("kernel_fpu_begin_mask", exports);
        Assert.Contains("misc_register", exports);
        Assert.DoesNotContain("ksharp_printk", exports);
    }

    [Fact]
    public void Il_compiler_crashes_are_reduced_to_the_useful_line()
    {
        string output = """
            Error: One or more errors occurred. (Code generation failed for method '[Driver]Driver.Init()')
            System.AggregateException: One or more errors occurred.
             ---> ILCompiler.CodeGenerationFailedException: Code generation failed for method '[Driver]Driver.Init()'
             ---> System.InvalidOperationException: Expected type 'System.Foo' not found in module 'KernelSharp.CoreLib'
               at Internal.IL.HelperExtensions.GetKnownType(ModuleDesc, String, String) + 0x9d
            """;
        Assert.Equal("Expected type 'System.Foo' not found in module 'KernelSharp.CoreLib' (while compiling [Driver]Driver.Init())", IlCompiler.Failure(output));
    }
}
