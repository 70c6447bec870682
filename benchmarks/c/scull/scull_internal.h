/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scull_internal.h - what the parts of scull_c share: scull.c (the book's
 * main.c) has the memory devices, whose file operations the access-control
 * devices of access.c reuse, and sets up the pipes of pipe.c.  scull.h is
 * the user-space interface; this header is the kernel's only.
 */
#ifndef SCULL_INTERNAL_H
#define SCULL_INTERNAL_H

#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/types.h>

#define SCULL_NAME	"scull_c"

/* access.c's devices: single, uid, wuid and priv, in this minor order */
#define SCULL_A_NR_DEVS	4

struct scull_qset;

struct scull_dev {
	struct scull_qset *data;	/* first quantum set */
	int quantum;			/* this device's geometry, fixed until trim */
	int qset;
	unsigned long size;		/* end of the highest byte written */
	struct mutex lock;		/* guards all of the above */
	struct cdev cdev;
};

/* scull.c */
extern struct class *scull_class;
void scull_dev_init(struct scull_dev *dev);
void scull_trim(struct scull_dev *dev);
int scull_open_dev(struct scull_dev *dev, struct file *filp);
ssize_t scull_read(struct file *filp, char __user *buf, size_t count,
		   loff_t *f_pos);
ssize_t scull_write(struct file *filp, const char __user *buf, size_t count,
		    loff_t *f_pos);
loff_t scull_llseek(struct file *filp, loff_t off, int whence);
long scull_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);

/* pipe.c: parameters that scull.c checks, and the pipes' setup */
extern int scull_p_nr_devs;
extern int scull_p_buffer;
int scull_p_init(dev_t first);
void scull_p_cleanup(void);

/* access.c */
int scull_access_init(dev_t first);
void scull_access_cleanup(void);

#endif /* SCULL_INTERNAL_H */
