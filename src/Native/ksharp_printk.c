// SPDX-License-Identifier: GPL-2.0
/* printk for C#: the text is formatted on the C# side into a bounded buffer. */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/dynamic_debug.h>
#include "ksharp.h"

/* One line from two pieces (text, then more), at level 0 (KERN_EMERG) to 7 (KERN_DEBUG);
 * any other level logs at the default level. */
void ksharp_printk2(s32 level, const char *text, u32 length, const char *more, u32 more_length)
{
	printk("%s%.*s%.*s\n", ksharp_kern_level(level), length, text, more_length, more);
}

void ksharp_printk(s32 level, const char *text, u32 length)
{
	ksharp_printk2(level, text, length, "", 0);
}

/* A line of an enabled Log.Debug site (its struct _ddebug, from ksharp_dyndbg_site), as
 * pr_debug prints it: with the decorations the site's flags ask for (+flmt). */
void ksharp_dyndbg_print(void *site, const char *text, u32 length, const char *more, u32 more_length)
{
#if KSHARP_DYNAMIC_DEBUG
	__dynamic_pr_debug(site, "%.*s%.*s\n", length, text, more_length, more);
#endif
}
