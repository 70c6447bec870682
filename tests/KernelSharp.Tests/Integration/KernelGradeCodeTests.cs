using KernelSharp.Tool.Build;
using KernelSharp.Tool.MachineCode;

namespace KernelSharp.Tests.Integration;

/// <summary>
/// Architecture rule 2 on what reaches the kernel: in every sample's .ko, as linked for this
/// run's kernel, the functions compiled from C# hold no SSE/AVX/x87/MMX instruction, no
/// return that bypasses the return thunk, no raw indirect branch, and (on an IBT kernel) start
/// with ENDBR. objtool's warnings fail the build itself, so each of these built with none.
/// </summary>
[Trait("Category", "Integration")]
public class KernelGradeCodeTests
{
    [Theory]
    [MemberData(nameof(Guest.CSharpDrivers), MemberType = typeof(Guest))]
    public async Task The_compiled_csharp_in_the_module_follows_the_kernels_code_rules(string project)
    {
        BuildOutput built = await Guest.Module(project);
        var csharp = ElfObject.Read(File.ReadAllBytes(built.CSharpObjectPath)).Symbols.Where(s => s.IsFunction && s.Size > 0).Select(s => s.Name).ToHashSet();
        var headers = KernelHeaders.Open(Guest.Kernel.HeadersPath);
        Assert.True(headers.Configured("CONFIG_RETHUNK", "CONFIG_MITIGATION_RETHUNK"), $"{Guest.Kernel.Version} has no return thunks: the check below would prove less");
        Assert.True(headers.Configured("CONFIG_RETPOLINE", "CONFIG_MITIGATION_RETPOLINE"), $"{Guest.Kernel.Version} has no retpolines");

        KernelCodeReport report = KernelCodeVerifier.Check(ElfObject.Read(File.ReadAllBytes(built.ModulePath)), headers, csharp.Contains);

        Assert.True(report.Functions == csharp.Count && report.Functions > 3, $"{report.Functions} of the {csharp.Count} C# functions were found in {built.ModulePath}");
        Assert.True(report.Problems.Count == 0, $"{built.ModulePath}: {report}\n{string.Join('\n', report.Problems.Take(20))}");
        Assert.Equal((0, 0, 0, 0), (report.Simd, report.BareReturns, report.IndirectBranches, report.MissingEndbr));
    }
}
