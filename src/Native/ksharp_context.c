// SPDX-License-Identifier: GPL-2.0
/*
 * The device a file was opened on, for C#: a registration (a cdev or a misc device) can
 * carry a Shared<T> block, and open finds it, taking a reference the open file then owns.
 * An entry is added before its device goes live and removed after the device is gone, under
 * one lock, so an open either finds a live block or gets -ENXIO; the entry's own reference
 * keeps the block alive while it is registered, and the last reference disposes it through
 * the release function C# gave for the block's type.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include "ksharp.h"

struct ksharp_context {
	struct list_head node;
	const void *key;
	struct ksharp_shared *shared;
	void (*release)(struct ksharp_shared *shared);
};

static DEFINE_MUTEX(ksharp_contexts_lock);
static LIST_HEAD(ksharp_contexts);

/* Attaches @shared (with a reference of its own) to the registration @key. 0 or -ENOMEM. */
s32 ksharp_context_add(const void *key, struct ksharp_shared *shared, void (*release)(struct ksharp_shared *shared))
{
	struct ksharp_context *context = kzalloc(sizeof(*context), GFP_KERNEL);

	if (!context)
		return -ENOMEM;
	context->key = key;
	context->shared = shared;
	context->release = release;
	ksharp_shared_get(shared);
	mutex_lock(&ksharp_contexts_lock);
	list_add(&context->node, &ksharp_contexts);
	mutex_unlock(&ksharp_contexts_lock);
	return 0;
}

/* Detaches whatever is attached to @key (nothing is fine) and drops its reference. */
void ksharp_context_remove(const void *key)
{
	struct ksharp_context *context, *found = NULL;

	mutex_lock(&ksharp_contexts_lock);
	list_for_each_entry(context, &ksharp_contexts, node) {
		if (context->key == key) {
			list_del(&context->node);
			found = context;
			break;
		}
	}
	mutex_unlock(&ksharp_contexts_lock);
	if (!found)
		return;
	if (ksharp_shared_put(found->shared))
		found->release(found->shared);
	kfree(found);
}

/*
 * The block of the registration @file was opened through, with a new reference for the
 * caller, or ERR_PTR(-ENXIO) once the device is gone. At open, a misc device's file points
 * to its struct miscdevice (misc_open sets it); a cdev's file is reached through its inode.
 */
struct ksharp_shared *ksharp_context_open(struct inode *inode, struct file *file)
{
	const void *key = file->private_data ? file->private_data : (const void *)inode->i_cdev;
	struct ksharp_context *context;
	struct ksharp_shared *shared = ERR_PTR(-ENXIO);

	mutex_lock(&ksharp_contexts_lock);
	list_for_each_entry(context, &ksharp_contexts, node) {
		if (context->key == key) {
			ksharp_shared_get(context->shared);
			shared = context->shared;
			break;
		}
	}
	mutex_unlock(&ksharp_contexts_lock);
	return shared;
}
