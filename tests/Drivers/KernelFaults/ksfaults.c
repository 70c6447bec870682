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
 * And what only the project's debug kernel reports (its checkers are off in Debian's kernels):
 *
 *   echo uaf > /dev/ksfaults      read after kfree()         "BUG: KASAN: slab-use-after-free" (6.1: use-after-free)
 *   echo oob > /dev/ksfaults      read past a kmalloc()      "BUG: KASAN: slab-out-of-bounds"
 *   echo shift > /dev/ksfaults    1 << 70                    "UBSAN: shift-out-of-bounds"
 *   echo abba > /dev/ksfaults     locks A, B, then B, A      "WARNING: possible circular locking dependency detected"
 *   echo odebug > /dev/ksfaults   kfree() of a pending timer "ODEBUG: free active ... timer_list"
 *   echo leak > /dev/ksfaults     kmalloc() never freed      kmemleak, in the harness's scan after the script
 *
 * The writer of an oopsing command dies with it: write from a child shell.
 */
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
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

static void ksfaults_grace_period(struct work_struct *work) { synchronize_rcu(); }

static DECLARE_WORK(ksfaults_rcu_work, ksfaults_grace_period);

/*
 * A plain loop on the clock: mdelay() may pause the CPU (TPAUSE) instead of spinning.
 * Another CPU waits for a grace period meanwhile, which the spin holds up: a kernel
 * with little else going on (the debug kernel) might otherwise have none to stall.
 */
static noinline void ksfaults_spin(void)
{
	u64 end = ktime_get_ns() + 4 * NSEC_PER_SEC;
	unsigned int other;

	preempt_disable();
	other = cpumask_any_but(cpu_online_mask, smp_processor_id());
	if (other < nr_cpu_ids)
		queue_work_on(other, system_wq, &ksfaults_rcu_work);
	while (ktime_get_ns() < end)
		cpu_relax();
	preempt_enable();
	flush_work(&ksfaults_rcu_work);
}

static noinline void ksfaults_panic(void) { panic("ksfaults: panic on request"); }

/* Reads through volatile pointers and sizes, so the compiler can neither see nor drop the bug. */
static noinline void ksfaults_uaf(void)
{
	char *volatile memory = kmalloc(48, GFP_KERNEL);

	if (!memory)
		return;
	kfree(memory);
	pr_info("ksfaults: read %d\n", memory[8]);
}

static noinline void ksfaults_oob(void)
{
	volatile size_t size = 40;
	char *memory = kmalloc(size, GFP_KERNEL);

	if (!memory)
		return;
	pr_info("ksfaults: read %d\n", ((char *volatile)memory)[size]);
	kfree(memory);
}

static noinline void ksfaults_shift(void)
{
	volatile int by = 70;

	pr_info("ksfaults: shifted %lu\n", 1UL << by);
}

static DEFINE_MUTEX(ksfaults_a);
static DEFINE_MUTEX(ksfaults_b);

/* One task, no deadlock: lockdep reports the order it could deadlock in. */
static noinline void ksfaults_abba(void)
{
	mutex_lock(&ksfaults_a);
	mutex_lock(&ksfaults_b);
	mutex_unlock(&ksfaults_b);
	mutex_unlock(&ksfaults_a);
	mutex_lock(&ksfaults_b);
	mutex_lock(&ksfaults_a);
	mutex_unlock(&ksfaults_a);
	mutex_unlock(&ksfaults_b);
}

struct ksfaults_timer {
	struct timer_list timer;
};

static void ksfaults_timer_fired(struct timer_list *timer) { }

/* debugobjects catches the free and takes the timer off its queue before it can fire. */
static noinline void ksfaults_odebug(void)
{
	struct ksfaults_timer *pending = kmalloc(sizeof(*pending), GFP_KERNEL);

	if (!pending)
		return;
	timer_setup(&pending->timer, ksfaults_timer_fired, 0);
	mod_timer(&pending->timer, jiffies + 1000 * HZ);
	kfree(pending);
}

static noinline void ksfaults_leak(void)
{
	char *volatile memory = kmalloc(1234, GFP_KERNEL);

	if (memory)
		memset(memory, 0x5a, 1234);
	memory = NULL;
}

static const struct {
	const char *name;
	void (*run)(void);
} ksfaults_commands[] = {
	{ "warn", ksfaults_warn },     { "bug", ksfaults_bug },       { "null", ksfaults_null_deref },
	{ "gpf", ksfaults_gpf },       { "stack", ksfaults_stack },   { "atomic", ksfaults_atomic },
	{ "hang", ksfaults_hang },     { "spin", ksfaults_spin },     { "panic", ksfaults_panic },
	{ "uaf", ksfaults_uaf },       { "oob", ksfaults_oob },       { "shift", ksfaults_shift },
	{ "abba", ksfaults_abba },     { "odebug", ksfaults_odebug }, { "leak", ksfaults_leak },
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

static int __init ksfaults_init(void) { return misc_register(&ksfaults_device); }

static void __exit ksfaults_exit(void) { misc_deregister(&ksfaults_device); }

module_init(ksfaults_init);
module_exit(ksfaults_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test only: makes the kernel report problems on request");
