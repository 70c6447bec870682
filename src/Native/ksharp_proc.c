// SPDX-License-Identifier: GPL-2.0
/*
 * /proc entries backed by seq_file (<linux/proc_fs.h>, <linux/seq_file.h>). The show
 * function is a generated C wrapper that enters C#; the entry copies its name.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include "ksharp.h"

/*
 * proc_create_single: /proc/NAME shows what show() prints. The entry copies the name.
 * proc_create gives no errno; ERR_PTR(-ENOMEM), as the kernel's own callers return.
 */
struct proc_dir_entry *ksharp_proc_create_single(const char *name, u16 mode,
						 int (*show)(struct seq_file *, void *))
{
	struct proc_dir_entry *entry = proc_create_single(name, mode, NULL, show);

	return entry ? ksharp_track(entry) : ERR_PTR(-ENOMEM);
}

/* Waits for running show() calls to finish, so it sleeps. */
void ksharp_proc_remove(struct proc_dir_entry *entry)
{
	ksharp_untrack(entry);
	proc_remove(entry);
}

/* Appends to the seq_file buffer; on overflow seq_file retries show() with a larger one. */
void ksharp_seq_write(struct seq_file *seq, const void *data, u32 length)
{
	seq_write(seq, data, length);
}

/* %p: the kernel's hashed form of an address, so output never leaks a kernel address.
 * A width >= 0 is C's field width ("%8p"), which also drops the zero padding to 16 digits.
 * Returns the length written (without the NUL). */
u32 ksharp_format_pointer(char *buffer, u32 size, const void *pointer, s32 width)
{
	int length = width < 0 ? snprintf(buffer, size, "%p", pointer)
			       : snprintf(buffer, size, "%*p", width, pointer);

	return length < 0 ? 0 : min_t(u32, length, size ? size - 1 : 0);
}
