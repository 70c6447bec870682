using System.Diagnostics;
using KernelSharp.Tool.Build;
using KernelSharp.Tool.Debugging;
using KernelSharp.Tool.MachineCode;

namespace KernelSharp.Tests.Unit;

/// <summary>
/// What `ksharp decode` stands on: the DWARF line table reader (on what the assembler writes
/// from .loc directives, as for a debug build's kernel assembly), the parser of the kernel's
/// trace lines, ILCompiler's symbol names read back to C# names, and the decoder on a module
/// assembled here.
/// </summary>
public class DebugLineTests
{
    private static string Run(string work, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {output}");
        return output;
    }

    // Two code sections, a file in a subdirectory, a line-0 stretch, rows at labels before .byte
    // data (how the machine-code pass keeps RyuJIT's instructions).
    private const string TwoSections = """
        	.file 1 "A.cs"
        	.file 2 "Sub/B.cs"
        	.text
        	.loc_mark_labels 1
        	.loc 1 10
        f:
        	nop
        	.loc 2 20
        .La:
        	.byte 0x90, 0x90
        	.loc 1 0
        .Lb:
        	.byte 0xc3
        	.section .text.other,"ax",@progbits
        	.loc 2 5
        g:
        	.byte 0x90
        	.loc 2 6
        .Lc:
        	ret
        """;

