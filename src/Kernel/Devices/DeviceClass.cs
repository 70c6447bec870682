// Device classes (<linux/device.h>: class_create, device_create). A device registered in a
// class gets its /dev node from devtmpfs (and udev), so no mknod script is needed.
using System;
using KernelSharp.Interop;
using KernelSharp.Memory;
using KernelSharp.Text;

namespace KernelSharp.Devices
{
    /// <summary>
    /// A device class, /sys/class/NAME. Create the driver's <see cref="DeviceNode"/>s in it;
    /// dispose them before the class. <see cref="Dispose"/> destroys the class once.
    /// </summary>
    [MaySleep]
    public unsafe struct DeviceClass : IDisposable
    {
        private const int MaxNameLength = 63;

        private void* _class;
        // The class keeps pointing to its name: the class owns it.
        private KernelBuffer _name;

        /// <summary>Creates /sys/class/<paramref name="name"/>. EEXIST when the name is taken.</summary>
        public static Result Create(ReadOnlySpan<byte> name, out DeviceClass deviceClass)
        {
            deviceClass = default;
            Result copied = KernelName.Copy(name, MaxNameLength, out KernelBuffer text);
            if (copied.Failed)
                return copied;
            void* created = Native.ksharp_class_create(text.Pointer);
            Result result = ShimResult.FromPointer(created);
            if (result.Failed)
            {
                text.Dispose();
                return result;
            }
            deviceClass._class = created;
            deviceClass._name = text;
            return Result.Ok;
        }

        /// <summary>
        /// Creates the device <paramref name="number"/> in this class, which makes
        /// /dev/<paramref name="name"/> appear.
        /// </summary>
        public readonly Result CreateNode(DeviceNumber number, ReadOnlySpan<byte> name, out DeviceNode node)
        {
            node = default;
            if (_class == null)
                return Error.EINVAL;
            Result copied = KernelName.Copy(name, MaxNameLength, out KernelBuffer text);
            if (copied.Failed)
                return copied;
            // The device formats the name into its own kobject: ours goes once the call returns.
            void* device = Native.ksharp_device_create(_class, number.Major, number.Minor, text.Pointer);
            text.Dispose();
            Result created = ShimResult.FromPointer(device);
            if (created.IsOk)
                node = new DeviceNode(device);
            return created;
        }

        /// <summary>Creates /dev/<paramref name="baseName"/><paramref name="index"/> (for example scull0).</summary>
        public readonly Result CreateNode(DeviceNumber number, ReadOnlySpan<byte> baseName, uint index, out DeviceNode node)
        {
            node = default;
            Span<byte> name = stackalloc byte[MaxNameLength];
            if (baseName.Length > MaxNameLength - 10)
                return Error.EINVAL;
            baseName.CopyTo(name);
            if (!index.TryFormat(name.Slice(baseName.Length), out int digits, default, null))
                return Error.EINVAL;
            return CreateNode(number, name.Slice(0, baseName.Length + digits), out node);
        }

        public readonly bool IsEmpty => _class == null;

        public void Dispose()
        {
            if (_class == null)
                return;
            Native.ksharp_class_destroy(_class);
            _class = null;
            _name.Dispose();
        }
    }

    /// <summary>A device in a <see cref="DeviceClass"/> and its /dev node. <see cref="Dispose"/> removes it once.</summary>
    [MaySleep]
    public unsafe struct DeviceNode : IDisposable
    {
        private void* _device;

        internal DeviceNode(void* device) { _device = device; }

        public readonly bool IsEmpty => _device == null;

        public void Dispose()
        {
            if (_device == null)
                return;
            Native.ksharp_device_destroy(_device);
            _device = null;
        }
    }
}
