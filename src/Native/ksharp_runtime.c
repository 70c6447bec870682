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
