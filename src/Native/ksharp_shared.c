// SPDX-License-Identifier: GPL-2.0
/*
 * Reference-counted blocks (<linux/refcount.h>) for C#'s Shared<T>: a count, then the
 * data at an offset only this file knows. The last put leaves it to the caller to dispose
 * the data and free the block, since only the caller knows the data's type.
 */
#include <linux/err.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include "ksharp.h"

struct ksharp_shared {
	refcount_t refs;
};

#define KSHARP_SHARED_DATA ALIGN(sizeof(struct ksharp_shared), 16)

/* A block with one reference and @data_size zeroed bytes at *data; ERR_PTR(-ENOMEM). */
struct ksharp_shared *ksharp_shared_create(size_t data_size, void **data)
{
	struct ksharp_shared *shared = ksharp_zalloc_with_data(sizeof(*shared), data_size, data);

	if (!shared)
		return ERR_PTR(-ENOMEM);
	refcount_set(&shared->refs, 1);
	return ksharp_track(shared);
}

void *ksharp_shared_data(struct ksharp_shared *shared)
{
	return (char *)shared + KSHARP_SHARED_DATA;
}

void ksharp_shared_get(struct ksharp_shared *shared)
{
	refcount_inc(&shared->refs);
}

/* 1 when this was the last reference: the caller disposes the data, then frees the block. */
s32 ksharp_shared_put(struct ksharp_shared *shared)
{
	return refcount_dec_and_test(&shared->refs);
}

void ksharp_shared_free(struct ksharp_shared *shared)
{
	ksharp_untrack(shared);
	kfree(shared);
}
