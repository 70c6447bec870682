// SPDX-License-Identifier: GPL-2.0
/* Kernel memory (<linux/slab.h>). GFP bit values differ between kernel versions, so C#
 * passes KernelSharp's own flag numbers (Memory/KernelBuffer.cs: Gfp) and they are mapped
 * here, against the target kernel's headers. */
#include <linux/slab.h>
#include "ksharp.h"

enum ksharp_gfp { KSHARP_GFP_KERNEL = 0, KSHARP_GFP_ATOMIC = 1, KSHARP_GFP_NOWAIT = 2 };

void *ksharp_kmalloc(size_t size, u32 flags)
{
	void *memory;

	/* Sizes often come from user input: a failure is ENOMEM for the caller, not a
	 * warning with a stack trace in the log (hence __GFP_NOWARN and this bound). */
	if (size > KMALLOC_MAX_SIZE)
		return NULL;
	switch (flags) {
	case KSHARP_GFP_KERNEL:
		/* May sleep to reclaim memory. */
		memory = kzalloc(size, GFP_KERNEL | __GFP_NOWARN);
		return ksharp_track(memory);
	case KSHARP_GFP_ATOMIC:
		return ksharp_track(kzalloc(size, GFP_ATOMIC | __GFP_NOWARN));
	case KSHARP_GFP_NOWAIT:
		return ksharp_track(kzalloc(size, GFP_NOWAIT | __GFP_NOWARN));
	default:
		return NULL;
	}
}

void ksharp_kfree(const void *memory)
{
	ksharp_untrack(memory);
	kfree(memory);
}
