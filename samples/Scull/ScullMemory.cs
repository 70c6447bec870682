// /proc/scullmem: LDD3's scull_read_procmem, line for line: per device its geometry and
// size, every quantum set, and the quanta of the last one. Addresses print hashed (%p).
using System;
using KernelSharp;
using KernelSharp.FileSystem;
using KernelSharp.Memory;
using KernelSharp.Sync;

namespace Scull;

public sealed class ScullMemory : ISeqShow
{
    public static Result Show(SeqFile output)
    {
        ReadOnlySpan<ScullDevice> devices = ScullModule.Devices.ReadOnly;
        for (int i = 0; i < devices.Length; i++)
        {
            Result locked = devices[i].Data.Value.LockInterruptible(out MutexGuard<ScullData> guard);
            if (locked.Failed)
                return locked;
            using (guard)
            {
                ref ScullData device = ref guard.Data;
                output.Print($"\nDevice {i}: qset {device.Qset}, q {device.Quantum}, sz {device.Size}\n");
                for (int set = 0; set < device.SetCount; set++)
                {
                    ref KernelArray<KernelBuffer> quanta = ref device.Sets[set].Quanta;
                    output.Print($"  item at {device.Sets.AddressOf(set)}, qset at {quanta.Address}\n");
                    if (quanta.IsEmpty || set != device.SetCount - 1)
                        continue; // only the last set's quanta, as LDD3
                    for (int j = 0; j < quanta.Length; j++)
                        if (!quanta[j].IsEmpty)
                            output.Print($"     {j,3}: {quanta[j].Address:8}\n"); // C's "    % 4i: %8p"
                }
            }
        }
        return Result.Ok;
    }
}
