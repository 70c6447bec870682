/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C shim layer: every kernel facility C# reaches goes through a ksharp_* function
 * here. Shims are thin and 1:1 with the kernel API they wrap, use fixed-width types, and
 * hide struct layouts and macros so the compiled C# never depends on a kernel version.
 */
#ifndef KSHARP_H
#define KSHARP_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/kern_levels.h>
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/lockdep_types.h>
#include <linux/slab.h>

struct cdev;
struct device;
struct file;
struct fasync_struct;
struct poll_table_struct;
struct inode;
struct ksharp_shared;
struct file_operations;
struct class;
struct completion;
struct miscdevice;
struct mutex;
struct proc_dir_entry;
struct resource;
struct seq_file;
struct spinlock;
struct timer_list;
struct ksharp_timer;
struct work_struct;
struct ksharp_work;
struct wait_queue_entry;
struct wait_queue_head;

/*
 * A lockdep class: the generated glue defines one per lock creation site in the driver
 * (the static key C's mutex_init and spin_lock_init declare at each call site), named after the site.
 */
struct ksharp_lock_class {
	struct lock_class_key key;
	const char *name;
};

void __noreturn ksharp_panic(const char *message, size_t length);
int ksharp_runtime_init(void);
void ksharp_runtime_exit(void);

/*
 * Every shim, by the file that defines it: C# declares the same functions in
 * src/Kernel/Interop/Native.cs. A prototype here is what lets the compiler check the
 * definition against its callers (-Wmissing-prototypes on 6.12 warns for each one missing).
 *
 * The contract: a shim that can fail returns a pointer or ERR_PTR(-errno), or an s32 that
 * is a value >= 0 or a -errno; C# reads both with Interop/ShimResult.cs and never guesses an
 * errno. Names arrive NUL-terminated in memory C# owns (Text/KernelName.cs); when the
 * kernel keeps the pointer, C# keeps the name until the object is gone.
 */
/* ksharp_capability.c */
s32 ksharp_capable(s32 capability);

/* ksharp_chrdev.c */
s32 ksharp_alloc_chrdev_region(u32 first_minor, u32 count, const char *name);
s32 ksharp_register_chrdev_region(u32 major, u32 first_minor, u32 count, const char *name);
void ksharp_unregister_chrdev_region(u32 major, u32 first_minor, u32 count);
struct cdev *ksharp_cdev_add(const struct file_operations *fops, u32 major, u32 minor, u32 count,
			     struct ksharp_shared *shared, void (*release)(struct ksharp_shared *shared));
void ksharp_cdev_del(struct cdev *cdev);

/* ksharp_class.c */
struct class *ksharp_class_create(const char *name);
void ksharp_class_destroy(struct class *class);
struct device *ksharp_device_create(struct class *class, u32 major, u32 minor, const char *name);
void ksharp_device_destroy(struct device *device);

/* ksharp_completion.c */
struct completion *ksharp_completion_create(void);
void ksharp_completion_destroy(struct completion *done);
s32 ksharp_wait_for_completion_interruptible(struct completion *done);
s64 ksharp_wait_for_completion_interruptible_timeout(struct completion *done, s64 timeout);
void ksharp_complete(struct completion *done);
void ksharp_complete_all(struct completion *done);
void ksharp_reinit_completion(struct completion *done);

/* ksharp_context.c */
s32 ksharp_context_add(const void *key, struct ksharp_shared *shared, void (*release)(struct ksharp_shared *shared));
void ksharp_context_remove(const void *key);
struct ksharp_shared *ksharp_context_open(struct inode *inode, struct file *file);

/* ksharp_debug.c */
void ksharp_hex_dump(s32 level, const char *prefix, u32 prefix_length, const void *data, u32 length);
u64 ksharp_uptime_ms(void);

/* ksharp_file.c */
u32 ksharp_file_flags(const struct file *file);
u32 ksharp_file_mode(const struct file *file);
s64 ksharp_file_position(const struct file *file);
u32 ksharp_file_major(const struct file *file);
u32 ksharp_file_minor(const struct file *file);
void ksharp_file_set_private_data(struct file *file, void *data);
void ksharp_file_stream_open(struct file *file);

/* ksharp_ioport.c */
struct resource *ksharp_request_region(u64 start, u64 count, const char *name);
void ksharp_release_region(struct resource *region, u64 start, u64 count);
struct resource *ksharp_request_mem_region(u64 start, u64 count, const char *name);
void ksharp_release_mem_region(struct resource *region, u64 start, u64 count);
s32 ksharp_mem_region_is_rom(u64 start, u64 count);
void __iomem *ksharp_ioremap(u64 start, u64 size);
void ksharp_iounmap(void __iomem *mapping);
u32 ksharp_readb(const void __iomem *address);
void ksharp_writeb(u8 value, void __iomem *address);
void ksharp_outb(u8 value, u16 port);
void ksharp_outw(u16 value, u16 port);
void ksharp_outl(u32 value, u16 port);
u32 ksharp_inb(u16 port);
u32 ksharp_inw(u16 port);
u32 ksharp_inl(u16 port);

