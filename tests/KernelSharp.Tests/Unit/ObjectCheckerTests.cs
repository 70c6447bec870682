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
    }

    [Fact]
    public void Kernel_functions_are_reached_through_shims_except_memmove_and_memset()
    {
        ElfObject elf = CompileC("""
            void msleep(unsigned int ms); void *memmove(void *d, const void *s, unsigned long n);
            void naps(void) { msleep(10); }
            void moves(char *a) { memmove(a, a + 1, 3); }
            """, "-fno-pic", "-fno-builtin");
        var problem = Assert.Single(ObjectChecker.Check(elf, None, new HashSet<string> { "msleep", "memmove" }));
        Assert.Equal("C# calls the kernel function msleep directly (used by naps): kernel functions are reached through the shims in src/Native, compiled against each kernel's headers (architecture rule 1)", problem);
    }

    [Fact]
    public void Rejects_32_bit_zero_extended_addresses()
    {
        ElfObject elf = CompileC("extern int counter; int *address(void) { return &counter; }", "-fno-pic", "-mcmodel=small");
        Assert.Contains(ObjectChecker.Check(elf, new HashSet<string> { "counter" }, None), p => p.StartsWith("R_X86_64_32 against counter in address"));
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

    [Fact]
    public void A_truncated_object_is_a_build_error_not_a_crash()
    {
        string dir = Directory.CreateTempSubdirectory("ksharp-elf").FullName;
        byte[] whole;
        try
        {
            File.WriteAllText(Path.Combine(dir, "x.c"), "extern int c; int f(void) { return c; }");
            Assert.Equal(0, ProcessRunner.Run("gcc", ["-c", "-O2", "-fno-pic", "x.c", "-o", "x.o"], dir).ExitCode);
            whole = File.ReadAllBytes(Path.Combine(dir, "x.o"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        // The reader takes in every section header before anything else, and the assembler
        // writes the section header table at the end of the file: so every prefix longer than
        // the ELF header lacks part of the last section header, and each one must be refused
        // as malformed (not crash, not be read as a smaller object).
        long sectionTable = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(whole.AsSpan(40));
        int entrySize = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(whole.AsSpan(58));
        int entries = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(whole.AsSpan(60));
        Assert.Equal(whole.Length, sectionTable + (long)entrySize * entries);
        Assert.NotEmpty(ElfObject.Read(whole).Sections);

        var notRefused = new List<string>();
        int tried = 0;
        for (int length = 64; length < whole.Length; length += 37, tried++)
        {
            try
            {
                ElfObject.Read(whole[..length]);
                notRefused.Add($"{length}: read without error");
            }
            catch (BuildError e) when (!e.Message.StartsWith("the compiled C# object is malformed (", StringComparison.Ordinal))
            {
                notRefused.Add($"{length}: {e.Message}");
            }
            catch (BuildError)
            {
            }
        }
        Assert.True(notRefused.Count == 0, $"of {tried} prefixes of the {whole.Length}-byte object, these were not refused as malformed:\n{string.Join('\n', notRefused)}");
    }
}
