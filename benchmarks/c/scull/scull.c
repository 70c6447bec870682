// SPDX-License-Identifier: GPL-2.0
/*
 * scull_c - C reference for the C# scull driver.
 *
 * scull is the RAM-backed char device of "Linux Device Drivers", 3rd
 * edition, by Jonathan Corbet, Alessandro Rubini and Greg Kroah-Hartman
 * (O'Reilly): each device holds a linked list of quantum sets, each an
 * array of qset pointers to quanta of quantum bytes.  This is a modern
 * rewrite of the book's driver, kept as the baseline that the C# version
 * is checked and measured against.  Every user-visible name says scull_c
 * instead of scull, so that both can be loaded at the same time.
 *
 * As the book's scull.ko, the module also has its pipe devices (pipe.c) and
 * its access-control devices (access.c), which reuse the file operations
 * here: this file is the book's main.c.  Their number regions keep the
 * book's names in /proc/devices, scullp and sculla.
 */

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <asm/fpu/api.h>

#include "scull.h"
#include "scull_internal.h"

/*
 * Test-only builds, wrong on purpose, so that the tests can show that their
 * checks catch what they are meant to (make SCULL_TEST_FLAGS=-D...):
 *   SCULL_TEST_NO_LOCKS	the mutex operations do nothing: scullcheck concurrent must fail
 *   SCULL_TEST_NO_ZERO		quanta from kmalloc, not kzalloc: with init_on_alloc=0,
 *				scullcheck rw's hole-in-quantum must fail
 */
#ifdef SCULL_TEST_NO_LOCKS
#undef mutex_lock
#undef mutex_lock_interruptible
#define mutex_lock(m)			((void)(m))
#define mutex_lock_interruptible(m)	((void)(m), 0)
#define mutex_unlock(m)			((void)(m))
#endif
#ifdef SCULL_TEST_NO_ZERO
#define scull_alloc_quantum	kmalloc
#else
#define scull_alloc_quantum	kzalloc
#endif

/*
 * Most quantum sets a device may have.  Without a limit, a seek to 2^62 and
 * a one-byte write would allocate list items until memory runs out.
 */
#define SCULL_MAX_QSETS	65536

static int scull_major;		/* 0: allocate one */
static int scull_minor;
static int scull_nr_devs = 4;
static int scull_quantum = SCULL_QUANTUM;
static int scull_qset = SCULL_QSET;

module_param(scull_major, int, 0444);
MODULE_PARM_DESC(scull_major, "Major number (0: dynamic)");
module_param(scull_minor, int, 0444);
MODULE_PARM_DESC(scull_minor, "First minor number");
module_param(scull_nr_devs, int, 0444);
MODULE_PARM_DESC(scull_nr_devs, "Number of devices (1-256)");
module_param(scull_quantum, int, 0444);
MODULE_PARM_DESC(scull_quantum, "Bytes per quantum, for devices trimmed from now on");
module_param(scull_qset, int, 0444);
MODULE_PARM_DESC(scull_qset, "Quanta per quantum set, for devices trimmed from now on");

/*
 * Benchmark only: enter and leave an empty kernel FPU section in every read and write,
 * as each call into a KernelSharp module does. It separates what the FPU section costs
 * (saving and restoring the user's FPU state) from what the C# code costs.
 */
static bool fpu_section;
module_param(fpu_section, bool, 0444);
MODULE_PARM_DESC(fpu_section, "Benchmark only: an empty kernel_fpu_begin/end in every read and write");

static inline void scull_fpu_section(void)
{
	if (fpu_section) {
		kernel_fpu_begin();
		kernel_fpu_end();
	}
}

struct scull_qset {
	void **data;			/* qset quanta, each NULL until written */
	struct scull_qset *next;
};

static struct scull_dev *scull_devices;
static dev_t scull_first;
struct class *scull_class;		/* the pipe and access devices' too */

/* Makes the X and H ioctls real exchanges of scull_quantum and scull_qset. */
static DEFINE_MUTEX(scull_param_lock);

/* Frees all data and adopts the module-wide geometry; dev->lock is held. */
void scull_trim(struct scull_dev *dev)
{
	struct scull_qset *qs, *next;
	int i;

	for (qs = dev->data; qs; qs = next) {
		if (qs->data) {
			for (i = 0; i < dev->qset; i++)
				kfree(qs->data[i]);
			kfree(qs->data);
		}
		next = qs->next;
		kfree(qs);
	}
	dev->data = NULL;
	dev->size = 0;
	dev->quantum = READ_ONCE(scull_quantum);
	dev->qset = READ_ONCE(scull_qset);
}

/* Makes a zeroed device an empty one with the module-wide geometry. */
void scull_dev_init(struct scull_dev *dev)
{
	mutex_init(&dev->lock);
	scull_trim(dev);	/* no data yet: this only sets the geometry */
}

