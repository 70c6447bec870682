// The opt-in for unsafe code in a driver.
using System;

namespace KernelSharp
{
    /// <summary>
    /// <c>[assembly: KernelSharp.AllowUnsafeCode]</c>: this driver may use <c>unsafe</c> code.
    /// Without it, <c>unsafe</c> is a build error (KS0003): pointers reach any kernel memory,
    /// which the library's types (spans, owned buffers, user readers and writers) never allow.
    /// With it, every <c>unsafe</c> member or block is a warning (KS0004), for review.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly)]
    public sealed class AllowUnsafeCodeAttribute : Attribute { }
}
