// seq_file (<linux/seq_file.h>): the kernel's buffer for text that a /proc (or debugfs)
// file shows. The show function prints into it; seq_file handles reads, offsets and a
// buffer too small (it calls show again with a larger one).
using System;
using KernelSharp.Interop;

namespace KernelSharp.FileSystem
{
    /// <summary>
    /// Shows a /proc file's contents: implement <see cref="Show"/> as a <c>public static</c>
    /// method and create the file with <see cref="ProcEntry.Create{TShow}"/>. Show may run
    /// more than once per read (when the output outgrows seq_file's buffer), so it must print
    /// the same text each time for the same state.
    /// </summary>
    public interface ISeqShow
    {
        /// <summary>Prints the whole file. An error (e.g. ERESTARTSYS from a lock) fails the read.</summary>
        static abstract Result Show(SeqFile output);
    }

    /// <summary>The output of a show function. Lent for the call only.</summary>
    public readonly unsafe ref struct SeqFile
    {
        private readonly void* _seq;

        internal SeqFile(void* seq) { _seq = seq; }

        /// <summary>Appends UTF-8 text as it is.</summary>
        public void Write(ReadOnlySpan<byte> utf8)
        {
            fixed (byte* text = utf8)
                Native.ksharp_seq_write(_seq, text, (uint)utf8.Length);
        }

        /// <summary>
        /// Appends formatted text: <c>output.Print($"Device {i}: size {size}\n")</c>. Holes take
        /// what <see cref="Log"/> takes, with alignment (<c>{j,4}</c>) and .NET format strings;
        /// <see cref="Memory.KernelAddress"/> prints hashed, as %p. One call formats at most
        /// <see cref="LogMessage.MaxLength"/> bytes; print long text in several calls.
        /// </summary>
        public void Print(ref LogMessage text) => Write(text.Text);
    }
}
