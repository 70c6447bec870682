// /dev/scullpipeN: LDD3's pipe.c. Each device is a circular buffer of scull_p_buffer bytes
// (it holds one less, so that empty and full differ). A read sleeps while it is empty and a
// write while it is full, unless the file is O_NONBLOCK (EAGAIN); a signal ends the sleep
// (ERESTARTSYS). poll and select see the same two conditions, and each write sends SIGIO to
// the files that asked for it. Readers and writers wait on a queue each, with the buffer's
// mutex released while they sleep (WaitInterruptible(in guard)), so no wake-up is lost.
using System;
using KernelSharp;
using KernelSharp.FileSystem;
using KernelSharp.Memory;
using KernelSharp.Sync;

namespace Scull;

/// <summary>A pipe device: the pipe, shared with the files open on it, and its node.</summary>
public struct PipeDevice : IDisposable
{
    public Shared<ScullPipe> Pipe;
    public ScullNode Node;

    public void Dispose()
    {
        Node.Dispose();
        Pipe.Dispose();
    }
}

/// <summary>One pipe (LDD3's struct scull_pipe without its cdev).</summary>
public struct ScullPipe : IDisposable
{
    /// <summary>The buffer, its two indices and who has the pipe open.</summary>
    public Mutex<PipeData> Data;
    /// <summary>Readers wait here for data (LDD3's inq).</summary>
    public WaitQueue Readable;
    /// <summary>Writers wait here for room (outq).</summary>
    public WaitQueue Writable;
    /// <summary>The files that asked for SIGIO (async_queue).</summary>
    public AsyncNotifier Async;

    /// <summary>A new pipe with no buffer yet (the first open allocates it), as the first share of it.</summary>
    public static Result CreateShared(out Shared<ScullPipe> pipe)
    {
        pipe = default;
        ScullPipe created = default;
        Result result = Mutex<PipeData>.Create(out created.Data);
        if (result.IsOk)
            result = WaitQueue.Create(out created.Readable);
        if (result.IsOk)
            result = WaitQueue.Create(out created.Writable);
        if (result.IsOk)
            result = AsyncNotifier.Create(out created.Async);
        if (result.IsOk)
            result = Shared<ScullPipe>.Create(ref created, out pipe);
        created.Dispose(); // empty once moved into the share; what was created if not
        return result;
    }

    public void Dispose()
    {
        Async.Dispose();
        Writable.Dispose();
        Readable.Dispose();
        Data.Dispose();
    }
}

/// <summary>What a pipe's mutex guards.</summary>
public struct PipeData : IDisposable
{
    /// <summary>Allocated by the first open, freed by the last close (empty in between).</summary>
    public KernelBuffer Buffer;
    /// <summary>Where the next read starts (rp) and the next write goes (wp).</summary>
    public int ReadIndex, WriteIndex;
    public int Readers, Writers;

    public readonly bool IsEmpty => ReadIndex == WriteIndex;

    /// <summary>Bytes a write can store now (LDD3's spacefree): one slot always stays free.</summary>
    public readonly int SpaceFree => IsEmpty ? Buffer.Length - 1 : (ReadIndex + Buffer.Length - WriteIndex) % Buffer.Length - 1;

    public void Dispose() => Buffer.Dispose();
}

/// <summary>What an open pipe holds: a share of its pipe.</summary>
public struct PipeOpen : IDisposable
{
    public Shared<ScullPipe> Pipe;

    public void Dispose() => Pipe.Dispose();
}

