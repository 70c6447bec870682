// SPDX-License-Identifier: GPL-2.0
/*
 * pipe.c - scull_c's pipes, /dev/scull_cpipe0..N-1: the book's scullpipe,
 * a FIFO in a circular buffer that blocking reads and writes wait on, with
 * poll and SIGIO.  As in the book, a read of an empty pipe waits even when
 * no writer has it open (there is no end of file), and the buffer exists
 * only while some file has the pipe open: what is left in it at the last
 * close is lost.
 */

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "scull_internal.h"

int scull_p_nr_devs = 4;
int scull_p_buffer = 4000;

module_param(scull_p_nr_devs, int, 0444);
MODULE_PARM_DESC(scull_p_nr_devs, "Number of pipe devices (1-256)");
module_param(scull_p_buffer, int, 0444);
MODULE_PARM_DESC(scull_p_buffer, "Pipe buffer size in bytes (2-1048576)");

struct scull_pipe {
	wait_queue_head_t inq;		/* readers wait here for data */
	wait_queue_head_t outq;		/* writers wait here for space */
	char *buffer;			/* NULL while no file has it open to read or write */
	int buffersize;
	/*
	 * Indices, not the book's pointers: nothing points into a freed
	 * buffer, and a lockless wait condition reads two ints.  rp == wp:
	 * empty; one byte always stays free, so that a full buffer is told
	 * apart.
	 */
	int rp, wp;			/* where to read, where to write */
	int nreaders, nwriters;		/* open files by mode */
	struct fasync_struct *async_queue;	/* SIGIO on new data */
	struct mutex lock;		/* guards all but the queues */
	struct cdev cdev;
};

static struct scull_pipe *scull_p_devices;
static dev_t scull_p_first;

/* Whether data waits.  READ_ONCE: the wait condition looks without the lock. */
static bool scull_p_empty(const struct scull_pipe *dev)
{
	return READ_ONCE(dev->rp) == READ_ONCE(dev->wp);
}

/* Bytes a write can store now; also looked at without the lock. */
static int scull_p_spacefree(const struct scull_pipe *dev)
{
	int rp = READ_ONCE(dev->rp), wp = READ_ONCE(dev->wp);

	if (rp == wp)
		return dev->buffersize - 1;
	return (rp + dev->buffersize - wp) % dev->buffersize - 1;
}

static int scull_p_open(struct inode *inode, struct file *filp)
{
	struct scull_pipe *dev = container_of(inode->i_cdev, struct scull_pipe, cdev);

	filp->private_data = dev;
	/* No file position: lseek, pread and pwrite fail with ESPIPE. */
	stream_open(inode, filp);

	if (mutex_lock_interruptible(&dev->lock))
		return -ERESTARTSYS;
	/*
	 * Only a new buffer starts empty.  (The book's open emptied it every
	 * time, losing the data of files that had the pipe open already.)
	 */
	if (!dev->buffer) {
		dev->buffer = kmalloc(scull_p_buffer, GFP_KERNEL);
		if (!dev->buffer) {
			mutex_unlock(&dev->lock);
			return -ENOMEM;
		}
		dev->buffersize = scull_p_buffer;
		dev->rp = 0;
		dev->wp = 0;
	}
	/* f_mode, not f_flags: an O_ACCMODE of 3 opens for neither */
	if (filp->f_mode & FMODE_READ)
		dev->nreaders++;
	if (filp->f_mode & FMODE_WRITE)
		dev->nwriters++;
	mutex_unlock(&dev->lock);
	return 0;
}

/* The VFS has taken the file off the SIGIO list already (fasync(-1) at last close). */
static int scull_p_release(struct inode *inode, struct file *filp)
{
	struct scull_pipe *dev = filp->private_data;

	mutex_lock(&dev->lock);
	if (filp->f_mode & FMODE_READ)
		dev->nreaders--;
	if (filp->f_mode & FMODE_WRITE)
		dev->nwriters--;
	/* A file open for neither reads nor writes may outlive the buffer (see poll). */
	if (!dev->nreaders && !dev->nwriters) {
		kfree(dev->buffer);
		/* as never opened, also in /proc */
		dev->buffer = NULL;
		dev->buffersize = 0;
		dev->rp = 0;
		dev->wp = 0;
	}
	mutex_unlock(&dev->lock);
	return 0;
}

