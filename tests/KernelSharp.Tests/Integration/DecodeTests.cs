using System.Security.Cryptography;
using System.Text.RegularExpressions;
using KernelSharp.Harness;
using KernelSharp.Tool.Build;
using KernelSharp.Tool.MachineCode;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// C# source lines in oopses: a debug build of tests/Drivers/Decoding (module ksdecode) divides by
/// zero three C# calls below its write (the RIP is C#), then fails an index check two calls down and
/// one in an expression-bodied method one call down, and `ksharp decode` (the command, as a user runs it) reads the captured kernel log and names
/// each C# frame's method, file and exact line.
/// </summary>
[Trait("Category", "Integration")]
public class DecodeTests
{
    private const string Project = "tests/Drivers/Decoding";
    private static string Root => Unit.Drivers.Toolchain.Value.RequireRepository("the tests");

    /// <summary>The line of the driver's source (relative to the project) that holds <paramref name="marker"/>, counted from 1.</summary>
    private static int LineOf(string file, string marker)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, Project, file));
        var found = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains(marker, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 1, $"{Project}/{file} has {found.Count} lines marked '{marker}'");
        return found[0] + 1;
    }

    private static ProcessRunner.Outcome Decode(string log, params string[] modules) =>
        ProcessRunner.Run("dotnet", [Path.Combine(Root, "artifacts", "bin", "KernelSharp.Tool", "release", "ksharp.dll"), "decode",
            .. modules.SelectMany(m => new[] { "--module", m }), log], Root);

    [Fact]
    public async Task A_divide_error_and_an_index_failure_decode_to_each_csharp_frames_method_and_exact_line()
    {
        // One boot: the writer holds nothing when it dies, so the second oops starts from a clean state.
        var result = await Guest.RunExpecting(KernelProblemKind.CSharpFailure | KernelProblemKind.Oops, """
            insmod /ksdecode.ko || exit 10
            ( printf 'abc' > /dev/ksdecode ); echo "slot 3 write status $?"
            ( printf 'a' > /dev/ksdecode ); echo "slot 1 write status $?"
            ( printf 'abcdefghi' > /dev/ksdecode ); echo "slot 9 write status $?"
            ( printf 'abcdefghijkl' > /dev/ksdecode ); echo "slot 12 write status $?"
            exit 0
            """, [], Guest.DebugModule(Project));
        GuestAssert.ScriptExited(result, 0);
        // Slot 3 holds 40; slot 1 holds 0 and slot 9 does not exist: the writer dies in each oops.
        // Kernel lines keep their order, and the script's keep theirs; the two may interleave anywhere.
        GuestAssert.InOrder(result, "ksdecode: slot 3 holds 40", "ksdecode: slot 3 scaled 31", "ksdecode: slot 1 holds 0",
            "ksdecode: C# failure: DivideByZeroException", "ksdecode: C# failure: IndexOutOfRangeException", "ksdecode: C# failure: IndexOutOfRangeException");
        GuestAssert.InOrder(result, "slot 3 write status 0", "slot 1 write status 139", "slot 9 write status 139", "slot 12 write status 139");

        string log = Path.Combine(Directory.CreateTempSubdirectory("ksharp-decode").FullName, "kernel.log");
        string console = result.Console.Replace("\r", "");
        File.WriteAllText(log, console);
        BuildOutput built = await Guest.DebugModule(Project);
        var decoded = Decode(log, built.ModulePath);
        Assert.True(decoded.ExitCode == 0, decoded.Output);

        // Each C# frame: the kernel's line, then Namespace.Type.Method (File.cs:line). The faulting
        // frame is the statement that divides or indexes; the callers are the lines of their calls.
        static string Frame(string symbol, string csharp, bool rip = false) =>
            $@"^\[[ .0-9]+\] {(rip ? "RIP: 0010:" : " ")}{Regex.Escape(symbol)}\+0x[0-9a-f]+/0x[0-9a-f]+ \[ksdecode\] {Regex.Escape(csharp)}$";
        string Slots(string marker) => $"Lookup/Slots.cs:{LineOf("Lookup/Slots.cs", "// ksdecode: " + marker)}";
        string[] callers =
        [
            Frame("Decoding_KsDecode_Lookup_Slots__Lookup", $"KsDecode.Lookup.Slots.Lookup ({Slots("calls Slot")})"),
            Frame("Decoding_KsDecode_SlotDevice__Write", $"KsDecode.SlotDevice.Write (Decoding.cs:{LineOf("Decoding.cs", "// ksdecode: calls Lookup")})"),
        ];
        string[] frames =
        [
            Frame("Decoding_KsDecode_Lookup_Slots__Scale", $"KsDecode.Lookup.Slots.Scale ({Slots("the division")})", rip: true),
            Frame("Decoding_KsDecode_Lookup_Slots__Slot", $"KsDecode.Lookup.Slots.Slot ({Slots("calls Scale")})"),
            .. callers,
            Frame("KernelSharp_CoreLib_Internal_Runtime_CompilerHelpers_ThrowHelpers__ThrowIndexOutOfRangeException", "Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException"),
            Frame("Decoding_KsDecode_Lookup_Slots__Slot", $"KsDecode.Lookup.Slots.Slot ({Slots("the index failure")})"),
            .. callers,
            // The same failure in an expression-bodied method: its one line.
            Frame("KernelSharp_CoreLib_Internal_Runtime_CompilerHelpers_ThrowHelpers__ThrowIndexOutOfRangeException", "Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException"),
            Frame("Decoding_KsDecode_Lookup_Slots__Peek", $"KsDecode.Lookup.Slots.Peek ({Slots("the peek")})"),
            callers[1],
        ];
        string output = decoded.Output.Replace("\r", "");
        int at = 0;
        foreach (string frame in frames)
        {
            Match match = new Regex(frame, RegexOptions.Multiline).Match(output, at);
            Assert.True(match.Success, $"no line matching {frame} after offset {at} in the decoded log:\n{Excerpt(output)}");
            at = match.Index + match.Length;
        }

        // Every other line as it was: the decoder only appends to a C# frame's line.
        var input = console.Split('\n');
        var lines = output.Split('\n');
        Assert.Equal(input.Length, lines.Length);
        for (int i = 0; i < input.Length; i++)
            Assert.True(lines[i] == input[i] || (lines[i].StartsWith(input[i] + " ", StringComparison.Ordinal) && input[i].Contains("[ksdecode]", StringComparison.Ordinal)),
                $"line {i + 1} changed: '{input[i]}' became '{lines[i]}'");
        // The C shims of the module are not C#: ksharp_panic (the second oops's RIP) stays as it was.
        Assert.Contains(lines, l => Regex.IsMatch(l, @"RIP: 0010:ksharp_panic\+0x[0-9a-f]+/0x[0-9a-f]+ \[ksdecode\]$"));
    }

    private static string Excerpt(string output) =>
        string.Join('\n', output.Split('\n').SkipWhile(l => !l.Contains("Call Trace:", StringComparison.Ordinal)).Take(30));

    // A debug build keeps architecture rule 1: its assembly is the same for every kernel and for any
    // place the project is built from (the .file paths are relative to the project); its code is the
    // release build's (the lines are directives, the names a section the loader skips).
    [Fact]
    public async Task A_debug_builds_assembly_is_the_same_for_every_kernel_and_checkout_and_its_code_is_the_release_builds()
    {
        var images = KernelImages.OnHost();
        BuildOutput here = await Guest.DebugModule(Project);
        string assembly = File.ReadAllText(here.CSharpAssemblyPath);
        var files = Regex.Matches(assembly, @"^\t\.file \d+ ""(?<path>[^""]*)""$", RegexOptions.Multiline).Select(m => m.Groups["path"].Value).ToList();
        Assert.Equal(["Decoding.cs", "KernelSharp.Generated.g.cs", "Lookup/Slots.cs"], files);
        Assert.Contains("\t.loc ", assembly);
        Assert.Contains($"\t.section {CSharpDebugInfo.NamesSection},", assembly);

        string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        foreach (string series in KernelIndependenceTests.SupportedKernels())
        {
            KernelImage kernel = images.FindByVersion(series) ?? throw new InvalidOperationException($"kernel {series} is not installed with its headers: run ./ksharp setup");
            if (kernel.Version == Guest.Kernel.Version)
                continue;
            BuildOutput there = await Task.Run(() => Guest.Build(Project, kernel, debug: true));
            Assert.True(Hash(here.CSharpAssemblyPath) == Hash(there.CSharpAssemblyPath), $"the debug assembly differs between {Guest.Kernel.Version} and {kernel.Version}");
        }

        // The same project built from another directory (the folder name stays: it is the assembly's name).
        string copy = Path.Combine(Directory.CreateTempSubdirectory("ksharp-checkout").FullName, "Decoding");
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Root, Project), "*.cs", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(Path.Combine(Root, Project), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        BuildOutput moved = await Task.Run(() => new ModuleBuilder(Unit.Drivers.Toolchain.Value, _ => { })
            .Build(new BuildRequest(copy, KernelHeaders.Open(Guest.Kernel.HeadersPath), Path.Combine(copy, "bin"), Debug: true)));
        Assert.True(Hash(here.CSharpAssemblyPath) == Hash(moved.CSharpAssemblyPath), "the debug assembly differs when the project is built from another directory");

        // Same code as the release build, and a release module decodes to nothing (and says why).
        BuildOutput release = await Guest.Module(Project);
        static string Code(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            return string.Join('\n', ElfObject.Read(bytes).Sections.Where(s => (s.Flags & 0x4) != 0)
                .Select(s => $"{s.Name} {Convert.ToHexString(bytes, (int)s.Offset, (int)s.Size)}"));
        }
        Assert.True(Code(release.CSharpObjectPath) == Code(here.CSharpObjectPath), "the debug build's compiled C# differs from the release build's");
        string log = Path.Combine(Directory.CreateTempSubdirectory("ksharp-decode").FullName, "kernel.log");
        File.WriteAllText(log, "[    2.662151]  Decoding_KsDecode_Lookup_Slots__Slot+0xd/0x30 [ksdecode]\n");
        var decoded = Decode(log, release.ModulePath);
        Assert.Equal(0, decoded.ExitCode);
        // (Standard error and output arrive in either order.)
        Assert.Equal(["[    2.662151]  Decoding_KsDecode_Lookup_Slots__Slot+0xd/0x30 [ksdecode]",
            $"ksharp: {release.ModulePath} has no C# line information: build it with --debug (or the Debug configuration)"],
            decoded.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }
}
