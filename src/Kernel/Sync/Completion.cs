// Completions (<linux/completion.h>): one task waits until another says that something has
// happened. Each Complete lets one wait through; CompleteAll lets every wait through until
// Reset.
using System;
using KernelSharp.Interop;

namespace KernelSharp.Sync
{
    /// <summary>
    /// A kernel completion, owned: <see cref="Dispose"/> frees it once, when no task waits on it.
    /// <code>
    /// if (s_done.WaitInterruptible().Failed)
    ///     return Error.ERESTARTSYS; // a signal came first
    /// </code>
    /// </summary>
    public unsafe struct Completion : IDisposable
    {
        private void* _done;

        /// <summary>Allocates a completion, not completed. ENOMEM when memory runs out. Process context.</summary>
        [MaySleep]
        public static Result Create(out Completion completion)
        {
            completion = default;
            void* created = Native.ksharp_completion_create();
            Result result = ShimResult.FromPointer(created);
            if (result.IsOk)
                completion._done = created;
            return result;
        }

        public readonly bool IsEmpty => _done == null;

        /// <summary>wait_for_completion_interruptible: Ok once completed, ERESTARTSYS when a signal comes first.</summary>
        [MaySleep]
        public readonly Result WaitInterruptible() =>
            Native.ksharp_wait_for_completion_interruptible(Required()) == 0 ? Result.Ok : Error.ERESTARTSYS;

        /// <summary>
        /// wait_for_completion_interruptible_timeout: the jiffies left (at least 1) once completed,
        /// 0 when <paramref name="timeout"/> jiffies ran out first, ERESTARTSYS on a signal.
        /// </summary>
        [MaySleep]
        public readonly Result<long> WaitInterruptible(long timeout)
        {
            long left = Native.ksharp_wait_for_completion_interruptible_timeout(Required(), timeout < 0 ? 0 : timeout);
            if (left < 0)
                return Error.ERESTARTSYS;
            return left;
        }

        /// <summary>complete: lets one waiter (present or future) through. Never sleeps.</summary>
        public readonly void Complete() => Native.ksharp_complete(Required());

        /// <summary>complete_all: lets every waiter through until <see cref="Reset"/>.</summary>
        public readonly void CompleteAll() => Native.ksharp_complete_all(Required());

        /// <summary>reinit_completion: not completed again; only while no one waits.</summary>
        public readonly void Reset() => Native.ksharp_reinit_completion(Required());

        public void Dispose()
        {
            if (_done == null)
                return;
            Native.ksharp_completion_destroy(_done);
            _done = null;
        }

        private readonly void* Required() => KernelObject.Required(_done, "InvalidOperationException: completion that was never created or already freed");
    }
}
