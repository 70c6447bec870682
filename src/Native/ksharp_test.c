// SPDX-License-Identifier: GPL-2.0
/*
 * A failed KernelAssert in a [KernelTest]: reported to KUnit where the kernel has it built in
 * (the test then shows as "not ok" in KUnit's KTAP), else printed as a KTAP diagnostic line
 * of the module's own runner, which counts the failure itself.
 */
#include <linux/printk.h>
#if IS_BUILTIN(CONFIG_KUNIT)
#include <kunit/test.h>
#endif
#include "ksharp.h"

void ksharp_test_fail(void *kunit, const char *where, u32 where_length, const char *text, u32 length)
{
#if IS_BUILTIN(CONFIG_KUNIT)
	if (kunit) {
		KUNIT_FAIL((struct kunit *)kunit, "%.*s%.*s", (int)where_length, where, (int)length, text);
		return;
	}
#endif
	pr_info("    # %.*s%.*s\n", (int)where_length, where, (int)length, text);
}
