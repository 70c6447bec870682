// The root of the type system. Objects cannot be allocated in the kernel (there is no GC);
// the only objects that exist are the ones the compiler freezes into the image, such as
// string literals.
namespace System
{
    public class Object
    {
        // CONTRACT with the compiler: the first field of every object is its MethodTable pointer.
        internal unsafe Internal.Runtime.MethodTable* m_pMethodTable;

        public Object() { }

        public virtual bool Equals(object obj) => ReferenceEquals(this, obj);
        public virtual int GetHashCode() => 0;
        public virtual string ToString() => null;
        public static bool ReferenceEquals(object objA, object objB) => objA == objB;
        ~Object() { }
    }

    // Present because the language needs the type; nothing can throw one in kernel code
    // (see ThrowHelpers: what .NET would throw ends in a kernel BUG instead).
    public class Exception
    {
        public Exception() { }
    }

    public abstract class ValueType
    {
    }

    public abstract class Enum : ValueType
    {
    }

    public struct Void { }

    public abstract class Delegate
    {
        internal object m_firstParameter;
        internal object m_helperObject;
        internal nint m_extraFunctionPointerOrData;
        internal nint m_functionPointer;
    }

    public abstract class MulticastDelegate : Delegate { }

    public abstract class Type
    {
    }

    // The JIT asks for this type by name; no instance ever exists without reflection.
    internal sealed class RuntimeType : Type
    {
    }

    public struct RuntimeTypeHandle
    {
        private nint _value;
    }

    public struct RuntimeMethodHandle
    {
        private nint _value;
    }

    public struct RuntimeFieldHandle
    {
        private nint _value;
    }

    public interface IDisposable
    {
        void Dispose();
    }

    public interface IFormatProvider { }

    public abstract class Array
    {
        // CONTRACT with the compiler: arrays store their length right after the MethodTable.
        private int _numComponents;
        public int Length => _numComponents;
    }

    // The compiler instantiates this for T[] types; it carries no code.
    internal class Array<T> : Array { }

    public struct Nullable<T> where T : struct
    {
        private readonly bool _hasValue;
        private T _value;

        public Nullable(T value) { _hasValue = true; _value = value; }
        public readonly bool HasValue => _hasValue;
        public readonly T Value
        {
            get
            {
                if (!_hasValue)
                    Internal.Runtime.CompilerHelpers.ThrowHelpers.Fail("InvalidOperationException: Nullable object must have a value"u8);
                return _value;
            }
        }
        public readonly T GetValueOrDefault() => _value;
        public readonly T GetValueOrDefault(T defaultValue) => _hasValue ? _value : defaultValue;
        public static implicit operator T?(T value) => new T?(value);
        public static explicit operator T(T? value) => value.Value;
    }
}