/* Reads at most up to the end of the buffer, as the book does. */
static ssize_t scull_p_read(struct file *filp, char __user *buf, size_t count,
			    loff_t *f_pos)
{
	struct scull_pipe *dev = filp->private_data;
	int rp;

	if (mutex_lock_interruptible(&dev->lock))
		return -ERESTARTSYS;
	while (dev->rp == dev->wp) {
		mutex_unlock(&dev->lock);
		if (filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(dev->inq, !scull_p_empty(dev)))
			return -ERESTARTSYS;	/* a signal: the VFS restarts or fails */
		/* another reader may have been first: look again */
		if (mutex_lock_interruptible(&dev->lock))
			return -ERESTARTSYS;
	}

	/* only the contiguous part: up to wp, or to the end if wp has wrapped */
	count = min_t(size_t, count,
		      (dev->wp > dev->rp ? dev->wp : dev->buffersize) - dev->rp);
	if (copy_to_user(buf, dev->buffer + dev->rp, count)) {
		mutex_unlock(&dev->lock);
		return -EFAULT;		/* nothing consumed */
	}
	/* one store: the wait conditions never see rp == buffersize */
	rp = dev->rp + count;
	WRITE_ONCE(dev->rp, rp == dev->buffersize ? 0 : rp);
	mutex_unlock(&dev->lock);

	wake_up_interruptible(&dev->outq);
	return count;
}

/* Writes at most up to the end of the buffer or rp - 1, as the book does. */
static ssize_t scull_p_write(struct file *filp, const char __user *buf,
			     size_t count, loff_t *f_pos)
{
	struct scull_pipe *dev = filp->private_data;
	int wp;

	/* nothing to store: no waiting for space */
	if (!count)
		return 0;
	if (mutex_lock_interruptible(&dev->lock))
		return -ERESTARTSYS;
	while (!scull_p_spacefree(dev)) {
		mutex_unlock(&dev->lock);
		if (filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(dev->outq, scull_p_spacefree(dev)))
			return -ERESTARTSYS;
		if (mutex_lock_interruptible(&dev->lock))
			return -ERESTARTSYS;
	}

	count = min_t(size_t, count, scull_p_spacefree(dev));
	if (dev->wp >= dev->rp)
		count = min_t(size_t, count, dev->buffersize - dev->wp);
	else	/* wp has wrapped: up to the byte before rp */
		count = min_t(size_t, count, dev->rp - dev->wp - 1);
	if (copy_from_user(dev->buffer + dev->wp, buf, count)) {
		mutex_unlock(&dev->lock);
		return -EFAULT;		/* nothing stored */
	}
	wp = dev->wp + count;
	WRITE_ONCE(dev->wp, wp == dev->buffersize ? 0 : wp);
	mutex_unlock(&dev->lock);

	wake_up_interruptible(&dev->inq);	/* blocked in read or poll */
	kill_fasync(&dev->async_queue, SIGIO, POLL_IN);
	return count;
}

