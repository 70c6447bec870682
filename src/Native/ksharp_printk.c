// SPDX-License-Identifier: GPL-2.0
/* printk for C#: the text is formatted on the C# side into a bounded buffer. */
#include <linux/kernel.h>
#include <linux/printk.h>
#include "ksharp.h"

/* printk reads the level from the start of the formatted text, as print_hex_dump relies on. */
static const char *const ksharp_levels[] = {
	KERN_EMERG, KERN_ALERT, KERN_CRIT, KERN_ERR, KERN_WARNING, KERN_NOTICE, KERN_INFO, KERN_DEBUG,
};

/* One line from two pieces (text, then more), at level 0 (KERN_EMERG) to 7 (KERN_DEBUG);
 * any other level logs at the default level. */
void ksharp_printk2(s32 level, const char *text, u32 length, const char *more, u32 more_length)
{
	const char *prefix = (u32)level < ARRAY_SIZE(ksharp_levels) ? ksharp_levels[level] : "";

	printk("%s%.*s%.*s\n", prefix, length, text, more_length, more);
}

void ksharp_printk(s32 level, const char *text, u32 length)
{
	ksharp_printk2(level, text, length, "", 0);
}
