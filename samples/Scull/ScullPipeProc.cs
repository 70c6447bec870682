// /proc/scullpipe: LDD3's scull_read_p_mem, line for line: the default buffer size, then per
// pipe its buffer, its read and write positions and how many have it open. Addresses print
// hashed (%p), and as zeros while no one has the pipe open (it has no buffer then).
using System;
using KernelSharp;
using KernelSharp.FileSystem;
using KernelSharp.Sync;

namespace Scull;

public sealed class ScullPipeProc : ISeqShow
{
    public static Result Show(SeqFile output)
    {
        output.Print($"Default buffersize is {ScullModule.scull_p_buffer}\n");
        ReadOnlySpan<PipeDevice> pipes = ScullModule.Pipes.ReadOnly;
        for (int i = 0; i < pipes.Length; i++)
        {
            Result locked = pipes[i].Pipe.Value.Data.LockInterruptible(out MutexGuard<PipeData> guard);
            if (locked.Failed)
                return locked;
            using (guard)
            {
                ref PipeData pipe = ref guard.Data;
                output.Print($"\nDevice {i}: {pipes[i].Pipe.Address}\n");
                output.Print($"   Buffer: {pipe.Buffer.Address} to {pipe.Buffer.AddressAt(pipe.Buffer.Length)} ({pipe.Buffer.Length} bytes)\n");
                output.Print($"   rp {pipe.Buffer.AddressAt(pipe.ReadIndex)}   wp {pipe.Buffer.AddressAt(pipe.WriteIndex)}\n");
                output.Print($"   readers {pipe.Readers}   writers {pipe.Writers}\n");
            }
        }
        return Result.Ok;
    }
}
