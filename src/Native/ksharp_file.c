// SPDX-License-Identifier: GPL-2.0
/* Open files (<linux/fs.h>): accessors, because struct file's layout is the kernel's. */
#include <linux/fs.h>
#include "ksharp.h"

u32 ksharp_file_flags(const struct file *file)
{
	return file->f_flags;
}
