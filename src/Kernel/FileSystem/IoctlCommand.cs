#nullable disable // also compiled into the host tests, where nullable analysis is on
// ioctl commands (<uapi/asm-generic/ioctl.h>): _IO/_IOR/_IOW/_IOWR and their fields. The
// encoding is user-space ABI, the same for every kernel version on x86-64.
namespace KernelSharp.FileSystem
{
    /// <summary>The direction bits of a command, seen from user space (<c>_IOC_WRITE</c>: user writes, the driver reads).</summary>
    [System.Flags]
    public enum IoctlDirection : uint
    {
        None = 0,
        /// <summary>_IOC_WRITE: the argument points to data the driver reads.</summary>
        Write = 1,
        /// <summary>_IOC_READ: the argument points to room the driver fills.</summary>
        Read = 2,
    }

    /// <summary>
    /// An ioctl command number: direction (2 bits), size (14), type (8, the driver's magic)
    /// and number (8). Build a driver's commands the way C does:
    /// <c>IoctlCommand.Write&lt;int&gt;((byte)'k', 1)</c> is <c>_IOW('k', 1, int)</c>.
    /// </summary>
    public readonly struct IoctlCommand : System.IEquatable<IoctlCommand>
    {
        private const int NumberShift = 0, TypeShift = 8, SizeShift = 16, DirectionShift = 30;
        private const uint SizeMask = (1u << 14) - 1;

        public IoctlCommand(uint value) { Value = value; }

        /// <summary>The command as user space passed it.</summary>
        public uint Value { get; }

        public IoctlDirection Direction => (IoctlDirection)(Value >> DirectionShift);
        public byte Type => (byte)(Value >> TypeShift);
        public byte Number => (byte)(Value >> NumberShift);
        /// <summary>The size of the argument's data, in bytes (from _IOR/_IOW/_IOWR).</summary>
        public int Size => (int)((Value >> SizeShift) & SizeMask);

        public static IoctlCommand Encode(IoctlDirection direction, byte type, byte number, int size) =>
            new(((uint)direction << DirectionShift) | (((uint)size & SizeMask) << SizeShift) | ((uint)type << TypeShift) | ((uint)number << NumberShift));

        /// <summary>_IO(type, number): no data, or a value passed as the argument itself.</summary>
        public static IoctlCommand None(byte type, byte number) => Encode(IoctlDirection.None, type, number, 0);

        /// <summary>_IOR(type, number, T): the driver writes a T to the argument pointer.</summary>
        public static unsafe IoctlCommand Read<T>(byte type, byte number) where T : unmanaged =>
            Encode(IoctlDirection.Read, type, number, sizeof(T));

        /// <summary>_IOW(type, number, T): the driver reads a T from the argument pointer.</summary>
        public static unsafe IoctlCommand Write<T>(byte type, byte number) where T : unmanaged =>
            Encode(IoctlDirection.Write, type, number, sizeof(T));

        /// <summary>_IOWR(type, number, T): both.</summary>
        public static unsafe IoctlCommand ReadWrite<T>(byte type, byte number) where T : unmanaged =>
            Encode(IoctlDirection.Read | IoctlDirection.Write, type, number, sizeof(T));

        public bool Equals(IoctlCommand other) => Value == other.Value;
        public override bool Equals(object obj) => obj is IoctlCommand other && Equals(other);
        public override int GetHashCode() => (int)Value;
        public static bool operator ==(IoctlCommand left, IoctlCommand right) => left.Value == right.Value;
        public static bool operator !=(IoctlCommand left, IoctlCommand right) => left.Value != right.Value;
    }
}
