using System.Security.Cryptography;
using System.Text.RegularExpressions;
using KernelSharp.Harness;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// Architecture rule 1: what is compiled from C# depends on no kernel version or
/// configuration. Each sample is built for every supported kernel: the kernel assembly the
/// machine-code pass writes from the C# must be byte-identical, while everything kbuild
/// compiles (that assembly, the generated glue and the shims, the same sources for every
/// kernel) is compiled against each kernel's headers and flags, and each .ko is linked from
/// those objects for its own kernel.
/// </summary>
[Trait("Category", "Integration")]
public class KernelIndependenceTests
{
    /// <summary>The kernel series the project supports, as the launcher lists them for `ksharp test`.</summary>
    public static IReadOnlyList<string> SupportedKernels()
    {
        string launcher = File.ReadAllText(Path.Combine(Unit.Drivers.Toolchain.Value.RequireRepository("the tests"), "ksharp"));
        Match list = Regex.Match(launcher, @"^supported_kernels=\((?<list>[^)]*)\)", RegexOptions.Multiline);
        Assert.True(list.Success, "the launcher has no supported_kernels=(...) line");
        return list.Groups["list"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static byte[] Section(string path, string name) => Code(path, s => s.Name == name) switch
    {
        [var only] => only.Bytes,
        var found => throw new InvalidOperationException($"{path} has {found.Count} sections named {name}"),
    };

    /// <summary>The executable sections of an object (.text, .init.text, .text.unlikely, ...) or the ones <paramref name="which"/> picks.</summary>
    private static List<(string Name, byte[] Bytes)> Code(string path, Func<ElfObject.Section, bool>? which = null)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return ElfObject.Read(bytes).Sections
            .Where(s => which?.Invoke(s) ?? (s.Flags & 0x4 /* SHF_EXECINSTR */) != 0)
            .Select(s => (s.Name, bytes.AsSpan(checked((int)s.Offset), checked((int)s.Size)).ToArray()))
            .ToList();
    }

    /// <summary>
    /// The static branches of an object (its __jump_table entries, 16 bytes each, the first field the site), by
    /// section: (offset, length) of each site's jump. On 6.12 objtool turns each into a no-op of that length when it
    /// checks the linked module (the glue's dynamic debug sites are such branches), so the .ko holds other bytes there.
    /// </summary>
    private static Dictionary<string, List<(int Offset, int Length)>> JumpLabelSites(string path)
    {
        ElfObject elf = ElfObject.Read(File.ReadAllBytes(path));
        var sites = new Dictionary<string, List<(int, int)>>(StringComparer.Ordinal);
        foreach (ElfObject.Relocation entry in elf.Relocations.Where(r => r.Target.Name == "__jump_table" && r.Offset % 16 == 0))
        {
            ElfObject.Section section = elf.Sections.Single(s => s.Index == entry.Symbol.SectionIndex);
            int offset = checked((int)((long)entry.Symbol.Value + entry.Addend));
            // jmp rel8 or the 2-byte nop; else jmp rel32 or the 5-byte nop.
            int length = elf.Contents(section)[offset] is 0xeb or 0x66 ? 2 : 5;
            (sites.TryGetValue(section.Name, out var list) ? list : sites[section.Name] = []).Add((offset, length));
        }
        return sites;
    }

    /// <summary>Whether <paramref name="linked"/> holds <paramref name="code"/>, whatever bytes stand at its <paramref name="sites"/>.</summary>
    private static bool Holds(byte[] linked, byte[] code, List<(int Offset, int Length)> sites)
    {
        if (sites.Count == 0)
            return linked.AsSpan().IndexOf(code) >= 0;
        var free = new bool[code.Length];
        foreach (var (offset, length) in sites)
            free.AsSpan(offset, length).Fill(true);
        for (int start = 0; start + code.Length <= linked.Length; start++)
        {
            int at = 0;
            while (at < code.Length && (free[at] || linked[start + at] == code[at]))
                at++;
            if (at == code.Length)
                return true;
        }
        return false;
    }

    private static string CodeText(string path) => string.Join('\n', Code(path).Select(s => $"{s.Name} {Convert.ToHexString(s.Bytes)}"));

    /// <summary>The release in the module's vermagic (.modinfo), which the kernel compares with its own.</summary>
    private static string VermagicRelease(string module)
    {
        var entries = System.Text.Encoding.ASCII.GetString(Section(module, ".modinfo")).Split('\0')
            .Where(entry => entry.StartsWith("vermagic=", StringComparison.Ordinal)).ToList();
        Assert.True(entries.Count == 1, $"{module} has {entries.Count} vermagic entries");
        return entries[0]["vermagic=".Length..].Split(' ')[0];
    }

    /// <summary>The objects kbuild compiled for the module, as the generated Kbuild lists them.</summary>
    private static List<string> KbuildObjects(BuildOutput built)
    {
        string work = Path.GetDirectoryName(built.CSharpObjectPath)!;
        string module = built.Model.Module.Name;
        Match line = Regex.Match(File.ReadAllText(Path.Combine(work, "Kbuild")), $@"^{module}-y := (?<objects>.+)$", RegexOptions.Multiline);
        Assert.True(line.Success, $"{work}/Kbuild has no {module}-y line");
        var objects = line.Groups["objects"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Contains(Path.GetFileName(built.CSharpObjectPath), objects);
        Assert.Contains($"{module}_glue.o", objects);
        return objects;
    }

    private static string SourceOf(string work, string objectName) =>
        new[] { ".c", ".S" }.Select(extension => Path.Combine(work, Path.ChangeExtension(objectName, extension))).SingleOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"no source for {objectName} in {work}");

    [Theory]
    [MemberData(nameof(Guest.Samples), MemberType = typeof(Guest))]
    public async Task The_csharp_assembly_is_byte_identical_while_everything_is_compiled_and_linked_for_each_kernel(string sample)
    {
        var images = KernelImages.OnHost();
        BuildOutput here = await Guest.Module(sample);
        var others = SupportedKernels()
            .Select(series => images.FindByVersion(series) ?? throw new InvalidOperationException(
                $"kernel {series} is not installed with its headers: run ./ksharp setup"))
            .Where(kernel => kernel.Version != Guest.Kernel.Version)
            .ToList();
        Assert.NotEmpty(others);
        // Which objects came out different from this kernel's for at least one other kernel. Each must: the debug
        // kernel's assembled C# equals Debian 6.1's (assembly gets no KASAN, and the two have the same mitigations),
        // so for it the difference to 6.12 shows the object was compiled against each kernel's headers.
        var differs = new HashSet<string>(StringComparer.Ordinal);
        foreach (KernelImage other in others)
        {
            BuildOutput there = await Task.Run(() => Guest.Build(sample, other));
            string pair = $"{sample} for {Guest.Kernel.Version} and {other.Version}";
            Assert.True(Hash(here.CSharpAssemblyPath) == Hash(there.CSharpAssemblyPath), $"{pair}: the assembly generated from the C# differs");

            // The same C and assembly sources (the C#'s among them), compiled into different code:
            // each kernel's headers and flags (6.12 adds IBT landing pads and call padding) went into it.
            var objects = KbuildObjects(here);
            Assert.Equal(objects, KbuildObjects(there));
            string hereWork = Path.GetDirectoryName(here.CSharpObjectPath)!, thereWork = Path.GetDirectoryName(there.CSharpObjectPath)!;
            foreach (string name in objects)
            {
                Assert.True(Hash(SourceOf(hereWork, name)) == Hash(SourceOf(thereWork, name)), $"{pair}: the source of {name} differs");
                if (CodeText(Path.Combine(hereWork, name)) != CodeText(Path.Combine(thereWork, name)))
                    differs.Add(name);
            }

            // Each .ko is for its own kernel, and linked from the objects compiled for it.
            foreach ((BuildOutput built, KernelImage kernel) in new[] { (here, Guest.Kernel), (there, other) })
            {
                string release = VermagicRelease(built.ModulePath);
                Assert.True(release == kernel.Version, $"{built.ModulePath} is for {release}, not {kernel.Version}");
                var moduleCode = Code(built.ModulePath).ToDictionary(s => s.Name, s => s.Bytes);
                string work = Path.GetDirectoryName(built.CSharpObjectPath)!;
                foreach (string name in objects)
                {
                    var sites = JumpLabelSites(Path.Combine(work, name));
                    foreach ((string section, byte[] code) in Code(Path.Combine(work, name)))
                        Assert.True(moduleCode.TryGetValue(section, out byte[]? linked) && Holds(linked, code, sites.GetValueOrDefault(section) ?? []),
                            $"{built.ModulePath} does not hold the {section} of {name} built for {kernel.Version}");
                }
            }
        }
        foreach (string name in KbuildObjects(here))
            Assert.True(differs.Contains(name), $"{sample}: {name} has the same code for {Guest.Kernel.Version} as for {string.Join(" and ", others.Select(k => k.Version))}: it was not compiled against each kernel's headers");
    }
}
