using System.Security.Cryptography;
using System.Text.RegularExpressions;
using KernelSharp.Harness;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// Architecture rule 1: the object compiled from C# depends on no kernel version or
/// configuration. Each sample is built for every supported kernel; the C# objects must be
/// byte-identical while the .ko files (glue built against each kernel's headers) differ.
/// </summary>
[Trait("Category", "Integration")]
public class KernelIndependenceTests
{
    /// <summary>The kernel series the project supports, as the launcher lists them for `ksharp test`.</summary>
    public static IReadOnlyList<string> SupportedKernels()
    {
        string launcher = File.ReadAllText(Path.Combine(Unit.Drivers.Toolchain.Value.RepositoryRoot, "ksharp"));
        Match list = Regex.Match(launcher, @"^supported_kernels=\((?<list>[^)]*)\)", RegexOptions.Multiline);
        Assert.True(list.Success, "the launcher has no supported_kernels=(...) line");
        return list.Groups["list"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Theory]
    [InlineData("samples/Hello")]
    [InlineData("samples/PowerOff")]
    [InlineData("samples/Scull")]
    [InlineData("samples/HelloParams")]
    [InlineData("samples/Skull")]
    [InlineData("samples/SkullUser")]
    public async Task The_csharp_object_is_byte_identical_for_every_supported_kernel(string sample)
    {
        var images = KernelImages.OnHost();
        BuildOutput here = await Guest.Module(sample);
        var others = SupportedKernels()
            .Select(series => images.FindByVersion(series) ?? throw new InvalidOperationException(
                $"kernel {series} is not installed with its headers: run ./ksharp setup"))
            .Where(kernel => kernel.Version != Guest.Kernel.Version)
            .ToList();
        Assert.NotEmpty(others);
        foreach (KernelImage other in others)
        {
            BuildOutput there = await Task.Run(() => Guest.Build(sample, other));
            Assert.True(Hash(here.CSharpObjectPath) == Hash(there.CSharpObjectPath),
                $"{sample}: the C# object differs between {Guest.Kernel.Version} and {other.Version}");
            Assert.True(Hash(here.ModulePath) != Hash(there.ModulePath),
                $"{sample}: the .ko files for {Guest.Kernel.Version} and {other.Version} are identical: the glue was not rebuilt");
        }
    }
}
