// SPDX-License-Identifier: GPL-2.0
/*
 * User memory (<linux/uaccess.h>). The copies return the count NOT copied, as the kernel's.
 * A fault on user memory may sleep (the page is brought in), which the FPU section forbids.
 * So each copy first runs with page faults disabled, where a fault fails instead of
 * sleeping; only if that falls short does it leave the FPU section and copy again with
 * faults allowed. A resident buffer, the common case, costs no section switch. Both tries
 * are the kernel's full copy_*_user (access_ok, speculation barrier, usercopy hardening).
 */
#include <linux/uaccess.h>
#include "ksharp.h"
#include "ksharp_fpu.h"

size_t ksharp_copy_from_user(void *to, const void __user *from, size_t count)
{
	size_t left;

	pagefault_disable();
	left = copy_from_user(to, from, count);
	pagefault_enable();
	if (left)
		KSHARP_MAY_SLEEP(left = copy_from_user(to, from, count));
	return left;
}

size_t ksharp_copy_to_user(void __user *to, const void *from, size_t count)
{
	size_t left;

	pagefault_disable();
	left = copy_to_user(to, from, count);
	pagefault_enable();
	if (left)
		KSHARP_MAY_SLEEP(left = copy_to_user(to, from, count));
	return left;
}

/* Zeroes user memory (clear_user); returns the count NOT cleared. */
size_t ksharp_clear_user(void __user *to, size_t count)
{
	size_t left;

	pagefault_disable();
	left = clear_user(to, count);
	pagefault_enable();
	if (left)
		KSHARP_MAY_SLEEP(left = clear_user(to, count));
	return left;
}
