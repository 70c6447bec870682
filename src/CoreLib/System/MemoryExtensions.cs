using System.Runtime.CompilerServices;

namespace System
{
    public static class MemoryExtensions
    {
        // C# 14 lowers the string-to-span conversion to this method, so it must not use that
        // conversion itself.
        public static ReadOnlySpan<char> AsSpan(this string text) =>
            text is null ? default : new ReadOnlySpan<char>(ref Unsafe.AsRef(in text.GetPinnableReference()), text.Length);

        public static Span<T> AsSpan<T>(this T[] array) => new(array);

        public static bool SequenceEqual<T>(this ReadOnlySpan<T> span, ReadOnlySpan<T> other) where T : IEquatable<T>
        {
            if (span.Length != other.Length)
                return false;
            for (int i = 0; i < span.Length; i++)
                if (!span[i].Equals(other[i]))
                    return false;
            return true;
        }

        public static bool SequenceEqual<T>(this Span<T> span, ReadOnlySpan<T> other) where T : IEquatable<T> =>
            ((ReadOnlySpan<T>)span).SequenceEqual(other);

        public static int IndexOf<T>(this ReadOnlySpan<T> span, T value) where T : IEquatable<T>
        {
            for (int i = 0; i < span.Length; i++)
                if (span[i].Equals(value))
                    return i;
            return -1;
        }

        public static int IndexOf<T>(this Span<T> span, T value) where T : IEquatable<T> => ((ReadOnlySpan<T>)span).IndexOf(value);
    }

    public interface IEquatable<T>
    {
        bool Equals(T other);
    }
}
