// A character device in C#: /dev/mydriver keeps the last thing written to it (up to 64 bytes)
// and reads it back. The message lives in a Mutex<T>, so every access holds the lock; each
// file operation is an interface the type implements (IRead, IWrite). See the KernelSharp guide.
using System;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.Sync;

namespace MyDriver;

[KernelModule("mydriver", Description = "MyDriver, a character device in C#")]
public sealed class MyDriverModule : IKernelModule
{
    internal static Mutex<Message> s_message;
    private static MiscDevice s_device;

    public static Result Init()
    {
        Result result = Mutex<Message>.Create(out s_message);
        return result.Failed ? result : MiscDevice.Register<MyDriverFile>("mydriver"u8, out s_device, 0x1b6);
    }

    public static void Exit()
    {
        s_device.Dispose();
        s_message.Dispose();
    }
}

/// <summary>The last write.</summary>
public struct Message : IDisposable
{
    public const int Capacity = 64;

    public MessageBytes Bytes;
    public int Length;

    public void Dispose() { }
}

[System.Runtime.CompilerServices.InlineArray(Message.Capacity)]
public struct MessageBytes
{
    private byte _first;
}

public sealed class MyDriverFile : IRead, IWrite
{
    public static Result<nint> Read(File file, UserWriter destination, ref long position)
    {
        Result locked = MyDriverModule.s_message.LockInterruptible(out MutexGuard<Message> guard);
        if (locked.Failed)
            return locked.Error;
        using (guard)
        {
            ref Message message = ref guard.Data;
            if (position >= message.Length)
                return 0; // end of file
            Span<byte> text = message.Bytes;
            Result<nint> copied = destination.CopyFrom(text.Slice((int)position, (int)Math.Min((long)destination.Length, message.Length - position)));
            if (copied.IsOk)
                position += copied.Value;
            return copied;
        }
    }

    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        nint length = (nint)source.Length; // before CopyTo, which consumes what it copies
        Result locked = MyDriverModule.s_message.LockInterruptible(out MutexGuard<Message> guard);
        if (locked.Failed)
            return locked.Error;
        using (guard)
        {
            ref Message message = ref guard.Data;
            Span<byte> text = message.Bytes;
            Result<nint> copied = source.CopyTo(text.Slice(0, (int)Math.Min((nuint)Message.Capacity, source.Length)));
            if (copied.Failed)
                return copied;
            message.Length = (int)copied.Value;
            return length; // all of it taken: the device keeps the first 64 bytes
        }
    }
}
