// Support for the C# entry points the build tool generates for each driver. Generated code
// calls these; drivers have no reason to. They turn C arguments into the safe types and
// results back into C return values (0 or -errno) at the border.
using System;
using System.Runtime.CompilerServices;
using KernelSharp.FileSystem;

namespace KernelSharp.Glue
{
    /// <summary>Where each file operations type's C table lives; set by generated code at init.</summary>
    public static unsafe class FileOperationsTable<TFile> where TFile : IFileOperations
    {
        private static void* s_table;

        public static void Set(void* table) => s_table = table;

        internal static void* Require() => SetAtInit.Require(s_table, "file operations table missing: the module was not built by ksharp");
    }

    /// <summary>Where each <see cref="ISeqShow"/> type's generated C show function lives; set at init.</summary>
    public static unsafe class SeqShowFunction<TShow> where TShow : ISeqShow
    {
        private static void* s_function;

        public static void Set(void* function) => s_function = function;

        internal static void* Require() => SetAtInit.Require(s_function, "seq_file show function missing: the module was not built by ksharp");
    }

    /// <summary>What the generated init hands over: null only in a module ksharp did not build.</summary>
    internal static unsafe class SetAtInit
    {
        public static void* Require(void* pointer, string missing)
        {
            if (pointer == null)
                Environment.FailFast(missing);
            return pointer;
        }
    }

    /// <summary>
    /// Reaches data the generated C glue keeps: string and array module parameters (set by
    /// the kernel at load, read-only afterwards) and variables shared with other modules.
    /// </summary>
    public static unsafe class ParameterStorage
    {
        /// <summary>The NUL-terminated text at <paramref name="storage"/>, at most <paramref name="capacity"/> bytes.</summary>
        public static ReadOnlySpan<byte> Text(nint storage, int capacity)
        {
            if (storage == 0)
                return default;
            var text = new ReadOnlySpan<byte>((byte*)storage, capacity);
            int length = text.IndexOf((byte)0);
            return length < 0 ? text : text.Slice(0, length);
        }

        /// <summary>The variable at <paramref name="storage"/>: an exported or imported symbol's C data.</summary>
        public static ref T Variable<T>(nint storage) where T : unmanaged
        {
            if (storage == 0)
                Environment.FailFast("NullReferenceException: a shared variable was used before the module's init");
            return ref *(T*)storage;
        }

        /// <summary>The first *count (at most <paramref name="capacity"/>) values at <paramref name="storage"/>.</summary>
        public static ReadOnlySpan<T> Array<T>(nint storage, nint count, int capacity) where T : unmanaged
        {
            if (storage == 0 || count == 0)
                return default;
            uint used = *(uint*)count;
            return new ReadOnlySpan<T>((T*)storage, used < (uint)capacity ? (int)used : capacity);
        }
    }

    /// <summary>
    /// Conversions the generated entry points use. The generated code calls the driver's
    /// methods directly, not through generic helpers: a module or file type is a class, and
    /// generic code over classes is shared and calls through function pointers, which
    /// compiled C# must avoid (no ENDBR landing pads for indirect branch tracking).
    /// </summary>
    public static unsafe class EntryPoints
    {
        public static File File(void* file) => new(file);

        public static UserReader Reader(nint buffer, nuint length) => new(buffer, length);

        public static UserWriter Writer(nint buffer, nuint length) => new(buffer, length);

        public static SeqFile Seq(void* seq) => new(seq);

        public static IoctlCommand Command(uint command) => new(command);

        public static IoctlArgument Argument(nuint argument) => new(argument);

        public static PollTable PollTable(void* file, void* table) => new(file, table);

        /// <summary>lseek's whence as the enum; unknown values pass through and the driver refuses them.</summary>
        public static SeekOrigin Origin(int whence) => (SeekOrigin)whence;

        // On every call from the kernel: inlined, so the result goes back without a call of its own.

        /// <summary>The count, or the negative errno: what read and write return to the kernel.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint SizeReturn(Result<nint> result) =>
            result.TryGetValue(out nint count) ? count : result.NegativeErrno;

        /// <summary>The value, or the negative errno: what llseek and ioctl return to the kernel.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static long LongReturn(Result<long> result) =>
            result.TryGetValue(out long value) ? value : result.NegativeErrno;
    }
}
