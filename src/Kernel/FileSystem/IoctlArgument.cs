// ioctl arguments: a value, or user memory of the size the command encodes.
namespace KernelSharp.FileSystem
{
    /// <summary>
    /// An ioctl's argument: a plain value or the address of user memory, depending on the
    /// command. User memory is reached only through a <see cref="UserReader"/> or
    /// <see cref="UserWriter"/> of exactly the size the command encodes (<c>_IOC_SIZE</c>), in
    /// the direction it encodes, so a driver never reads or writes more than user space said.
    /// The input is read once: a second reader would fetch the same user memory again, and
    /// could see other data (a double fetch), so it is refused with EFAULT; pass the argument
    /// on by ref (a copy is refused at build time).
    /// </summary>
    [NoCopy]
    public unsafe struct IoctlArgument
    {
        private readonly nuint _value;
        private bool _inputTaken;

        internal IoctlArgument(nuint value) { _value = value; _inputTaken = false; }

        /// <summary>The argument as a number (for _IO commands that pass a value).</summary>
        public readonly nuint Value => _value;

        /// <summary>The argument as an int, as C's <c>(int)arg</c>.</summary>
        public readonly int AsInt => (int)_value;

        /// <summary>
        /// The command's input (_IOW, _IOWR): a reader of <c>command.Size</c> bytes at the
        /// argument. ENOTTY for a command without input.
        /// </summary>
        public Result Reader(IoctlCommand command, out UserReader reader)
        {
            reader = default;
            if ((command.Direction & IoctlDirection.Write) == 0)
                return Error.ENOTTY;
            if (_inputTaken)
                return Error.EFAULT;
            _inputTaken = true;
            reader = new UserReader((nint)_value, (nuint)command.Size);
            return Result.Ok;
        }

        /// <summary>
        /// The command's output (_IOR, _IOWR): a writer of <c>command.Size</c> bytes at the
        /// argument. ENOTTY for a command without output.
        /// </summary>
        public readonly Result Writer(IoctlCommand command, out UserWriter writer)
        {
            writer = default;
            if ((command.Direction & IoctlDirection.Read) == 0)
                return Error.ENOTTY;
            writer = new UserWriter((nint)_value, (nuint)command.Size);
            return Result.Ok;
        }

        /// <summary>
        /// Reads the command's input as a <typeparamref name="T"/> (get_user). ENOTTY unless the
        /// command has input of exactly <c>sizeof(T)</c> bytes; EFAULT for a bad pointer, or for
        /// input already read (<paramref name="value"/> is default then).
        /// </summary>
        [MaySleep]
        public Result Read<T>(IoctlCommand command, out T value) where T : unmanaged
        {
            value = default;
            if (command.Size != sizeof(T))
                return Error.ENOTTY;
            Result ready = Reader(command, out UserReader reader);
            return ready.Failed ? ready : reader.Read(out value);
        }

        /// <summary>
        /// Writes <paramref name="value"/> as the command's output (put_user). ENOTTY unless the
        /// command has output of exactly <c>sizeof(T)</c> bytes; EFAULT for a bad pointer.
        /// </summary>
        [MaySleep]
        public readonly Result Write<T>(IoctlCommand command, T value) where T : unmanaged
        {
            if (command.Size != sizeof(T))
                return Error.ENOTTY;
            Result ready = Writer(command, out UserWriter writer);
            return ready.Failed ? ready : writer.Write(value);
        }
    }
}
