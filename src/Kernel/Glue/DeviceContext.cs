// Support for file operations that receive the device they were opened on
// (IOpen<TState, TDevice>): the generated open entry adopts the reference the C glue took on
// the device's Shared<TDevice>, and the generated release entry (one per device type) is
// what the shim calls when the last reference goes while a device is being removed.
using System;
using KernelSharp.Interop;
using KernelSharp.Memory;

namespace KernelSharp.Glue
{
    public static unsafe class DeviceContext<TDevice> where TDevice : unmanaged, IDisposable
    {
        private static void* s_release;

        /// <summary>The generated release entry for this device type; set at init.</summary>
        public static void Set(void* release) => s_release = release;

        internal static void* ReleaseFunction() => SetAtInit.Require(s_release, "device release function missing: the module was not built by ksharp");

        /// <summary>0 when the open found its device, else the negative errno (ENXIO: the device is gone).</summary>
        public static int Found(void* device) => ShimResult.FromPointer(device).ToErrno();

        /// <summary>The share the open took on its device, now owned by the caller.</summary>
        public static Shared<TDevice> Adopt(void* device) => Shared<TDevice>.Adopt(device);

        /// <summary>What the shim calls after the last share went: dispose and free.</summary>
        public static void Release(void* block) => Shared<TDevice>.Release(block);
    }
}
