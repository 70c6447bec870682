// The processor the caller runs on (<linux/smp.h>, <linux/preempt.h>, <asm/processor.h>).
using KernelSharp.Interop;

namespace KernelSharp.Tasks
{
    /// <summary>The processor the caller runs on.</summary>
    public static class Cpu
    {
        /// <summary>Its number (smp_processor_id). Preemptible code may be moved right after: a hint.</summary>
        public static int Current => Native.ksharp_current_cpu();

        /// <summary>Whether it is serving an interrupt or a softirq (!in_task()): true in a timer handler, false in process context even with a spin lock held.</summary>
        public static bool InInterrupt => Native.ksharp_in_interrupt() != 0;

        /// <summary>preempt_count(): nonzero where the caller may not sleep (a spin lock held, a softirq).</summary>
        public static int PreemptCount => Native.ksharp_preempt_count();

        /// <summary>cpu_relax(): the pause each turn of a busy-wait loop makes (PAUSE on x86).</summary>
        public static void Relax() => Native.ksharp_cpu_relax();
    }
}
