// SPDX-License-Identifier: GPL-2.0
/* printk for C#: the text is formatted on the C# side into a bounded buffer. */
#include <linux/printk.h>
#include "ksharp.h"

/* level: 0 (KERN_EMERG) to 7 (KERN_DEBUG); anything else logs at the default level. */
void ksharp_printk(s32 level, const char *text, u32 length)
{
	switch (level) {
	case 0: printk(KERN_EMERG "%.*s\n", length, text); break;
	case 1: printk(KERN_ALERT "%.*s\n", length, text); break;
	case 2: printk(KERN_CRIT "%.*s\n", length, text); break;
	case 3: printk(KERN_ERR "%.*s\n", length, text); break;
	case 4: printk(KERN_WARNING "%.*s\n", length, text); break;
	case 5: printk(KERN_NOTICE "%.*s\n", length, text); break;
	case 6: printk(KERN_INFO "%.*s\n", length, text); break;
	case 7: printk(KERN_DEBUG "%.*s\n", length, text); break;
	default: printk("%.*s\n", length, text); break;
	}
}
