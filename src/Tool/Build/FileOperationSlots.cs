namespace KernelSharp.Tool.Build;

/// <summary>The file operations a type can implement, each an interface named I + the operation (see FileOperationSlot for each).</summary>
[Flags]
public enum FileOperation { None = 0, Open = 1, Release = 2, Read = 4, Write = 8, Seek = 16, Ioctl = 32, Poll = 64, Fasync = 128 }


/// <summary>
/// How each file operation crosses from the kernel's file_operations slot to C#: the C
/// wrapper's signature, what it passes to the C# entry point, and the generated C# entry
/// point. One row per operation, so the C and C# generators cannot disagree. A type with
/// per-open state gets the state after the file: the C glue passes <c>file-&gt;private_data</c>.
/// </summary>
public sealed record FileOperationSlot(
    FileOperation Operation,
    string Slot,
    string CReturn,
    string KernelParameters,
    string ExtraEntryParameters,
    string ExtraEntryArguments,
    string CSharpReturn,
    string ExtraCSharpParameters,
    Func<string, string> CSharpCall,
    Func<string, string>? CSharpReturnOf = null,
    string? AfterCall = null,
    string? ExtraSlots = null)
{
    private const string Glue = "global::KernelSharp.Glue.EntryPoints";
    private const string FileState = "global::KernelSharp.Glue.FileState";

    /// <summary>In the kernel's slot order.</summary>
    public static IReadOnlyList<FileOperationSlot> All { get; } =
    [
        new(FileOperation.Seek, "llseek", "loff_t",
            "struct file *file, loff_t offset, int whence", ", loff_t offset, int whence", ", offset, whence",
            "long", ", long offset, int whence",
            arguments => $"Seek({arguments}, offset, {Glue}.Origin(whence))",
            call => $"{Glue}.LongReturn({call})",
            // The new position becomes the file's, as the kernel's own llseek helpers do.
            AfterCall: "if (ret >= 0)\n\t\tfile->f_pos = ret;"),
        new(FileOperation.Read, "read", "ssize_t",
            "struct file *file, char __user *buffer, size_t length, loff_t *position",
            ", char __user *buffer, size_t length, loff_t *position", ", buffer, length, position",
            "nint", ", nint buffer, nuint length, long* position",
            arguments => $"Read({arguments}, {Glue}.Writer(buffer, length), ref *position)",
            call => $"{Glue}.SizeReturn({call})"),
        new(FileOperation.Write, "write", "ssize_t",
            "struct file *file, const char __user *buffer, size_t length, loff_t *position",
            ", const char __user *buffer, size_t length, loff_t *position", ", buffer, length, position",
            "nint", ", nint buffer, nuint length, long* position",
            arguments => $"Write({arguments}, {Glue}.Reader(buffer, length), ref *position)",
            call => $"{Glue}.SizeReturn({call})"),
        new(FileOperation.Poll, "poll", "__poll_t",
            "struct file *file, struct poll_table_struct *table", ", struct poll_table_struct *table", ", table",
            "uint", ", void* table",
            arguments => $"Poll({arguments}, {Glue}.PollTable(file, table))",
            call => $"(uint){call}"),
        new(FileOperation.Ioctl, "unlocked_ioctl", "long",
            "struct file *file, unsigned int command, unsigned long argument",
            ", unsigned int command, unsigned long argument", ", command, argument",
            "long", ", uint command, nuint argument",
            arguments => $"Ioctl({arguments}, {Glue}.Command(command), {Glue}.Argument(argument))",
            call => $"{Glue}.LongReturn({call})",
            // 32-bit processes: the same commands, the argument widened as a pointer.
            ExtraSlots: ".compat_ioctl = compat_ptr_ioctl"),
        new(FileOperation.Open, "open", "int",
            "struct inode *inode, struct file *file", "", "",
            "int", "",
            arguments => $"Open({arguments})",
            call => $"{call}.ToErrno()"),
        new(FileOperation.Release, "release", "int",
            "struct inode *inode, struct file *file", "", "",
            "int", "",
            arguments => $"Release({arguments})"),
        // The kernel passes fd first; the entry takes the file first like every other.
        new(FileOperation.Fasync, "fasync", "int",
            "int fd, struct file *file, int on", ", int fd, int on", ", fd, on",
            "int", ", int fd, int on",
            arguments => $"Fasync({arguments}, fd, on != 0)",
            call => $"{call}.ToErrno()"),
    ];

    /// <summary>Open allocates the state, so it is the one entry that is not given it.</summary>
    private bool TakesState => Operation != FileOperation.Open;

    /// <summary>Open of a type whose open receives its device: the C glue finds the device's Shared block.</summary>
    private bool TakesDevice(FileOperationsType type) => Operation == FileOperation.Open && type.DeviceType is not null;

    /// <summary>The C# entry's C prototype arguments.</summary>
    public string EntryParameters(FileOperationsType type) =>
        $"struct file *file{(type.HasState && TakesState ? ", void *state" : "")}{(TakesDevice(type) ? ", struct ksharp_shared *device" : "")}{ExtraEntryParameters}";

    /// <summary>What the C wrapper passes to the C# entry.</summary>
    public string EntryArguments(FileOperationsType type) =>
        $"file{(type.HasState && TakesState ? ", file->private_data" : "")}{(TakesDevice(type) ? ", ksharp_context_open(inode, file)" : "")}{ExtraEntryArguments}";

    /// <summary>The kernel calls the C# entry directly when it has the slot's own signature.</summary>
    public bool CalledDirectly(FileOperationsType type) => KernelParameters == EntryParameters(type) && AfterCall is null;

    public string CSharpParameters(FileOperationsType type) =>
        $"void* file{(type.HasState && TakesState ? ", void* state" : "")}{(TakesDevice(type) ? ", void* device" : "")}{ExtraCSharpParameters}";

    /// <summary>The C# entry's body: an expression, or a block starting with '{'.</summary>
    public string CSharpBody(FileOperationsType type)
    {
        string file = $"{Glue}.File(file)";
        if (type.State is not { } state)
        {
            string call = $"{type.TypeName}.{CSharpCall(file)}";
            return Operation == FileOperation.Release ? $"{{ {call}; return 0; }}" : CSharpReturnOf!(call);
        }
        string stateType = $"{FileState}<{state.TypeName}>";
        // Dispose (when the state owns anything), then free: after release and after a failed open.
        string releaseState = $"{(state.Disposable ? $"{stateType}.At(state).Dispose(); " : "")}{stateType}.Free(file, state);";
        bool implemented = type.Implemented.HasFlag(Operation);
        if (Operation == FileOperation.Open && type.DeviceType is { } device)
        {
            // The C glue took a share of the opened device: the open owns it, the driver's Open
            // shares it on into the state if it keeps it, and the share is dropped either way.
            string context = $"global::KernelSharp.Glue.DeviceContext<{device}>";
            return $$"""
                {
                            int found = {{context}}.Found(device);
                            if (found != 0)
                                return found;
                            global::KernelSharp.Memory.Shared<{{device}}> opened = {{context}}.Adopt(device);
                            void* state = {{stateType}}.Allocate(file);
                            int ret = state == null ? global::KernelSharp.Error.ENOMEM.Errno
                                : {{CSharpReturnOf!($"{type.TypeName}.{CSharpCall($"{file}, in opened, out {stateType}.At(state)")}")}};
                            opened.Dispose();
                            if (ret != 0 && state != null)
                                { {{releaseState}} }
                            return ret;
                        }
                """;
        }
        if (Operation == FileOperation.Open)
        {
            // Zeroed state, filled by the driver's Open if it has one; a failed open disposes it.
            string open = implemented ? CSharpReturnOf!($"{type.TypeName}.{CSharpCall($"{file}, out {stateType}.At(state)")}") : "0";
            return $$"""
                {
                            void* state = {{stateType}}.Allocate(file);
                            if (state == null)
                                return global::KernelSharp.Error.ENOMEM.Errno;
                            int ret = {{open}};
                            if (ret != 0)
                                { {{releaseState}} }
                            return ret;
                        }
                """;
        }
        // Read-only to operations that may run at once on one open file; Release is the last.
        string access = Operation == FileOperation.Release ? "ref" : "in";
        string driverCall = $"{type.TypeName}.{CSharpCall($"{access} {stateType}.At(state), {file}")}";
        if (Operation == FileOperation.Release)
            return $"{{ {(implemented ? $"{driverCall}; " : "")}{releaseState} return 0; }}";
        return CSharpReturnOf!(driverCall);
    }
}
