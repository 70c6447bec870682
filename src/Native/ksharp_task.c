// SPDX-License-Identifier: GPL-2.0
/* The current task (<linux/sched.h>): `current` is a per-CPU macro and task_struct's
 * layout is the kernel's, so C# asks through these. */
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/pid.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/tty.h>
#include <linux/uidgid.h>
#include "ksharp.h"

/* The task's PID as the kernel numbers it (task_pid_nr: LDD's current->pid). */
s32 ksharp_current_pid(void)
{
	return task_pid_nr(current);
}

/*
 * Copies the task's command name (comm, at most TASK_COMM_LEN - 1 bytes) and returns its length.
 * Without get_task_comm's task_lock: a timer handler asks too, in softirq context, where that
 * lock may be held by the very task it interrupted (lockdep reports the inversion). A rename
 * keeps comm NUL-terminated for readers without the lock (set_task_comm says so), so the copy
 * is at worst a mix of two names, as the kernel's own prints of current->comm are.
 */
u32 ksharp_current_comm(char *buffer, u32 size)
{
	char comm[TASK_COMM_LEN];
	size_t length;

	strscpy_pad(comm, current->comm, sizeof(comm));
	length = strnlen(comm, sizeof(comm));
	if (length > size)
		length = size;
	memcpy(buffer, comm, length);
	return length;
}

/* The task's real and effective user IDs, as the initial user namespace numbers them
 * (what ls -n and /proc show outside containers): comparable between any two tasks. */
u32 ksharp_current_uid(void)
{
	return from_kuid(&init_user_ns, current_uid());
}

u32 ksharp_current_euid(void)
{
	return from_kuid(&init_user_ns, current_euid());
}

/* The device number of the task's controlling terminal (tty_devnum), apart as major and
 * minor; 0 when it has none. get_current_tty takes a reference, so a hang-up cannot free
 * the tty under us. */
s32 ksharp_current_tty(u32 *major, u32 *minor)
{
	struct tty_struct *tty = get_current_tty();
	dev_t number;

	if (!tty)
		return 0;
	number = tty_devnum(tty);
	tty_kref_put(tty);
	*major = MAJOR(number);
	*minor = MINOR(number);
	return 1;
}

/* The CPU the caller runs on. Preemptible code may move right after: a hint, as LDD3 prints it. */
s32 ksharp_current_cpu(void)
{
	return raw_smp_processor_id();
}

/* Whether the caller serves an interrupt, hard or soft (a timer callback does): !in_task().
 * Not in_interrupt(), which is also true where process context only disabled softirqs. */
s32 ksharp_in_interrupt(void)
{
	return in_task() ? 0 : 1;
}

/* preempt_count(): nonzero where the caller may not sleep (LDD3's jiq prints it). */
s32 ksharp_preempt_count(void)
{
	return preempt_count();
}
