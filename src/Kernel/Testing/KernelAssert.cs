// Assertions for [KernelTest] methods: no allocation, no exception. A failed one reports the
// C# file and line and lets the test go on (as KUnit's EXPECT_* do), so a test can still
// release what it owns; each returns whether it held, for the test that must stop there.
using System;
using System.Runtime.CompilerServices;
using KernelSharp.Glue;

namespace KernelSharp.Testing
{
    /// <summary>Checks inside a <see cref="KernelTestAttribute"/> test; a failure fails the test at this file and line.</summary>
    public static class KernelAssert
    {
        public static bool True(bool condition, [CallerArgumentExpression(nameof(condition))] string expression = "",
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (!condition)
                TestState.Fail(file, line, $"expected true: {expression}");
            return condition;
        }

        public static bool False(bool condition, [CallerArgumentExpression(nameof(condition))] string expression = "",
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (condition)
                TestState.Fail(file, line, $"expected false: {expression}");
            return !condition;
        }

        public static bool Equal<T>(T expected, T actual, [CallerArgumentExpression(nameof(actual))] string expression = "",
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
            where T : IEquatable<T>, IUtf8SpanFormattable
        {
            bool equal = expected.Equals(actual);
            if (!equal)
                TestState.Fail(file, line, $"{expression}: expected {expected}, got {actual}");
            return equal;
        }

        public static bool NotEqual<T>(T unexpected, T actual, [CallerArgumentExpression(nameof(actual))] string expression = "",
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
            where T : IEquatable<T>, IUtf8SpanFormattable
        {
            bool equal = unexpected.Equals(actual);
            if (equal)
                TestState.Fail(file, line, $"{expression}: expected anything but {unexpected}");
            return !equal;
        }

        /// <summary>The bytes are the expected ones (a span's contents, a UTF-8 literal).</summary>
        public static bool Equal(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, [CallerArgumentExpression(nameof(actual))] string expression = "",
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            bool equal = expected.SequenceEqual(actual);
            if (!equal)
                TestState.Fail(file, line, $"{expression}: expected \"{expected}\", got \"{actual}\"");
            return equal;
        }

        public static bool Ok(Result result, [CallerArgumentExpression(nameof(result))] string expression = "",
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (!result.IsOk)
                TestState.Fail(file, line, $"{expression}: expected success, got {result.Error}");
            return result.IsOk;
        }

        /// <summary>The result is this error (<c>KernelAssert.Fails(Error.EINVAL, Parse(text))</c>).</summary>
        public static bool Fails(Error expected, Result result, [CallerArgumentExpression(nameof(result))] string expression = "",
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            bool held = !result.IsOk && result.Error.Errno == expected.Errno;
            if (!held)
            {
                if (result.IsOk)
                    TestState.Fail(file, line, $"{expression}: expected {expected}, got success");
                else
                    TestState.Fail(file, line, $"{expression}: expected {expected}, got {result.Error}");
            }
            return held;
        }

        /// <summary>Fails the test here with a message of its own.</summary>
        public static void Fail(ReadOnlySpan<byte> message, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            TestState.Fail(file, line, $"{message}");
    }
}
