// poll(2), select(2), epoll and SIGIO (<linux/poll.h>, fasync): what a driver says is ready,
// the wait queues a poll registers, and the list of files that asked for SIGIO.
using System;
using KernelSharp.Interop;
using KernelSharp.Sync;

namespace KernelSharp.FileSystem
{
    /// <summary>What is ready (EPOLL* bits: user-space ABI, the same on every kernel).</summary>
    [Flags]
    public enum PollMask : uint
    {
        None = 0,
        /// <summary>EPOLLIN: data to read.</summary>
        In = 0x1,
        /// <summary>EPOLLPRI: urgent data.</summary>
        Priority = 0x2,
        /// <summary>EPOLLOUT: room to write.</summary>
        Out = 0x4,
        /// <summary>EPOLLERR.</summary>
        Error = 0x8,
        /// <summary>EPOLLHUP: the other side is gone; a read gives end of file.</summary>
        HangUp = 0x10,
        /// <summary>EPOLLRDNORM, which drivers give with In.</summary>
        ReadNormal = 0x40,
        /// <summary>EPOLLWRNORM, which drivers give with Out.</summary>
        WriteNormal = 0x100,
        /// <summary>In | ReadNormal: what LDD3's drivers return for "readable".</summary>
        Readable = In | ReadNormal,
        /// <summary>Out | WriteNormal: "writable".</summary>
        Writable = Out | WriteNormal,
    }

    /// <summary>The poll table of one poll(2) call: register each wait queue whose wake-up may change the answer.</summary>
    public readonly unsafe ref struct PollTable
    {
        private readonly void* _file;
        private readonly void* _table;

        internal PollTable(void* file, void* table)
        {
            _file = file;
            _table = table;
        }

        /// <summary>poll_wait: a wake-up of <paramref name="queue"/> makes the kernel ask again. Never sleeps.</summary>
        public void Wait(in WaitQueue queue) => Native.ksharp_poll_wait(_file, queue.Head, _table);
    }

    /// <summary>
    /// The files that asked for SIGIO (fcntl O_ASYNC): a fasync list, owned. A driver's
    /// <see cref="IFasync"/> operation calls <see cref="Update"/>; <see cref="Notify"/> signals every
    /// file on it. The VFS takes each file off at its last close, so <see cref="Dispose"/>
    /// (in the module's Exit) finds it empty.
    /// </summary>
    public unsafe struct AsyncNotifier : IDisposable
    {
        private void* _head;

        [MaySleep]
        public static Result Create(out AsyncNotifier notifier)
        {
            notifier = default;
            void* created = Native.ksharp_fasync_create();
            Result result = ShimResult.FromPointer(created);
            if (result.IsOk)
                notifier._head = created;
            return result;
        }

        public readonly bool IsEmpty => _head == null;

        /// <summary>fasync_helper: adds <paramref name="file"/> (<paramref name="on"/>) or removes it. ENOMEM when memory runs out.</summary>
        [MaySleep]
        public readonly Result Update(File file, int fd, bool on) =>
            ShimResult.FromErrno(Native.ksharp_fasync_helper(fd, file.Pointer, on ? 1 : 0, Required()));

        /// <summary>kill_fasync: SIGIO to every file on the list, for data to read (or, <paramref name="writable"/>, room to write). Never sleeps.</summary>
        public readonly void Notify(bool writable = false) => Native.ksharp_kill_fasync(Required(), writable ? 1 : 0);

        public void Dispose()
        {
            if (_head == null)
                return;
            Native.ksharp_fasync_destroy(_head);
            _head = null;
        }

        private readonly void* Required() => KernelObject.Required(_head, "InvalidOperationException: async notifier that was never created or already freed");
    }
}
