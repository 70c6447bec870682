// Values whose copy would do something twice without being owned: a user-memory reader
// that advances, whose copy would fetch the same bytes again.
using System;

namespace KernelSharp
{
    /// <summary>
    /// ksharp refuses copies of this type in driver code (error KS0001), as it refuses
    /// copies of owned values: pass it by <c>ref</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Struct, Inherited = false)]
    public sealed class NoCopyAttribute : Attribute { }
}