static __poll_t scull_p_poll(struct file *filp, poll_table *wait)
{
	struct scull_pipe *dev = filp->private_data;
	__poll_t mask = 0;

	poll_wait(filp, &dev->inq, wait);
	poll_wait(filp, &dev->outq, wait);
	mutex_lock(&dev->lock);
	if (dev->buffer) {	/* else an O_ACCMODE 3 file polls after the last close */
		if (dev->rp != dev->wp)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (scull_p_spacefree(dev))
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
	mutex_unlock(&dev->lock);
	return mask;
}

static int scull_p_fasync(int fd, struct file *filp, int mode)
{
	struct scull_pipe *dev = filp->private_data;

	return fasync_helper(fd, filp, mode, &dev->async_queue);
}

/*
 * No .llseek: stream_open has cleared FMODE_LSEEK, so the VFS answers lseek
 * with ESPIPE (the book's no_llseek, which is NULL on 6.1 and gone in 6.12).
 */
static const struct file_operations scull_pipe_fops = {
	.owner = THIS_MODULE,
	.read = scull_p_read,
	.write = scull_p_write,
	.poll = scull_p_poll,
	.unlocked_ioctl = scull_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.open = scull_p_open,
	.release = scull_p_release,
	.fasync = scull_p_fasync,
};

/* Where index i of the buffer is, for /proc: no buffer, no address. */
static char *scull_p_addr(const struct scull_pipe *p, int i)
{
	return p->buffer ? p->buffer + i : NULL;
}

/* /proc/scull_cpipe, in the book's format. */
static int scull_p_proc_show(struct seq_file *m, void *v)
{
	int i;

	seq_printf(m, "Default buffersize is %i\n", scull_p_buffer);
	for (i = 0; i < scull_p_nr_devs; i++) {
		struct scull_pipe *p = &scull_p_devices[i];

		if (mutex_lock_interruptible(&p->lock))
			return -ERESTARTSYS;
		seq_printf(m, "\nDevice %i: %p\n", i, p);
		seq_printf(m, "   Buffer: %p to %p (%i bytes)\n", p->buffer,
			   scull_p_addr(p, p->buffersize), p->buffersize);
		seq_printf(m, "   rp %p   wp %p\n", scull_p_addr(p, p->rp),
			   scull_p_addr(p, p->wp));
		seq_printf(m, "   readers %i   writers %i\n", p->nreaders, p->nwriters);
		mutex_unlock(&p->lock);
	}
	return 0;
}

/* Sets up the pipes at minors from first on; 0 or, with nothing held, an error. */
int scull_p_init(dev_t first)
{
	struct device *node;
	int i, n, ret;

	/* The book's name, not scull_c's: the checks find both drivers' regions by it. */
	ret = register_chrdev_region(first, scull_p_nr_devs, "scullp");
	if (ret)
		return ret;

	scull_p_devices = kcalloc(scull_p_nr_devs, sizeof(*scull_p_devices), GFP_KERNEL);
	if (!scull_p_devices) {
		ret = -ENOMEM;
		goto fail_devices;
	}
	for (i = 0; i < scull_p_nr_devs; i++) {
		struct scull_pipe *dev = &scull_p_devices[i];

		init_waitqueue_head(&dev->inq);
		init_waitqueue_head(&dev->outq);
		mutex_init(&dev->lock);
		cdev_init(&dev->cdev, &scull_pipe_fops);
		dev->cdev.owner = THIS_MODULE;
		ret = cdev_add(&dev->cdev, first + i, 1);
		if (ret)
			goto fail_cdev;
	}

	for (n = 0; n < scull_p_nr_devs; n++) {
		node = device_create(scull_class, NULL, first + n, NULL,
				     SCULL_NAME "pipe%d", n);
		if (IS_ERR(node)) {
			ret = PTR_ERR(node);
			goto fail_nodes;
		}
	}

	if (!proc_create_single(SCULL_NAME "pipe", 0, NULL, scull_p_proc_show)) {
		ret = -ENOMEM;
		goto fail_nodes;
	}
	scull_p_first = first;
	return 0;

fail_nodes:
	while (n--)
		device_destroy(scull_class, first + n);
fail_cdev:
	while (i--)
		cdev_del(&scull_p_devices[i].cdev);
	kfree(scull_p_devices);
fail_devices:
	unregister_chrdev_region(first, scull_p_nr_devs);
	return ret;
}

/* Undoes a successful scull_p_init. */
void scull_p_cleanup(void)
{
	int i;

	remove_proc_entry(SCULL_NAME "pipe", NULL);
	for (i = scull_p_nr_devs - 1; i >= 0; i--)
		device_destroy(scull_class, scull_p_first + i);
	/* No file is open (each holds a module reference): no buffer is left. */
	for (i = scull_p_nr_devs - 1; i >= 0; i--)
		cdev_del(&scull_p_devices[i].cdev);
	kfree(scull_p_devices);
	unregister_chrdev_region(scull_p_first, scull_p_nr_devs);
}
