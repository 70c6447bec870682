// /proc entries (<linux/proc_fs.h>: proc_create_single, proc_remove).
using System;
using KernelSharp.Glue;
using KernelSharp.Interop;
using KernelSharp.Memory;
using KernelSharp.Text;

namespace KernelSharp.FileSystem
{
    /// <summary>A file in /proc whose text a <see cref="ISeqShow"/> type prints. <see cref="Dispose"/> removes it once.</summary>
    [MaySleep]
    public unsafe struct ProcEntry : IDisposable
    {
        private const int MaxNameLength = 63;

        private void* _entry;

        /// <summary>
        /// Creates /proc/<paramref name="name"/>, read-only (0444 unless <paramref name="mode"/>
        /// says otherwise); reading it runs <typeparamref name="TShow"/>.Show. ENOMEM when the
        /// kernel refuses (it does not say why: out of memory, or the name exists, which it also
        /// warns about in the log); EINVAL for a name /proc cannot hold (empty, longer than 63
        /// bytes, with '/' or NUL, ".", "..", or digits only).
        /// </summary>
        public static Result Create<TShow>(ReadOnlySpan<byte> name, out ProcEntry entry, ushort mode = 0x124)
            where TShow : ISeqShow
        {
            entry = default;
            bool digitsOnly = true;
            foreach (byte c in name)
                digitsOnly &= c is >= (byte)'0' and <= (byte)'9';
            // "." and "..", and all-digit names (they look like a PID): the kernel WARNs on them.
            if (digitsOnly || name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                return Error.EINVAL;
            Result copied = KernelName.Copy(name, MaxNameLength, out KernelBuffer text);
            if (copied.Failed)
                return copied;
            // The entry copies the name: ours goes once the call returns.
            void* created = Native.ksharp_proc_create_single(text.Pointer, mode, SeqShowFunction<TShow>.Require());
            text.Dispose();
            Result result = ShimResult.FromPointer(created);
            if (result.IsOk)
                entry._entry = created;
            return result;
        }

        public readonly bool IsEmpty => _entry == null;

        /// <summary>Removes the file; waits for reads in progress to finish.</summary>
        public void Dispose()
        {
            if (_entry == null)
                return;
            Native.ksharp_proc_remove(_entry);
            _entry = null;
        }
    }
}
