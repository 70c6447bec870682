using Iced.Intel;
using KernelSharp.Tool.Build;

namespace KernelSharp.Tool.MachineCode;

/// <summary>What the verifier counted in the code of an assembled object.</summary>
public sealed record KernelCodeReport(int Functions, int Instructions, int Simd, int BareReturns, int IndirectBranches, int MissingEndbr, IReadOnlyList<string> Problems)
{
    public override string ToString() =>
        $"{Functions} functions, {Instructions} instructions: {Simd} SIMD, {BareReturns} bare ret, {IndirectBranches} raw indirect branches, {MissingEndbr} functions without ENDBR";
}

/// <summary>
/// The proof of architecture rule 2 on the object kbuild assembled from the generated
/// assembly for the target kernel, before the module is linked: no SSE/AVX/x87/MMX, no
/// return that bypasses the return thunk (on a kernel built with return thunks), no raw
/// indirect branch (on a retpoline kernel), ENDBR at every function entry (on an IBT
/// kernel). Decoded from the bytes, so it checks what the assembler and the kernel's macros
/// made of the text, not what the pass meant to write.
/// </summary>
public static class KernelCodeVerifier
{
    /// <param name="functionFilter">Which function symbols to check (default: all).</param>
    public static KernelCodeReport Check(ElfObject elf, bool returnThunks, bool retpolines, bool indirectBranchTracking, Func<string, bool>? functionFilter = null)
    {
        var problems = new List<string>();
        int functions = 0, instructions = 0, simd = 0, bare = 0, indirect = 0, noEndbr = 0;
        foreach (ElfObject.Section section in elf.Sections.Where(CodeLayout.IsCode))
        {
            // Alternatives replacements are patched in by the kernel at boot; they are the kernel's own forms.
            if (section.Name.StartsWith(".altinstr", StringComparison.Ordinal))
                continue;
            byte[] code = elf.Contents(section).ToArray();
            foreach (ElfObject.Symbol function in elf.Symbols.Where(s => s.SectionIndex == section.Index && s.IsFunction && s.Size > 0 && (functionFilter?.Invoke(s.Name) ?? true)))
            {
                functions++;
                var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(code, (int)function.Value, (int)function.Size), function.Value);
                bool first = true;
                while (decoder.IP < function.Value + function.Size)
                {
                    decoder.Decode(out Instruction instruction);
                    instructions++;
                    string where = $"{function.Name}+0x{instruction.IP - function.Value:x}: {CodeDecoder.Text(instruction)}";
                    if (first && indirectBranchTracking && instruction.Mnemonic != Mnemonic.Endbr64)
                    {
                        noEndbr++;
                        problems.Add($"{function.Name}: no ENDBR at the entry of a function on a kernel with indirect branch tracking");
                    }
                    first = false;
                    if (SimdRewriter.UsesSimd(instruction))
                    {
                        simd++;
                        problems.Add($"{where}: an SSE, AVX, MMX or x87 instruction");
                    }
                    else if (instruction.FlowControl == FlowControl.Return && returnThunks)
                    {
                        bare++;
                        problems.Add($"{where}: a return that bypasses the return thunk");
                    }
                    else if (instruction.FlowControl is FlowControl.IndirectBranch or FlowControl.IndirectCall && retpolines)
                    {
                        indirect++;
                        problems.Add($"{where}: an indirect branch that bypasses the retpoline thunks");
                    }
                }
            }
        }
        return new KernelCodeReport(functions, instructions, simd, bare, indirect, noEndbr, problems);
    }

    /// <summary>The check for what <paramref name="headers"/>' kernel was configured with.</summary>
    public static KernelCodeReport Check(ElfObject elf, KernelHeaders headers, Func<string, bool>? functionFilter = null) => Check(elf,
        returnThunks: headers.Configured("CONFIG_RETHUNK", "CONFIG_MITIGATION_RETHUNK"),
        retpolines: headers.Configured("CONFIG_RETPOLINE", "CONFIG_MITIGATION_RETPOLINE"),
        indirectBranchTracking: headers.Configured("CONFIG_X86_KERNEL_IBT"), functionFilter);
}
