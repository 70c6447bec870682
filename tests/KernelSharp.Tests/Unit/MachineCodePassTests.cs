using System.Text;
using KernelSharp.Tool.Build;
using KernelSharp.Tool.MachineCode;

namespace KernelSharp.Tests.Unit;

/// <summary>
/// The machine-code pass on crafted code in RyuJIT's shapes. Each case is assembled with gas,
/// rewritten by the pass, assembled again, and both versions run in user space under one
/// harness: the rewritten code must compute exactly what the original did, for several
/// inputs, and hold no SSE, bare ret or indirect branch (the harness's RET goes through a
/// return thunk, as the kernel's does).
/// </summary>
public class MachineCodePassTests
{
    // long t_func(unsigned char *out, const unsigned char *in, long arg); out and in are
    // 1024 bytes, 16-byte aligned; the harness prints the result and all of out.
    private const string Harness = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        long t_func(unsigned char *out, const unsigned char *in, long arg);
        long t_counter = 5;
        int main(int argc, char **argv)
        {
        	static unsigned char in[1024] __attribute__((aligned(16))), out[1024] __attribute__((aligned(16)));
        	for (int i = 0; i < 1024; i++) { in[i] = (unsigned char)(i * 7 + 1); out[i] = 0xaa; }
        	long result = t_func(out, in, atol(argv[1]));
        	printf("%ld %ld\n", result, t_counter);
        	for (int i = 0; i < 1024; i++) printf("%02x", out[i]);
        	printf("\n");
        	return 0;
        }
        """;

    // What the kernel's headers give the generated assembly, for user space: a return thunk
    // and retpoline thunks that do the plain thing.
    private const string UserAsmHeader = """
        #define ASM_NL ;
        #define KSHARP_FUNC_START(name) .globl name ASM_NL KSHARP_FUNC_START_LOCAL(name)
        #define KSHARP_FUNC_START_LOCAL(name) .p2align 4, 0x90 ASM_NL name: ASM_NL endbr64
        #define KSHARP_FUNC_END(name) .type name, @function ASM_NL .size name, .-name
        #define RET jmp __x86_return_thunk
        .macro CALL_NOSPEC reg:req
        	call __x86_indirect_thunk_\reg
        .endm
        """;

    private const string Thunks = """
        	.text
        	.globl __x86_return_thunk
        __x86_return_thunk:
        	ret
        	.globl __x86_indirect_thunk_rax
        __x86_indirect_thunk_rax:
        	jmp *%rax
        	.section .note.GNU-stack,"",@progbits
        """;

    private sealed record Outcome(string Original, string Rewritten, string Assembly, KernelCodeReport Report, MachineCodeStatistics Statistics);

    private static string Run(string program, string work, string command, params string[] arguments)
    {
        var outcome = ProcessRunner.Run(command, arguments, work);
        Assert.True(outcome.ExitCode == 0, $"{command} {string.Join(' ', arguments)}: {outcome.Output}");
        return outcome.Output;
    }

    /// <summary>Assembles <paramref name="source"/> (AT&amp;T, defining t_func), rewrites it, runs both with each argument.</summary>
    private static Outcome Check(string source, params long[] arguments)
    {
        string work = Directory.CreateTempSubdirectory("ksharp-pass").FullName;
        try
        {
            File.WriteAllText(Path.Combine(work, "original.s"), source + "\n\t.section .note.GNU-stack,\"\",@progbits\n");
            File.WriteAllText(Path.Combine(work, "harness.c"), Harness);
            File.WriteAllText(Path.Combine(work, "thunks.s"), Thunks);
            File.WriteAllText(Path.Combine(work, "ksharp_asm.h"), UserAsmHeader);
            Run("as", work, "as", "original.s", "-o", "original.o");
            ElfObject original = ElfObject.Read(File.ReadAllBytes(Path.Combine(work, "original.o")));

            var (assembly, statistics) = MachineCodePass.Run(original, "t", null, new HashSet<string> { "t_never_returns" });
            File.WriteAllText(Path.Combine(work, "rewritten.S"), assembly);
            Run("gcc", work, "gcc", "-c", "-I.", "rewritten.S", "-o", "rewritten.o");
            ElfObject rewritten = ElfObject.Read(File.ReadAllBytes(Path.Combine(work, "rewritten.o")));
            KernelCodeReport report = KernelCodeVerifier.Check(rewritten, returnThunks: true, retpolines: true, indirectBranchTracking: true);

            Run("gcc", work, "gcc", "-O1", "-no-pie", "harness.c", "thunks.s", "original.o", "-o", "original");
            Run("gcc", work, "gcc", "-O1", "-no-pie", "harness.c", "thunks.s", "rewritten.o", "-o", "rewritten");
            var before = new StringBuilder();
            var after = new StringBuilder();
            foreach (long argument in arguments.DefaultIfEmpty(0))
            {
                before.Append(Run("original", work, Path.Combine(work, "original"), argument.ToString()));
                after.Append(Run("rewritten", work, Path.Combine(work, "rewritten"), argument.ToString()));
            }
            return new Outcome(before.ToString(), after.ToString(), assembly, report, statistics);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void AssertSameAndClean(Outcome outcome)
    {
        Assert.Equal(outcome.Original, outcome.Rewritten);
        Assert.True(outcome.Report.Problems.Count == 0, $"{outcome.Report}\n{string.Join('\n', outcome.Report.Problems)}\n{outcome.Assembly}");
        Assert.True(outcome.Report.Functions > 0);
    }

    private static string Function(string body) => $"""
        	.text
        	.globl t_func
        	.type t_func, @function
        t_func:
        {body}
        	.size t_func, .-t_func
        """;

    private static BuildError Refused(string source) =>
        Assert.Throws<BuildError>(() => MachineCodePass.Run(Assemble(source), "t", null, new HashSet<string>()));

    private static ElfObject Assemble(string source)
    {
        string work = Directory.CreateTempSubdirectory("ksharp-pass").FullName;
        try
        {
            File.WriteAllText(Path.Combine(work, "x.s"), source);
            Run("as", work, "as", "x.s", "-o", "x.o");
            return ElfObject.Read(File.ReadAllBytes(Path.Combine(work, "x.o")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(48)]
    [InlineData(128)]
    [InlineData(512)]
    public void Zeroing_of_16_to_512_bytes_becomes_general_purpose_stores(int size)
    {
        var body = new StringBuilder("\txorps %xmm0, %xmm0\n");
        for (int at = 0; at < size; at += 16)
            body.Append($"\tmovups %xmm0, {at + 8}(%rdi)\n");
        body.Append("\tmov %rdi, %rax\n\tret\n");
        Outcome outcome = Check(Function(body.ToString()));
        AssertSameAndClean(outcome);
        Assert.Equal(size / 16, outcome.Statistics.SimdRewritten - 1);
        Assert.Contains("movq $0, 8(%rdi)", outcome.Assembly);
    }

    [Fact]
    public void A_zeroing_loop_keeps_its_zero_register_across_the_back_edge()
    {
        // RyuJIT's prolog zeroing of a large frame: one xorps, stores in a counted loop.
        Outcome outcome = Check(Function("""
            	push %rbp
            	sub $0x100, %rsp
            	lea 0x100(%rsp), %rbp
            	xorps %xmm8, %xmm8
            	mov $-0xc0, %rax
            1:
            	movaps %xmm8, -0x30(%rbp,%rax,1)
            	movaps %xmm8, -0x20(%rbp,%rax,1)
            	movaps %xmm8, -0x10(%rbp,%rax,1)
            	add $0x30, %rax
            	jne 1b
            	mov -0xf0(%rbp), %rax
            	or -0x48(%rbp), %rax
            	mov %rax, (%rdi)
            	add $0x100, %rsp
            	pop %rbp
            	ret
            """));
        AssertSameAndClean(outcome);
        Assert.Equal(1, outcome.Statistics.Frames);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(512)]
    public void Copies_go_through_a_saved_scratch_register(int size)
    {
        var body = new StringBuilder();
        for (int at = 0; at < size; at += 16)
            body.Append($"\tmovups {at + 3}(%rsi), %xmm1\n\tmovups %xmm1, {at}(%rdi)\n");
        body.Append("\tmov $7, %eax\n\tret\n");
        AssertSameAndClean(Check(Function(body.ToString())));
    }

    [Fact]
    public void Copies_through_the_stack_adjust_rsp_relative_operands_for_the_push()
    {
        AssertSameAndClean(Check(Function("""
            	sub $0x48, %rsp
            	movups 16(%rsi), %xmm0
            	movups %xmm0, 8(%rsp)
            	movups 8(%rsp), %xmm2
            	movups %xmm2, 24(%rsp)
            	movups 24(%rsp), %xmm3
            	movups %xmm3, (%rdi)
            	mov 8(%rsp), %rax
            	add $0x48, %rsp
            	ret
            """)));
    }

    [Fact]
    public void Branches_across_rewritten_code_still_land_where_they_did()
    {
        // The skipped block grows past a short jump's reach when rewritten; gas relaxes it.
        var body = new StringBuilder("\ttest %rdx, %rdx\n\tje 2f\n\txorps %xmm0, %xmm0\n");
        for (int at = 0; at < 256; at += 16)
            body.Append($"\tmovups %xmm0, {at}(%rdi)\n");
        body.Append("2:\n\tcmp $2, %rdx\n\tjne 3f\n\tmovups (%rsi), %xmm4\n\tmovups %xmm4, 512(%rdi)\n3:\n\tlea 1(%rdx), %rax\n\tret\n");
        Outcome outcome = Check(Function(body.ToString()), 0, 1, 2);
        AssertSameAndClean(outcome);
    }

    [Fact]
    public void Relocations_before_and_after_rewritten_code_and_into_code_are_kept()
    {
        AssertSameAndClean(Check("""
            	.text
            	.globl t_helper
            	.type t_helper, @function
            t_helper:
            	lea 100(%rdi), %rax
            	ret
            	.size t_helper, .-t_helper
            	.globl t_func
            	.type t_func, @function
            t_func:
            	push %rbx
            	mov t_counter(%rip), %rax
            	add %rax, %rdx
            	xorps %xmm0, %xmm0
            	movups %xmm0, (%rdi)
            	movups t_table+8(%rip), %xmm1
            	movups %xmm1, 16(%rdi)
            	incq t_counter(%rip)
            	mov t_pointer(%rip), %rax
            	mov %rdx, %rdi
            	call *%rax
            	mov %rax, %rbx
            	call t_helper
            	add %rbx, %rax
            	pop %rbx
            	ret
            	.size t_func, .-t_func
            	.data
            	.p2align 3
            t_pointer:
            	.quad t_helper
            t_table:
            	.quad 1, 2, 3, 4
            """, 0, 9));
    }

    [Fact]
    public void A_jump_table_becomes_a_compare_tree_that_reaches_every_case()
    {
        Outcome outcome = Check(Function("""
            .Lbase:
            	cmp $4, %edx
            	ja .Ldefault
            	mov %edx, %eax
            	lea .Ltable(%rip), %rcx
            	mov (%rcx,%rax,4), %ecx
            	lea .Lbase(%rip), %r8
            	add %r8, %rcx
            	jmp *%rcx
            .Lcase0:
            	mov $10, %eax
            	ret
            .Lcase1:
            	mov $11, %eax
            	ret
            .Lcase3:
            	mov $13, %eax
            	ret
            .Ldefault:
            	mov $99, %eax
            	ret
            	.section .rodata
            	.p2align 2
            .Ltable:
            	.long .Lcase0 - .Lbase, .Lcase1 - .Lbase, .Ldefault - .Lbase, .Lcase3 - .Lbase, .Lcase3 - .Lbase
            	.text
            """), 0, 1, 2, 3, 4, 5, -1);
        AssertSameAndClean(outcome);
        Assert.Equal(1, outcome.Statistics.JumpTables);
        Assert.DoesNotContain("jmp *", outcome.Assembly);
    }

    [Fact]
    public void A_call_that_never_returns_ends_in_ud2_and_what_follows_it_is_dropped()
    {
        var (assembly, statistics) = MachineCodePass.Run(Assemble(Function("""
            	test %rdx, %rdx
            	jne 1f
            	call t_never_returns
            	mov $1, %eax
            1:
            	ret
            """)), "t", null, new HashSet<string> { "t_never_returns" });
        Assert.Contains("call \"t_never_returns\"\n\tud2\n", assembly);
        Assert.Equal(1, statistics.UnreachableDropped);
    }

    [Fact]
    public void Floating_point_arithmetic_is_refused_naming_the_method()
    {
        BuildError error = Refused(Function("\tcvtsi2sd %rdi, %xmm0\n\taddsd %xmm0, %xmm0\n\tcvttsd2si %xmm0, %rax\n\tret\n"));
        Assert.Contains("t_func: floating-point arithmetic (cvtsi2sd", error.Message);
        Assert.Contains("kernel code cannot use float or double", error.Message);
    }

    [Fact]
    public void An_sse_pattern_the_pass_does_not_know_is_refused()
    {
        // The value stored was loaded before a store that may have changed its source.
        BuildError error = Refused(Function("\tmovups (%rsi), %xmm0\n\tmov %rax, (%rsi)\n\tmovups %xmm0, (%rdi)\n\tret\n"));
        Assert.Contains("t_func: an SSE store of a value the pass cannot follow", error.Message);
        Assert.Contains("t_func: an SSE instruction the pass does not rewrite (movq %rdi,%xmm0)",
            Refused(Function("\tmovq %rdi, %xmm0\n\tmovq %xmm0, %rax\n\tret\n")).Message);
    }

    [Fact]
    public void An_indirect_jump_that_is_not_a_jump_table_and_an_access_below_rsp_are_refused()
    {
        Assert.Contains("t_func: an indirect jump (jmp *%rdi) that is not a jump table the pass knows", Refused(Function("\tjmp *%rdi\n")).Message);
        Assert.Contains("t_func: an access below the stack pointer", Refused(Function("\tmov %rdi, -8(%rsp)\n\tmov -8(%rsp), %rax\n\tret\n")).Message);
        Assert.Contains("an indirect call through memory", Refused(Function("\tcall *8(%rdi)\n\tret\n")).Message);
    }

    [Fact]
    public void The_verifier_counts_what_breaks_the_kernels_rules()
    {
        ElfObject elf = Assemble(Function("\txorps %xmm0, %xmm0\n\tjmp *%rax\n\tcall *%rdx\n\tret\n"));
        KernelCodeReport report = KernelCodeVerifier.Check(elf, returnThunks: true, retpolines: true, indirectBranchTracking: true);
        Assert.Equal((1, 1, 1, 2, 1), (report.Functions, report.Simd, report.BareReturns, report.IndirectBranches, report.MissingEndbr));
        KernelCodeReport lenient = KernelCodeVerifier.Check(elf, returnThunks: false, retpolines: false, indirectBranchTracking: false);
        Assert.Equal((1, 0, 0, 0), (lenient.Simd, lenient.BareReturns, lenient.IndirectBranches, lenient.MissingEndbr));
    }
}
