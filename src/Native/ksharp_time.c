// SPDX-License-Identifier: GPL-2.0
/* Time and delays (<linux/delay.h>, <linux/timekeeping.h>). msleep sleeps: compiled C# is
 * preemptible kernel code and calls it directly, in process context. */
#include <linux/delay.h>
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
