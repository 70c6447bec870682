// SPDX-License-Identifier: GPL-2.0
/*
 * Device classes and their devices (<linux/device.h>): registering a device in a class
 * makes udev/devtmpfs create its /dev node. class_create() lost its owner argument in 6.4.
 * The class keeps pointing to the name it was given: C# owns that name until the class is
 * destroyed.
 */
#include <linux/device.h>
#include <linux/kdev_t.h>
#include <linux/err.h>
#include <linux/version.h>
#include "ksharp.h"

/* Returns the class, or ERR_PTR(-errno) (-EEXIST when the name is taken). */
struct class *ksharp_class_create(const char *name)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return ksharp_track(class_create(name));
#else
	return ksharp_track(class_create(THIS_MODULE, name));
#endif
}

void ksharp_class_destroy(struct class *class)
{
	ksharp_untrack(class);
	class_destroy(class);
}

/* device_create: /dev/NAME for major:minor. Returns the device, or ERR_PTR(-errno). */
struct device *ksharp_device_create(struct class *class, u32 major, u32 minor, const char *name)
{
	/* The name is formatted into the kobject's own allocation. */
	return ksharp_track(device_create(class, NULL, MKDEV(major, minor), NULL, "%s", name));
}

/* device_destroy without the lookup: the caller holds the device itself. */
void ksharp_device_destroy(struct device *device)
{
	ksharp_untrack(device);
	device_unregister(device);
}
