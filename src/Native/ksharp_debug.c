// SPDX-License-Identifier: GPL-2.0
/* Debugging aids (<linux/printk.h>, <linux/jiffies.h>): hex dumps and a clock for rate limits. */
#include <linux/printk.h>
#include <linux/jiffies.h>
#include "ksharp.h"

/* print_hex_dump with the offset prefix, 16 bytes a row, and the ASCII column. */
void ksharp_hex_dump(s32 level, const char *prefix, u32 prefix_length, const void *data, u32 length)
{
	char text[32];

	if (level < 0 || level > 7)
		level = 7;
	scnprintf(text, sizeof(text), "%.*s", (int)prefix_length, prefix);
	print_hex_dump(ksharp_kern_level(level), text, DUMP_PREFIX_OFFSET, 16, 1, data, length, true);
}

/* Milliseconds since boot, at jiffy resolution. */
u64 ksharp_uptime_ms(void)
{
	return jiffies64_to_msecs(get_jiffies_64());
}
