// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel timers (<linux/timer.h>). A ksharp_timer is a timer_list, a spin lock and the C#
 * data the handler and process context share, in one allocation whose layout only C knows.
 * The generated glue's callback for each handler type brackets the C# handler with
 * ksharp_timer_begin (the lock) and ksharp_timer_end (the rearm the handler asked for, then
 * the unlock); process context reaches the data under the same lock with softirqs off.
 * Teardown marks the timer dying, so a running handler cannot rearm it, then waits for
 * the handler with del_timer_sync. A handler that starts its own timer asks for a rearm,
 * which ksharp_timer_end applies; one that locks its own data (it holds it already) or
 * cancels its own timer would deadlock, and is stopped with a BUG that says so.
 */
#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include "ksharp.h"

struct ksharp_timer {
	struct timer_list timer;
	spinlock_t lock;
	bool dying;
	int handler_cpu;		/* the CPU running the handler, or -1 */
	s64 requested;			/* a Start from the handler itself: applied by ksharp_timer_end */
	unsigned long period_start;	/* the expiry that fired: a rearm counts from it, not from now */
	long data[] __aligned(16);
};

static struct lock_class_key ksharp_timer_key;

struct ksharp_timer *ksharp_timer_create(void (*callback)(struct timer_list *), size_t data_size, void **data)
{
	struct ksharp_timer *timer = ksharp_zalloc_with_data(offsetof(struct ksharp_timer, data), data_size, data);

	if (!timer)
		return ERR_PTR(-ENOMEM);
	timer_setup(&timer->timer, callback, 0);
	timer->handler_cpu = -1;
	spin_lock_init(&timer->lock);
	lockdep_set_class_and_name(&timer->lock, &ksharp_timer_key, "ksharp_timer_data");
	return ksharp_track(timer);
}

/* Whether the caller is @timer's own handler (which holds its lock). */
static bool ksharp_timer_in_own_handler(struct ksharp_timer *timer)
{
	return in_serving_softirq() && READ_ONCE(timer->handler_cpu) == raw_smp_processor_id();
}

/* The lock that guards the data (for a SpinLockGuard in process context). */
struct spinlock *ksharp_timer_lock(struct ksharp_timer *timer)
{
	if (ksharp_timer_in_own_handler(timer)) {
		pr_crit("ksharp: a timer handler locked its own timer's data, which it already has: that would deadlock\n");
		BUG();
	}
	return &timer->lock;
}

/* mod_timer: fires once @delay jiffies from now (again, if it was pending: the new time wins). */
void ksharp_timer_start(struct ksharp_timer *timer, s64 delay)
{
	if (ksharp_timer_in_own_handler(timer)) {
		timer->requested = delay < 1 ? 1 : delay;	/* under the lock the handler holds */
		return;
	}
	spin_lock_bh(&timer->lock);
	if (!timer->dying)
		mod_timer(&timer->timer, jiffies + (delay < 0 ? 0 : delay));
	spin_unlock_bh(&timer->lock);
}

static void ksharp_timer_not_own_handler(struct ksharp_timer *timer)
{
	if (ksharp_timer_in_own_handler(timer)) {
		pr_crit("ksharp: a timer handler cancelled or freed its own timer, which waits for the handler: that would deadlock\n");
		BUG();
	}
}

/* del_timer_sync: not pending, and its handler not running, when this returns. */
s32 ksharp_timer_cancel(struct ksharp_timer *timer)
{
	ksharp_timer_not_own_handler(timer);
	return del_timer_sync(&timer->timer);
}

/* Stops it for good (a handler running now cannot rearm it) and waits for its handler. */
void ksharp_timer_shutdown(struct ksharp_timer *timer)
{
	ksharp_timer_not_own_handler(timer);
	spin_lock_bh(&timer->lock);
	timer->dying = true;
	spin_unlock_bh(&timer->lock);
	del_timer_sync(&timer->timer);
}

void ksharp_timer_destroy(struct ksharp_timer *timer)
{
	ksharp_untrack(timer);
	kfree(timer);
}

/* In the generated callback: the timer of @t, its lock taken (softirqs are already off here). */
struct ksharp_timer *ksharp_timer_begin(struct timer_list *t)
{
	struct ksharp_timer *timer = from_timer(timer, t, timer);

	spin_lock(&timer->lock);
	timer->period_start = timer->timer.expires;
	timer->requested = 0;
	WRITE_ONCE(timer->handler_cpu, raw_smp_processor_id());
	return timer;
}

void *ksharp_timer_data(struct ksharp_timer *timer)
{
	return timer->data;
}

/*
 * After the C# handler: rearm @next jiffies after the expiry that fired, if > 0, or as a
 * Start from the handler asked (from now), unless the timer is dying.
 */
void ksharp_timer_end(struct ksharp_timer *timer, s64 next)
{
	WRITE_ONCE(timer->handler_cpu, -1);
	if (!timer->dying) {
		if (next > 0)
			mod_timer(&timer->timer, timer->period_start + next);
		else if (timer->requested > 0)
			mod_timer(&timer->timer, jiffies + timer->requested);
	}
	spin_unlock(&timer->lock);
}