    /// <summary>Assembles <paramref name="source"/> (options as for <c>as</c>) and reads the object.</summary>
    private static ElfObject Assemble(string source, params string[] options)
    {
        string work = Directory.CreateTempSubdirectory("ksharp-dwarf").FullName;
        try
        {
            File.WriteAllText(Path.Combine(work, "x.s"), source + "\n");
            Run(work, "as", [.. options, "x.s", "-o", "x.o"]);
            return ElfObject.Read(File.ReadAllBytes(Path.Combine(work, "x.o")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static int SectionIndex(ElfObject elf, string name) => elf.Sections.Single(s => s.Name == name).Index;

    [Theory]
    [InlineData("--gdwarf-4")]
    [InlineData("--gdwarf-5")]
    [InlineData("--gdwarf-5", "--compress-debug-sections=zlib")]
    public void The_line_table_gives_each_address_its_file_and_line_in_its_section(params string[] options)
    {
        ElfObject elf = Assemble(TwoSections, options);
        var table = DwarfLineTable.Read(elf);
        int text = SectionIndex(elf, ".text"), other = SectionIndex(elf, ".text.other");

        string? At(int section, ulong address, ulong notBefore = 0) => table.Find(section, address, notBefore) is { } row ? $"{row.File}:{row.Line}" : null;
        Assert.Equal("A.cs:10", At(text, 0));
        Assert.Equal("Sub/B.cs:20", At(text, 1));
        Assert.Equal("Sub/B.cs:20", At(text, 2));
        Assert.Equal("A.cs:0", At(text, 3));
        Assert.Null(At(text, 4)); // past the sequence's end
        Assert.Equal("Sub/B.cs:5", At(other, 0));
        Assert.Equal("Sub/B.cs:6", At(other, 1));
        // A row before the function's start does not cover it.
        Assert.Null(At(text, 2, notBefore: 2));
        Assert.Equal("Sub/B.cs:6", At(other, 1, notBefore: 1));
    }

    // A .ko is relocatable: ld -r merges each object's .text into one, and each address in the
    // line table becomes a relocation against that section with the object's place as addend.
    [Fact]
    public void Addresses_come_from_relocations_after_objects_are_linked_together()
    {
        string work = Directory.CreateTempSubdirectory("ksharp-dwarf").FullName;
        try
        {
            File.WriteAllText(Path.Combine(work, "a.s"), "\t.file 1 \"First.cs\"\n\t.text\n\t.loc 1 3\n\tnop\n\tnop\n\tret\n");
            File.WriteAllText(Path.Combine(work, "b.s"), TwoSections + "\n");
            Run(work, "as", "--gdwarf-5", "a.s", "-o", "a.o");
            Run(work, "as", "--gdwarf-4", "b.s", "-o", "b.o");
            Run(work, "ld", "-r", "a.o", "b.o", "-o", "ab.o");
            ElfObject elf = ElfObject.Read(File.ReadAllBytes(Path.Combine(work, "ab.o")));
            var table = DwarfLineTable.Read(elf);
            int text = SectionIndex(elf, ".text");
            Assert.Equal(2, table.Sequences.Count(s => s[0].Section == text));
            Assert.Equal(("First.cs", 3), table.Find(text, 2) is { } first ? (first.File, first.Line) : default);
            // b.o's .text starts after a.o's 3 bytes (ld aligns it to 1 here).
            ulong b = elf.Symbols.Single(s => s.Name == "f").Value;
            Assert.True(b >= 3, $"f is at {b}");
            Assert.Equal(("A.cs", 10), table.Find(text, b) is { } row ? (row.File, row.Line) : default);
            Assert.Equal(("Sub/B.cs", 20), table.Find(text, b + 2) is { } next ? (next.File, next.Line) : default);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Theory]
    [InlineData("[    2.660865] RIP: 0010:ksharp_panic+0x1d/0x1f [ksdecode]", "ksharp_panic", 0x1d, 0x1f, "ksdecode", true)]
    [InlineData("[    2.662151]  Decoding_KsDecode_Lookup_Slots__Slot+0xd/0x30 [ksdecode]", "Decoding_KsDecode_Lookup_Slots__Slot", 0xd, 0x30, "ksdecode", false)]
    [InlineData("[    2.662151]  ? ksharp_runtime_exit.cold+0x3b/0x3b [ksdecode]\r", "ksharp_runtime_exit.cold", 0x3b, 0x3b, "ksdecode", false)]
    [InlineData("[    9.0]  KernelSharp_Kernel_KernelSharp_Glue_FileState_1<Scull_Scull_ScullState>__Allocate+0x1f/0x80 [scull]", "KernelSharp_Kernel_KernelSharp_Glue_FileState_1<Scull_Scull_ScullState>__Allocate", 0x1f, 0x80, "scull", false)]
    [InlineData(" ksfaults_write+0xda/0x100 [ksfaults]", "ksfaults_write", 0xda, 0x100, "ksfaults", false)]
    [InlineData("RIP: 0010:ksfaults_warn+0x15/0x20 [ksfaults]", "ksfaults_warn", 0x15, 0x20, "ksfaults", true)]
    [InlineData("[    2.662151]  vfs_write+0xc7/0x3f0", "vfs_write", 0xc7, 0x3f0, null, false)]
    public void A_trace_line_gives_its_frame(string line, string symbol, long offset, long size, string? module, bool rip) =>
        Assert.Equal(new TraceFrame(symbol, (ulong)offset, (ulong)size, module, rip), TraceFrame.Parse(line));

    [Theory]
    [InlineData("[    2.662151] RIP: 0033:0x47b7a0")]
    [InlineData("[    3.301115] WARNING: CPU: 1 PID: 142 at ksfaults/ksfaults.c:32 ksfaults_warn+0x15/0x20 [ksfaults]")]
    [InlineData("[    2.662151] Modules linked in: ksdecode(OE)")]
    [InlineData("[    2.662151]  <TASK>")]
    [InlineData("[    2.662151] Call Trace:")]
    [InlineData("ksdecode: slot 3 holds 40")]
    public void Other_lines_are_no_frames(string line) => Assert.Null(TraceFrame.Parse(line));

    // A module as a debug build lays it out: C# functions with lines and names, a C function
    // without. Inner faults at its second line; Outer's call to it is the last instruction of
    // line 20, so its return address is already line 21's.
    private const string Module = """
        	.file 1 "Driver.cs"
        	.section .modinfo,"a",@progbits
        	.asciz "name=ksunit"
        	.text
        	.loc_mark_labels 1
        	.loc 1 10
        	.type Unit_Ns_T__Inner, @function
        Unit_Ns_T__Inner:
        	.byte 0x90
        	.loc 1 11
        .L1:
        	.byte 0x0f, 0x0b
        	.size Unit_Ns_T__Inner, .-Unit_Ns_T__Inner
        	.loc 1 20
        	.type Unit_Ns_T__Outer, @function
        Unit_Ns_T__Outer:
        	call Unit_Ns_T__Inner
        	.loc 1 21
        .L2:
        	.byte 0xc3
        	.size Unit_Ns_T__Outer, .-Unit_Ns_T__Outer
        	.loc 1 0
        	.type c_helper, @function
        c_helper:
        	ret
        	.size c_helper, .-c_helper
        	.section .debug_ksharp_names,"",@progbits
        	.ascii "Unit_Ns_T__Inner\tNs.T.Inner\nUnit_Ns_T__Outer\tNs.T.Outer\n"
        """;

    [Fact]
    public void The_decoder_names_each_csharp_frame_and_its_line_and_leaves_every_other_line_alone()
    {
        Assert.Equal(CSharpDebugInfo.NamesSection, ".debug_ksharp_names");
        string work = Directory.CreateTempSubdirectory("ksharp-decode").FullName;
        try
        {
            File.WriteAllText(Path.Combine(work, "m.s"), Module + "\n");
            Run(work, "as", "--gdwarf-5", "m.s", "-o", "ksunit.ko");
            var decoder = new TraceDecoder([ModuleSymbols.Load(Path.Combine(work, "ksunit.ko"))]);
            string[] log =
            [
                "[    1.000000] RIP: 0010:Unit_Ns_T__Inner+0x1/0x3 [ksunit]",
                "[    1.000000] Call Trace:",
                "[    1.000000]  Unit_Ns_T__Outer+0x5/0x6 [ksunit]",
                "[    1.000000]  ? Unit_Ns_T__Outer+0x5/0x6 [ksunit]",
                "[    1.000000]  c_helper+0x0/0x1 [ksunit]",
                "[    1.000000]  Unit_Ns_T__Outer+0x5/0x6 [another]",
                "[    1.000000]  vfs_write+0xc7/0x3f0",
            ];
            var output = new StringWriter();
            decoder.Decode(new StringReader(string.Join('\n', log)), output);
            Assert.Equal(
            [
                "[    1.000000] RIP: 0010:Unit_Ns_T__Inner+0x1/0x3 [ksunit] Ns.T.Inner (Driver.cs:11)",
                "[    1.000000] Call Trace:",
                // The return address minus one: the call, on line 20.
                "[    1.000000]  Unit_Ns_T__Outer+0x5/0x6 [ksunit] Ns.T.Outer (Driver.cs:20)",
                "[    1.000000]  ? Unit_Ns_T__Outer+0x5/0x6 [ksunit] Ns.T.Outer (Driver.cs:20)",
                "[    1.000000]  c_helper+0x0/0x1 [ksunit]",
                "[    1.000000]  Unit_Ns_T__Outer+0x5/0x6 [another]",
                "[    1.000000]  vfs_write+0xc7/0x3f0",
            ], output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Theory]
    [InlineData("/home/dev/Driver/Scull.cs", "Scull.cs")]
    [InlineData("/home/dev/Driver/Sub/Dir/Pipe.cs", "Sub/Dir/Pipe.cs")]
    [InlineData("KernelSharp.Generated.g.cs", "KernelSharp.Generated.g.cs")]
    [InlineData("/elsewhere/Shared.cs", "Shared.cs")]
    public void Source_paths_are_relative_to_the_project(string path, string written) =>
        Assert.Equal(written, CSharpDebugInfo.ProjectRelative("/home/dev/Driver", path));

    // Computed forwards from metadata, checked against what ILCompiler really named: namespaces with
    // underscores, nested types, overloads, generic types and methods.
    [Fact]
    public void Every_symbol_ilcompiler_gives_a_method_reads_back_as_its_csharp_name()
    {
        var (assembly, _, _, _) = Drivers.Compile(Drivers.Usings + """
            using System.Runtime.CompilerServices;

            namespace My.Driver_Ns
            {
                [KernelModule("snippet")]
                public sealed class SnippetModule : IKernelModule
                {
                    public static Result Init()
                    {
                        Log.Info($"{Outer.Inner.Twice(2)} {Outer.Add(1, 2)} {Outer.Add(1L, 2L)} {Box<int>.Get(3)} {Outer.Pick<byte>(5)}");
                        return Result.Ok;
                    }
                    public static void Exit() { }
                }

                public static class Outer
                {
                    [MethodImpl(MethodImplOptions.NoInlining)] public static int Add(int a, int b) => a + b;
                    [MethodImpl(MethodImplOptions.NoInlining)] public static long Add(long a, long b) => a + b;
                    [MethodImpl(MethodImplOptions.NoInlining)] public static int Pick<T>(int x) => x + 1;
                    public static class Inner
                    {
                        [MethodImpl(MethodImplOptions.NoInlining)] public static int Twice(int x) => 2 * x;
                    }
                }

                public static class Box<T>
                {
                    [MethodImpl(MethodImplOptions.NoInlining)] public static int Get(int x) => x * 3;
                }
            }
            """);
        string work = Directory.CreateTempSubdirectory("ksharp-names").FullName;
        try
        {
            string dll = Path.Combine(work, "Snippet.dll"), obj = Path.Combine(work, "snippet.o");
            File.WriteAllBytes(dll, assembly);
            new IlCompiler(Drivers.Toolchain.Value).Compile(dll, obj);
            var functions = ElfObject.Read(File.ReadAllBytes(obj)).Symbols.Where(s => s.IsFunction && s.Size > 0).Select(s => s.Name).ToList();
            var toolchain = Drivers.Toolchain.Value;
            var names = ManagedNames.FromAssemblies([dll, toolchain.CoreLib, toolchain.KernelLib], Path.GetFileNameWithoutExtension(toolchain.CoreLib));
            var found = functions.ToDictionary(f => f, names.Find);

            // Every method of the three assemblies has its name; only the compiler's own stubs have none, and the
            // entry points' C names (MODULE__cs_WHAT), which the assembly writer names by their method's symbol.
            Assert.True(found.Where(f => f.Value is null).All(f => f.Key.StartsWith("Internal_CompilerGenerated_", StringComparison.Ordinal)
                    || f.Key.StartsWith("__", StringComparison.Ordinal) || f.Key.StartsWith("snippet__cs_", StringComparison.Ordinal)),
                $"no C# name for {string.Join(", ", found.Where(f => f.Value is null).Select(f => f.Key))}");
            string Only(string csharp) => Assert.Single(found, f => f.Value == csharp).Key;
            Assert.Equal("Snippet_My_Driver_Ns_Outer_Inner__Twice", Only("My.Driver_Ns.Outer.Inner.Twice"));
            Assert.Equal("My.Driver_Ns.SnippetModule.Init", found["Snippet_My_Driver_Ns_SnippetModule__Init"]);
            Assert.Equal(2, found.Count(f => f.Value == "My.Driver_Ns.Outer.Add"));
            Assert.Contains(found, f => f.Value == "My.Driver_Ns.Outer.Add" && f.Key == "Snippet_My_Driver_Ns_Outer__Add_0");
            Assert.Contains("<", Only("My.Driver_Ns.Box.Get"));
            Assert.Contains("<", Only("My.Driver_Ns.Outer.Pick"));
            Assert.Equal("KernelSharp.Log.Write", found.First(f => f.Key.StartsWith("KernelSharp_Kernel_KernelSharp_Log__Write", StringComparison.Ordinal)).Value);
            Assert.Null(names.Find("ksharp_panic"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
