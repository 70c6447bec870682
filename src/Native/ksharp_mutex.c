// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeping locks (<linux/mutex.h>). struct mutex's layout depends on the configuration
 * (debugging, lockdep), so the shim allocates it, with the data the lock guards in the
 * same block: the data never moves while the mutex lives. Taking a contended mutex
 * sleeps, which compiled C# may do.
 */
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include "ksharp.h"

/* The class of mutexes created outside a call site the build tool saw. */
static struct ksharp_lock_class ksharp_mutex_default_class = { .name = "ksharp_mutex" };

/*
 * A mutex in lockdep class @lock_class (one per Mutex.Create call site in the driver, as
 * mutex_init gives one per call site in C; NULL for the shared default), followed by
 * @data_size zeroed bytes at *data. ERR_PTR(-ENOMEM) when memory runs out.
 */
struct mutex *ksharp_mutex_create(struct ksharp_lock_class *lock_class, size_t data_size, void **data)
{
	struct mutex *mutex = ksharp_zalloc_with_data(sizeof(*mutex), data_size, data);

	if (!mutex)
		return ERR_PTR(-ENOMEM);
	if (!lock_class)
		lock_class = &ksharp_mutex_default_class;
	__mutex_init(mutex, lock_class->name, &lock_class->key);
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
