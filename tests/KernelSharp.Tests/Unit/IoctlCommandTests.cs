using KernelSharp.FileSystem;

namespace KernelSharp.Tests.Unit;

// IoctlCommand.cs is compiled into this assembly from the kernel library's sources.
public class IoctlCommandTests
{
    // The numbers C's _IO/_IOR/_IOW/_IOWR give for LDD3's scull commands (asm-generic/ioctl.h).
    [Theory]
    [InlineData(0u, 0x00006b00u)]          // _IO('k', 0)
    [InlineData(1u, 0x40046b01u)]          // _IOW('k', 1, int)
    [InlineData(5u, 0x80046b05u)]          // _IOR('k', 5, int)
    [InlineData(9u, 0xc0046b09u)]          // _IOWR('k', 9, int)
    public void Encodes_like_the_c_macros(uint which, uint expected)
    {
        IoctlCommand command = which switch
        {
            0 => IoctlCommand.None((byte)'k', 0),
            1 => IoctlCommand.Write<int>((byte)'k', 1),
            5 => IoctlCommand.Read<int>((byte)'k', 5),
            _ => IoctlCommand.ReadWrite<int>((byte)'k', 9),
        };
        Assert.Equal(expected, command.Value);
    }

    [Fact]
    public void Decodes_direction_type_number_and_size()
    {
        var command = new IoctlCommand(0xc0106b0au); // _IOWR('k', 10, 16-byte struct)
        Assert.Equal(IoctlDirection.Read | IoctlDirection.Write, command.Direction);
        Assert.Equal((byte)'k', command.Type);
        Assert.Equal(10, command.Number);
        Assert.Equal(16, command.Size);
        Assert.Equal(IoctlCommand.Encode(command.Direction, command.Type, command.Number, command.Size), command);
    }

    [Fact]
    public void Commands_differing_only_in_size_or_direction_are_different()
    {
        Assert.NotEqual(IoctlCommand.Write<int>((byte)'k', 1), IoctlCommand.Write<long>((byte)'k', 1));
        Assert.NotEqual(IoctlCommand.Write<int>((byte)'k', 1), IoctlCommand.Read<int>((byte)'k', 1));
        Assert.True(IoctlCommand.None((byte)'k', 3) == new IoctlCommand(0x6b03));
    }
}
