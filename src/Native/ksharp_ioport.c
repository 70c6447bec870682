// SPDX-License-Identifier: GPL-2.0
/* I/O port regions (<linux/ioport.h>) and port I/O (<asm/io.h>). */
#include <linux/ioport.h>
#include <linux/io.h>
#include "ksharp.h"
#include "ksharp_fpu.h"

/* Returns the reserved resource or NULL when any port in the range is taken. */
struct resource *ksharp_request_region(u64 start, u64 count, const char *name)
{
	struct resource *region;

	/* Allocates with GFP_KERNEL: may sleep. */
	KSHARP_MAY_SLEEP(region = request_region(start, count, name));
	return region;
}

void ksharp_release_region(u64 start, u64 count)
{
	KSHARP_MAY_SLEEP(release_region(start, count));
}

void ksharp_outb(u8 value, u16 port) { outb(value, port); }
void ksharp_outw(u16 value, u16 port) { outw(value, port); }
void ksharp_outl(u32 value, u16 port) { outl(value, port); }
/*
 * Reads return u32: compiled C# calls shims with the managed convention, which takes a
 * small return value as already widened, while SysV leaves the upper bits undefined. So no
 * shim returns u8, u16 or bool.
 */
u32 ksharp_inb(u16 port) { return inb(port); }
u32 ksharp_inw(u16 port) { return inw(port); }
u32 ksharp_inl(u16 port) { return inl(port); }
