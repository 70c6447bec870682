// SPDX-License-Identifier: GPL-2.0
/* User memory (<linux/uaccess.h>). A fault on user memory may sleep (the page is brought
 * in), so the copies run outside the FPU section. Both return the count NOT copied. */
#include <linux/uaccess.h>
#include "ksharp.h"
#include "ksharp_fpu.h"

size_t ksharp_copy_from_user(void *to, const void __user *from, size_t count)
{
	size_t left;

	KSHARP_MAY_SLEEP(left = copy_from_user(to, from, count));
	return left;
}

size_t ksharp_copy_to_user(void __user *to, const void *from, size_t count)
{
	size_t left;

	KSHARP_MAY_SLEEP(left = copy_to_user(to, from, count));
	return left;
}
