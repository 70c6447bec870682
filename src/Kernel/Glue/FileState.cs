// Support for per-open state (IFileOperations<TState>): the generated open entry allocates
// it and stores it in the file's private_data; the C glue passes private_data to every
// other entry, which reaches the state with At; the release entry frees it.
using KernelSharp.Interop;
using KernelSharp.Memory;

namespace KernelSharp.Glue
{
    public static unsafe class FileState<TState> where TState : unmanaged
    {
        /// <summary>Zeroed state for <paramref name="file"/>, stored in its private_data; null when memory runs out.</summary>
        public static void* Allocate(void* file)
        {
            void* state = Native.ksharp_kmalloc((nuint)sizeof(TState), (uint)Gfp.Kernel);
            if (ShimResult.FromPointer(state).Failed)
                return null;
            Native.ksharp_file_set_private_data(file, state);
            return state;
        }

        /// <summary>The state an open file's private_data points at.</summary>
        public static ref TState At(void* state) => ref *(TState*)state;

        /// <summary>Frees the state (disposed first by the caller, when it owns anything).</summary>
        public static void Free(void* file, void* state)
        {
            Native.ksharp_file_set_private_data(file, null);
            Native.ksharp_kfree(state);
        }
    }
}
