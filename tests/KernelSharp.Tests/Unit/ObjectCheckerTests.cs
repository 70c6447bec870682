using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

// Objects made by the real compiler (gcc for hand-picked relocations, ILCompiler via the
// build tool) are read back and checked the way a driver's object is.
public class ObjectCheckerTests
{
    private static ElfObject CompileC(string source, params string[] flags)
    {
        string dir = Directory.CreateTempSubdirectory("ksharp-elf").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "x.c"), source);
            var outcome = ProcessRunner.Run("gcc", ["-c", "-O2", .. flags, "x.c", "-o", "x.o"], dir);
            Assert.True(outcome.ExitCode == 0, outcome.Output);
            return ElfObject.Read(File.ReadAllBytes(Path.Combine(dir, "x.o")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static readonly HashSet<string> None = [];

    [Fact]
    public void Reads_sections_symbols_and_relocations()
    {
        ElfObject elf = CompileC("extern int counter; int next(void) { return ++counter; }", "-fno-pic");
        Assert.Contains(elf.Sections, s => s.Name == ".text");
        var next = Assert.Single(elf.Symbols, s => s.Name == "next");
        Assert.True(next.IsFunction);
        Assert.Contains(elf.Symbols, s => s.Name == "counter" && s.IsUndefined);
        var relocation = elf.Relocations.First(r => r.Symbol.Name == "counter");
        Assert.Equal("R_X86_64_PC32", ElfObject.RelocationName(relocation.Type));
        Assert.Equal("next", elf.FunctionAt(relocation.Target, relocation.Offset)?.Name);
    }

    [Fact]
    public void Accepts_what_the_module_loader_accepts()
    {
        ElfObject elf = CompileC("extern int counter; int next(void) { return ++counter; }", "-fno-pic");
        Assert.Empty(ObjectChecker.Check(elf, new HashSet<string> { "counter" }, None));
        Assert.Empty(ObjectChecker.Check(elf, None, new HashSet<string> { "counter" }));
    }

    [Fact]
    public void Rejects_got_relocations_naming_the_function()
    {
        ElfObject elf = CompileC("extern int counter; int next(void) { return ++counter; }", "-fPIC");
        var problems = ObjectChecker.Check(elf, new HashSet<string> { "counter", "_GLOBAL_OFFSET_TABLE_" }, None);
        var problem = Assert.Single(problems);
        Assert.Matches("R_X86_64_(REX_)?GOTPCRELX? against counter in next: the kernel module loader rejects this relocation", problem);
    }

    [Fact]
    public void Rejects_thread_local_storage()
    {
        ElfObject elf = CompileC("__thread int perThread; int get(void) { return perThread; }", "-fno-pic");
        Assert.Contains(ObjectChecker.Check(elf, None, None), p => p.Contains("thread-local storage") && p.Contains("in get"));
    }

    [Fact]
    public void Names_unresolved_symbols_and_the_code_that_uses_them()
    {
        ElfObject elf = CompileC("void missing_function(void); void caller(void) { missing_function(); }", "-fno-pic");
        var problem = Assert.Single(ObjectChecker.Check(elf, None, None));
        Assert.Equal("unresolved symbol missing_function (used by caller): no shim in src/Native defines it and the kernel does not export it", problem);
    }

    [Fact]
    public void Explains_runtime_helpers_kernel_csharp_cannot_have()
    {
        ElfObject elf = CompileC("void RhpNewFast(void); void Allocates(void) { RhpNewFast(); }", "-fno-pic");
        var problem = Assert.Single(ObjectChecker.Check(elf, None, None));
        Assert.StartsWith("C# code that allocates a managed object", problem);
        Assert.Contains("(used by Allocates)", problem);
    }

    [Fact]
    public void Rejects_files_that_are_not_x86_64_relocatable_elf()
    {
        Assert.Contains("not an ELF file", Assert.Throws<BuildError>(() => ElfObject.Read(new byte[64])).Message);
    }
}
