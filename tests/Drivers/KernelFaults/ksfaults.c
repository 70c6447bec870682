// SPDX-License-Identifier: GPL-2.0
/*
 * ksfaults: a test-only module that makes the kernel report, on request, each kind
 * of problem the KernelSharp harness must catch, so its detector is checked against
 * the kernel's own words on every supported kernel.
 *
 *   echo warn > /dev/ksfaults     WARN()                     "WARNING: CPU: ..."
 *   echo bug > /dev/ksfaults      BUG()                      "kernel BUG at ..." + oops
 *   echo null > /dev/ksfaults     NULL dereference           "BUG: kernel NULL pointer dereference" + oops
 *   echo gpf > /dev/ksfaults      non-canonical dereference  "general protection fault" + oops
 *   echo stack > /dev/ksfaults    dump_stack()               "Call Trace:" alone
 *   echo atomic > /dev/ksfaults   msleep with preemption off "BUG: scheduling while atomic"
 *   echo hang > /dev/ksfaults     6 s uninterruptible sleep  "INFO: task ... blocked" (hung_task_timeout_secs=1)
 *   echo spin > /dev/ksfaults     4 s busy with preemption off: a soft lockup (watchdog_thresh=1)
 *                                 or an RCU stall (rcu_cpu_stall_timeout=3), as the guest set them
 *   echo panic > /dev/ksfaults    panic()                    "Kernel panic - not syncing"
 *
 * The writer of an oopsing command dies with it: write from a child shell.
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static int *volatile ksfaults_null;

static noinline void ksfaults_warn(void) { WARN(1, "ksfaults: warning on request\n"); }
static noinline void ksfaults_bug(void) { BUG(); }
static noinline void ksfaults_null_deref(void) { pr_info("ksfaults: read %d\n", *ksfaults_null); }
static noinline void ksfaults_gpf(void) { pr_info("ksfaults: read %d\n", *(int *volatile)0xdead000000000000UL); }
static noinline void ksfaults_stack(void) { dump_stack(); }

/*
 * schedule() reports the bug and resets the preemption count to what it expects, so
 * the preempt_enable() that would balance the preempt_disable() must not follow: it
 * would take the count below zero and wreck the CPU for whatever runs next.
 */
static noinline void ksfaults_atomic(void)
{
	preempt_disable();
	msleep(1);
}

static noinline void ksfaults_hang(void)
{
	/* khungtaskd needs two checks 1 s apart to see it: leave it room under TCG. */
	schedule_timeout_uninterruptible(6 * HZ);
}

/* A plain loop on the clock: mdelay() may pause the CPU (TPAUSE) instead of spinning. */
static noinline void ksfaults_spin(void)
{
	u64 end = ktime_get_ns() + 4 * NSEC_PER_SEC;

	preempt_disable();
	while (ktime_get_ns() < end)
		cpu_relax();
	preempt_enable();
}

static noinline void ksfaults_panic(void) { panic("ksfaults: panic on request"); }

static const struct {
	const char *name;
	void (*run)(void);
} ksfaults_commands[] = {
	{ "warn", ksfaults_warn },     { "bug", ksfaults_bug },       { "null", ksfaults_null_deref },
	{ "gpf", ksfaults_gpf },       { "stack", ksfaults_stack },   { "atomic", ksfaults_atomic },
	{ "hang", ksfaults_hang },     { "spin", ksfaults_spin },     { "panic", ksfaults_panic },
};

static ssize_t ksfaults_write(struct file *file, const char __user *buf, size_t count, loff_t *pos)
{
	char command[16];
	size_t i, n = min(count, sizeof(command) - 1);

	if (copy_from_user(command, buf, n))
		return -EFAULT;
	command[n] = '\0';
	strim(command);
	for (i = 0; i < ARRAY_SIZE(ksfaults_commands); i++) {
		if (!strcmp(command, ksfaults_commands[i].name)) {
			pr_info("ksfaults: %s\n", command);
			ksfaults_commands[i].run();
			pr_info("ksfaults: %s done\n", command);
			return count;
		}
	}
	return -EINVAL;
}

static const struct file_operations ksfaults_fops = {
	.owner = THIS_MODULE,
	.write = ksfaults_write,
};

static struct miscdevice ksfaults_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ksfaults",
	.fops = &ksfaults_fops,
	.mode = 0600,
};

module_misc_device(ksfaults_device);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test only: makes the kernel report problems on request");
