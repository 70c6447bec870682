// SPDX-License-Identifier: GPL-2.0
/* Misc devices (<linux/miscdevice.h>). struct miscdevice's layout belongs to the kernel
 * version, so the shim allocates it, together with the copy of the name the kernel keeps
 * pointing to, and C# holds an opaque pointer. */
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/fs.h>
#include "ksharp.h"

struct ksharp_misc {
	struct miscdevice misc;
	char name[];
};

/* Returns the registered device, or NULL with *error set to a negative errno. */
struct miscdevice *ksharp_misc_register(const char *name, u32 name_length,
					const struct file_operations *fops, u16 mode, s32 *error)
{
	struct ksharp_misc *device;
	int ret;

	device = kzalloc(struct_size(device, name, name_length + 1), GFP_KERNEL);
	if (!device) {
		*error = -ENOMEM;
		return NULL;
	}
	memcpy(device->name, name, name_length);
	device->misc.minor = MISC_DYNAMIC_MINOR;
	device->misc.name = device->name;
	device->misc.fops = fops;
	device->misc.mode = mode;

	/* Takes misc_mtx and creates the device node: sleeps. */
	ret = misc_register(&device->misc);
	if (ret) {
		kfree(device);
		*error = ret;
		return NULL;
	}
	return ksharp_track(&device->misc);
}

void ksharp_misc_deregister(struct miscdevice *misc)
{
	struct ksharp_misc *device = container_of(misc, struct ksharp_misc, misc);

	ksharp_untrack(misc);
	misc_deregister(misc);
	kfree(device);
}

s32 ksharp_misc_minor(const struct miscdevice *misc)
{
	return misc->minor;
}
