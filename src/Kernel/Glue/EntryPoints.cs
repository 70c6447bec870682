// Support for the C# entry points the build tool generates for each driver. Generated code
// calls these; drivers have no reason to. They turn C arguments into the safe types and
// results back into C return values (0 or -errno) at the border.
using KernelSharp.FileSystem;

namespace KernelSharp.Glue
{
    /// <summary>Where each file operations type's C table lives; set by generated code at init.</summary>
    public static unsafe class FileOperationsTable<TFile> where TFile : IFileOperations
    {
        internal static void* Pointer;

        public static void Set(void* table) => Pointer = table;
    }

    public static unsafe class EntryPoints
    {
        public static int Init<TModule>() where TModule : IKernelModule
        {
            Result result = TModule.Init();
            if (result.Failed)
                TModule.Exit(); // one teardown releases whatever Init had acquired
            return result.ToErrno();
        }

        public static void Exit<TModule>() where TModule : IKernelModule => TModule.Exit();

        public static int Open<TFile>(void* file) where TFile : IFileOperations => TFile.Open(new File(file)).ToErrno();

        public static int Release<TFile>(void* file) where TFile : IFileOperations
        {
            TFile.Release(new File(file));
            return 0;
        }

        public static nint Read<TFile>(void* file, nint buffer, nuint length, long* position) where TFile : IFileOperations =>
            ToSizeReturn(TFile.Read(new File(file), new UserWriter(buffer, length), ref *position));

        public static nint Write<TFile>(void* file, nint buffer, nuint length, long* position) where TFile : IFileOperations =>
            ToSizeReturn(TFile.Write(new File(file), new UserReader(buffer, length), ref *position));

        private static nint ToSizeReturn(Result<nint> result) =>
            result.TryGetValue(out nint count) ? count : result.Error.Errno;
    }
}
