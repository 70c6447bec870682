// Misc devices (<linux/miscdevice.h>): a character device with a dynamic minor under the
// misc major, whose /dev node devtmpfs creates by itself.
using System;
using KernelSharp.FileSystem;
using KernelSharp.Glue;
using KernelSharp.Interop;
using KernelSharp.Memory;
using KernelSharp.Text;

namespace KernelSharp.Devices
{
    /// <summary>
    /// A registered misc device, /dev/NAME, served by the file operations of the type given to <see cref="Register"/>.
    /// <see cref="Dispose"/> deregisters it once and leaves the value empty.
    /// </summary>
    [MaySleep]
    public unsafe struct MiscDevice : IDisposable
    {
        private const int MaxNameLength = 31;

        private void* _device;
        // The misc device keeps pointing to its name: the registration owns it.
        private KernelBuffer _name;

        /// <summary>
        /// Registers /dev/<paramref name="name"/>. The kernel copy of the name is owned by the
        /// registration. EINVAL for a bad name, EBUSY/EEXIST if the name or minor is taken,
        /// ENOMEM when memory runs out.
        /// </summary>
        /// <param name="name">The node name under /dev.</param>
        /// <param name="device">Receives the registration; stays empty on failure.</param>
        /// <param name="mode">Permissions of the /dev node; 0 leaves the kernel's default (0600).</param>
        public static Result Register<TFile>(ReadOnlySpan<byte> name, out MiscDevice device, ushort mode = 0)
            where TFile : IFileOperations =>
            Register(FileOperationsTable<TFile>.Require(), name, null, null, out device, mode);

        /// <summary>
        /// The same, for file operations whose open receives the device
        /// (<see cref="IOpen{TState, TDevice}"/>): the registration holds a share of
        /// <paramref name="data"/>, and each open gets one of its own.
        /// </summary>
        public static Result Register<TFile, TDevice>(ReadOnlySpan<byte> name, in Shared<TDevice> data, out MiscDevice device, ushort mode = 0)
            where TFile : IDeviceFileOperations<TDevice> where TDevice : unmanaged, IDisposable
        {
            device = default;
            if (data.IsEmpty)
                return Error.EINVAL;
            return Register(FileOperationsTable<TFile>.Require(), name, data.Block, DeviceContext<TDevice>.ReleaseFunction(), out device, mode);
        }

        private static Result Register(void* table, ReadOnlySpan<byte> name, void* shared, void* release, out MiscDevice device, ushort mode)
        {
            device = default;
            Result copied = KernelName.Copy(name, MaxNameLength, out KernelBuffer text);
            if (copied.Failed)
                return copied;
            void* registered = Native.ksharp_misc_register(text.Pointer, table, mode, shared, release);
            Result result = ShimResult.FromPointer(registered);
            if (result.Failed)
            {
                text.Dispose();
                return result;
            }
            device._device = registered;
            device._name = text;
            return Result.Ok;
        }

        public readonly bool IsEmpty => _device == null;

        /// <summary>The minor number the kernel assigned.</summary>
        public readonly int Minor => _device == null ? -1 : Native.ksharp_misc_minor(_device);

        public void Dispose()
        {
            if (_device == null)
                return;
            Native.ksharp_misc_deregister(_device);
            _device = null;
            _name.Dispose();
        }
    }
}
