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

        // ksharp_printk.c
        [RuntimeImport(Shim, "ksharp_printk"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_printk(int level, byte* text, uint length);
        [RuntimeImport(Shim, "ksharp_printk2"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_printk2(int level, byte* text, uint length, byte* more, uint moreLength);

        // ksharp_ioport.c
        [RuntimeImport(Shim, "ksharp_request_region"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_request_region(ulong start, ulong count, byte* name);
        [RuntimeImport(Shim, "ksharp_release_region"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_release_region(ulong start, ulong count);
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

        // ksharp_misc.c
        [RuntimeImport(Shim, "ksharp_misc_register"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void* ksharp_misc_register(byte* name, uint nameLength, void* fileOperations, ushort mode, int* error);
        [RuntimeImport(Shim, "ksharp_misc_deregister"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ksharp_misc_deregister(void* device);
        [RuntimeImport(Shim, "ksharp_misc_minor"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ksharp_misc_minor(void* device);

        // ksharp_file.c
        [RuntimeImport(Shim, "ksharp_file_flags"), MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern uint ksharp_file_flags(void* file);
    }
}
