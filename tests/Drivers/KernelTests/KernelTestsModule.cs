// A module with in-kernel unit tests, some meant to fail: what KernelTestTests runs with
// `ksharp test` on each kernel, and on the debug kernel as a KUnit suite. Each failing
// assertion carries a "fails here" marker that the test finds to know its line.
using KernelSharp;
using KernelSharp.Memory;
using KernelSharp.Testing;

[KernelModule("kerneltests", Description = "In-kernel unit tests, passing and failing, for ksharp test")]
public sealed class KernelTestsModule : IKernelModule
{
    internal static int s_initialized;

    public static Result Init()
    {
        s_initialized = 1;
        return Result.Ok;
    }

    public static void Exit() { }
}

/// <summary>What the driver would test: a checksum and a parser of small decimal numbers.</summary>
internal static class Arithmetic
{
    public static uint Checksum(System.ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        foreach (byte b in data)
            sum = (sum << 1 | sum >> 31) ^ b;
        return sum;
    }

    public static Result<int> ParseDecimal(System.ReadOnlySpan<byte> text)
    {
        if (text.Length == 0 || text.Length > 9)
            return Error.EINVAL;
        int value = 0;
        foreach (byte b in text)
        {
            if (b < (byte)'0' || b > (byte)'9')
                return Error.EINVAL;
            value = value * 10 + (b - '0');
        }
        return value;
    }
}

internal static class PassingTests
{
    [KernelTest]
    internal static void Checksum_of_known_bytes()
    {
        KernelAssert.Equal(0u, Arithmetic.Checksum(""u8));
        KernelAssert.Equal(0x61u, Arithmetic.Checksum("a"u8));
        KernelAssert.Equal((0x61u << 1) ^ 0x62u, Arithmetic.Checksum("ab"u8));
    }

    [KernelTest]
    internal static void Parses_decimals_and_refuses_the_rest()
    {
        Result<int> parsed = Arithmetic.ParseDecimal("1234"u8);
        if (KernelAssert.True(parsed.IsOk))
            KernelAssert.Equal(1234, parsed.Value);
        KernelAssert.Fails(Error.EINVAL, Arithmetic.ParseDecimal("12a"u8).IsOk ? Result.Ok : Error.EINVAL);
        KernelAssert.False(Arithmetic.ParseDecimal(""u8).IsOk);
    }

    [KernelTest]
    internal static void Runs_after_the_module_init_and_may_use_the_kernel()
    {
        KernelAssert.Equal(1, KernelTestsModule.s_initialized);
        KernelAssert.Ok(KernelBuffer.Allocate(64, Gfp.Kernel, out KernelBuffer buffer));
        buffer.Span.Fill(7);
        KernelAssert.Equal("\a\a\a"u8, buffer.Span.Slice(0, 3));
        buffer.Dispose();
    }
}

internal static class FailingTests
{
    [KernelTest]
    internal static void Wrong_checksum()
    {
        KernelAssert.Equal(0x62u, Arithmetic.Checksum("a"u8)); // fails here: Wrong_checksum
    }

    [KernelTest]
    internal static void Two_failures_and_a_pass()
    {
        KernelAssert.True(Arithmetic.ParseDecimal("x"u8).IsOk); // fails here: Two_failures_and_a_pass
        KernelAssert.Equal(3, 1 + 2);
        KernelAssert.Equal("abc"u8, "abd"u8); // fails here: Two_failures_and_a_pass
    }
}
