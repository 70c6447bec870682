using System.Text.RegularExpressions;

namespace KernelSharp.Tool.Build;

/// <summary>Where KernelSharp's own pieces are: libraries, native shims, the IL compiler.</summary>
public sealed class Toolchain
{
    public const string IlCompilerPackage = "runtime.linux-x64.Microsoft.DotNet.ILCompiler";
    public const string IlCompilerVersion = "10.0.10";

    /// <summary>The KernelSharp checkout the tool runs from, or null when it runs from the KernelSharp.Sdk package.</summary>
    public required string? RepositoryRoot { get; init; }
    public required string CoreLib { get; init; }
    public required string KernelLib { get; init; }
    public required string NativeDirectory { get; init; }
    public required string IlCompiler { get; init; }

    /// <summary>
    /// Finds the pieces: beside the tool when it runs from the KernelSharp.Sdk package (lib/ and
    /// native/ next to ksharp.dll), else in the checkout it was built from; checks every piece is there.
    /// </summary>
    public static Toolchain Locate()
    {
        string tool = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(tool, "lib", "KernelSharp.CoreLib.dll")) && Directory.Exists(Path.Combine(tool, "native")))
            return new Toolchain
            {
                RepositoryRoot = null,
                CoreLib = Path.Combine(tool, "lib", "KernelSharp.CoreLib.dll"),
                KernelLib = Path.Combine(tool, "lib", "KernelSharp.Kernel.dll"),
                NativeDirectory = Path.Combine(tool, "native"),
                IlCompiler = FindIlCompiler(),
            };
        string root = FindRoot(tool)
            ?? throw new BuildError("cannot find the KernelSharp checkout (a folder with src/Native and KernelSharp.slnx) above the tool, nor the KernelSharp.Sdk package's lib/ and native/ beside it");
        string Library(string name) => Path.Combine(root, "artifacts", "bin", name, "release", name + ".dll");
        var toolchain = new Toolchain
        {
            RepositoryRoot = root,
            CoreLib = Library("KernelSharp.CoreLib"),
            KernelLib = Library("KernelSharp.Kernel"),
            NativeDirectory = Path.Combine(root, "src", "Native"),
            IlCompiler = FindIlCompiler(),
        };
        foreach (string library in new[] { toolchain.CoreLib, toolchain.KernelLib })
            if (!File.Exists(library))
                throw new BuildError($"{Path.GetFileName(library)} is not built; run ./ksharp (it builds KernelSharp first) or dotnet build -c Release");
        return toolchain;
    }

    /// <summary>The checkout, for what only it has (the demo sample, the fuzzer's source).</summary>
    public string RequireRepository(string what) =>
        RepositoryRoot ?? throw new BuildError($"{what} needs the KernelSharp checkout; this ksharp runs from the KernelSharp.Sdk package");

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KernelSharp.slnx")) && Directory.Exists(Path.Combine(dir.FullName, "src", "Native")))
                return dir.FullName;
        return null;
    }

    private static string FindIlCompiler()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string ilc = Path.Combine(packages, IlCompilerPackage.ToLowerInvariant(), IlCompilerVersion, "tools", "ilc");
        if (!File.Exists(ilc))
            throw new BuildError($"ILCompiler not found at {ilc}: restore it with 'dotnet restore' of the KernelSharp solution (it downloads {IlCompilerPackage} {IlCompilerVersion} from NuGet)");
        return ilc;
    }

    /// <summary>The C functions each shim file defines (kernel style: name at the start of a line).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> ShimDefinitions()
    {
        var result = new Dictionary<string, IReadOnlySet<string>>();
        foreach (string file in Directory.EnumerateFiles(NativeDirectory, "*.c").Order(StringComparer.Ordinal))
            result[Path.GetFileName(file)] = DefinedFunctions(File.ReadAllText(file));
        return result;
    }

    /// <summary>The shim functions declared __noreturn (kernel style: "void __noreturn name(" at column 0).</summary>
    public IReadOnlySet<string> NoReturnShims() =>
        Directory.EnumerateFiles(NativeDirectory, "*.c").SelectMany(file => NoReturnDefinition.Matches(File.ReadAllText(file)))
            .Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    private static readonly Regex NoReturnDefinition = new(@"^\w[\w\s\*]*\b__noreturn\s+(?<name>[A-Za-z_]\w*)\s*\(", RegexOptions.Multiline);

    // The first name followed by "(", "=", "[" or ";" on a line that starts a global definition.
    private static readonly Regex DefinedName = new(@"(?<name>[A-Za-z_]\w*)\s*[(=\[;]");

    /// <summary>
    /// Global functions and variables a shim file defines. Shims follow kernel style, so a
    /// global definition starts at column 0 with its return type on the same line; static
    /// definitions, preprocessor lines, comments and braces are skipped.
    /// </summary>
    public static IReadOnlySet<string> DefinedFunctions(string source)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in source.Split('\n'))
        {
            if (line.Length == 0 || char.IsWhiteSpace(line[0]) || line[0] is '#' or '/' or '*' or '{' or '}'
                || line.StartsWith("static", StringComparison.Ordinal))
                continue;
            Match match = DefinedName.Match(line);
            if (match.Success)
                names.Add(match.Groups["name"].Value);
        }
        return names;
    }
}
