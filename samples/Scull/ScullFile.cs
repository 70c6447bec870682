// The file operations of /dev/scullN: LDD3's scull_open, scull_read, scull_write,
// scull_llseek and scull_ioctl. A device's data is reached only through its lock. The access
// devices (ScullAccess.cs) are scull devices too: they inherit read, write, seek and ioctl
// from ScullMemoryFile and open by their own rules.
using System;
using KernelSharp;
using KernelSharp.FileSystem;
using KernelSharp.Memory;
using KernelSharp.Sync;

namespace Scull;

/// <summary>What an open /dev/scullN holds: a share of its device (LDD3 keeps the device in filp->private_data).</summary>
public struct ScullOpen : System.IDisposable
{
    public Shared<Mutex<ScullData>> Device;

    public void Dispose() => Device.Dispose();
}

/// <summary>/dev/scullN: any number of opens, each a share of its device.</summary>
public sealed class ScullFile : ScullMemoryFile, IOpen<ScullOpen, Mutex<ScullData>>
{
    public static Result Open(File file, in Shared<Mutex<ScullData>> device, out ScullOpen open)
    {
        open.Device = device.Share();
        return TrimIfWriteOnly(file, open);
    }
}

/// <summary>Read, write, seek and ioctl of a scull memory device, whichever way it was opened.</summary>
public abstract class ScullMemoryFile : IRead<ScullOpen>, IWrite<ScullOpen>, ISeek<ScullOpen>, IIoctl<ScullOpen>
{
    /// <summary>
    /// At most this many quantum sets per device. Without a bound, a seek far ahead and a
    /// one-byte write would grow the set list until memory ran out.
    /// </summary>
    public const int MaxSets = 65536;

    /// <summary>What every scull open does last: a write-only open empties the device (scull_trim).</summary>
    protected static Result TrimIfWriteOnly(File file, in ScullOpen open)
    {
        if (file.AccessMode != OpenFlags.WriteOnly)
            return Result.Ok;
        Result locked = Data(open).LockInterruptible(out MutexGuard<ScullData> guard);
        if (locked.Failed)
            return locked;
        using (guard)
            guard.Data.Trim();
        return Result.Ok;
    }

    public static Result<nint> Read(in ScullOpen open, File file, UserWriter destination, ref long position)
    {
        Result locked = Data(open).LockInterruptible(out MutexGuard<ScullData> guard);
        if (locked.Failed)
            return locked.Error;
        using (guard)
        {
            ref ScullData device = ref guard.Data;
            if (position >= device.Size)
                return 0;
            Locate(ref device, position, out int set, out int quantum, out int offset);
            // Up to the end of this quantum and of the data.
            long count = Min((long)destination.Length, Min(device.Size - position, device.Quantum - offset));
            Result<nint> copied;
            if (set < device.SetCount && !device.Sets[set].Quanta.IsEmpty && !device.Sets[set].Quanta[quantum].IsEmpty)
                copied = destination.CopyFrom(device.Sets[set].Quanta[quantum].Span.Slice(offset, (int)count));
            else
                copied = destination.Clear((nint)count); // a hole (never written, inside the data) reads as zeros
            if (copied.Failed)
                return copied.Error;
            position += copied.Value;
            return copied.Value;
        }
    }

    public static Result<nint> Write(in ScullOpen open, File file, UserReader source, ref long position)
    {
        if (source.Length == 0)
            return 0; // nothing to store, so nothing to allocate
        Result locked = Data(open).LockInterruptible(out MutexGuard<ScullData> guard);
        if (locked.Failed)
            return locked.Error;
        using (guard)
        {
            ref ScullData device = ref guard.Data;
            if (position < 0)
                return Error.EINVAL;
            Locate(ref device, position, out int set, out int quantum, out int offset);
            if (set >= MaxSets)
                return Error.EFBIG;
            Result ready = Follow(ref device, set, quantum);
            if (ready.Failed)
                return ready.Error;
            ref KernelBuffer data = ref device.Sets[set].Quanta[quantum];
            // Only up to the end of this quantum: the caller writes the rest in the next call.
            long count = Min((long)source.Length, device.Quantum - offset);
            Result<nint> copied = source.CopyTo(data.Span.Slice(offset, (int)count));
            if (copied.Failed)
                return copied.Error;
            position += copied.Value;
            if (device.Size < position)
                device.Size = position;
            return copied.Value;
        }
    }

    public static Result<long> Seek(in ScullOpen open, File file, long offset, SeekOrigin origin)
    {
        long start;
        switch (origin)
        {
            case SeekOrigin.Begin:
                start = 0;
                break;
            case SeekOrigin.Current:
                start = file.Position;
                break;
            case SeekOrigin.End:
                Result locked = Data(open).LockInterruptible(out MutexGuard<ScullData> guard);
                if (locked.Failed)
                    return locked.Error;
                using (guard)
                    start = guard.Data.Size;
                break;
            default:
                return Error.EINVAL;
        }
        // A negative result, or one past what a position can hold, is refused.
        if (offset > 0 ? start > long.MaxValue - offset : start + offset < 0)
            return Error.EINVAL;
        return start + offset;
    }

    public static Result<long> Ioctl(in ScullOpen open, File file, IoctlCommand command, IoctlArgument argument) =>
        ScullIoctl.Handle(command, ref argument);

    /// <summary>The lock around the data of the device this file opened.</summary>
    private static ref readonly Mutex<ScullData> Data(in ScullOpen open) => ref open.Device.Value;

    /// <summary>Where <paramref name="position"/> falls: quantum set, quantum in it, byte in that.</summary>
    private static void Locate(ref ScullData device, long position, out int set, out int quantum, out int offset)
    {
        long setSize = (long)device.Quantum * device.Qset;
        // One division for each quotient and remainder, as C compilers do for / and %.
        long bySet = Math.DivRem(position, setSize, out long rest);
        set = bySet > int.MaxValue ? int.MaxValue : (int)bySet;
        quantum = (int)Math.DivRem(rest, device.Quantum, out long within);
        offset = (int)within;
    }

    /// <summary>
    /// Makes sure quantum set <paramref name="set"/> and its quantum <paramref name="quantum"/>
    /// exist (LDD3's scull_follow plus the allocations in scull_write). ENOMEM changes nothing
    /// a reader could see.
    /// </summary>
    private static Result Follow(ref ScullData device, int set, int quantum)
    {
        if (set >= device.Sets.Length)
        {
            int capacity = device.Sets.Length == 0 ? 4 : device.Sets.Length;
            while (capacity <= set)
                capacity *= 2;
            Result grown = device.Sets.IsEmpty
                ? KernelArray<QuantumSet>.Allocate(capacity, Gfp.Kernel, out device.Sets)
                : device.Sets.Resize(capacity, Gfp.Kernel);
            if (grown.Failed)
                return grown;
        }
        if (device.SetCount <= set)
            device.SetCount = set + 1;
        ref QuantumSet quanta = ref device.Sets[set];
        if (quanta.Quanta.IsEmpty)
        {
            Result allocated = KernelArray<KernelBuffer>.Allocate(device.Qset, Gfp.Kernel, out quanta.Quanta);
            if (allocated.Failed)
                return allocated;
        }
        ref KernelBuffer data = ref quanta.Quanta[quantum];
        if (data.IsEmpty)
            return KernelBuffer.Allocate(device.Quantum, Gfp.Kernel, out data);
        return Result.Ok;
    }

    private static long Min(long a, long b) => a < b ? a : b;
}