/* Where a byte lives: list item, quantum in the item, offset in the quantum. */
struct scull_pos {
	u64 item;
	int s_pos;
	int q_pos;
};

static void scull_locate(const struct scull_dev *dev, loff_t pos,
			 struct scull_pos *p)
{
	/* 64-bit: quantum * qset overflows an int (the book's bug) */
	u64 itemsize = (u64)dev->quantum * dev->qset;
	u64 rest;
	u32 q_pos;

	p->item = div64_u64_rem(pos, itemsize, &rest);
	p->s_pos = div_u64_rem(rest, dev->quantum, &q_pos);
	p->q_pos = q_pos;
}

/*
 * Returns list item n, or NULL if it does not exist.  With alloc, missing
 * items up to n are created, and NULL means out of memory.
 */
static struct scull_qset *scull_follow(struct scull_dev *dev, u64 n, bool alloc)
{
	struct scull_qset **link = &dev->data;

	for (;;) {
		if (!*link) {
			if (!alloc)
				return NULL;
			*link = kzalloc(sizeof(**link), GFP_KERNEL);
			if (!*link)
				return NULL;
		}
		if (!n--)
			return *link;
		link = &(*link)->next;
	}
}

/* What every open of a scull memory device does, once it may open dev. */
int scull_open_dev(struct scull_dev *dev, struct file *filp)
{
	filp->private_data = dev;

	/* Write-only opens truncate, as "cat file > /dev/scull_c0" expects. */
	if ((filp->f_flags & O_ACCMODE) == O_WRONLY) {
		if (mutex_lock_interruptible(&dev->lock))
			return -ERESTARTSYS;
		scull_trim(dev);
		mutex_unlock(&dev->lock);
	}
	return 0;
}

static int scull_open(struct inode *inode, struct file *filp)
{
	return scull_open_dev(container_of(inode->i_cdev, struct scull_dev, cdev), filp);
}

/* Reads at most up to the end of the current quantum, as the book does. */
ssize_t scull_read(struct file *filp, char __user *buf, size_t count,
		   loff_t *f_pos)
{
	struct scull_dev *dev = filp->private_data;
	struct scull_qset *qs;
	struct scull_pos p;
	unsigned long left;
	ssize_t ret = 0;

	scull_fpu_section();
	if (mutex_lock_interruptible(&dev->lock))
		return -ERESTARTSYS;
	if (*f_pos >= dev->size)
		goto out;
	count = min_t(u64, count, dev->size - *f_pos);
	scull_locate(dev, *f_pos, &p);
	count = min_t(size_t, count, dev->quantum - p.q_pos);

	qs = scull_follow(dev, p.item, false);
	if (qs && qs->data && qs->data[p.s_pos])
		left = copy_to_user(buf, qs->data[p.s_pos] + p.q_pos, count);
	else	/* never written below the end: zeros, as in a sparse file */
		left = clear_user(buf, count);
	if (left) {
		ret = -EFAULT;
		goto out;
	}
	*f_pos += count;
	ret = count;
out:
	mutex_unlock(&dev->lock);
	return ret;
}

/* Writes at most up to the end of the current quantum, as the book does. */
ssize_t scull_write(struct file *filp, const char __user *buf, size_t count,
		    loff_t *f_pos)
{
	struct scull_dev *dev = filp->private_data;
	struct scull_qset *qs;
	struct scull_pos p;
	ssize_t ret;

	scull_fpu_section();
	/* Nothing to store, so nothing to allocate. */
	if (!count)
		return 0;
	if (mutex_lock_interruptible(&dev->lock))
		return -ERESTARTSYS;
	scull_locate(dev, *f_pos, &p);
	ret = -EFBIG;
	if (p.item >= SCULL_MAX_QSETS)
		goto out;

	/*
	 * __GFP_NOWARN: a huge quantum or qset set by ioctl makes writes fail
	 * with ENOMEM; that is the user's doing, not worth a kernel warning.
	 */
	ret = -ENOMEM;
	qs = scull_follow(dev, p.item, true);
	if (!qs)
		goto out;
	if (!qs->data) {
		qs->data = kcalloc(dev->qset, sizeof(*qs->data),
				   GFP_KERNEL | __GFP_NOWARN);
		if (!qs->data)
			goto out;
	}
	if (!qs->data[p.s_pos]) {
		/* Zeroed: unwritten bytes below the end are read back. */
		qs->data[p.s_pos] = scull_alloc_quantum(dev->quantum, GFP_KERNEL | __GFP_NOWARN);
		if (!qs->data[p.s_pos])
			goto out;
	}

	count = min_t(size_t, count, dev->quantum - p.q_pos);
	/*
	 * On a fault nothing is counted: size and position stay as they were.
	 * (copy_from_user zeroes what it could not copy, so stored bytes that
	 * were to be overwritten do read back as zeros, as with the book's.)
	 */
	if (copy_from_user(qs->data[p.s_pos] + p.q_pos, buf, count)) {
		ret = -EFAULT;
		goto out;
	}
	*f_pos += count;
	if (dev->size < *f_pos)
		dev->size = *f_pos;
	ret = count;
out:
	mutex_unlock(&dev->lock);
	return ret;
}

