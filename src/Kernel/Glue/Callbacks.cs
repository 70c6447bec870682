// Support for callbacks from the kernel into a driver's handler types (timers, work items):
// the generated C defines one kernel callback per handler type and hands its address to
// the generated init, which stores it here; the generated C# entries call the handler.
using System;
using KernelSharp.Tasks;
using KernelSharp.Time;

namespace KernelSharp.Glue
{
    /// <summary>The kernel callback the generated C defines for <typeparamref name="THandler"/>.</summary>
    public static unsafe class CallbackFunction<THandler>
    {
        private static void* s_function;

        public static void Set(void* function) => s_function = function;

        internal static void* Require() => SetAtInit.Require(s_function, "timer or work callback missing: the module was not built by ksharp");
    }

    /// <summary>What the generated entries run: the handler on its data, and what it asked for.</summary>
    public static unsafe class CallbackEntries
    {
        public static long TimerExpired<THandler, TData>(void* data)
            where THandler : ITimerHandler<TData>
            where TData : unmanaged, IDisposable => THandler.Expired(ref *(TData*)data).Delay;

        public static long WorkRun<THandler, TData>(void* data)
            where THandler : IWorkHandler<TData>
            where TData : unmanaged, IDisposable => THandler.Run(ref *(TData*)data).Delay;
    }
}
