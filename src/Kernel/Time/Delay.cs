// Delays (<linux/delay.h>).
using KernelSharp.Interop;

namespace KernelSharp.Time
{
    /// <summary>Waiting for a while in process context.</summary>
    public static class Delay
    {
        /// <summary>
        /// Sleeps at least <paramref name="milliseconds"/> ms (msleep): the CPU runs other
        /// tasks meanwhile. Process context only (a file operation, init, exit), never with a
        /// spinlock held; a signal does not end it.
        /// </summary>
        [MaySleep]
        public static void Sleep(uint milliseconds) => Native.ksharp_msleep(milliseconds);
    }
}
