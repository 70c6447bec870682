// I/O port regions (<linux/ioport.h>: request_region/release_region) and port I/O
// (<asm/io.h>: inb/outb and friends).
using System;
using KernelSharp.Interop;
using KernelSharp.Memory;
using KernelSharp.Text;

namespace KernelSharp.IO
{
    /// <summary>
    /// A reserved range of I/O ports, shown in /proc/ioports under its name while held.
    /// Port I/O goes through the region, so a driver touches only ports it owns.
    /// <see cref="Dispose"/> releases the range once and leaves the value empty.
    /// </summary>
    public unsafe struct PortRegion : IDisposable
    {
        private const int MaxNameLength = 63;

        private void* _resource;
        private ushort _start;
        private ushort _count;
        // The kernel keeps a pointer to the name for as long as the region is reserved,
        // so the region owns a copy in kernel memory.
        private KernelBuffer _name;

        /// <summary>
        /// Reserves <paramref name="count"/> ports from <paramref name="start"/>. EBUSY when any
        /// of them is taken (nothing is reserved then), EINVAL for an empty or wrapping range
        /// or a bad name, ENOMEM when the name cannot be copied.
        /// </summary>
        [MaySleep]
        public static Result Request(ushort start, ushort count, ReadOnlySpan<byte> name, out PortRegion region)
        {
            region = default;
            if (count == 0 || start + count > 0x10000)
                return Error.EINVAL;
            Result copied = KernelName.Copy(name, MaxNameLength, out KernelBuffer nameCopy);
            if (copied.Failed)
                return copied;

            void* resource = Native.ksharp_request_region(start, count, nameCopy.Pointer);
            Result requested = ShimResult.FromPointer(resource);
            if (requested.Failed)
            {
                nameCopy.Dispose();
                return requested;
            }
            region._resource = resource;
            region._start = start;
            region._count = count;
            region._name = nameCopy;
            return Result.Ok;
        }

        public readonly bool IsEmpty => _resource == null;
        public readonly ushort Start => _start;
        public readonly ushort Count => _count;

        // readonly: a driver may reach the region through a read-only reference (Shared<PortRegion>.Value).
        public readonly void WriteByte(int offset, byte value) => Native.ksharp_outb(value, Port(offset, 1));
        public readonly void WriteUInt16(int offset, ushort value) => Native.ksharp_outw(value, Port(offset, 2));
        public readonly void WriteUInt32(int offset, uint value) => Native.ksharp_outl(value, Port(offset, 4));
        public readonly byte ReadByte(int offset) => (byte)Native.ksharp_inb(Port(offset, 1));
        public readonly ushort ReadUInt16(int offset) => (ushort)Native.ksharp_inw(Port(offset, 2));
        public readonly uint ReadUInt32(int offset) => Native.ksharp_inl(Port(offset, 4));

        [MaySleep]
        public void Dispose()
        {
            if (_resource == null)
                return;
            Native.ksharp_release_region(_resource, _start, _count);
            _resource = null;
            _name.Dispose();
        }

        // An access outside the region (or on an empty one) is a driver bug, not bad input.
        private readonly ushort Port(int offset, int width)
        {
            // Written so it cannot overflow: offset + width would wrap near int.MaxValue.
            if (_resource == null || offset < 0 || offset > _count - width)
                Environment.FailFast("ArgumentOutOfRangeException: port access outside the reserved region");
            return (ushort)(_start + offset);
        }
    }
}