/* ksharp_memory.c */
void *ksharp_kmalloc(size_t size, u32 flags);
void ksharp_kfree(const void *memory);

/* ksharp_misc.c */
struct miscdevice *ksharp_misc_register(const char *name, const struct file_operations *fops, u16 mode,
					struct ksharp_shared *shared, void (*release)(struct ksharp_shared *shared));
void ksharp_misc_deregister(struct miscdevice *misc);
s32 ksharp_misc_minor(const struct miscdevice *misc);

/* ksharp_module.c */
s32 ksharp_module_get(void);
void ksharp_module_put(void);
s32 ksharp_module_refcount(void);

/* ksharp_mutex.c */
struct mutex *ksharp_mutex_create(struct ksharp_lock_class *lock_class, size_t data_size, void **data);
void ksharp_mutex_destroy(struct mutex *mutex);
s32 ksharp_mutex_lock_interruptible(struct mutex *mutex);
void ksharp_mutex_lock(struct mutex *mutex);
void ksharp_mutex_unlock(struct mutex *mutex);

/* ksharp_spinlock.c */
struct spinlock *ksharp_spinlock_create(struct ksharp_lock_class *lock_class, size_t data_size, void **data);
void ksharp_spinlock_destroy(struct spinlock *lock);
void ksharp_spin_lock(struct spinlock *lock);
void ksharp_spin_unlock(struct spinlock *lock);
void ksharp_spin_lock_bh(struct spinlock *lock);
void ksharp_spin_unlock_bh(struct spinlock *lock);
u64 ksharp_spin_lock_irqsave(struct spinlock *lock);
void ksharp_spin_unlock_irqrestore(struct spinlock *lock, u64 flags);
s32 ksharp_spin_trylock(struct spinlock *lock);

/* ksharp_wait.c: C# reserves this many bytes, aligned to 8, for a wait queue entry on its stack. */
#define KSHARP_WAIT_ENTRY_SIZE 64
struct wait_queue_head *ksharp_waitqueue_create(void);
void ksharp_waitqueue_destroy(struct wait_queue_head *head);
void ksharp_wait_init(struct wait_queue_entry *entry, s32 exclusive);
s32 ksharp_wait_prepare(struct wait_queue_head *head, struct wait_queue_entry *entry);
s64 ksharp_wait_schedule(s64 timeout);
void ksharp_wait_finish(struct wait_queue_head *head, struct wait_queue_entry *entry);
void ksharp_wake_up_interruptible(struct wait_queue_head *head);
void ksharp_wake_up_interruptible_all(struct wait_queue_head *head);
s32 ksharp_signal_pending(void);

/* ksharp_timer.c */
struct ksharp_timer *ksharp_timer_create(void (*callback)(struct timer_list *), size_t data_size, void **data);
struct spinlock *ksharp_timer_lock(struct ksharp_timer *timer);
void ksharp_timer_start(struct ksharp_timer *timer, s64 delay);
s32 ksharp_timer_cancel(struct ksharp_timer *timer);
void ksharp_timer_shutdown(struct ksharp_timer *timer);
void ksharp_timer_destroy(struct ksharp_timer *timer);
struct ksharp_timer *ksharp_timer_begin(struct timer_list *t);
void *ksharp_timer_data(struct ksharp_timer *timer);
void ksharp_timer_end(struct ksharp_timer *timer, s64 next);

/* ksharp_work.c */
struct ksharp_work *ksharp_work_create(void (*callback)(struct work_struct *), s32 high_priority, size_t data_size, void **data);
struct mutex *ksharp_work_lock(struct ksharp_work *work);
s32 ksharp_work_schedule(struct ksharp_work *work, s64 delay);
s32 ksharp_work_cancel(struct ksharp_work *work);
void ksharp_work_shutdown(struct ksharp_work *work);
void ksharp_work_destroy(struct ksharp_work *work);
struct ksharp_work *ksharp_work_begin(struct work_struct *w);
void *ksharp_work_data(struct ksharp_work *work);
void ksharp_work_end(struct ksharp_work *work, s64 next);

/* ksharp_poll.c */
void ksharp_poll_wait(struct file *file, struct wait_queue_head *queue, struct poll_table_struct *table);
struct fasync_struct **ksharp_fasync_create(void);
void ksharp_fasync_destroy(struct fasync_struct **head);
s32 ksharp_fasync_helper(s32 fd, struct file *file, s32 on, struct fasync_struct **head);
void ksharp_kill_fasync(struct fasync_struct **head, s32 writable);

/* ksharp_test.c */
void ksharp_test_fail(void *kunit, const char *where, u32 where_length, const char *text, u32 length);

/* ksharp_printk.c */
void ksharp_printk2(s32 level, const char *text, u32 length, const char *more, u32 more_length);
void ksharp_printk(s32 level, const char *text, u32 length);
void ksharp_dyndbg_print(void *site, const char *text, u32 length, const char *more, u32 more_length);

