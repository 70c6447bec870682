// SPDX-License-Identifier: GPL-2.0
/* The current task (<linux/sched.h>): `current` is a per-CPU macro and task_struct's
 * layout is the kernel's, so C# asks through these. */
#include <linux/sched.h>
#include <linux/pid.h>
#include <linux/string.h>
#include "ksharp.h"

/* The task's PID as the kernel numbers it (task_pid_nr: LDD's current->pid). */
s32 ksharp_current_pid(void)
{
	return task_pid_nr(current);
}

/* Copies the task's command name (comm, at most TASK_COMM_LEN - 1 bytes) and returns its length. */
u32 ksharp_current_comm(char *buffer, u32 size)
{
	char comm[TASK_COMM_LEN];
	size_t length;

	get_task_comm(comm, current);
	length = strnlen(comm, sizeof(comm));
	if (length > size)
		length = size;
	memcpy(buffer, comm, length);
	return length;
}
