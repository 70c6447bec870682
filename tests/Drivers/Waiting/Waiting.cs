// A test module for waiting in a booted kernel: wait queues (a condition on data a mutex
// guards, as a condition variable, and a condition on an atomic flag with a timeout) and
// completions, each behind a device whose read blocks until a write lets it through; and
// poll/select readiness and SIGIO for the mailbox.
using System;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.Sync;
using KernelSharp.Time;

namespace Waiting;

[KernelModule("waiting", Description = "KernelSharp wait queue and completion checks")]
public sealed class WaitingModule : IKernelModule
{
    internal static Mutex<Mailbox> s_mailbox;
    internal static WaitQueue s_mail;
    internal static AsyncNotifier s_async;
    internal static Atomic32 s_flag;
    internal static WaitQueue s_flagged;
    internal static Completion s_done;
    private static MiscDevice s_mailDevice, s_flagDevice, s_doneDevice;

    public static Result Init()
    {
        Result result = Mutex<Mailbox>.Create(out s_mailbox);
        if (result.IsOk)
            result = WaitQueue.Create(out s_mail);
        if (result.IsOk)
            result = AsyncNotifier.Create(out s_async);
        if (result.IsOk)
            result = WaitQueue.Create(out s_flagged);
        if (result.IsOk)
            result = Completion.Create(out s_done);
        if (result.IsOk)
            result = MiscDevice.Register<MailDevice>("ckmail"u8, out s_mailDevice, 0x1b6);
        if (result.IsOk)
            result = MiscDevice.Register<FlagDevice>("ckflag"u8, out s_flagDevice, 0x1b6);
        if (result.IsOk)
            result = MiscDevice.Register<DoneDevice>("ckdone"u8, out s_doneDevice, 0x1b6);
        return result;
    }

    public static void Exit()
    {
        s_doneDevice.Dispose();
        s_flagDevice.Dispose();
        s_mailDevice.Dispose();
        s_done.Dispose();
        s_flagged.Dispose();
        s_async.Dispose();
        s_mail.Dispose();
        s_mailbox.Dispose();
    }
}

/// <summary>Letters written and not yet read.</summary>
public struct Mailbox : IDisposable
{
    public int Count;
    public byte Last;

    public void Dispose() { }
}

/// <summary>
/// /dev/ckmail: a write posts its first byte; a read takes one, sleeping while there is none
/// (EAGAIN with O_NONBLOCK). Always writable, readable while a letter waits; a write sends SIGIO.
/// </summary>
public sealed class MailDevice : IRead, IWrite, IPoll, IFasync
{
    public static PollMask Poll(File file, PollTable table)
    {
        table.Wait(WaitingModule.s_mail);
        using MutexGuard<Mailbox> guard = WaitingModule.s_mailbox.Lock();
        return guard.Data.Count > 0 ? PollMask.Readable | PollMask.Writable : PollMask.Writable;
    }

    public static Result Fasync(File file, int fd, bool on) => WaitingModule.s_async.Update(file, fd, on);

    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        nint length = (nint)source.Length;
        Span<byte> first = stackalloc byte[1];
        Result<nint> copied = source.CopyTo(first);
        if (copied.Failed)
            return copied;
        Result locked = WaitingModule.s_mailbox.LockInterruptible(out MutexGuard<Mailbox> guard);
        if (locked.Failed)
            return locked.Error;
        using (guard)
        {
            guard.Data.Count++;
            guard.Data.Last = first[0];
        }
        WaitingModule.s_mail.WakeUp();
        WaitingModule.s_async.Notify();
        return length;
    }

    public static Result<nint> Read(File file, UserWriter destination, ref long position)
    {
        Result locked = WaitingModule.s_mailbox.LockInterruptible(out MutexGuard<Mailbox> guard);
        if (locked.Failed)
            return locked.Error;
        byte letter;
        using (guard)
        {
            while (guard.Data.Count == 0)
            {
                if ((file.Flags & OpenFlags.NonBlocking) != 0)
                    return Error.EAGAIN;
                if (WaitingModule.s_mail.WaitInterruptible(in guard).Failed)
                    return Error.ERESTARTSYS;
            }
            guard.Data.Count--;
            letter = guard.Data.Last;
        }
        Span<byte> one = [letter];
        return destination.CopyFrom(one);
    }
}

/// <summary>The flag /dev/ckflag's readers wait for: set and not yet taken.</summary>
public struct FlagIsSet : IWaitCondition
{
    public readonly bool IsMet() => WaitingModule.s_flag.Read() != 0;
}

/// <summary>/dev/ckflag: a read waits up to 2 s for a write to set the flag ('f'), then takes it; 't' when the time ran out.</summary>
public sealed class FlagDevice : IRead, IWrite
{
    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        WaitingModule.s_flag.Set(1);
        WaitingModule.s_flagged.WakeUp();
        return (nint)source.Length;
    }

    public static Result<nint> Read(File file, UserWriter destination, ref long position)
    {
        Result<long> waited = WaitingModule.s_flagged.WaitInterruptibleTimeout(new FlagIsSet(), Jiffies.FromMilliseconds(2000));
        if (waited.Failed)
            return waited.Error;
        Span<byte> outcome = [waited.Value > 0 && WaitingModule.s_flag.Exchange(0) != 0 ? (byte)'f' : (byte)'t'];
        return destination.CopyFrom(outcome);
    }
}

/// <summary>/dev/ckdone: a read waits for the completion ('c'); a write completes it once.</summary>
public sealed class DoneDevice : IRead, IWrite
{
    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        WaitingModule.s_done.Complete();
        return (nint)source.Length;
    }

    public static Result<nint> Read(File file, UserWriter destination, ref long position)
    {
        if (WaitingModule.s_done.WaitInterruptible().Failed)
            return Error.ERESTARTSYS;
        Span<byte> done = [(byte)'c'];
        return destination.CopyFrom(done);
    }
}
