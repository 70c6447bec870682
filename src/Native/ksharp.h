/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C shim layer: every kernel facility C# reaches goes through a ksharp_* function
 * here. Shims are thin and 1:1 with the kernel API they wrap, use fixed-width types, and
 * hide struct layouts and macros so the compiled C# never depends on a kernel version.
 */
#ifndef KSHARP_H
#define KSHARP_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/atomic.h>

void __noreturn ksharp_panic(const char *message, size_t length);
int ksharp_runtime_init(void);
void ksharp_runtime_exit(void);

/*
 * Kernel objects C# owns and has not released: memory blocks, mutexes, classes, misc
 * devices. Shims count what they create and destroy; module exit reports a leak.
 */
extern atomic_long_t ksharp_live_allocations;

static inline void *ksharp_track(void *object)
{
	if (object)
		atomic_long_inc(&ksharp_live_allocations);
	return object;
}

static inline void ksharp_untrack(const void *object)
{
	if (object)
		atomic_long_dec(&ksharp_live_allocations);
}

#endif
