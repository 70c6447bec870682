// SPDX-License-Identifier: GPL-2.0
/*
 * poll and asynchronous notification (<linux/poll.h>, <linux/fs.h>): poll_wait is an inline
 * function; a fasync list is a pointer the kernel keeps for the driver, allocated here so it
 * never moves (struct fasync_struct is the kernel's).
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include "ksharp.h"

void ksharp_poll_wait(struct file *file, struct wait_queue_head *queue, struct poll_table_struct *table)
{
	poll_wait(file, queue, table);
}

/* The head of a fasync list: the files to signal, empty at first. */
struct fasync_struct **ksharp_fasync_create(void)
{
	struct fasync_struct **head = kzalloc(sizeof(*head), GFP_KERNEL | __GFP_NOWARN);

	return head ? ksharp_track(head) : ERR_PTR(-ENOMEM);
}

/* Every file is off the list by then: the VFS calls fasync(-1, file, 0) at the last close. */
void ksharp_fasync_destroy(struct fasync_struct **head)
{
	WARN_ON_ONCE(*head);
	ksharp_untrack(head);
	kfree(head);
}

/* fasync_helper: adds (@on) or removes @file; >= 0, or -ENOMEM. */
s32 ksharp_fasync_helper(s32 fd, struct file *file, s32 on, struct fasync_struct **head)
{
	return fasync_helper(fd, file, on, head);
}

/* kill_fasync(SIGIO) with band POLL_IN (data to read) or POLL_OUT (room to write). Never sleeps. */
void ksharp_kill_fasync(struct fasync_struct **head, s32 writable)
{
	kill_fasync(head, SIGIO, writable ? POLL_OUT : POLL_IN);
}
