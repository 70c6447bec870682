// Device numbers (<linux/kdev_t.h>, <linux/fs.h>: register_chrdev_region and friends).
// How dev_t packs major and minor is the kernel's business: C# keeps them apart and the
// shim combines them.
using System;
using KernelSharp.Interop;
using KernelSharp.Memory;
using KernelSharp.Text;

namespace KernelSharp.Devices
{
    /// <summary>A device number: the major names the driver, the minor one of its devices.</summary>
    public readonly struct DeviceNumber : IEquatable<DeviceNumber>
    {
        public DeviceNumber(uint major, uint minor) { Major = major; Minor = minor; }

        public uint Major { get; }
        public uint Minor { get; }

        /// <summary>The number <paramref name="offset"/> minors further on.</summary>
        public DeviceNumber Plus(uint offset) => new(Major, Minor + offset);

        public bool Equals(DeviceNumber other) => Major == other.Major && Minor == other.Minor;
        public override bool Equals(object obj) => obj is DeviceNumber other && Equals(other);
        public override int GetHashCode() => (int)(Major * 1048576 + Minor);
        public static bool operator ==(DeviceNumber left, DeviceNumber right) => left.Equals(right);
        public static bool operator !=(DeviceNumber left, DeviceNumber right) => !left.Equals(right);
    }

    /// <summary>
    /// A range of character device numbers reserved for a driver; the name is what
    /// /proc/devices shows. <see cref="Dispose"/> releases the range once.
    /// </summary>
    [MaySleep]
    public unsafe struct DeviceNumberRegion : IDisposable
    {
        /// <summary>Longest name the kernel keeps (its field holds 63 bytes and a NUL).</summary>
        public const int MaxNameLength = 63;

        private DeviceNumber _first;
        private uint _count;

        /// <summary>
        /// Reserves <paramref name="count"/> minors starting at <paramref name="firstMinor"/>
        /// under a major the kernel picks (alloc_chrdev_region). EBUSY when no major is free.
        /// </summary>
        public static Result Allocate(uint firstMinor, uint count, ReadOnlySpan<byte> name, out DeviceNumberRegion region)
        {
            region = default;
            if (count == 0)
                return Error.EINVAL;
            Result copied = KernelName.Copy(name, MaxNameLength, out KernelBuffer text);
            if (copied.Failed)
                return copied;
            // The kernel copies the name: ours goes once the call returns.
            int major = Native.ksharp_alloc_chrdev_region(firstMinor, count, text.Pointer);
            text.Dispose();
            Result allocated = ShimResult.FromErrno(major);
            if (allocated.Failed)
                return allocated;
            region._first = new DeviceNumber((uint)major, firstMinor);
            region._count = count;
            return Result.Ok;
        }

        /// <summary>
        /// Reserves <paramref name="count"/> minors from <paramref name="first"/> under its fixed major
        /// (register_chrdev_region). EBUSY when any of them is taken, EINVAL for an impossible number.
        /// </summary>
        public static Result Register(DeviceNumber first, uint count, ReadOnlySpan<byte> name, out DeviceNumberRegion region)
        {
            region = default;
            if (count == 0 || first.Major == 0)
                return Error.EINVAL;
            Result copied = KernelName.Copy(name, MaxNameLength, out KernelBuffer text);
            if (copied.Failed)
                return copied;
            Result registered = ShimResult.FromErrno(Native.ksharp_register_chrdev_region(first.Major, first.Minor, count, text.Pointer));
            text.Dispose();
            if (registered.Failed)
                return registered;
            region._first = first;
            region._count = count;
            return Result.Ok;
        }

        public readonly bool IsEmpty => _count == 0;

        /// <summary>The first number of the range.</summary>
        public readonly DeviceNumber First => _first;

        /// <summary>How many minors the range holds.</summary>
        public readonly uint Count => _count;

        public void Dispose()
        {
            if (_count == 0)
                return;
            Native.ksharp_unregister_chrdev_region(_first.Major, _first.Minor, _count);
            _count = 0;
        }
    }
}
