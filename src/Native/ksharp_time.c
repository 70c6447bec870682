// SPDX-License-Identifier: GPL-2.0
/* Time and delays (<linux/delay.h>, <linux/timekeeping.h>). msleep sleeps: compiled C# is
 * preemptible kernel code and calls it directly, in process context. */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/timekeeping.h>
#include "ksharp.h"

void ksharp_msleep(u32 milliseconds)
{
	msleep(milliseconds);
}

/* CLOCK_MONOTONIC in nanoseconds (ktime_get_ns): never goes back, stops in suspend. */
u64 ksharp_ktime_get_ns(void)
{
	return ktime_get_ns();
}

/* jiffies: the tick count, HZ per second (a configuration choice: 250 on Debian's kernels). */
u64 ksharp_jiffies(void)
{
	return get_jiffies_64();
}

u32 ksharp_hz(void)
{
	return HZ;
}

u64 ksharp_msecs_to_jiffies(u32 milliseconds)
{
	return msecs_to_jiffies(milliseconds);
}

u32 ksharp_jiffies_to_msecs(u64 ticks)
{
	return jiffies_to_msecs(ticks);
}
