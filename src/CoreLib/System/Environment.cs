namespace System
{
    public static class Environment
    {
        /// <summary>
        /// Stops with a kernel BUG whose log line carries <paramref name="message"/>. Kernel code
        /// has no exceptions: this is where .NET would throw and nothing would catch.
        /// </summary>
        [Diagnostics.CodeAnalysis.DoesNotReturn]
        public static void FailFast(string message)
        {
            // Strings are UTF-16; the kernel log wants bytes. Messages are ASCII by convention.
            Span<byte> text = stackalloc byte[128];
            int length = 0;
            if (message is not null)
            {
                for (; length < message.Length && length < text.Length; length++)
                {
                    char c = message[length];
                    text[length] = c < 0x80 ? (byte)c : (byte)'?';
                }
            }
            Internal.Runtime.CompilerHelpers.ThrowHelpers.Fail(text.Slice(0, length));
        }
    }

    // C# index/range syntax (span[^1], span[1..]) lowers to these.
    public readonly struct Index
    {
        private readonly int _value;

        public Index(int value, bool fromEnd = false)
        {
            if (value < 0)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            _value = fromEnd ? ~value : value;
        }

        public static Index Start => new(0);
        public static Index End => new(0, true);
        public static Index FromStart(int value) => new(value);
        public static Index FromEnd(int value) => new(value, true);
        public int Value => _value < 0 ? ~_value : _value;
        public bool IsFromEnd => _value < 0;
        public int GetOffset(int length) => _value < 0 ? length + _value + 1 : _value;
        public static implicit operator Index(int value) => FromStart(value);
    }

    public readonly struct Range
    {
        public Range(Index start, Index end) { Start = start; End = end; }
        public Index Start { get; }
        public Index End { get; }
        public static Range StartAt(Index start) => new(start, Index.End);
        public static Range EndAt(Index end) => new(Index.Start, end);
        public static Range All => new(Index.Start, Index.End);

        public (int Offset, int Length) GetOffsetAndLength(int length)
        {
            int start = Start.GetOffset(length);
            int end = End.GetOffset(length);
            if ((uint)end > (uint)length || (uint)start > (uint)end)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            return (start, end - start);
        }
    }

    public struct ValueTuple<T1, T2>
    {
        public T1 Item1;
        public T2 Item2;
        public ValueTuple(T1 item1, T2 item2) { Item1 = item1; Item2 = item2; }
    }
}
