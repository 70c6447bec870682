// SPDX-License-Identifier: GPL-2.0
/*
 * What an off pr_debug costs, beside an off C# Log.Debug (tests/Drivers/DynamicDebug, whose
 * write of N times N calls of one site): insmod dyndbg_c.ko [calls=N] times N calls of one
 * pr_debug, inline and inside a function of its own, three times, and logs each.
 */
#include <linux/module.h>
#include <linux/ktime.h>

static int calls = 100000;
module_param(calls, int, 0444);
MODULE_PARM_DESC(calls, "How many calls each round times");

/* A call per site, as C#'s site check is. */
static noinline void site(int i)
{
	pr_debug("dyndbg_c: call %d of %d\n", i, calls);
}

static int __init dyndbg_c_init(void)
{
	u64 start, took;
	int i, round;

	if (calls <= 0)
		return -EINVAL;
	for (round = 0; round < 3; round++) {
		start = ktime_get_ns();
		for (i = 0; i < calls; i++)
			pr_debug("dyndbg_c: call %d of %d\n", i, calls);
		took = ktime_get_ns() - start;
		pr_info("dyndbg_c: inline: %d calls in %llu ns, %llu ps each\n", calls, took, took * 1000 / calls);
		start = ktime_get_ns();
		for (i = 0; i < calls; i++)
			site(i);
		took = ktime_get_ns() - start;
		pr_info("dyndbg_c: in a function: %d calls in %llu ns, %llu ps each\n", calls, took, took * 1000 / calls);
	}
	return 0;
}

static void __exit dyndbg_c_exit(void)
{
}

module_init(dyndbg_c_init);
module_exit(dyndbg_c_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pr_debug's cost while off, against C#'s Log.Debug");
