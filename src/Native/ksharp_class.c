// SPDX-License-Identifier: GPL-2.0
/*
 * Device classes and their devices (<linux/device.h>): registering a device in a class
 * makes udev/devtmpfs create its /dev node. class_create() lost its owner argument in 6.4,
 * and the class keeps pointing to the name it was given, so the shim owns a copy.
 */
#include <linux/device.h>
#include <linux/kdev_t.h>
#include <linux/slab.h>
#include <linux/err.h>
#include <linux/version.h>
#include "ksharp.h"

struct ksharp_class {
	struct class *class;
	char name[];
};

/* Returns the class, or NULL with *error set (-EEXIST when the name is taken). */
struct ksharp_class *ksharp_class_create(const char *name, u32 name_length, s32 *error)
{
	struct ksharp_class *owner;
	struct class *class;

	owner = kzalloc(struct_size(owner, name, name_length + 1), GFP_KERNEL);
	if (!owner) {
		*error = -ENOMEM;
		return NULL;
	}
	memcpy(owner->name, name, name_length);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	class = class_create(owner->name);
#else
	class = class_create(THIS_MODULE, owner->name);
#endif
	if (IS_ERR(class)) {
		kfree(owner);
		*error = PTR_ERR(class);
		return NULL;
	}
	owner->class = class;
	return ksharp_track(owner);
}

void ksharp_class_destroy(struct ksharp_class *owner)
{
	class_destroy(owner->class);
	ksharp_untrack(owner);
	kfree(owner);
}

/* device_create: /dev/NAME for major:minor. Returns the device, or NULL with *error set. */
struct device *ksharp_device_create(struct ksharp_class *owner, u32 major, u32 minor,
				    const char *name, u32 name_length, s32 *error)
{
	struct device *device;

	/* The name is formatted into the kobject's own allocation: no copy to keep. */
	device = device_create(owner->class, NULL, MKDEV(major, minor), NULL,
						"%.*s", (int)name_length, name);
	if (IS_ERR(device)) {
		*error = PTR_ERR(device);
		return NULL;
	}
	return ksharp_track(device);
}

/* device_destroy without the lookup: the caller holds the device itself. */
void ksharp_device_destroy(struct device *device)
{
	ksharp_untrack(device);
	device_unregister(device);
}
