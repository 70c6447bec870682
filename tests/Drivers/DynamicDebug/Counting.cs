// Counts in the project folder: its Log.Debug call is on the line of Sub/Counting.cs's (the glue
// tells the two apart by file), and its message starts with a hole an off site must not format.
using KernelSharp;

namespace DynamicDebugTest;

internal static class Counting
{
    internal static void Count(nint length)
    {
        Log.Debug($"{new Counted((int)length)} counted by ksdyndbg in the project folder");
    }
}
