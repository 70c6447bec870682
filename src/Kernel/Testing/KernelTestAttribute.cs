// In-kernel unit tests: [KernelTest] methods run inside the booted kernel by `ksharp test`.
using System;

namespace KernelSharp.Testing
{
    /// <summary>
    /// Marks a unit test that runs in the kernel: a static method without parameters that
    /// returns void and checks with <see cref="KernelAssert"/>. <c>ksharp test &lt;dir&gt;</c>
    /// builds a test build of the module, loads it in QEMU and reports each test from the
    /// kernel's own test format (KTAP): as a KUnit suite where the kernel has KUnit, else
    /// from the module's init, after the module's own Init succeeded. A normal build leaves
    /// the tests out.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class KernelTestAttribute : Attribute
    {
    }
}
