// SPDX-License-Identifier: GPL-2.0
/* Misc devices (<linux/miscdevice.h>). struct miscdevice's layout belongs to the kernel
 * version, so the shim allocates it and C# holds an opaque pointer. The kernel keeps
 * pointing to the name: C# owns it until the device is deregistered. */
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include "ksharp.h"

/*
 * Returns the registered device, or ERR_PTR(-errno). With @shared, opens find that block
 * (ksharp_context.c) from before the device goes live.
 */
struct miscdevice *ksharp_misc_register(const char *name, const struct file_operations *fops, u16 mode,
					struct ksharp_shared *shared, void (*release)(struct ksharp_shared *shared))
{
	struct miscdevice *misc;
	int ret;

	misc = kzalloc(sizeof(*misc), GFP_KERNEL);
	if (!misc)
		return ERR_PTR(-ENOMEM);
	misc->minor = MISC_DYNAMIC_MINOR;
	misc->name = name;
	misc->fops = fops;
	misc->mode = mode;
	if (shared) {
		ret = ksharp_context_add(misc, shared, release);
		if (ret) {
			kfree(misc);
			return ERR_PTR(ret);
		}
	}

	/* Takes misc_mtx and creates the device node: sleeps. */
	ret = misc_register(misc);
	if (ret) {
		ksharp_context_remove(misc);
		kfree(misc);
		return ERR_PTR(ret);
	}
	return ksharp_track(misc);
}

void ksharp_misc_deregister(struct miscdevice *misc)
{
	ksharp_context_remove(misc);
	ksharp_untrack(misc);
	misc_deregister(misc);
	kfree(misc);
}

s32 ksharp_misc_minor(const struct miscdevice *misc)
{
	return misc->minor;
}
