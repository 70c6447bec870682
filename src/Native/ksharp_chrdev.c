// SPDX-License-Identifier: GPL-2.0
/*
 * Character devices (<linux/fs.h>, <linux/cdev.h>): device-number regions and cdevs.
 * dev_t's encoding (MKDEV) is the kernel's business, so C# passes major and minor apart.
 * A struct cdev's layout belongs to the kernel version: the shim allocates it (cdev_alloc)
 * and C# holds an opaque pointer.
 */
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/kdev_t.h>
#include <linux/string.h>
#include "ksharp.h"

/* The region's name as a C string: the kernel copies it into its own 64-byte field. */
static void ksharp_region_name(char *buffer, size_t size, const char *name, u32 name_length)
{
	size_t length = min_t(size_t, name_length, size - 1);

	memcpy(buffer, name, length);
	buffer[length] = '\0';
}

/* alloc_chrdev_region: a dynamic major. Returns 0 or -errno; *major receives the major. */
s32 ksharp_alloc_chrdev_region(u32 first_minor, u32 count, const char *name, u32 name_length, u32 *major)
{
	char text[64];
	dev_t first;
	int ret;

	/* The kernel's own range check underflows for a first minor past the 20 bits. */
	if (first_minor > MINORMASK || count > MINORMASK + 1 - first_minor)
		return -EINVAL;
	ksharp_region_name(text, sizeof(text), name, name_length);
	/* Takes chrdevs_lock (a mutex) and allocates with GFP_KERNEL: sleeps. */
	ret = alloc_chrdev_region(&first, first_minor, count, text);
	if (!ret)
		*major = MAJOR(first);
	return ret;
}

/* register_chrdev_region: a fixed major. Returns 0 or -errno. */
s32 ksharp_register_chrdev_region(u32 major, u32 first_minor, u32 count, const char *name, u32 name_length)
{
	char text[64];
	int ret;

	if (major >= (1U << (32 - MINORBITS)) || first_minor > MINORMASK || count > MINORMASK + 1 - first_minor)
		return -EINVAL;
	ksharp_region_name(text, sizeof(text), name, name_length);
	ret = register_chrdev_region(MKDEV(major, first_minor), count, text);
	return ret;
}

void ksharp_unregister_chrdev_region(u32 major, u32 first_minor, u32 count)
{
	unregister_chrdev_region(MKDEV(major, first_minor), count);
}

/*
 * cdev_alloc + cdev_add: the device numbers [major:minor, +count) now open with fops.
 * The cdev and fops both name THIS_MODULE, so an open file pins the module.
 * Returns the cdev, or NULL with *error set.
 */
struct cdev *ksharp_cdev_add(const struct file_operations *fops, u32 major, u32 minor, u32 count, s32 *error)
{
	struct cdev *cdev;
	int ret;

	cdev = cdev_alloc();
	if (!cdev) {
		*error = -ENOMEM;
		return NULL;
	}
	cdev->owner = THIS_MODULE;
	cdev->ops = fops;
	/* Once added, the device is live: opens can arrive before this returns. */
	ret = cdev_add(cdev, MKDEV(major, minor), count);
	if (ret) {
		kobject_put(&cdev->kobj);
		*error = ret;
		return NULL;
	}
	return ksharp_track(cdev);
}

void ksharp_cdev_del(struct cdev *cdev)
{
	ksharp_untrack(cdev);
	cdev_del(cdev);
}
