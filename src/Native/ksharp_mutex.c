// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeping locks (<linux/mutex.h>). struct mutex's layout depends on the configuration
 * (debugging, lockdep), so the shim allocates it. Taking a contended mutex sleeps, which
 * compiled C# may do.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include "ksharp.h"

struct mutex *ksharp_mutex_create(void)
{
	struct mutex *mutex;

	mutex = kmalloc(sizeof(*mutex), GFP_KERNEL);
	if (mutex)
		mutex_init(mutex);
	return ksharp_track(mutex);
}

void ksharp_mutex_destroy(struct mutex *mutex)
{
	mutex_destroy(mutex);
	ksharp_untrack(mutex);
	kfree(mutex);
}

/* 0, or -EINTR when a signal arrived while waiting. */
s32 ksharp_mutex_lock_interruptible(struct mutex *mutex)
{
	return mutex_lock_interruptible(mutex);
}

void ksharp_mutex_lock(struct mutex *mutex)
{
	mutex_lock(mutex);
}

void ksharp_mutex_unlock(struct mutex *mutex)
{
	mutex_unlock(mutex);
}