loff_t scull_llseek(struct file *filp, loff_t off, int whence)
{
	struct scull_dev *dev = filp->private_data;
	loff_t base, newpos;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = filp->f_pos;
		break;
	case SEEK_END:
		if (mutex_lock_interruptible(&dev->lock))
			return -ERESTARTSYS;
		base = dev->size;
		mutex_unlock(&dev->lock);
		break;
	default:	/* SEEK_DATA and SEEK_HOLE mean nothing here */
		return -EINVAL;
	}
	if (check_add_overflow(base, off, &newpos) || newpos < 0)
		return -EINVAL;
	filp->f_pos = newpos;
	return newpos;
}

/*
 * Sets scull_quantum or scull_qset to val and returns the old value.  With
 * uold, the old value is first stored there, so that a bad pointer leaves
 * the parameter unchanged.
 */
static long scull_set_param(int *param, long val, int __user *uold)
{
	long old;

	if (val < 1 || val > INT_MAX)
		return -EINVAL;
	mutex_lock(&scull_param_lock);
	old = *param;
	if (uold && put_user(*param, uold))
		old = -EFAULT;
	else
		WRITE_ONCE(*param, val);
	mutex_unlock(&scull_param_lock);
	return old;
}

long scull_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	int __user *uarg = (int __user *)arg;
	/* odd numbers are about the quantum, even ones about the qset */
	int *param = (_IOC_NR(cmd) & 1) ? &scull_quantum : &scull_qset;
	bool exchange = cmd == SCULL_IOCXQUANTUM || cmd == SCULL_IOCXQSET;
	bool shift = cmd == SCULL_IOCHQUANTUM || cmd == SCULL_IOCHQSET;
	long ret;
	int val;

	if (_IOC_TYPE(cmd) != SCULL_IOC_MAGIC || _IOC_NR(cmd) > SCULL_IOC_MAXNR)
		return -ENOTTY;

	switch (cmd) {
	case SCULL_IOCRESET:	/* harmless, so allowed to anyone, as in the book */
		mutex_lock(&scull_param_lock);
		WRITE_ONCE(scull_quantum, SCULL_QUANTUM);
		WRITE_ONCE(scull_qset, SCULL_QSET);
		mutex_unlock(&scull_param_lock);
		return 0;
	case SCULL_IOCGQUANTUM:
	case SCULL_IOCGQSET:
		return put_user(READ_ONCE(*param), uarg);
	case SCULL_IOCQQUANTUM:
	case SCULL_IOCQQSET:
		return READ_ONCE(*param);
	case SCULL_IOCSQUANTUM:
	case SCULL_IOCSQSET:
	case SCULL_IOCXQUANTUM:
	case SCULL_IOCXQSET:
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		if (get_user(val, uarg))
			return -EFAULT;
		ret = scull_set_param(param, val, exchange ? uarg : NULL);
		return ret < 0 ? ret : 0;
	case SCULL_IOCTQUANTUM:
	case SCULL_IOCTQSET:
	case SCULL_IOCHQUANTUM:
	case SCULL_IOCHQSET:
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		ret = scull_set_param(param, arg, NULL);
		return (ret < 0 || shift) ? ret : 0;
	default:	/* 13 and 14 (the book's scullpipe), or a wrong size */
		return -ENOTTY;
	}
}

static const struct file_operations scull_fops = {
	.owner = THIS_MODULE,
	.llseek = scull_llseek,
	.read = scull_read,
	.write = scull_write,
	.unlocked_ioctl = scull_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.open = scull_open,
};

/* /proc/scull_cmem, in the book's format so tools reading it keep working. */
static int scull_proc_show(struct seq_file *s, void *v)
{
	int i, j;

	for (i = 0; i < scull_nr_devs; i++) {
		struct scull_dev *d = &scull_devices[i];
		struct scull_qset *qs;

		if (mutex_lock_interruptible(&d->lock))
			return -ERESTARTSYS;
		seq_printf(s, "\nDevice %i: qset %i, q %i, sz %li\n",
			   i, d->qset, d->quantum, d->size);
		for (qs = d->data; qs; qs = qs->next) {
			seq_printf(s, "  item at %p, qset at %p\n", qs, qs->data);
			if (!qs->data || qs->next)	/* only the last item's quanta */
				continue;
			for (j = 0; j < d->qset; j++)
				if (qs->data[j])
					seq_printf(s, "    % 4i: %8p\n", j, qs->data[j]);
		}
		mutex_unlock(&d->lock);
	}
	return 0;
}

