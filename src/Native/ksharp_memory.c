// SPDX-License-Identifier: GPL-2.0
/* Kernel memory (<linux/slab.h>). GFP bit values differ between kernel versions, so C#
 * passes KernelSharp's own flag numbers (Memory/KernelBuffer.cs: Gfp) and they are mapped
 * here, against the target kernel's headers. */
#include <linux/slab.h>
#include "ksharp.h"

enum ksharp_gfp { KSHARP_GFP_KERNEL = 0, KSHARP_GFP_ATOMIC = 1, KSHARP_GFP_NOWAIT = 2 };

/* Zeroed memory, or ERR_PTR(-ENOMEM); ERR_PTR(-EINVAL) for flags C# does not define. */
void *ksharp_kmalloc(size_t size, u32 flags)
{
	gfp_t gfp;
	void *memory;

	switch (flags) {
	case KSHARP_GFP_KERNEL:
		gfp = GFP_KERNEL; /* may sleep to reclaim memory */
		break;
	case KSHARP_GFP_ATOMIC:
		gfp = GFP_ATOMIC;
		break;
	case KSHARP_GFP_NOWAIT:
		gfp = GFP_NOWAIT;
		break;
	default:
		return ERR_PTR(-EINVAL);
	}
	/* Sizes often come from user input: a failure is ENOMEM for the caller, not a
	 * warning with a stack trace in the log (hence __GFP_NOWARN and this bound). */
	if (size > KMALLOC_MAX_SIZE)
		return ERR_PTR(-ENOMEM);
	memory = kzalloc(size, gfp | __GFP_NOWARN);
	return memory ? ksharp_track(memory) : ERR_PTR(-ENOMEM);
}

void ksharp_kfree(const void *memory)
{
	ksharp_untrack(memory);
	kfree(memory);
}
