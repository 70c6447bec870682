// The running [KernelTest]: the generated test entry begins and ends each one; KernelAssert
// reports failures here. Tests run one at a time (KUnit runs a suite's cases in turn, and the
// plain runner loops in module init), so one static state is the whole of it.
using System;
using KernelSharp.Interop;

namespace KernelSharp.Glue
{
    public static unsafe class TestState
    {
        private static void* s_kunit;
        private static int s_failures;

        /// <summary>A test starts; <paramref name="kunit"/> is its struct kunit, or null outside KUnit.</summary>
        public static void Begin(void* kunit)
        {
            s_kunit = kunit;
            s_failures = 0;
        }

        /// <summary>The test ended: how many of its assertions failed.</summary>
        public static int End()
        {
            s_kunit = null;
            return s_failures;
        }

        /// <summary>
        /// An assertion failed at <paramref name="file"/>:<paramref name="line"/>: the line
        /// "File.cs:LINE: message" goes to KUnit, or to the kernel log as a KTAP diagnostic.
        /// </summary>
        internal static void Fail(string file, int line, ref LogMessage message)
        {
            s_failures++;
            // The file as the build names it: relative to the driver project (its path map).
            LogMessage where = $"{file}:{line}: ";
            ReadOnlySpan<byte> place = where.Text;
            ReadOnlySpan<byte> text = message.Text;
            fixed (byte* p = place)
            fixed (byte* t = text)
                Native.ksharp_test_fail(s_kunit, p, (uint)place.Length, t, (uint)text.Length);
        }
    }
}