public sealed class ScullPipeFile : IOpen<PipeOpen, ScullPipe>, IRelease<PipeOpen>, IRead<PipeOpen>, IWrite<PipeOpen>,
    IPoll<PipeOpen>, IFasync<PipeOpen>, IIoctl<PipeOpen>
{
    public static Result Open(File file, in Shared<ScullPipe> pipe, out PipeOpen open)
    {
        open.Pipe = pipe.Share();
        file.OpenAsStream(); // a pipe has no position: lseek, pread and pwrite give ESPIPE
        Result locked = pipe.Value.Data.LockInterruptible(out MutexGuard<PipeData> guard);
        if (locked.Failed)
            return locked;
        using (guard)
        {
            ref PipeData data = ref guard.Data;
            if (data.Buffer.IsEmpty)
            {
                // Both indices are 0: a pipe starts empty, and the last close left it so.
                Result allocated = KernelBuffer.Allocate(ScullModule.scull_p_buffer, Gfp.Kernel, out data.Buffer);
                if (allocated.Failed)
                    return allocated;
            }
            if ((file.Mode & FileMode.Read) != 0)
                data.Readers++;
            if ((file.Mode & FileMode.Write) != 0)
                data.Writers++;
        }
        return Result.Ok;
    }

    public static void Release(ref PipeOpen open, File file)
    {
        // The VFS has taken the file off the SIGIO list already (it calls Fasync at the last close).
        using MutexGuard<PipeData> guard = open.Pipe.Value.Data.Lock();
        ref PipeData data = ref guard.Data;
        if ((file.Mode & FileMode.Read) != 0)
            data.Readers--;
        if ((file.Mode & FileMode.Write) != 0)
            data.Writers--;
        if (data.Readers + data.Writers == 0)
        {
            data.Buffer.Dispose(); // the last close: what was not read is gone
            data.ReadIndex = data.WriteIndex = 0;
        }
    }

    public static Result<nint> Read(in PipeOpen open, File file, UserWriter destination, ref long position)
    {
        ref readonly ScullPipe pipe = ref open.Pipe.Value;
        Result locked = pipe.Data.LockInterruptible(out MutexGuard<PipeData> guard);
        if (locked.Failed)
            return locked.Error;
        nint count;
        using (guard)
        {
            while (guard.Data.IsEmpty)
            {
                if ((file.Flags & OpenFlags.NonBlocking) != 0)
                    return Error.EAGAIN;
                if (pipe.Readable.WaitInterruptible(in guard).Failed)
                    return Error.ERESTARTSYS;
            }
            ref PipeData data = ref guard.Data;
            // Up to the write index, or to the end of the buffer if the data wraps.
            int available = data.WriteIndex > data.ReadIndex ? data.WriteIndex - data.ReadIndex : data.Buffer.Length - data.ReadIndex;
            Result<nint> copied = destination.CopyFrom(data.Buffer.Span.Slice(data.ReadIndex, (int)Math.Min((nuint)available, destination.Length)));
            if (copied.Failed)
                return copied.Error; // nothing consumed
            count = copied.Value;
            data.ReadIndex += (int)count;
            if (data.ReadIndex == data.Buffer.Length)
                data.ReadIndex = 0;
        }
        pipe.Writable.WakeUp();
        return count;
    }

    public static Result<nint> Write(in PipeOpen open, File file, UserReader source, ref long position)
    {
        if (source.Length == 0)
            return 0;
        ref readonly ScullPipe pipe = ref open.Pipe.Value;
        Result locked = pipe.Data.LockInterruptible(out MutexGuard<PipeData> guard);
        if (locked.Failed)
            return locked.Error;
        nint count;
        using (guard)
        {
            while (guard.Data.SpaceFree == 0)
            {
                if ((file.Flags & OpenFlags.NonBlocking) != 0)
                    return Error.EAGAIN;
                if (pipe.Writable.WaitInterruptible(in guard).Failed)
                    return Error.ERESTARTSYS;
            }
            ref PipeData data = ref guard.Data;
            // Up to the free space, and to the end of the buffer or the slot before the read index.
            int room = Math.Min(data.SpaceFree, data.WriteIndex >= data.ReadIndex ? data.Buffer.Length - data.WriteIndex : data.ReadIndex - data.WriteIndex - 1);
            Result<nint> copied = source.CopyTo(data.Buffer.Span.Slice(data.WriteIndex, (int)Math.Min((nuint)room, source.Length)));
            if (copied.Failed)
                return copied.Error; // nothing stored
            count = copied.Value;
            data.WriteIndex += (int)count;
            if (data.WriteIndex == data.Buffer.Length)
                data.WriteIndex = 0;
        }
        pipe.Readable.WakeUp();
        pipe.Async.Notify();
        return count;
    }

    public static PollMask Poll(in PipeOpen open, File file, PollTable table)
    {
        ref readonly ScullPipe pipe = ref open.Pipe.Value;
        table.Wait(pipe.Readable);
        table.Wait(pipe.Writable);
        using MutexGuard<PipeData> guard = pipe.Data.Lock();
        PollMask ready = PollMask.None;
        if (!guard.Data.IsEmpty)
            ready |= PollMask.Readable;
        if (guard.Data.SpaceFree > 0)
            ready |= PollMask.Writable;
        return ready;
    }

    public static Result Fasync(in PipeOpen open, File file, int fd, bool on) => open.Pipe.Value.Async.Update(file, fd, on);

    /// <summary>The scull ioctls, as LDD3's pipes answer them too.</summary>
    public static Result<long> Ioctl(in PipeOpen open, File file, IoctlCommand command, IoctlArgument argument) =>
        ScullIoctl.Handle(command, ref argument);
}
