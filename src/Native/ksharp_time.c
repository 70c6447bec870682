// SPDX-License-Identifier: GPL-2.0
/* Time and delays (<linux/delay.h>, <linux/timekeeping.h>, <linux/sched.h>). msleep sleeps:
 * compiled C# is preemptible kernel code and calls it directly, in process context. */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include "ksharp.h"

void ksharp_msleep(u32 milliseconds)
{
	msleep(milliseconds);
}

/* usleep_range: sleeps between @min and @max microseconds, letting the timer code merge wake-ups. */
void ksharp_usleep_range(u64 min, u64 max)
{
	usleep_range(min, max);
}

/* Busy-waits @microseconds; udelay's loop is meant for at most a few milliseconds at a time. */
void ksharp_udelay(u32 microseconds)
{
	while (microseconds > 1000) {
		udelay(1000);
		microseconds -= 1000;
	}
	udelay(microseconds);
}

/* CLOCK_REALTIME (ktime_get_real_ts64), and its value at the last tick (the coarse one, cheaper). */
void ksharp_ktime_get_real(s64 *seconds, s64 *nanoseconds)
{
	struct timespec64 now;

	ktime_get_real_ts64(&now);
	*seconds = now.tv_sec;
	*nanoseconds = now.tv_nsec;
}

void ksharp_ktime_get_coarse_real(s64 *seconds, s64 *nanoseconds)
{
	struct timespec64 now;

	ktime_get_coarse_real_ts64(&now);
	*seconds = now.tv_sec;
	*nanoseconds = now.tv_nsec;
}

/* schedule(): lets other runnable tasks run first; the caller stays runnable. */
void ksharp_schedule(void)
{
	schedule();
}

/* schedule_timeout_interruptible: sleeps @ticks jiffies; the jiffies left when a signal woke it early, else 0. */
s64 ksharp_schedule_timeout(s64 ticks)
{
	return schedule_timeout_interruptible(ticks);
}

/* cpu_relax: the pause a busy-wait loop makes on each turn. */
void ksharp_cpu_relax(void)
{
	cpu_relax();
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
