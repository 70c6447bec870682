// Compiler plumbing: the types and helpers ILCompiler expects of a system module, by name.
// Kernel code has no GC and no exception handling, so every helper that would throw in .NET
// ends in ksharp_panic: a kernel BUG with a message naming the failure.
using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime
{
    // CONTRACT with the compiler: the head of every MethodTable.
    internal unsafe struct MethodTable
    {
        internal ushort _usComponentSize;
        internal ushort _usFlags;
        internal uint _uBaseSize;
        internal MethodTable* _relatedType;
        internal ushort _usNumVtableSlots;
        internal ushort _usNumInterfaces;
        internal uint _uHashCode;
    }
}

namespace Internal.Runtime.CompilerHelpers
{
    internal static unsafe class ThrowHelpers
    {
        // Provided by the native runtime stubs; never returns.
        [RuntimeImport("*", "ksharp_panic")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void Panic(byte* message, nuint length);

        /// <summary>Stops with a kernel BUG that names <paramref name="message"/>.</summary>
        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public static void Fail(ReadOnlySpan<byte> message)
        {
            fixed (byte* p = message)
                Panic(p, (nuint)message.Length);
            while (true) { }
        }

        public static void ThrowIndexOutOfRangeException() => Fail("IndexOutOfRangeException: index was outside the bounds of the array or span"u8);
        public static void ThrowArgumentOutOfRangeException() => Fail("ArgumentOutOfRangeException: argument was out of range"u8);
        public static void ThrowArgumentException(ReadOnlySpan<byte> what) => Fail(what);
        public static void ThrowDivideByZeroException() => Fail("DivideByZeroException: attempted to divide by zero"u8);
        public static void ThrowOverflowException() => Fail("OverflowException: arithmetic operation resulted in an overflow"u8);
        public static void ThrowNullReferenceException() => Fail("NullReferenceException: object reference not set to an instance of an object"u8);
        public static void ThrowPlatformNotSupportedException() => Fail("PlatformNotSupportedException"u8);
        public static void ThrowArrayTypeMismatchException() => Fail("ArrayTypeMismatchException"u8);
        public static void ThrowTypeLoadException() => Fail("TypeLoadException"u8);
        public static void ThrowInvalidProgramException() => Fail("InvalidProgramException"u8);
        public static void ThrowInvalidProgramExceptionWithArgument() => Fail("InvalidProgramException"u8);
        public static void ThrowMissingMethodException() => Fail("MissingMethodException"u8);
        public static void ThrowMissingFieldException() => Fail("MissingFieldException"u8);
        public static void ThrowFileNotFoundException() => Fail("FileNotFoundException"u8);
        public static void ThrowBadImageFormatException() => Fail("BadImageFormatException"u8);
        public static void ThrowNotSupportedException() => Fail("NotSupportedException"u8);
        public static void ThrowInvalidCastException() => Fail("InvalidCastException: specified cast is not valid"u8);
        public static void ThrowFeatureBodyRemoved() => Fail("a method body removed by the compiler was called"u8);
    }

    // ILCompiler requires this class to exist. Modules have no managed startup, and the few
    // runtime entry points compiled code calls (GC transitions, fail-fast) are C stubs in
    // src/Native/ksharp_runtime.c; what needs a GC (allocation, write barriers, throw) is
    // refused by ksharp's object check, naming the method.
    internal static class StartupCodeHelpers
    {
    }
}

namespace System
{
    // Required by ILCompiler by name; only unmanaged copies ever happen here.
    internal static class Buffer
    {
        internal static void BulkMoveWithWriteBarrier(ref byte destination, ref byte source, nuint byteCount) =>
            SpanHelpers.Memmove(ref destination, ref source, byteCount);
    }

    internal static unsafe class SpanHelpers
    {
        [RuntimeImport("*", "memmove")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void* NativeMemmove(void* destination, void* source, nuint count);

        [RuntimeImport("*", "memset")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void* NativeMemset(void* destination, int value, nuint count);

        internal static void Memmove(ref byte destination, ref byte source, nuint byteCount)
        {
            if (byteCount != 0)
                NativeMemmove(Unsafe.AsPointer(ref destination), Unsafe.AsPointer(ref source), byteCount);
        }

        internal static void Fill(ref byte destination, byte value, nuint byteCount)
        {
            if (byteCount != 0)
                NativeMemset(Unsafe.AsPointer(ref destination), value, byteCount);
        }

        internal static void ClearWithoutReferences(ref byte destination, nuint byteCount) => Fill(ref destination, 0, byteCount);
    }

    public static class Math
    {
        public static int Min(int a, int b) => a < b ? a : b;
        public static int Max(int a, int b) => a > b ? a : b;
        public static long Min(long a, long b) => a < b ? a : b;
        public static long Max(long a, long b) => a > b ? a : b;
        public static uint Min(uint a, uint b) => a < b ? a : b;
        public static ulong Min(ulong a, ulong b) => a < b ? a : b;
        public static nuint Min(nuint a, nuint b) => a < b ? a : b;
        public static int Abs(int value) => value < 0 ? checked(-value) : value;
        public static long Abs(long value) => value < 0 ? checked(-value) : value;

        /// <summary>
        /// <paramref name="a"/> / <paramref name="b"/>, with a % b in <paramref name="remainder"/>, from one
        /// division (RyuJIT divides again for a separate %; a division is the slowest integer instruction).
        /// </summary>
        public static long DivRem(long a, long b, out long remainder)
        {
            long quotient = a / b;
            remainder = a - quotient * b;
            return quotient;
        }

        /// <inheritdoc cref="DivRem(long, long, out long)"/>
        public static int DivRem(int a, int b, out int remainder)
        {
            int quotient = a / b;
            remainder = a - quotient * b;
            return quotient;
        }
    }
}

namespace System.Runtime
{
    // Casting helpers ILCompiler requires by name. Objects are only frozen literals here, so a
    // cast is an exact-type check; anything else fails as .NET's InvalidCastException would.
    internal static unsafe class TypeCast
    {
        private static object IsInstanceOfClass(void* type, object obj) => obj is null || obj.m_pMethodTable == type ? obj : null;
        private static object IsInstanceOfAny(void* type, object obj) => IsInstanceOfClass(type, obj);
        private static object IsInstanceOfInterface(void* type, object obj) => null;
        private static object IsInstanceOfException(void* type, object obj) => null;

