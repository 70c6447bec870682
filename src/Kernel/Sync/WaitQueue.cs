// Wait queues (<linux/wait.h>): a task sleeps until a condition holds, and whoever makes it
// hold wakes the queue. C's wait_event_interruptible is a macro around the condition; here the
// condition is a struct whose IsMet the library tests in the same loop the macro expands to.
using System;
using System.Runtime.CompilerServices;
using KernelSharp.Interop;
using KernelSharp.Time;

namespace KernelSharp.Sync
{
    /// <summary>
    /// What a waiter waits for, tested after the task is queued and marked asleep, so a wake-up
    /// between the test and the sleep is not lost. It runs in that state: it must not sleep
    /// (reading atomics, or taking a spin lock, is fine; a mutex is not).
    /// </summary>
    public interface IWaitCondition
    {
        bool IsMet();
    }

    /// <summary>
    /// A kernel wait queue (wait_queue_head_t), owned: <see cref="Dispose"/> frees it once, after
    /// its last waiter has left (a module's Exit, after the files that wait on it are closed).
    /// Two ways to wait:
    /// <list type="bullet">
    /// <item>for a condition on data no lock guards (an atomic flag):
    /// <c>queue.WaitInterruptible(new FlagIsSet())</c>, as <c>wait_event_interruptible(q, flag != 0)</c>;</item>
    /// <item>for data a <see cref="Mutex{T}"/> guards, as Rust's CondVar does:
    /// <c>while (guard.Data.IsEmpty) { if (queue.WaitInterruptible(in guard).Failed) return Error.ERESTARTSYS; }</c>.
    /// The mutex is released while the task sleeps and held again when the call returns, so
    /// the guard stays valid either way.</item>
    /// </list>
    /// Both return ERESTARTSYS when a signal ends the wait: return it, and the kernel restarts
    /// the system call or reports EINTR. Wake it with <see cref="WakeUp"/> after changing what
    /// the waiters test.
    /// </summary>
    public unsafe struct WaitQueue : IDisposable
    {
        private void* _queue;

        /// <summary>Allocates a wait queue. ENOMEM when memory runs out. Process context.</summary>
        [MaySleep]
        public static Result Create(out WaitQueue queue)
        {
            queue = default;
            void* created = Native.ksharp_waitqueue_create();
            Result result = ShimResult.FromPointer(created);
            if (result.IsOk)
                queue._queue = created;
            return result;
        }

        public readonly bool IsEmpty => _queue == null;

        /// <summary>The kernel's wait_queue_head, for poll_wait.</summary>
        internal readonly void* Head => Required(_queue);

        /// <summary>wait_event_interruptible: sleeps until <paramref name="condition"/> is met (Ok) or a signal arrives (ERESTARTSYS).</summary>
        [MaySleep]
        public readonly Result WaitInterruptible<TCondition>(TCondition condition) where TCondition : struct, IWaitCondition =>
            Wait(condition, exclusive: false, Jiffies.Forever, out _);

        /// <summary>
        /// wait_event_interruptible_exclusive: as <see cref="WaitInterruptible{TCondition}(TCondition)"/>,
        /// but <see cref="WakeUp"/> wakes one exclusive waiter, not all (one opener of a device
        /// that admits one at a time).
        /// </summary>
        [MaySleep]
        public readonly Result WaitInterruptibleExclusive<TCondition>(TCondition condition) where TCondition : struct, IWaitCondition =>
            Wait(condition, exclusive: true, Jiffies.Forever, out _);

        /// <summary>
        /// wait_event_interruptible_timeout: sleeps until the condition is met, a signal arrives
        /// (ERESTARTSYS) or <paramref name="timeout"/> jiffies pass. The value is the jiffies left
        /// when the condition was met (at least 1), or 0 when the time ran out first.
        /// </summary>
        [MaySleep]
        public readonly Result<long> WaitInterruptibleTimeout<TCondition>(TCondition condition, long timeout) where TCondition : struct, IWaitCondition
        {
            Result waited = Wait(condition, exclusive: false, timeout < 0 ? 0 : timeout, out long left);
            if (waited.Failed)
                return waited.Error;
            return left;
        }

        /// <summary>
        /// Releases the mutex <paramref name="guard"/> holds, sleeps until woken or signalled, and
        /// takes the mutex again (mutex_lock: the guard is valid after the call whatever
        /// happened). Ok when woken, ERESTARTSYS on a signal. Test the data again after it
        /// returns: another task may have got there first.
        /// </summary>
        [MaySleep]
        public readonly Result WaitInterruptible<T>(in MutexGuard<T> guard) where T : unmanaged, IDisposable
        {
            void* mutex = guard.Held;
            if (mutex == null)
                Environment.FailFast("InvalidOperationException: wait with a guard that holds no mutex");
            WaitEntry entry = default;
            Native.ksharp_wait_init(&entry, 0);
            int prepared = Native.ksharp_wait_prepare(Required(_queue), &entry);
            Native.ksharp_mutex_unlock(mutex);
            if (prepared == 0)
                Native.ksharp_wait_schedule(Jiffies.Forever);
            Native.ksharp_wait_finish(_queue, &entry);
            Native.ksharp_mutex_lock(mutex);
            return prepared != 0 || Native.ksharp_signal_pending() != 0 ? Error.ERESTARTSYS : Result.Ok;
        }

        /// <summary>wake_up_interruptible: wakes every waiter, but only one exclusive waiter. Never sleeps.</summary>
        public readonly void WakeUp() => Native.ksharp_wake_up_interruptible(Required(_queue));

        /// <summary>wake_up_interruptible_all: wakes every waiter, exclusive ones included.</summary>
        public readonly void WakeUpAll() => Native.ksharp_wake_up_interruptible_all(Required(_queue));

        public void Dispose()
        {
            if (_queue == null)
                return;
            Native.ksharp_waitqueue_destroy(_queue);
            _queue = null;
        }

        // The loop wait_event_interruptible(_timeout) expands to. timeout: jiffies, or Forever.
        private readonly Result Wait<TCondition>(TCondition condition, bool exclusive, long timeout, out long left) where TCondition : struct, IWaitCondition
        {
            WaitEntry entry = default;
            Native.ksharp_wait_init(&entry, exclusive ? 1 : 0);
            Result result = Result.Ok;
            left = timeout;
            while (true)
            {
                int pending = Native.ksharp_wait_prepare(Required(_queue), &entry);
                if (condition.IsMet())
                {
                    if (left == 0)
                        left = 1; // met as the time ran out: still met
                    break;
                }
                if (pending != 0)
                {
                    result = Error.ERESTARTSYS;
                    break;
                }
                if (left == 0)
                    break; // timed out
                left = Native.ksharp_wait_schedule(left);
            }
            Native.ksharp_wait_finish(_queue, &entry);
            return result;
        }

        private static void* Required(void* queue) => KernelObject.Required(queue, "InvalidOperationException: wait queue that was never created or already freed");

        /// <summary>Room for a struct wait_queue_entry on the waiter's stack (KSHARP_WAIT_ENTRY_SIZE; the shim checks it fits).</summary>
        [InlineArray(Native.WaitEntrySize / 8)]
        private struct WaitEntry
        {
            private ulong _element;
        }
    }
}
