// Library members that can corrupt the machine although they need no unsafe keyword: what
// they touch is not the driver's to touch (memory nobody claimed). ksharp treats a call to
// one like unsafe code: an error without [assembly: AllowUnsafeCode] (KS0003), a warning
// for review with it (KS0004).
using System;

namespace KernelSharp
{
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, Inherited = false)]
    public sealed class UnsafeApiAttribute(string why) : Attribute
    {
        public string Why { get; } = why;
    }
}