        private static object CheckCastClass(void* type, object obj)
        {
            if (obj is not null && obj.m_pMethodTable != type)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidCastException();
            return obj;
        }

        private static object CheckCastClassSpecial(void* type, object obj) => CheckCastClass(type, obj);
        private static object CheckCastAny(void* type, object obj) => CheckCastClass(type, obj);

        private static object CheckCastInterface(void* type, object obj)
        {
            if (obj is not null)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidCastException();
            return obj;
        }
    }
}

namespace System.Runtime.InteropServices
{
    public unsafe interface IDynamicInterfaceCastable
    {
        RuntimeTypeHandle GetInterfaceImplementation(RuntimeTypeHandle interfaceType);
        bool IsInterfaceImplemented(RuntimeTypeHandle interfaceType, bool throwIfNotImplemented);
        private static nint GetDynamicInterfaceImplementation(object instance, void* interfaceType, ushort slot) => 0;
    }
}

namespace System.Runtime.CompilerServices
{
    // Runs a static constructor the compiler could not evaluate at build time, at first use.
    // ILCompiler requires it by name. It takes no lock, so ksharp refuses any driver whose
    // compiled code would call it (the object check names the class); it exists so the
    // compiler has a target, not to be used.
    internal static unsafe class ClassConstructorRunner
    {
        private static nint CheckStaticClassConstructionReturnNonGCStaticBase(ref StaticClassConstructionContext context, nint nonGcStaticBase)
        {
            CheckStaticClassConstruction(ref context);
            return nonGcStaticBase;
        }

        private static void CheckStaticClassConstruction(ref StaticClassConstructionContext context)
        {
            nint constructor = context.cctorMethodAddress;
            if (constructor != 0)
            {
                context.cctorMethodAddress = 0;
                ((delegate*<void>)constructor)();
            }
        }
    }

    // CONTRACT with the compiler.
    public struct StaticClassConstructionContext
    {
        public nint cctorMethodAddress;
    }
}

namespace Internal.Runtime.CompilerHelpers
{
    // Lowers the ldtoken instruction (RVA data behind static readonly spans, typeof). The
    // handle is a single pointer-sized slot.
    internal static unsafe class LdTokenHelpers
    {
        private static RuntimeFieldHandle GetRuntimeFieldHandle(nint handleSignature)
        {
            RuntimeFieldHandle handle;
            *(nint*)&handle = handleSignature;
            return handle;
        }

        private static RuntimeMethodHandle GetRuntimeMethodHandle(nint handleSignature)
        {
            RuntimeMethodHandle handle;
            *(nint*)&handle = handleSignature;
            return handle;
        }

        private static RuntimeTypeHandle GetRuntimeTypeHandle(nint methodTable)
        {
            RuntimeTypeHandle handle;
            *(nint*)&handle = methodTable;
            return handle;
        }
    }
}

namespace System.Runtime
{
    // Boxing helpers ILCompiler requires by name. The scanner asks for them around every
    // constrained call, even where code generation then needs no box. A real box would
    // need a garbage-collected heap: ksharp's object check rejects any call to these at
    // build time, and should one slip through, it stops with a message.
    internal static unsafe class RuntimeExports
    {
        private static object RhBox(Internal.Runtime.MethodTable* type, ref byte data)
        {
            Internal.Runtime.CompilerHelpers.ThrowHelpers.Fail("boxing a value needs a garbage collector"u8);
            return null;
        }

        private static object RhBoxAny(ref byte data, Internal.Runtime.MethodTable* type)
        {
            Internal.Runtime.CompilerHelpers.ThrowHelpers.Fail("boxing a value needs a garbage collector"u8);
            return null;
        }

        private static void RhUnboxNullable(ref byte data, Internal.Runtime.MethodTable* type, object obj) =>
            Internal.Runtime.CompilerHelpers.ThrowHelpers.Fail("unboxing needs a garbage collector"u8);

        private static ref byte RhUnbox2(Internal.Runtime.MethodTable* type, object obj)
        {
            Internal.Runtime.CompilerHelpers.ThrowHelpers.Fail("unboxing needs a garbage collector"u8);
            return ref Unsafe.NullRef<byte>();
        }
    }
}
