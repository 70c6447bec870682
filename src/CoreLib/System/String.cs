using System.Runtime.CompilerServices;

namespace System
{
    // Strings exist only as literals the compiler freezes into the module image; nothing can
    // create one at run time. Kernel text is UTF-8: prefer "..."u8 literals.
    public sealed class String
    {
        // CONTRACT with the compiler: length in UTF-16 units, then the characters.
        private readonly int _stringLength;
        private char _firstChar;

        public int Length => _stringLength;

        [IndexerName("Chars")]
        public char this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_stringLength)
                    Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
                return Unsafe.Add(ref Unsafe.AsRef(in _firstChar), index);
            }
        }

        public ref readonly char GetPinnableReference() => ref _firstChar;

        public static implicit operator ReadOnlySpan<char>(string value) => MemoryExtensions.AsSpan(value);

        public override string ToString() => this;
    }
}