static int __init scull_init(void)
{
	struct device *node;
	dev_t devno;
	int i, n, ret;

	/* Every parameter, the pipes' too, is checked before anything is acquired. */
	if (scull_nr_devs < 1 || scull_nr_devs > 256 || scull_quantum < 1 ||
	    scull_qset < 1 || scull_major < 0 || scull_minor < 0 ||
	    scull_p_nr_devs < 1 || scull_p_nr_devs > 256 ||
	    /* one byte always stays free; the buffer is kmalloc'd in one piece */
	    scull_p_buffer < 2 || scull_p_buffer > (1 << 20) ||
	    scull_major >= (1 << (32 - MINORBITS)) ||
	    /*
	     * All minors, scull's then the pipes' then the access devices',
	     * within 20 bits: the kernel's own check underflows past them.
	     */
	    scull_minor > MINORMASK + 1 - scull_nr_devs - scull_p_nr_devs -
			  SCULL_A_NR_DEVS)
		return -EINVAL;

	if (scull_major) {
		devno = MKDEV(scull_major, scull_minor);
		ret = register_chrdev_region(devno, scull_nr_devs, SCULL_NAME);
	} else {
		ret = alloc_chrdev_region(&devno, scull_minor, scull_nr_devs,
					  SCULL_NAME);
		if (!ret)
			scull_major = MAJOR(devno);	/* shown in sysfs */
	}
	if (ret)
		return ret;
	scull_first = devno;

	scull_devices = kcalloc(scull_nr_devs, sizeof(*scull_devices), GFP_KERNEL);
	if (!scull_devices) {
		ret = -ENOMEM;
		goto fail_devices;
	}
	for (i = 0; i < scull_nr_devs; i++) {
		struct scull_dev *dev = &scull_devices[i];

		scull_dev_init(dev);
		cdev_init(&dev->cdev, &scull_fops);
		dev->cdev.owner = THIS_MODULE;
		ret = cdev_add(&dev->cdev, devno + i, 1);
		if (ret)
			goto fail_cdev;
	}

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
	scull_class = class_create(THIS_MODULE, SCULL_NAME);
#else
	scull_class = class_create(SCULL_NAME);
#endif
	if (IS_ERR(scull_class)) {
		ret = PTR_ERR(scull_class);
		goto fail_cdev;
	}
	for (n = 0; n < scull_nr_devs; n++) {
		node = device_create(scull_class, NULL, devno + n, NULL,
				     SCULL_NAME "%d", n);
		if (IS_ERR(node)) {
			ret = PTR_ERR(node);
			goto fail_nodes;
		}
	}

	if (!proc_create_single(SCULL_NAME "mem", 0, NULL, scull_proc_show)) {
		ret = -ENOMEM;
		goto fail_nodes;
	}

	/* The book's numbering: the pipes' minors follow scull's, then the access devices'. */
	ret = scull_p_init(devno + scull_nr_devs);
	if (ret)
		goto fail_proc;
	ret = scull_access_init(devno + scull_nr_devs + scull_p_nr_devs);
	if (ret)
		goto fail_pipes;
	return 0;

fail_pipes:
	scull_p_cleanup();
fail_proc:
	remove_proc_entry(SCULL_NAME "mem", NULL);
fail_nodes:
	while (n--)
		device_destroy(scull_class, devno + n);
	class_destroy(scull_class);
fail_cdev:
	while (i--)
		cdev_del(&scull_devices[i].cdev);
	kfree(scull_devices);
fail_devices:
	unregister_chrdev_region(devno, scull_nr_devs);
	return ret;
}

static void __exit scull_exit(void)
{
	int i;

	scull_access_cleanup();
	scull_p_cleanup();
	remove_proc_entry(SCULL_NAME "mem", NULL);
	for (i = scull_nr_devs - 1; i >= 0; i--)
		device_destroy(scull_class, scull_first + i);
	class_destroy(scull_class);
	/* No file is open (each holds a module reference), so no locking. */
	for (i = scull_nr_devs - 1; i >= 0; i--) {
		cdev_del(&scull_devices[i].cdev);
		scull_trim(&scull_devices[i]);
	}
	kfree(scull_devices);
	unregister_chrdev_region(scull_first, scull_nr_devs);
}

module_init(scull_init);
module_exit(scull_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("KernelSharp contributors");
MODULE_DESCRIPTION("C reference for the KernelSharp scull driver (after LDD3)");
