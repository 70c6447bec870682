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
#include "ksharp.h"

/* alloc_chrdev_region: a dynamic major. Returns the major, or -errno. The kernel copies the name. */
s32 ksharp_alloc_chrdev_region(u32 first_minor, u32 count, const char *name)
{
	dev_t first;
	int ret;

	/* The kernel's own range check underflows for a first minor past the 20 bits. */
	if (first_minor > MINORMASK || count > MINORMASK + 1 - first_minor)
		return -EINVAL;
	/* Takes chrdevs_lock (a mutex) and allocates with GFP_KERNEL: sleeps. */
	ret = alloc_chrdev_region(&first, first_minor, count, name);
	return ret ? ret : MAJOR(first);
}

/* register_chrdev_region: a fixed major. Returns 0 or -errno. */
s32 ksharp_register_chrdev_region(u32 major, u32 first_minor, u32 count, const char *name)
{
	if (major >= (1U << (32 - MINORBITS)) || first_minor > MINORMASK || count > MINORMASK + 1 - first_minor)
		return -EINVAL;
	return register_chrdev_region(MKDEV(major, first_minor), count, name);
}

void ksharp_unregister_chrdev_region(u32 major, u32 first_minor, u32 count)
{
	unregister_chrdev_region(MKDEV(major, first_minor), count);
}

/*
 * cdev_alloc + cdev_add: the device numbers [major:minor, +count) now open with fops.
 * The cdev and fops both name THIS_MODULE, so an open file pins the module.
 * With @shared, opens find that block (ksharp_context.c) from before the cdev goes live.
 * Returns the cdev, or ERR_PTR(-errno).
 */
struct cdev *ksharp_cdev_add(const struct file_operations *fops, u32 major, u32 minor, u32 count,
			     struct ksharp_shared *shared, void (*release)(struct ksharp_shared *shared))
{
	struct cdev *cdev;
	int ret;

	cdev = cdev_alloc();
	if (!cdev)
		return ERR_PTR(-ENOMEM);
	cdev->owner = THIS_MODULE;
	cdev->ops = fops;
	if (shared) {
		ret = ksharp_context_add(cdev, shared, release);
		if (ret) {
			kobject_put(&cdev->kobj);
			return ERR_PTR(ret);
		}
	}
	/* Once added, the device is live: opens can arrive before this returns. */
	ret = cdev_add(cdev, MKDEV(major, minor), count);
	if (ret) {
		ksharp_context_remove(cdev);
		kobject_put(&cdev->kobj);
		return ERR_PTR(ret);
	}
	return ksharp_track(cdev);
}

/* Opens from here on get -ENXIO; files already open keep their reference to the block. */
void ksharp_cdev_del(struct cdev *cdev)
{
	ksharp_context_remove(cdev);
	ksharp_untrack(cdev);
	cdev_del(cdev);
}
