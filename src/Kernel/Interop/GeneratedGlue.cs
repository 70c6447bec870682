// Functions the build tool generates in the C glue of each module that needs them (not
// shims: src/Native has no definition). The library calls them under fixed names, which
// each module defines for itself.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace KernelSharp.Interop
{
    internal static unsafe class GeneratedGlue
    {
        private const string Glue = "*";

        // Dynamic debug (CGlueGenerator, one struct _ddebug per Log.Debug call in the driver):
        // the descriptor of the call at line of file (CallerFilePath's UTF-16) while that site
        // is enabled, else null. Defined in a module with at least one Log.Debug call.
        [RuntimeImport(Glue, "ksharp_dyndbg_site"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_dyndbg_site(uint line, char* file, uint fileLength);
    }
}
