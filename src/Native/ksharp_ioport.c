// SPDX-License-Identifier: GPL-2.0
/* I/O port and memory regions (<linux/ioport.h>), port I/O and I/O memory (<asm/io.h>). */
#include <linux/ioport.h>
#include <linux/io.h>
#include <linux/mm.h>
#include "ksharp.h"

/*
 * Returns the reserved resource, or ERR_PTR(-EBUSY) when any port in the range is taken
 * (request_region gives no errno; -EBUSY is what drivers return). The resource keeps
 * pointing to the name.
 */
struct resource *ksharp_request_region(u64 start, u64 count, const char *name)
{
	/* Allocates with GFP_KERNEL: may sleep. */
	struct resource *region = request_region(start, count, name);

	return region ? ksharp_track(region) : ERR_PTR(-EBUSY);
}

void ksharp_release_region(struct resource *region, u64 start, u64 count)
{
	ksharp_untrack(region);
	release_region(start, count);
}

/* The same for physical memory (/proc/iomem). */
struct resource *ksharp_request_mem_region(u64 start, u64 count, const char *name)
{
	struct resource *region = request_mem_region(start, count, name);

	return region ? ksharp_track(region) : ERR_PTR(-EBUSY);
}

void ksharp_release_mem_region(struct resource *region, u64 start, u64 count)
{
	ksharp_untrack(region);
	release_mem_region(start, count);
}

/*
 * 1 when [start, start + count) overlaps memory the kernel registered as ROM (the video
 * BIOS, the system BIOS, adapter ROMs: busy, read-only resources), else 0.
 */
s32 ksharp_mem_region_is_rom(u64 start, u64 count)
{
	int overlap = region_intersects(start, count, IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_READONLY,
					IORES_DESC_NONE);

	return overlap != REGION_DISJOINT;
}

/*
 * Maps physical memory (device memory, the ISA hole) into the kernel's address space.
 * Returns the mapping, or ERR_PTR(-ENOMEM) (ioremap gives no errno).
 */
void __iomem *ksharp_ioremap(u64 start, u64 size)
{
	/* Allocates page tables and vmalloc space: may sleep. */
	void __iomem *mapping = ioremap(start, size);

	return mapping ? (void __iomem __force *)ksharp_track((void __force *)mapping) : (void __iomem __force *)ERR_PTR(-ENOMEM);
}

void ksharp_iounmap(void __iomem *mapping)
{
	ksharp_untrack((void __force *)mapping);
	iounmap(mapping);
}

u32 ksharp_readb(const void __iomem *address) { return readb(address); }
void ksharp_writeb(u8 value, void __iomem *address) { writeb(value, address); }

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
