// Counts in a subfolder. Its Log.Debug call is on the same line as ../Counting.cs's, so the
// generated glue tells those two sites apart by their file.
using KernelSharp;

namespace DynamicDebugTest.Sub;

internal static class Counting
{
    internal static void Count(nint length)
    {
        Log.Debug($"ksdyndbg: counting {length:x} in a subfolder");
    }
}
