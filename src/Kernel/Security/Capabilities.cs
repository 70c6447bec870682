// Capabilities (<uapi/linux/capability.h>): the numbers are user-space ABI.
using KernelSharp.Interop;

namespace KernelSharp.Security
{
    /// <summary>The capabilities drivers check most; any CAP_* number converts to this enum.</summary>
    public enum Capability
    {
        Chown = 0,
        DacOverride = 1,
        Kill = 5,
        NetAdmin = 12,
        SysRawIo = 17,
        SysAdmin = 21,
        SysResource = 24,
    }

    public static class Capabilities
    {
        /// <summary>
        /// Whether the calling task has <paramref name="capability"/> (capable()). A "yes"
        /// may be audited by the security modules, so ask only when the answer decides.
        /// </summary>
        public static bool IsCapable(Capability capability) => Native.ksharp_capable((int)capability) != 0;
    }
}
