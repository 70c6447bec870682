namespace KernelSharp.Tool.Build;

/// <summary>
/// How each IFileOperations member crosses from the kernel's file_operations slot to C#:
/// the C wrapper's signature, what it passes to the C# entry point, and the generated C#
/// entry point. One row per operation, so the C and C# generators cannot disagree.
/// </summary>
public sealed record FileOperationSlot(
    FileOperation Operation,
    string Slot,
    string CReturn,
    string KernelParameters,
    string EntryParameters,
    string EntryArguments,
    string CSharpReturn,
    string CSharpParameters,
    Func<string, string> CSharpBody,
    string? AfterCall = null,
    string? ExtraSlots = null)
{
    private const string Glue = "global::KernelSharp.Glue.EntryPoints";

    /// <summary>In the kernel's slot order.</summary>
    public static IReadOnlyList<FileOperationSlot> All { get; } =
    [
        new(FileOperation.Seek, "llseek", "loff_t",
            "struct file *file, loff_t offset, int whence", "struct file *file, loff_t offset, int whence", "file, offset, whence",
            "long", "void* file, long offset, int whence",
            type => $"{Glue}.LongReturn({type}.Seek({Glue}.File(file), offset, {Glue}.Origin(whence)))",
            // The new position becomes the file's, as the kernel's own llseek helpers do.
            AfterCall: "if (ret >= 0)\n\t\tfile->f_pos = ret;"),
        new(FileOperation.Read, "read", "ssize_t",
            "struct file *file, char __user *buffer, size_t length, loff_t *position",
            "struct file *file, char __user *buffer, size_t length, loff_t *position", "file, buffer, length, position",
            "nint", "void* file, nint buffer, nuint length, long* position",
            type => $"{Glue}.SizeReturn({type}.Read({Glue}.File(file), {Glue}.Writer(buffer, length), ref *position))"),
        new(FileOperation.Write, "write", "ssize_t",
            "struct file *file, const char __user *buffer, size_t length, loff_t *position",
            "struct file *file, const char __user *buffer, size_t length, loff_t *position", "file, buffer, length, position",
            "nint", "void* file, nint buffer, nuint length, long* position",
            type => $"{Glue}.SizeReturn({type}.Write({Glue}.File(file), {Glue}.Reader(buffer, length), ref *position))"),
        new(FileOperation.Ioctl, "unlocked_ioctl", "long",
            "struct file *file, unsigned int command, unsigned long argument",
            "struct file *file, unsigned int command, unsigned long argument", "file, command, argument",
            "long", "void* file, uint command, nuint argument",
            type => $"{Glue}.LongReturn({type}.Ioctl({Glue}.File(file), {Glue}.Command(command), {Glue}.Argument(argument)))",
            // 32-bit processes: the same commands, the argument widened as a pointer.
            ExtraSlots: ".compat_ioctl = compat_ptr_ioctl"),
        new(FileOperation.Open, "open", "int",
            "struct inode *inode, struct file *file", "struct file *file", "file",
            "int", "void* file",
            type => $"{type}.Open({Glue}.File(file)).ToErrno()"),
        new(FileOperation.Release, "release", "int",
            "struct inode *inode, struct file *file", "struct file *file", "file",
            "int", "void* file",
            type => $"{{ {type}.Release({Glue}.File(file)); return 0; }}"),
    ];
}