/*
 * Dynamic debug for C#'s Log.Debug, where printk.h has it for pr_debug. Defined by the
 * generated glue of a module with Log.Debug calls (CGlueGenerator), not by a shim: the
 * struct _ddebug of the call site at C# @line of @file (UTF-16, as CallerFilePath gives it)
 * while that site is enabled, else NULL.
 */
#if defined(CONFIG_DYNAMIC_DEBUG) || (defined(CONFIG_DYNAMIC_DEBUG_CORE) && defined(DYNAMIC_DEBUG_MODULE))
#define KSHARP_DYNAMIC_DEBUG 1
#else
#define KSHARP_DYNAMIC_DEBUG 0
#endif
void *ksharp_dyndbg_site(u32 line, const u16 *file, u32 file_length);

/* ksharp_proc.c */
struct proc_dir_entry *ksharp_proc_create_single(const char *name, u16 mode, int (*show)(struct seq_file *, void *));
void ksharp_proc_remove(struct proc_dir_entry *entry);
void ksharp_seq_write(struct seq_file *seq, const void *data, u32 length);
u32 ksharp_format_pointer(char *buffer, u32 size, const void *pointer, s32 width);

/* ksharp_runtime.c */
void RhpReversePInvoke(void *frame);
void RhpReversePInvokeReturn(void *frame);
void RhpPInvoke(void *frame);
void RhpPInvokeReturn(void *frame);
void RhpGcPoll(void);
void __noreturn RhpFallbackFailFast(void);

/* ksharp_shared.c */
struct ksharp_shared *ksharp_shared_create(size_t data_size, void **data);
void *ksharp_shared_data(struct ksharp_shared *shared);
void ksharp_shared_get(struct ksharp_shared *shared);
s32 ksharp_shared_put(struct ksharp_shared *shared);
void ksharp_shared_free(struct ksharp_shared *shared);

/* ksharp_task.c */
s32 ksharp_current_pid(void);
u32 ksharp_current_comm(char *buffer, u32 size);
u32 ksharp_current_uid(void);
u32 ksharp_current_euid(void);
s32 ksharp_current_tty(u32 *major, u32 *minor);
s32 ksharp_current_cpu(void);
s32 ksharp_in_interrupt(void);
s32 ksharp_preempt_count(void);

/* ksharp_time.c */
void ksharp_msleep(u32 milliseconds);
u64 ksharp_ktime_get_ns(void);
u64 ksharp_jiffies(void);
u32 ksharp_hz(void);
u64 ksharp_msecs_to_jiffies(u32 milliseconds);
u32 ksharp_jiffies_to_msecs(u64 ticks);
void ksharp_usleep_range(u64 min, u64 max);
void ksharp_udelay(u32 microseconds);
void ksharp_ktime_get_real(s64 *seconds, s64 *nanoseconds);
void ksharp_ktime_get_coarse_real(s64 *seconds, s64 *nanoseconds);
void ksharp_schedule(void);
s64 ksharp_schedule_timeout(s64 ticks);
void ksharp_cpu_relax(void);

/* ksharp_uaccess.c */
size_t ksharp_copy_from_user(void *to, const void __user *from, size_t count);
size_t ksharp_copy_to_user(void __user *to, const void *from, size_t count);
size_t ksharp_clear_user(void __user *to, size_t count);

/*
 * Kernel objects C# owns and has not released: memory blocks, mutexes, classes, misc
 * devices. Shims count what they create and destroy; module exit reports a leak.
 */
extern atomic_long_t ksharp_live_allocations;

/* Counts a created object and passes it on; an ERR_PTR or NULL passes uncounted. */
static inline void *ksharp_track(void *object)
{
	if (!IS_ERR_OR_NULL(object))
		atomic_long_inc(&ksharp_live_allocations);
	return object;
}

static inline void ksharp_untrack(const void *object)
{
	if (!IS_ERR_OR_NULL(object))
		atomic_long_dec(&ksharp_live_allocations);
}

/*
 * A zeroed block: @header bytes for the kernel object (its layout is C's), then, 16-byte
 * aligned, @data_size bytes of C# data at *data, in one allocation so the data never moves.
 * NULL when it is too large or memory runs out. Process context (GFP_KERNEL).
 */
static inline void *ksharp_zalloc_with_data(size_t header, size_t data_size, void **data)
{
	size_t offset = ALIGN(header, 16);
	char *block;

	if (data_size > KMALLOC_MAX_SIZE - offset)
		return NULL;
	block = kzalloc(offset + data_size, GFP_KERNEL | __GFP_NOWARN);
	if (block)
		*data = block + offset;
	return block;
}

/* The KERN_* prefix of log level 0 (KERN_EMERG) to 7 (KERN_DEBUG); "" (the default level) otherwise. */
static inline const char *ksharp_kern_level(s32 level)
{
	static const char *const levels[] = {
		KERN_EMERG, KERN_ALERT, KERN_CRIT, KERN_ERR, KERN_WARNING, KERN_NOTICE, KERN_INFO, KERN_DEBUG,
	};

	return (u32)level < ARRAY_SIZE(levels) ? levels[level] : "";
}

#endif
