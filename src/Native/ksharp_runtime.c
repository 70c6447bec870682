// SPDX-License-Identifier: GPL-2.0
/*
 * What ILCompiler's output expects of a runtime, reduced to what a kernel module needs:
 * GC transitions are no-ops (there is no GC), the stack-protector cookie is a constant
 * chosen at load, and a fail-fast from compiled code is a kernel BUG.
 */
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/module.h>
#include <linux/kdebug.h>
#include <linux/notifier.h>
#include <asm/traps.h>
#include "ksharp.h"

/* Read by the stack-protector prologue/epilogue of compiled C#. */
unsigned long __security_cookie = 0x2b992ddfa232UL;
/* Checked after calls that suppress GC transitions: never set, no GC ever asks. */
int RhpTrapThreads;

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
 * fault. When an oops comes from this module, name the failure the way .NET would before
 * the kernel prints its report.
 */
static int ksharp_die(struct notifier_block *block, unsigned long event, void *data)
{
	struct die_args *args = data;

	if (event != DIE_OOPS || !args->regs || !within_module(instruction_pointer(args->regs), THIS_MODULE))
		return NOTIFY_DONE;
	switch (args->trapnr) {
	case X86_TRAP_DE:
		pr_emerg("%s: C# failure: DivideByZeroException: attempted to divide by zero\n", THIS_MODULE->name);
		break;
	case X86_TRAP_PF:
	case X86_TRAP_GP:
		pr_emerg("%s: C# failure: NullReferenceException or invalid memory access\n", THIS_MODULE->name);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block ksharp_die_notifier = {
	.notifier_call = ksharp_die,
};

/* Called by the generated module_init before any C#, and by module_exit after. */
int ksharp_runtime_init(void)
{
	return register_die_notifier(&ksharp_die_notifier);
}

void ksharp_runtime_exit(void)
{
	unregister_die_notifier(&ksharp_die_notifier);
}
