// SPDX-License-Identifier: GPL-2.0
/*
 * Spinning locks (<linux/spinlock.h>). spinlock_t's layout depends on the configuration
 * (lockdep, debugging, PREEMPT_RT, where it is an rt_mutex that sleeps), so the shim
 * allocates it, with the data the lock guards in the same block, as ksharp_mutex.c does.
 * spin_lock_irqsave is a macro that writes its flags argument: the shim returns them.
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "ksharp.h"

/* The class of spin locks created outside a call site the build tool saw. */
static struct ksharp_lock_class ksharp_spinlock_default_class = { .name = "ksharp_spinlock" };

/*
 * A spin lock in lockdep class @lock_class (one per SpinLock.Create call site, as
 * spin_lock_init gives one per call site in C; NULL for the shared default), followed by
 * @data_size zeroed bytes at *data. ERR_PTR(-ENOMEM) when memory runs out.
 */
spinlock_t *ksharp_spinlock_create(struct ksharp_lock_class *lock_class, size_t data_size, void **data)
{
	spinlock_t *lock = ksharp_zalloc_with_data(sizeof(*lock), data_size, data);

	if (!lock)
		return ERR_PTR(-ENOMEM);
	if (!lock_class)
		lock_class = &ksharp_spinlock_default_class;
	spin_lock_init(lock);
	lockdep_set_class_and_name(lock, &lock_class->key, lock_class->name);
	return ksharp_track(lock);
}

void ksharp_spinlock_destroy(spinlock_t *lock)
{
	ksharp_untrack(lock);
	kfree(lock);
}

void ksharp_spin_lock(spinlock_t *lock)
{
	spin_lock(lock);
}

void ksharp_spin_unlock(spinlock_t *lock)
{
	spin_unlock(lock);
}

/* Also keeps softirqs (timers, tasklets) off this CPU while held. */
void ksharp_spin_lock_bh(spinlock_t *lock)
{
	spin_lock_bh(lock);
}

void ksharp_spin_unlock_bh(spinlock_t *lock)
{
	spin_unlock_bh(lock);
}

/* Also keeps interrupts off this CPU while held; returns the flags the unlock restores. */
u64 ksharp_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

void ksharp_spin_unlock_irqrestore(spinlock_t *lock, u64 flags)
{
	spin_unlock_irqrestore(lock, flags);
}

/* 1 when taken, 0 when another task holds it. */
s32 ksharp_spin_trylock(spinlock_t *lock)
{
	return spin_trylock(lock);
}
