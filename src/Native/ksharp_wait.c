// SPDX-License-Identifier: GPL-2.0
/*
 * Wait queues (<linux/wait.h>). wait_event_interruptible is a macro around a condition in
 * C; in KernelSharp the condition is C#, so C# runs the macro's loop itself through these
 * steps: ksharp_wait_init once, then ksharp_wait_prepare, the condition, ksharp_schedule
 * until it holds or a signal comes, and ksharp_wait_finish. wait_queue_head_t's layout
 * depends on the configuration (its spinlock), so the shim allocates it. The entry lives on
 * the waiter's stack in KSHARP_WAIT_ENTRY_SIZE bytes C# reserves without knowing its layout.
 */
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include "ksharp.h"

static_assert(sizeof(struct wait_queue_entry) <= KSHARP_WAIT_ENTRY_SIZE, "C# reserves too little for a wait queue entry");
static_assert(__alignof__(struct wait_queue_entry) <= 8, "C# aligns a wait queue entry to 8 bytes");

/* The class of wait queues' spinlocks (init_waitqueue_head declares one per call site in C). */
static struct lock_class_key ksharp_wait_key;

struct wait_queue_head *ksharp_waitqueue_create(void)
{
	struct wait_queue_head *head = kzalloc(sizeof(*head), GFP_KERNEL | __GFP_NOWARN);

	if (!head)
		return ERR_PTR(-ENOMEM);
	__init_waitqueue_head(head, "ksharp_waitqueue", &ksharp_wait_key);
	return ksharp_track(head);
}

/* Nothing may wait on it any more: the owner frees it after its last waiter left. */
void ksharp_waitqueue_destroy(struct wait_queue_head *head)
{
	WARN_ON_ONCE(waitqueue_active(head));
	ksharp_untrack(head);
	kfree(head);
}

/* init_wait_entry: an exclusive waiter is woken alone by wake_up (one of several writers, say). */
void ksharp_wait_init(struct wait_queue_entry *entry, s32 exclusive)
{
	init_wait_entry(entry, exclusive ? WQ_FLAG_EXCLUSIVE : 0);
}

/*
 * Queues the entry (once) and sets the task TASK_INTERRUPTIBLE, before the condition is
 * tested, so a wake-up between the test and schedule() is not lost. 0, or -ERESTARTSYS
 * when a signal is pending (the entry is then off the queue).
 */
s32 ksharp_wait_prepare(struct wait_queue_head *head, struct wait_queue_entry *entry)
{
	return prepare_to_wait_event(head, entry, TASK_INTERRUPTIBLE);
}

/* Sleeps until woken (or signalled), for at most @timeout jiffies; returns the jiffies left. */
s64 ksharp_wait_schedule(s64 timeout)
{
	return schedule_timeout(timeout < 0 ? MAX_SCHEDULE_TIMEOUT : timeout);
}

/* TASK_RUNNING again, and off the queue. */
void ksharp_wait_finish(struct wait_queue_head *head, struct wait_queue_entry *entry)
{
	finish_wait(head, entry);
}

/* wake_up_interruptible: every non-exclusive waiter and one exclusive one. */
void ksharp_wake_up_interruptible(struct wait_queue_head *head)
{
	wake_up_interruptible(head);
}

/* wake_up_interruptible_all: every waiter, exclusive ones included. */
void ksharp_wake_up_interruptible_all(struct wait_queue_head *head)
{
	wake_up_interruptible_all(head);
}

s32 ksharp_signal_pending(void)
{
	return signal_pending(current);
}
