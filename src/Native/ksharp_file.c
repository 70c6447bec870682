// SPDX-License-Identifier: GPL-2.0
/* Open files (<linux/fs.h>): accessors, because struct file's layout is the kernel's. */
#include <linux/fs.h>
#include "ksharp.h"

u32 ksharp_file_flags(const struct file *file)
{
	return file->f_flags;
}

/* f_mode's read/write bits as KernelSharp's FileMode: 1 read, 2 write. */
u32 ksharp_file_mode(const struct file *file)
{
	return ((file->f_mode & FMODE_READ) ? 1 : 0) | ((file->f_mode & FMODE_WRITE) ? 2 : 0);
}

s64 ksharp_file_position(const struct file *file)
{
	return file->f_pos;
}

u32 ksharp_file_major(const struct file *file)
{
	return imajor(file_inode(file));
}

u32 ksharp_file_minor(const struct file *file)
{
	return iminor(file_inode(file));
}

void ksharp_file_set_private_data(struct file *file, void *data)
{
	file->private_data = data;
}

/* stream_open: the file has no position; lseek, pread and pwrite give ESPIPE. */
void ksharp_file_stream_open(struct file *file)
{
	stream_open(file_inode(file), file);
}
