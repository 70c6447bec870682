// scull's ioctl commands, numbered as in LDD3's scull.h so its user-space tools work
// unchanged: magic 'k'; Set through a pointer, Tell by value, Get through a pointer, Query
// as the return value, eXchange through a pointer, sHift by value returning the old value.
using KernelSharp;
using KernelSharp.FileSystem;
using KernelSharp.Security;
using KernelSharp.Sync;

namespace Scull;

public static class ScullIoctl
{
    public const byte Magic = (byte)'k';
    /// <summary>LDD3 numbers up to 14 (13 and 14 belong to scullpipe, which this module lacks).</summary>
    public const byte MaxNumber = 14;

    public static IoctlCommand Reset => IoctlCommand.None(Magic, 0);
    public static IoctlCommand SetQuantum => IoctlCommand.Write<int>(Magic, 1);
    public static IoctlCommand SetQset => IoctlCommand.Write<int>(Magic, 2);
    public static IoctlCommand TellQuantum => IoctlCommand.None(Magic, 3);
    public static IoctlCommand TellQset => IoctlCommand.None(Magic, 4);
    public static IoctlCommand GetQuantum => IoctlCommand.Read<int>(Magic, 5);
    public static IoctlCommand GetQset => IoctlCommand.Read<int>(Magic, 6);
    public static IoctlCommand QueryQuantum => IoctlCommand.None(Magic, 7);
    public static IoctlCommand QueryQset => IoctlCommand.None(Magic, 8);
    public static IoctlCommand ExchangeQuantum => IoctlCommand.ReadWrite<int>(Magic, 9);
    public static IoctlCommand ExchangeQset => IoctlCommand.ReadWrite<int>(Magic, 10);
    public static IoctlCommand ShiftQuantum => IoctlCommand.None(Magic, 11);
    public static IoctlCommand ShiftQset => IoctlCommand.None(Magic, 12);

    public static Result<long> Handle(IoctlCommand command, ref IoctlArgument argument)
    {
        if (command.Type != Magic || command.Number > MaxNumber)
            return Error.ENOTTY;
        if (command == Reset)
        {
            using MutexGuard resetGuard = ScullModule.ParameterLock.Lock();
            ScullModule.scull_quantum = ScullModule.DefaultQuantum;
            ScullModule.scull_qset = ScullModule.DefaultQset;
            return 0;
        }
        // Odd numbers are about the quantum, even ones about the qset; the same six verbs each.
        bool quantum = (command.Number & 1) != 0;
        ref int value = ref quantum ? ref ScullModule.scull_quantum : ref ScullModule.scull_qset;
        if (command == (quantum ? GetQuantum : GetQset))
            return ToResult(argument.Write(command, value));
        if (command == (quantum ? QueryQuantum : QueryQset))
            return value;

        bool set = command == (quantum ? SetQuantum : SetQset);
        bool tell = command == (quantum ? TellQuantum : TellQset);
        bool exchange = command == (quantum ? ExchangeQuantum : ExchangeQset);
        bool shift = command == (quantum ? ShiftQuantum : ShiftQset);
        if (!(set || tell || exchange || shift))
            return Error.ENOTTY;
        if (!Capabilities.IsCapable(Capability.SysAdmin))
            return Error.EPERM;

        int newValue;
        if (set || exchange)
        {
            Result read = argument.Read(command, out newValue);
            if (read.Failed)
                return read.Error;
        }
        else
        {
            // By value: the whole unsigned long must be an int, not just its low half.
            if (argument.Value > int.MaxValue)
                return Error.EINVAL;
            newValue = argument.AsInt;
        }
        // A quantum or qset below 1 would divide by zero at the next write: refused, unchanged.
        if (newValue < 1)
            return Error.EINVAL;
        // Exchange and shift read the old value and store the new one as one step.
        Result locked = ScullModule.ParameterLock.LockInterruptible(out MutexGuard guard);
        if (locked.Failed)
            return locked.Error;
        using (guard)
        {
            int old = value;
            if (exchange)
            {
                Result written = argument.Write(command, old);
                if (written.Failed)
                    return written.Error;
            }
            value = newValue;
            return shift ? old : 0;
        }
    }

    private static Result<long> ToResult(Result result) => result.Failed ? result.Error : 0;
}
