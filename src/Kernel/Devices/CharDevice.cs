// Character devices (<linux/cdev.h>): cdev_add connects device numbers to file operations.
using System;
using KernelSharp.FileSystem;
using KernelSharp.Glue;
using KernelSharp.Interop;
using KernelSharp.Memory;

namespace KernelSharp.Devices
{
    /// <summary>
    /// A registered character device (a cdev): opening any of its device numbers reaches the
    /// file operations of the type given to <see cref="Add{TFile}"/>. The cdev and the
    /// generated operations table both name the module, so an open file keeps the module
    /// loaded. <see cref="Dispose"/> removes it once; files already open stay usable.
    /// </summary>
    [MaySleep]
    public unsafe struct CharDevice : IDisposable
    {
        private void* _cdev;

        /// <summary>
        /// Adds a cdev for <paramref name="count"/> numbers from <paramref name="first"/>, which
        /// should lie in a <see cref="DeviceNumberRegion"/> the driver holds. The device is live
        /// as soon as this returns (opens may already be running): set up what the operations
        /// use first.
        /// </summary>
        public static Result Add<TFile>(DeviceNumber first, uint count, out CharDevice device)
            where TFile : IFileOperations =>
            Add(FileOperationsTable<TFile>.Require(), first, count, null, null, out device);

        /// <summary>
        /// The same, for file operations whose open receives the device
        /// (<see cref="IOpen{TState, TDevice}"/>): the cdev holds a share of
        /// <paramref name="data"/> while it is registered, and each open gets one of its own.
        /// </summary>
        public static Result Add<TFile, TDevice>(DeviceNumber first, uint count, in Shared<TDevice> data, out CharDevice device)
            where TFile : IDeviceFileOperations<TDevice> where TDevice : unmanaged, IDisposable
        {
            device = default;
            if (data.IsEmpty)
                return Error.EINVAL;
            return Add(FileOperationsTable<TFile>.Require(), first, count, data.Block, DeviceContext<TDevice>.ReleaseFunction(), out device);
        }

        private static Result Add(void* table, DeviceNumber first, uint count, void* shared, void* release, out CharDevice device)
        {
            device = default;
            if (count == 0)
                return Error.EINVAL;
            void* cdev = Native.ksharp_cdev_add(table, first.Major, first.Minor, count, shared, release);
            Result added = ShimResult.FromPointer(cdev);
            if (added.IsOk)
                device._cdev = cdev;
            return added;
        }

        public readonly bool IsEmpty => _cdev == null;

        public void Dispose()
        {
            if (_cdev == null)
                return;
            Native.ksharp_cdev_del(_cdev);
            _cdev = null;
        }
    }
}
