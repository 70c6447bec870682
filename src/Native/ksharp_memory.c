// SPDX-License-Identifier: GPL-2.0
/* Kernel memory (<linux/slab.h>). GFP bit values differ between kernel versions, so C#
 * passes KernelSharp's own flag numbers (Memory/KernelBuffer.cs: Gfp) and they are mapped
 * here, against the target kernel's headers. */
#include <linux/slab.h>
#include "ksharp.h"
#include "ksharp_fpu.h"

enum ksharp_gfp { KSHARP_GFP_KERNEL = 0, KSHARP_GFP_ATOMIC = 1, KSHARP_GFP_NOWAIT = 2 };

static void *ksharp_counted(void *memory)
{
	if (memory)
		atomic_long_inc(&ksharp_live_allocations);
	return memory;
}

void *ksharp_kmalloc(size_t size, u32 flags)
{
	void *memory;

	/* Larger requests would WARN in the page allocator: a size is input, so fail quietly. */
	if (size > KMALLOC_MAX_SIZE)
		return NULL;
	switch (flags) {
	case KSHARP_GFP_KERNEL:
		/* May sleep to reclaim memory: outside the FPU section. */
		KSHARP_MAY_SLEEP(memory = kzalloc(size, GFP_KERNEL));
		return ksharp_counted(memory);
	case KSHARP_GFP_ATOMIC:
		return ksharp_counted(kzalloc(size, GFP_ATOMIC));
	case KSHARP_GFP_NOWAIT:
		return ksharp_counted(kzalloc(size, GFP_NOWAIT));
	default:
		return NULL;
	}
}

void ksharp_kfree(const void *memory)
{
	if (memory)
		atomic_long_dec(&ksharp_live_allocations);
	kfree(memory);
}
