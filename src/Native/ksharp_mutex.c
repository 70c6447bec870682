// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeping locks (<linux/mutex.h>). struct mutex's layout depends on the configuration
 * (debugging, lockdep), so the shim allocates it. Taking a contended mutex sleeps, so the
 * slow path runs outside the FPU section; the uncontended case is a trylock, which never
 * sleeps and keeps the common path free of FPU section switches.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include "ksharp.h"
#include "ksharp_fpu.h"

struct mutex *ksharp_mutex_create(void)
{
	struct mutex *mutex;

	KSHARP_MAY_SLEEP(mutex = kmalloc(sizeof(*mutex), GFP_KERNEL));
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
	int ret;

	if (mutex_trylock(mutex))
		return 0;
	KSHARP_MAY_SLEEP(ret = mutex_lock_interruptible(mutex));
	return ret;
}

void ksharp_mutex_lock(struct mutex *mutex)
{
	if (mutex_trylock(mutex))
		return;
	KSHARP_MAY_SLEEP(mutex_lock(mutex));
}

/* Never sleeps: waking a waiter is allowed with preemption off. */
void ksharp_mutex_unlock(struct mutex *mutex)
{
	mutex_unlock(mutex);
}
