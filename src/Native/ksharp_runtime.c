// SPDX-License-Identifier: GPL-2.0
/*
 * What ILCompiler's output expects of a runtime, reduced to what a kernel module needs:
 * GC transitions are no-ops (there is no GC), the stack-protector cookie is drawn at load,
 * and a fail-fast from compiled code is a kernel BUG.
 */
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/module.h>
#include <linux/kdebug.h>
#include <linux/notifier.h>
#include <asm/traps.h>
#include "ksharp.h"

/* Read by the stack-protector prologue/epilogue of compiled C#; randomized at init. */
unsigned long __security_cookie = 0x2b992ddfa232UL;
/* Checked after calls that suppress GC transitions: never set, no GC ever asks. */
int RhpTrapThreads;

atomic_long_t ksharp_live_allocations = ATOMIC_LONG_INIT(0);

/*
 * The machine-code pass removes the calls to these (src/Tool/MachineCode/RuntimeCallRemover.cs);
 * the definitions stay so that the object checker and a look at the ILCompiler output agree.
 */
void RhpReversePInvoke(void *frame) { }
void RhpReversePInvokeReturn(void *frame) { }
void RhpPInvoke(void *frame) { }
void RhpPInvokeReturn(void *frame) { }
void RhpGcPoll(void) { }

void __noreturn ksharp_panic(const char *message, size_t length)
{
	pr_emerg("%s: C# failure: %.*s\n", THIS_MODULE->name, (int)length, message);
	BUG();
}

void __noreturn RhpFallbackFailFast(void)
{
	static const char message[] = "fail-fast requested by compiled code";

	ksharp_panic(message, sizeof(message) - 1);
}

/*
 * Some failures .NET reports as exceptions are CPU traps in compiled code: RyuJIT emits no
 * zero check before idiv (the divide error is the check), and a null reference is a page
 * fault. When an oops comes from this module, name the failure the way .NET would, after
 * the kernel's own report. The trap is told by the oops' title: a kernel-mode page fault
 * reaches here through __die("Oops") with a stale trap number, so trapnr alone would lie.
 */
static int ksharp_die(struct notifier_block *block, unsigned long event, void *data)
{
	struct die_args *args = data;

	if (event != DIE_OOPS || !args->regs || !within_module(instruction_pointer(args->regs), THIS_MODULE))
		return NOTIFY_DONE;
	if (args->str && !strcmp(args->str, "divide error"))
		pr_emerg("%s: C# failure: DivideByZeroException: attempted to divide by zero\n", THIS_MODULE->name);
	else if ((args->str && !strcmp(args->str, "Oops")) || args->trapnr == X86_TRAP_GP)
		pr_emerg("%s: C# failure: NullReferenceException or invalid memory access\n", THIS_MODULE->name);
	return NOTIFY_DONE;
}

static struct notifier_block ksharp_die_notifier = {
	.notifier_call = ksharp_die,
};

/* Called by the generated module_init before C# init, and by module_exit after C# exit. */
int ksharp_runtime_init(void)
{
	/* No C# frame is live here (load-time parameter setters have returned), so the
	 * cookie can change without tripping a check. */
	get_random_bytes(&__security_cookie, sizeof(__security_cookie));
	return register_die_notifier(&ksharp_die_notifier);
}

void ksharp_runtime_exit(void)
{
	long leaked = atomic_long_read(&ksharp_live_allocations);

	/* Exit (or a failed Init) must have released every owned object. */
	if (leaked)
		pr_err("%s: %ld kernel object(s) created from C# (memory, mutexes, classes, devices) were never released\n",
		       THIS_MODULE->name, leaked);
	unregister_die_notifier(&ksharp_die_notifier);
}
