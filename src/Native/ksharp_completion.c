// SPDX-License-Identifier: GPL-2.0
/*
 * Completions (<linux/completion.h>): "this has happened", counted, for one task to wait on
 * another. struct completion holds a wait queue whose layout depends on the configuration,
 * so the shim allocates it.
 */
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/slab.h>
#include "ksharp.h"

struct completion *ksharp_completion_create(void)
{
	struct completion *done = kzalloc(sizeof(*done), GFP_KERNEL | __GFP_NOWARN);

	if (!done)
		return ERR_PTR(-ENOMEM);
	init_completion(done);
	return ksharp_track(done);
}

void ksharp_completion_destroy(struct completion *done)
{
	ksharp_untrack(done);
	kfree(done);
}

/* 0 once completed, -ERESTARTSYS when a signal came first. */
s32 ksharp_wait_for_completion_interruptible(struct completion *done)
{
	return wait_for_completion_interruptible(done);
}

/* The jiffies left (at least 1) once completed, 0 when @timeout ran out, -ERESTARTSYS on a signal. */
s64 ksharp_wait_for_completion_interruptible_timeout(struct completion *done, s64 timeout)
{
	return wait_for_completion_interruptible_timeout(done, timeout);
}

void ksharp_complete(struct completion *done)
{
	complete(done);
}

void ksharp_complete_all(struct completion *done)
{
	complete_all(done);
}

void ksharp_reinit_completion(struct completion *done)
{
	reinit_completion(done);
}
