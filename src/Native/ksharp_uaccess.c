// SPDX-License-Identifier: GPL-2.0
/*
 * User memory (<linux/uaccess.h>). The copies return the count NOT copied, as the kernel's,
 * and are the kernel's full copy_*_user (access_ok, speculation barrier, usercopy
 * hardening). A fault on user memory may sleep while the page is brought in: compiled C#
 * is preemptible kernel code, so it may.
 */
#include <linux/uaccess.h>
#include "ksharp.h"

size_t ksharp_copy_from_user(void *to, const void __user *from, size_t count)
{
	return copy_from_user(to, from, count);
}

size_t ksharp_copy_to_user(void __user *to, const void *from, size_t count)
{
	return copy_to_user(to, from, count);
}

/* Zeroes user memory (clear_user); returns the count NOT cleared. */
size_t ksharp_clear_user(void __user *to, size_t count)
{
	return clear_user(to, count);
}
