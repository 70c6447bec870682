// SPDX-License-Identifier: GPL-2.0
/*
 * Work items (<linux/workqueue.h>). A ksharp_work is a delayed_work (a plain one is a
 * delayed one with no delay), the workqueue it goes to, a mutex and the C# data its
 * handler and process context share, in one allocation whose layout only C knows. The
 * generated glue's callback for each handler type runs the C# handler between
 * ksharp_work_begin and ksharp_work_end, with the mutex held (a handler may sleep).
 * Teardown marks it dying, so the handler cannot queue it again, and cancels it with
 * cancel_delayed_work_sync, which waits for a handler that is running. A handler that locks
 * its own data (it holds it already) or cancels its own work item would deadlock, and is
 * stopped with a BUG that says so.
 */
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "ksharp.h"

struct ksharp_work {
	struct delayed_work work;
	struct workqueue_struct *queue;
	struct mutex lock;
	bool dying;
	struct task_struct *handler;	/* the worker running the handler, or NULL */
	long data[] __aligned(16);
};

static struct lock_class_key ksharp_work_key;

static void ksharp_work_not_own_handler(struct ksharp_work *work, const char *what)
{
	if (READ_ONCE(work->handler) == current) {
		pr_crit("ksharp: a work handler %s its own work item: that would deadlock\n", what);
		BUG();
	}
}

/* @high_priority: the system's high-priority queue (what replaces a tasklet), else the system queue. */
struct ksharp_work *ksharp_work_create(void (*callback)(struct work_struct *), s32 high_priority, size_t data_size, void **data)
{
	struct ksharp_work *work = ksharp_zalloc_with_data(offsetof(struct ksharp_work, data), data_size, data);

	if (!work)
		return ERR_PTR(-ENOMEM);
	INIT_DELAYED_WORK(&work->work, callback);
	work->queue = high_priority ? system_highpri_wq : system_wq;
	__mutex_init(&work->lock, "ksharp_work_data", &ksharp_work_key);
	return ksharp_track(work);
}

/* The mutex that guards the data (for a MutexGuard in process context). */
struct mutex *ksharp_work_lock(struct ksharp_work *work)
{
	ksharp_work_not_own_handler(work, "locked the data of (which it already has)");
	return &work->lock;
}

/* queue_delayed_work: 1 if queued, 0 if it was queued already (or is being torn down). */
s32 ksharp_work_schedule(struct ksharp_work *work, s64 delay)
{
	if (READ_ONCE(work->dying))
		return 0;
	return queue_delayed_work(work->queue, &work->work, delay < 0 ? 0 : delay);
}

/* cancel_delayed_work_sync: not queued, and its handler not running, when this returns. */
s32 ksharp_work_cancel(struct ksharp_work *work)
{
	ksharp_work_not_own_handler(work, "cancelled (which waits for the handler)");
	return cancel_delayed_work_sync(&work->work);
}

/* Stops it for good (a running handler cannot queue it again) and waits for its handler. */
void ksharp_work_shutdown(struct ksharp_work *work)
{
	ksharp_work_not_own_handler(work, "freed (which waits for the handler)");
	WRITE_ONCE(work->dying, true);
	cancel_delayed_work_sync(&work->work);
}

void ksharp_work_destroy(struct ksharp_work *work)
{
	mutex_destroy(&work->lock);
	ksharp_untrack(work);
	kfree(work);
}

/* In the generated callback: the work item of @w, its mutex taken. */
struct ksharp_work *ksharp_work_begin(struct work_struct *w)
{
	struct ksharp_work *work = container_of(to_delayed_work(w), struct ksharp_work, work);

	mutex_lock(&work->lock);
	WRITE_ONCE(work->handler, current);
	return work;
}

void *ksharp_work_data(struct ksharp_work *work)
{
	return work->data;
}

/* After the C# handler: queue it again @next jiffies from now if >= 0 and not dying; unlock. */
void ksharp_work_end(struct ksharp_work *work, s64 next)
{
	WRITE_ONCE(work->handler, NULL);
	if (next >= 0 && !READ_ONCE(work->dying))
		queue_delayed_work(work->queue, &work->work, next);
	mutex_unlock(&work->lock);
}
