// The raw layer: one declaration per C shim in src/Native, under the shim's C name. Only the
// safe library in this assembly calls these; drivers cannot see them (internal).
// Each shim is thin and 1:1 with the kernel API it wraps and uses fixed-width types, so the
// compiled C# depends on no kernel version or configuration.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace KernelSharp.Interop
{
    internal static unsafe class Native
    {
        private const string Shim = "*";

        // ksharp_test.c
        [RuntimeImport(Shim, "ksharp_test_fail"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_test_fail(void* kunit, byte* where, uint whereLength, byte* text, uint length);

        // ksharp_printk.c
        [RuntimeImport(Shim, "ksharp_printk"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_printk(int level, byte* text, uint length);
        [RuntimeImport(Shim, "ksharp_printk2"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_printk2(int level, byte* text, uint length, byte* more, uint moreLength);
        [RuntimeImport(Shim, "ksharp_dyndbg_print"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_dyndbg_print(void* site, byte* text, uint length, byte* more, uint moreLength);

        // ksharp_ioport.c
        [RuntimeImport(Shim, "ksharp_request_region"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_request_region(ulong start, ulong count, byte* name);
        [RuntimeImport(Shim, "ksharp_release_region"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_release_region(void* region, ulong start, ulong count);
        [RuntimeImport(Shim, "ksharp_request_mem_region"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_request_mem_region(ulong start, ulong count, byte* name);
        [RuntimeImport(Shim, "ksharp_release_mem_region"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_release_mem_region(void* region, ulong start, ulong count);
        [RuntimeImport(Shim, "ksharp_mem_region_is_rom"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_mem_region_is_rom(ulong start, ulong count);
        [RuntimeImport(Shim, "ksharp_ioremap"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_ioremap(ulong start, ulong size);
        [RuntimeImport(Shim, "ksharp_iounmap"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_iounmap(void* mapping);
        [RuntimeImport(Shim, "ksharp_readb"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_readb(void* address);
        [RuntimeImport(Shim, "ksharp_writeb"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_writeb(byte value, void* address);
        [RuntimeImport(Shim, "ksharp_outb"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_outb(byte value, ushort port);
        [RuntimeImport(Shim, "ksharp_outw"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_outw(ushort value, ushort port);
        [RuntimeImport(Shim, "ksharp_outl"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_outl(uint value, ushort port);
        // Shims never return u8/u16/bool: the managed convention takes small return values as
        // already widened, SysV does not widen them. The reads return uint; callers narrow.
        [RuntimeImport(Shim, "ksharp_inb"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_inb(ushort port);
        [RuntimeImport(Shim, "ksharp_inw"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_inw(ushort port);
        [RuntimeImport(Shim, "ksharp_inl"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_inl(ushort port);

        // ksharp_memory.c
        [RuntimeImport(Shim, "ksharp_kmalloc"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_kmalloc(nuint size, uint flags);
        [RuntimeImport(Shim, "ksharp_kfree"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_kfree(void* pointer);

        // ksharp_uaccess.c: both return the number of bytes NOT copied, as the kernel does.
        [RuntimeImport(Shim, "ksharp_copy_from_user"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern nuint ksharp_copy_from_user(void* destination, nint userSource, nuint count);
        [RuntimeImport(Shim, "ksharp_copy_to_user"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern nuint ksharp_copy_to_user(nint userDestination, void* source, nuint count);
        [RuntimeImport(Shim, "ksharp_clear_user"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern nuint ksharp_clear_user(nint userDestination, nuint count);

        // ksharp_misc.c
        [RuntimeImport(Shim, "ksharp_misc_register"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_misc_register(byte* name, void* fileOperations, ushort mode, void* shared, void* release);
        [RuntimeImport(Shim, "ksharp_misc_deregister"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_misc_deregister(void* device);
        [RuntimeImport(Shim, "ksharp_misc_minor"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_misc_minor(void* device);

        // ksharp_file.c
        [RuntimeImport(Shim, "ksharp_file_flags"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_file_flags(void* file);
        [RuntimeImport(Shim, "ksharp_file_mode"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_file_mode(void* file);
        [RuntimeImport(Shim, "ksharp_file_position"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern long ksharp_file_position(void* file);
        [RuntimeImport(Shim, "ksharp_file_major"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_file_major(void* file);
        [RuntimeImport(Shim, "ksharp_file_minor"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_file_minor(void* file);
        [RuntimeImport(Shim, "ksharp_file_set_private_data"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_file_set_private_data(void* file, void* data);
        [RuntimeImport(Shim, "ksharp_file_stream_open"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_file_stream_open(void* file);

        // ksharp_chrdev.c
        [RuntimeImport(Shim, "ksharp_alloc_chrdev_region"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_alloc_chrdev_region(uint firstMinor, uint count, byte* name);
        [RuntimeImport(Shim, "ksharp_register_chrdev_region"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_register_chrdev_region(uint major, uint firstMinor, uint count, byte* name);
        [RuntimeImport(Shim, "ksharp_unregister_chrdev_region"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_unregister_chrdev_region(uint major, uint firstMinor, uint count);
        [RuntimeImport(Shim, "ksharp_cdev_add"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_cdev_add(void* fileOperations, uint major, uint minor, uint count, void* shared, void* release);
        [RuntimeImport(Shim, "ksharp_cdev_del"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_cdev_del(void* cdev);

        // ksharp_class.c
        [RuntimeImport(Shim, "ksharp_class_create"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_class_create(byte* name);
        [RuntimeImport(Shim, "ksharp_class_destroy"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_class_destroy(void* deviceClass);
        [RuntimeImport(Shim, "ksharp_device_create"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_device_create(void* deviceClass, uint major, uint minor, byte* name);
        [RuntimeImport(Shim, "ksharp_device_destroy"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_device_destroy(void* device);

        // ksharp_shared.c
        [RuntimeImport(Shim, "ksharp_shared_create"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_shared_create(nuint dataSize, void** data);
        [RuntimeImport(Shim, "ksharp_shared_data"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_shared_data(void* shared);
        [RuntimeImport(Shim, "ksharp_shared_get"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_shared_get(void* shared);
        [RuntimeImport(Shim, "ksharp_shared_put"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_shared_put(void* shared);
        [RuntimeImport(Shim, "ksharp_shared_free"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_shared_free(void* shared);

        // ksharp_spinlock.c
        [RuntimeImport(Shim, "ksharp_spinlock_create"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_spinlock_create(void* lockClass, nuint dataSize, void** data);
        [RuntimeImport(Shim, "ksharp_spinlock_destroy"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_spinlock_destroy(void* spinLock);
        [RuntimeImport(Shim, "ksharp_spin_lock"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_spin_lock(void* spinLock);
        [RuntimeImport(Shim, "ksharp_spin_unlock"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_spin_unlock(void* spinLock);
        [RuntimeImport(Shim, "ksharp_spin_lock_bh"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_spin_lock_bh(void* spinLock);
        [RuntimeImport(Shim, "ksharp_spin_unlock_bh"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_spin_unlock_bh(void* spinLock);
        [RuntimeImport(Shim, "ksharp_spin_lock_irqsave"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern ulong ksharp_spin_lock_irqsave(void* spinLock);
        [RuntimeImport(Shim, "ksharp_spin_unlock_irqrestore"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_spin_unlock_irqrestore(void* spinLock, ulong flags);
        [RuntimeImport(Shim, "ksharp_spin_trylock"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_spin_trylock(void* spinLock);

        // ksharp_wait.c
        internal const int WaitEntrySize = 64; // KSHARP_WAIT_ENTRY_SIZE
        [RuntimeImport(Shim, "ksharp_waitqueue_create"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_waitqueue_create();
        [RuntimeImport(Shim, "ksharp_waitqueue_destroy"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_waitqueue_destroy(void* queue);
        [RuntimeImport(Shim, "ksharp_wait_init"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_wait_init(void* entry, int exclusive);
        [RuntimeImport(Shim, "ksharp_wait_prepare"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_wait_prepare(void* queue, void* entry);
        [RuntimeImport(Shim, "ksharp_wait_schedule"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern long ksharp_wait_schedule(long timeout);
        [RuntimeImport(Shim, "ksharp_wait_finish"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_wait_finish(void* queue, void* entry);
        [RuntimeImport(Shim, "ksharp_wake_up_interruptible"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_wake_up_interruptible(void* queue);
        [RuntimeImport(Shim, "ksharp_wake_up_interruptible_all"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_wake_up_interruptible_all(void* queue);
        [RuntimeImport(Shim, "ksharp_signal_pending"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_signal_pending();

        // ksharp_completion.c
        [RuntimeImport(Shim, "ksharp_completion_create"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_completion_create();
        [RuntimeImport(Shim, "ksharp_completion_destroy"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_completion_destroy(void* done);
        [RuntimeImport(Shim, "ksharp_wait_for_completion_interruptible"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_wait_for_completion_interruptible(void* done);
        [RuntimeImport(Shim, "ksharp_wait_for_completion_interruptible_timeout"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern long ksharp_wait_for_completion_interruptible_timeout(void* done, long timeout);
        [RuntimeImport(Shim, "ksharp_complete"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_complete(void* done);
        [RuntimeImport(Shim, "ksharp_complete_all"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_complete_all(void* done);
        [RuntimeImport(Shim, "ksharp_reinit_completion"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_reinit_completion(void* done);

        // ksharp_timer.c (ksharp_timer_begin, _data and _end are called by the generated glue)
        [RuntimeImport(Shim, "ksharp_timer_create"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_timer_create(void* callback, nuint dataSize, void** data);
        [RuntimeImport(Shim, "ksharp_timer_lock"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_timer_lock(void* timer);
        [RuntimeImport(Shim, "ksharp_timer_start"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_timer_start(void* timer, long delay);
        [RuntimeImport(Shim, "ksharp_timer_cancel"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_timer_cancel(void* timer);
        [RuntimeImport(Shim, "ksharp_timer_shutdown"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_timer_shutdown(void* timer);
        [RuntimeImport(Shim, "ksharp_timer_destroy"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_timer_destroy(void* timer);

        // ksharp_work.c (ksharp_work_begin, _data and _end are called by the generated glue)
        [RuntimeImport(Shim, "ksharp_work_create"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_work_create(void* callback, int highPriority, nuint dataSize, void** data);
        [RuntimeImport(Shim, "ksharp_work_lock"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_work_lock(void* work);
        [RuntimeImport(Shim, "ksharp_work_schedule"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_work_schedule(void* work, long delay);
        [RuntimeImport(Shim, "ksharp_work_cancel"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_work_cancel(void* work);
        [RuntimeImport(Shim, "ksharp_work_shutdown"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_work_shutdown(void* work);
        [RuntimeImport(Shim, "ksharp_work_destroy"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_work_destroy(void* work);

        // ksharp_poll.c
        [RuntimeImport(Shim, "ksharp_poll_wait"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_poll_wait(void* file, void* queue, void* table);
        [RuntimeImport(Shim, "ksharp_fasync_create"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_fasync_create();
        [RuntimeImport(Shim, "ksharp_fasync_destroy"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_fasync_destroy(void* head);
        [RuntimeImport(Shim, "ksharp_fasync_helper"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_fasync_helper(int fd, void* file, int on, void* head);
        [RuntimeImport(Shim, "ksharp_kill_fasync"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_kill_fasync(void* head, int writable);

        // ksharp_mutex.c
        [RuntimeImport(Shim, "ksharp_mutex_create"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_mutex_create(void* lockClass, nuint dataSize, void** data);
        [RuntimeImport(Shim, "ksharp_mutex_destroy"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_mutex_destroy(void* mutex);
        [RuntimeImport(Shim, "ksharp_mutex_lock_interruptible"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_mutex_lock_interruptible(void* mutex);
        [RuntimeImport(Shim, "ksharp_mutex_lock"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_mutex_lock(void* mutex);
        [RuntimeImport(Shim, "ksharp_mutex_unlock"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_mutex_unlock(void* mutex);

        // ksharp_capability.c
        [RuntimeImport(Shim, "ksharp_capable"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_capable(int capability);

        // ksharp_proc.c
        [RuntimeImport(Shim, "ksharp_proc_create_single"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_proc_create_single(byte* name, ushort mode, void* show);
        [RuntimeImport(Shim, "ksharp_proc_remove"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_proc_remove(void* entry);
        [RuntimeImport(Shim, "ksharp_seq_write"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_seq_write(void* seq, byte* data, uint length);
        [RuntimeImport(Shim, "ksharp_format_pointer"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_format_pointer(byte* buffer, uint size, void* pointer, int width);

        // ksharp_time.c
        [RuntimeImport(Shim, "ksharp_msleep"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_msleep(uint milliseconds);
        [RuntimeImport(Shim, "ksharp_ktime_get_ns"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern ulong ksharp_ktime_get_ns();
        [RuntimeImport(Shim, "ksharp_jiffies"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern ulong ksharp_jiffies();
        [RuntimeImport(Shim, "ksharp_hz"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_hz();
        [RuntimeImport(Shim, "ksharp_msecs_to_jiffies"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern ulong ksharp_msecs_to_jiffies(uint milliseconds);
        [RuntimeImport(Shim, "ksharp_jiffies_to_msecs"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_jiffies_to_msecs(ulong ticks);
        [RuntimeImport(Shim, "ksharp_usleep_range"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_usleep_range(ulong min, ulong max);
        [RuntimeImport(Shim, "ksharp_udelay"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_udelay(uint microseconds);
        [RuntimeImport(Shim, "ksharp_ktime_get_real"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_ktime_get_real(long* seconds, long* nanoseconds);
        [RuntimeImport(Shim, "ksharp_ktime_get_coarse_real"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_ktime_get_coarse_real(long* seconds, long* nanoseconds);
        [RuntimeImport(Shim, "ksharp_schedule"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_schedule();
        [RuntimeImport(Shim, "ksharp_schedule_timeout"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern long ksharp_schedule_timeout(long ticks);
        [RuntimeImport(Shim, "ksharp_cpu_relax"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_cpu_relax();

        // ksharp_task.c
        [RuntimeImport(Shim, "ksharp_current_pid"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_current_pid();
        [RuntimeImport(Shim, "ksharp_current_comm"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_current_comm(byte* buffer, uint size);
        [RuntimeImport(Shim, "ksharp_current_uid"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_current_uid();
        [RuntimeImport(Shim, "ksharp_current_euid"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_current_euid();
        [RuntimeImport(Shim, "ksharp_current_tty"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_current_tty(uint* major, uint* minor);
        [RuntimeImport(Shim, "ksharp_current_cpu"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_current_cpu();
        [RuntimeImport(Shim, "ksharp_in_interrupt"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_in_interrupt();
        [RuntimeImport(Shim, "ksharp_preempt_count"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_preempt_count();

        // ksharp_module.c
        [RuntimeImport(Shim, "ksharp_module_get"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_module_get();
        [RuntimeImport(Shim, "ksharp_module_put"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_module_put();
        [RuntimeImport(Shim, "ksharp_module_refcount"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_module_refcount();

        // ksharp_debug.c
        [RuntimeImport(Shim, "ksharp_hex_dump"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_hex_dump(int level, byte* prefix, uint prefixLength, byte* data, uint length);
        [RuntimeImport(Shim, "ksharp_uptime_ms"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern ulong ksharp_uptime_ms();
    }
}
