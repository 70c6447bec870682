// Character devices (<linux/cdev.h>): cdev_add connects device numbers to file operations.
using System;
using KernelSharp.FileSystem;
using KernelSharp.Glue;
using KernelSharp.Interop;

namespace KernelSharp.Devices
{
    /// <summary>
    /// A registered character device (a cdev): opening any of its device numbers reaches the
    /// file operations of the type given to <see cref="Add{TFile}"/>. The cdev and the
    /// generated operations table both name the module, so an open file keeps the module
    /// loaded. <see cref="Dispose"/> removes it once; files already open stay usable.
    /// </summary>
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
            where TFile : IFileOperations
        {
            device = default;
            if (count == 0)
                return Error.EINVAL;
            void* cdev = Native.ksharp_cdev_add(FileOperationsTable<TFile>.Require(), first.Major, first.Minor, count);
            Result added = ShimResult.FromPointer(cdev);
            if (added.IsOk)
                device._cdev = cdev;
            return added;
        }

        public bool IsEmpty => _cdev == null;

        public void Dispose()
        {
            if (_cdev == null)
                return;
            Native.ksharp_cdev_del(_cdev);
            _cdev = null;
        }
    }
}
