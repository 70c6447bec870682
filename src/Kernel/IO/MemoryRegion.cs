// Physical memory regions (<linux/ioport.h>: request_mem_region) and mappings of I/O memory
// (<asm/io.h>: ioremap, readb/writeb).
using System;
using KernelSharp.Interop;
using KernelSharp.Memory;
using KernelSharp.Text;

namespace KernelSharp.IO
{
    /// <summary>
    /// A reserved range of physical addresses, shown in /proc/iomem under its name while held.
    /// <see cref="Dispose"/> releases it once.
    /// </summary>
    public unsafe struct MemoryRegion : IDisposable
    {
        private const int MaxNameLength = 63;

        private void* _resource;
        private ulong _start;
        private ulong _length;
        private KernelBuffer _name; // the kernel points to it while the region is held

        /// <summary>
        /// Reserves <paramref name="length"/> bytes of physical address space from
        /// <paramref name="start"/>. EBUSY when any of it is claimed already.
        /// </summary>
        [MaySleep]
        public static Result Request(ulong start, ulong length, ReadOnlySpan<byte> name, out MemoryRegion region)
        {
            region = default;
            if (length == 0 || start + length < start)
                return Error.EINVAL;
            Result copied = KernelName.Copy(name, MaxNameLength, out KernelBuffer nameCopy);
            if (copied.Failed)
                return copied;
            void* resource = Native.ksharp_request_mem_region(start, length, nameCopy.Pointer);
            Result requested = ShimResult.FromPointer(resource);
            if (requested.Failed)
            {
                nameCopy.Dispose();
                return requested;
            }
            region._resource = resource;
            region._start = start;
            region._length = length;
            region._name = nameCopy;
            return Result.Ok;
        }

        /// <summary>
        /// Whether another driver or the platform holds any of the range now: a request that is
        /// released at once (LDD's check_mem_region). The answer can change right after; use it
        /// to describe memory, never to decide ownership. Below 1 MiB the firmware reserves
        /// everything on a PC, so there the answer is always yes; see <see cref="IsRom"/>.
        /// </summary>
        public static bool IsClaimed(ulong start, ulong length)
        {
            if (Request(start, length, "ksharp-probe"u8, out MemoryRegion probe).Failed)
                return true;
            probe.Dispose();
            return false;
        }

        /// <summary>Whether the range overlaps memory the kernel registered as ROM (video BIOS, system BIOS, adapter ROMs).</summary>
        public static bool IsRom(ulong start, ulong length) => Native.ksharp_mem_region_is_rom(start, length) != 0;

        public readonly bool IsEmpty => _resource == null;
        public readonly ulong Start => _start;
        public readonly ulong Length => _length;

        [MaySleep]
        public void Dispose()
        {
            if (_resource == null)
                return;
            Native.ksharp_release_mem_region(_resource, _start, _length);
            _resource = null;
            _name.Dispose();
        }
    }

    /// <summary>
    /// Physical memory mapped for access (ioremap): device registers, or the ISA hole between
    /// 640 KiB and 1 MiB. Every access is bounds-checked against the mapping.
    /// <see cref="Dispose"/> unmaps it once.
    /// </summary>
    public unsafe struct IoMapping : IDisposable
    {
        private byte* _base;
        private ulong _start;
        private int _length;

        /// <summary>Maps the memory <paramref name="region"/> claimed. ENOMEM when the kernel cannot.</summary>
        [MaySleep]
        public static Result Map(in MemoryRegion region, out IoMapping mapping)
        {
            mapping = default;
            if (region.IsEmpty || region.Length > int.MaxValue)
                return Error.EINVAL;
            return MapUnclaimed(region.Start, (int)region.Length, out mapping);
        }

        /// <summary>
        /// Maps <paramref name="length"/> bytes from physical <paramref name="start"/> that this
        /// driver has not claimed (probing, as LDD's skull does the ISA hole): another driver's
        /// device registers or the firmware's data may be there, so a write can break the
        /// machine. ENOMEM when the kernel cannot.
        /// </summary>
        [UnsafeApi("maps physical memory the driver has not claimed; a write there can break another device or the firmware")]
        [MaySleep]
        public static Result MapUnclaimed(ulong start, int length, out IoMapping mapping)
        {
            mapping = default;
            if (length <= 0 || start + (ulong)length < start)
                return Error.EINVAL;
            void* mapped = Native.ksharp_ioremap(start, (ulong)length);
            Result result = ShimResult.FromPointer(mapped);
            if (result.Failed)
                return result;
            mapping._base = (byte*)mapped;
            mapping._start = start;
            mapping._length = length;
            return Result.Ok;
        }

        public readonly bool IsEmpty => _base == null;
        public readonly ulong Start => _start;
        public readonly int Length => _length;

        /// <summary>readb at <paramref name="offset"/> bytes into the mapping.</summary>
        public readonly byte ReadByte(int offset) => (byte)Native.ksharp_readb(Address(offset));

        /// <summary>writeb at <paramref name="offset"/> bytes into the mapping.</summary>
        public readonly void WriteByte(int offset, byte value) => Native.ksharp_writeb(value, Address(offset));

        [MaySleep]
        public void Dispose()
        {
            if (_base == null)
                return;
            Native.ksharp_iounmap(_base);
            _base = null;
            _length = 0;
        }

        // An access outside the mapping is a driver bug, not bad input.
        private readonly byte* Address(int offset)
        {
            if (_base == null || (uint)offset >= (uint)_length)
                Environment.FailFast("ArgumentOutOfRangeException: I/O memory access outside the mapping");
            return _base + offset;
        }
    }
}
