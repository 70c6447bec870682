// Kernel timers (<linux/timer.h>) that own the data their handler works on. The handler is a
// static method of a type the build tool finds (ITimerHandler<TData>); it runs in softirq
// context with the data's lock held, and process context reaches the data only through
// LockData, so the two never touch it at once. Disposing cancels the timer synchronously:
// unloading with a timer armed is safe by construction.
using System;
using KernelSharp.Glue;
using KernelSharp.Interop;
using KernelSharp.Sync;

namespace KernelSharp.Time
{
    /// <summary>
    /// What a timer does when it fires. <see cref="Expired"/> runs in softirq context: it must
    /// not sleep (ksharp refuses a call that may, KS0008), and it returns whether to fire again.
    /// </summary>
    public interface ITimerHandler<TData> where TData : unmanaged, IDisposable
    {
        static abstract TimerNext Expired(ref TData data);
    }

    /// <summary>What a timer handler asks for: nothing more, or to fire again.</summary>
    public readonly struct TimerNext
    {
        internal readonly long Delay;

        private TimerNext(long delay) { Delay = delay; }

        /// <summary>Do not fire again (until started).</summary>
        public static TimerNext Stop => default;

        /// <summary>Fire again <paramref name="jiffies"/> (at least 1) after the expiry that just fired, so a periodic timer does not drift.</summary>
        public static TimerNext After(long jiffies) => new(jiffies < 1 ? 1 : jiffies);
    }

    /// <summary>
    /// A kernel timer and the <typeparamref name="TData"/> its handler <typeparamref name="THandler"/>
    /// works on, in one kernel allocation. <see cref="Start"/> arms it; <see cref="LockData"/> is
    /// the only way to the data outside the handler (a spin lock with softirqs off: hold it
    /// in a using, and do not sleep in it). <see cref="Dispose"/> stops it, waits for a
    /// handler that is running, disposes the data and frees it, once.
    /// </summary>
    public unsafe struct Timer<THandler, TData> : IDisposable
        where THandler : ITimerHandler<TData>
        where TData : unmanaged, IDisposable
    {
        private void* _timer;
        private TData* _data;

        /// <summary>A timer, not armed, around zeroed data. ENOMEM when memory runs out. Process context.</summary>
        [MaySleep]
        public static Result Create(out Timer<THandler, TData> timer)
        {
            timer = default;
            void* data;
            void* created = Native.ksharp_timer_create(CallbackFunction<THandler>.Require(), (nuint)sizeof(TData), &data);
            Result result = ShimResult.FromPointer(created);
            if (result.IsOk)
            {
                timer._timer = created;
                timer._data = (TData*)data;
            }
            return result;
        }

        public readonly bool IsEmpty => _timer == null;

        /// <summary>
        /// mod_timer: fire once, <paramref name="jiffies"/> from now (a pending expiry is replaced).
        /// Never sleeps. From the timer's own handler it asks for a rearm when the handler returns.
        /// (From its own handler, <see cref="LockData"/> and <see cref="Cancel"/> would deadlock:
        /// they stop the kernel with a BUG that says so.)
        /// </summary>
        public readonly void Start(long jiffies) => Native.ksharp_timer_start(Required(), jiffies);

        /// <summary>del_timer_sync: not armed, and its handler not running, when this returns; true if it was armed.</summary>
        [MaySleep]
        public readonly bool Cancel() => Native.ksharp_timer_cancel(Required()) != 0;

        /// <summary>The data, with the handler kept out (spin_lock_bh) until the guard is disposed.</summary>
        public readonly SpinLockGuard<TData> LockData()
        {
            void* spinLock = SpinLockCalls.Lock(Native.ksharp_timer_lock(Required()), SpinLockMode.BottomHalves, out ulong flags);
            return new SpinLockGuard<TData>(spinLock, _data, SpinLockMode.BottomHalves, flags);
        }

        [MaySleep]
        public void Dispose()
        {
            if (_timer == null)
                return;
            Native.ksharp_timer_shutdown(_timer);
            _data->Dispose();
            Native.ksharp_timer_destroy(_timer);
            _timer = null;
            _data = null;
        }

        private readonly void* Required() => KernelObject.Required(_timer, "InvalidOperationException: timer that was never created or already freed");
    }
}
