// SPDX-License-Identifier: GPL-2.0
/* Usage counts of this module (<linux/module.h>): while a count is held, rmmod refuses. */
#include <linux/module.h>
#include "ksharp.h"

/* 1 when a reference was taken, 0 when the module is on its way out. */
s32 ksharp_module_get(void)
{
	return try_module_get(THIS_MODULE);
}

void ksharp_module_put(void)
{
	module_put(THIS_MODULE);
}

/* The module's current usage count, as lsmod shows it. */
s32 ksharp_module_refcount(void)
{
	return module_refcount(THIS_MODULE);
}
