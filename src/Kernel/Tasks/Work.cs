// Work items (<linux/workqueue.h>) that own the data their handler works on: deferred work in
// process context, which may sleep. The handler is a static method of a type the build tool
// finds (IWorkHandler<TData>); it runs with the data's mutex held, and process context
// reaches the data only through LockData. Disposing cancels the work synchronously:
// unloading with work queued is safe by construction.
using System;
using KernelSharp.Glue;
using KernelSharp.Interop;
using KernelSharp.Sync;

namespace KernelSharp.Tasks
{
    /// <summary>What a work item does when a kernel worker runs it: in process context, so it may sleep.</summary>
    public interface IWorkHandler<TData> where TData : unmanaged, IDisposable
    {
        static abstract WorkNext Run(ref TData data);
    }

    /// <summary>What a work handler asks for: nothing more, or to run again.</summary>
    public readonly struct WorkNext
    {
        internal readonly long Delay;

        private WorkNext(long delay) { Delay = delay; }

        /// <summary>Do not run again (until scheduled).</summary>
        public static WorkNext Done => new(-1);

        /// <summary>Run again <paramref name="jiffies"/> from now (0: as soon as a worker is free).</summary>
        public static WorkNext After(long jiffies) => new(jiffies < 0 ? 0 : jiffies);
    }

    /// <summary>Which of the kernel's shared workqueues a work item goes to.</summary>
    public enum WorkQueueKind
    {
        /// <summary>system_wq: ordinary deferred work.</summary>
        System = 0,
        /// <summary>
        /// system_highpri_wq: workers at high priority, for short work that should run soon.
        /// This is what KernelSharp offers in place of tasklets (deprecated; 6.1 has no
        /// BH workqueue yet): the handler runs in process context, may sleep, and cannot
        /// hold up softirqs.
        /// </summary>
        HighPriority = 1,
    }

    /// <summary>
    /// A work item and the <typeparamref name="TData"/> its handler <typeparamref name="THandler"/>
    /// works on, in one kernel allocation. <see cref="Schedule"/> queues it; <see cref="LockData"/>
    /// is the only way to the data outside the handler. <see cref="Dispose"/> stops it, waits for
    /// a handler that is running, disposes the data and frees it, once.
    /// </summary>
    public unsafe struct Work<THandler, TData> : IDisposable
        where THandler : IWorkHandler<TData>
        where TData : unmanaged, IDisposable
    {
        private void* _work;
        private TData* _data;

        /// <summary>A work item, not queued, around zeroed data, for <paramref name="queue"/>. ENOMEM when memory runs out.</summary>
        [MaySleep]
        public static Result Create(WorkQueueKind queue, out Work<THandler, TData> work)
        {
            work = default;
            void* data;
            void* created = Native.ksharp_work_create(CallbackFunction<THandler>.Require(), (int)queue, (nuint)sizeof(TData), &data);
            Result result = ShimResult.FromPointer(created);
            if (result.IsOk)
            {
                work._work = created;
                work._data = (TData*)data;
            }
            return result;
        }

        public readonly bool IsEmpty => _work == null;

        /// <summary>queue_delayed_work: run <paramref name="jiffies"/> from now (0: soon); false if it was queued already. Never sleeps.</summary>
        public readonly bool Schedule(long jiffies = 0) => Native.ksharp_work_schedule(Required(), jiffies) != 0;

        /// <summary>cancel_delayed_work_sync: not queued, and its handler not running, when this returns; true if it was queued.</summary>
        [MaySleep]
        public readonly bool Cancel() => Native.ksharp_work_cancel(Required()) != 0;

        /// <summary>The data, with the handler kept out (its mutex) until the guard is disposed.</summary>
        [MaySleep]
        public readonly MutexGuard<TData> LockData()
        {
            void* mutex = Native.ksharp_work_lock(Required());
            Native.ksharp_mutex_lock(mutex);
            return new MutexGuard<TData>(mutex, _data);
        }

        [MaySleep]
        public void Dispose()
        {
            if (_work == null)
                return;
            Native.ksharp_work_shutdown(_work);
            _data->Dispose();
            Native.ksharp_work_destroy(_work);
            _work = null;
            _data = null;
        }

        private readonly void* Required() => KernelObject.Required(_work, "InvalidOperationException: work item that was never created or already freed");
    }
}
