// SPDX-License-Identifier: GPL-2.0
/*
 * access.c - scull_c's access-control devices, the book's access.c: scull
 * memory devices (read, write, llseek and ioctl are scull.c's) that differ
 * only in who may open them:
 *   /dev/scull_csingle	one open file at a time, EBUSY for the others
 *   /dev/scull_cuid	the user that has it open, or CAP_DAC_OVERRIDE;
 *			EBUSY for other users
 *   /dev/scull_cwuid	the same, but other users' opens wait
 *   /dev/scull_cpriv	a device of its own for each controlling tty
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cdev.h>
#include <linux/cred.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/uidgid.h>
#include <linux/wait.h>

#include "scull_internal.h"

static dev_t scull_a_first;

/* scull_csingle: an atomic count of free opens, 1 or 0. */

static struct scull_dev scull_s_device;
static atomic_t scull_s_available = ATOMIC_INIT(1);

static int scull_s_open(struct inode *inode, struct file *filp)
{
	int ret;

	if (!atomic_dec_and_test(&scull_s_available)) {
		atomic_inc(&scull_s_available);
		return -EBUSY;		/* already open */
	}
	ret = scull_open_dev(&scull_s_device, filp);
	if (ret)
		atomic_inc(&scull_s_available);
	return ret;
}

static int scull_s_release(struct inode *inode, struct file *filp)
{
	atomic_inc(&scull_s_available);
	return 0;
}

static const struct file_operations scull_sngl_fops = {
	.owner = THIS_MODULE,
	.llseek = scull_llseek,
	.read = scull_read,
	.write = scull_write,
	.unlocked_ioctl = scull_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.open = scull_s_open,
	.release = scull_s_release,
};

/*
 * scull_cuid and scull_cwuid: open files, counted with the user that holds
 * the device while the count is not 0.
 */
struct scull_owner {
	spinlock_t lock;		/* guards count and uid */
	int count;
	kuid_t uid;
};

#define SCULL_OWNER_INIT(name) { .lock = __SPIN_LOCK_UNLOCKED(name.lock) }

/*
 * Counts an open by the current process if the device is free or held by
 * its user (uid or euid, so that su keeps access, as in the book), or with
 * force.
 */
static bool scull_owner_get(struct scull_owner *o, bool force)
{
	bool ok;

	spin_lock(&o->lock);
	ok = force || !o->count || uid_eq(o->uid, current_uid()) ||
	     uid_eq(o->uid, current_euid());
	if (ok && !o->count++)
		o->uid = current_uid();
	spin_unlock(&o->lock);
	return ok;
}

/*
 * scull_owner_get with the book's third way in, CAP_DAC_OVERRIDE.  capable()
 * is asked only when the owner rule refuses, since a granted capability is
 * recorded (PF_SUPERPRIV, audit), and outside the spinlock: the security
 * hooks behind it are best not run with a lock held.
 */
static bool scull_owner_open(struct scull_owner *o)
{
	return scull_owner_get(o, false) ||
	       (capable(CAP_DAC_OVERRIDE) && scull_owner_get(o, true));
}

/* Drops an open; true if it was the last. */
static bool scull_owner_put(struct scull_owner *o)
{
	bool last;

	spin_lock(&o->lock);
	last = !--o->count;
	spin_unlock(&o->lock);
	return last;
}

static struct scull_dev scull_u_device;
static struct scull_owner scull_u_owner = SCULL_OWNER_INIT(scull_u_owner);

static int scull_u_open(struct inode *inode, struct file *filp)
{
	int ret;

	if (!scull_owner_open(&scull_u_owner))
		return -EBUSY;		/* -EPERM would confuse the user */
	ret = scull_open_dev(&scull_u_device, filp);
	if (ret)
		scull_owner_put(&scull_u_owner);
	return ret;
}

static int scull_u_release(struct inode *inode, struct file *filp)
{
	scull_owner_put(&scull_u_owner);
	return 0;
}

static const struct file_operations scull_user_fops = {
	.owner = THIS_MODULE,
	.llseek = scull_llseek,
	.read = scull_read,
	.write = scull_write,
	.unlocked_ioctl = scull_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.open = scull_u_open,
	.release = scull_u_release,
};

static struct scull_dev scull_w_device;
static struct scull_owner scull_w_owner = SCULL_OWNER_INIT(scull_w_owner);
static DECLARE_WAIT_QUEUE_HEAD(scull_w_wait);	/* other users' opens */

static void scull_w_put(void)
{
	/* All waiters: each sees for itself whether its user may now open. */
	if (scull_owner_put(&scull_w_owner))
		wake_up_interruptible_all(&scull_w_wait);
}

static int scull_w_open(struct inode *inode, struct file *filp)
{
	int ret;

	if (!scull_owner_open(&scull_w_owner)) {
		if (filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		/*
		 * The condition counts the open when it succeeds, under the
		 * lock, so no other user can take the device in between.  A
		 * spinlock may be taken there: it does not sleep (on
		 * PREEMPT_RT it keeps the waiter's task state).  A true
		 * condition ends the wait with 0, even with a signal pending.
		 */
		if (wait_event_interruptible(scull_w_wait,
					     scull_owner_get(&scull_w_owner, false)))
			return -ERESTARTSYS;
	}
	ret = scull_open_dev(&scull_w_device, filp);
	if (ret)
		scull_w_put();
	return ret;
}

static int scull_w_release(struct inode *inode, struct file *filp)
{
	scull_w_put();
	return 0;
}

static const struct file_operations scull_wusr_fops = {
	.owner = THIS_MODULE,
	.llseek = scull_llseek,
	.read = scull_read,
	.write = scull_write,
	.unlocked_ioctl = scull_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.open = scull_w_open,
	.release = scull_w_release,
};

/*
 * scull_cpriv: the device of the opener's controlling tty, created at its
 * first open and kept, as in the book, until the module is unloaded.
 */
struct scull_listitem {
	struct scull_dev device;
	dev_t key;			/* the tty's device number */
	struct list_head list;
};

/* A mutex, not the book's spinlock: a new item is allocated with it held. */
static LIST_HEAD(scull_priv_list);
static DEFINE_MUTEX(scull_priv_lock);

/* Holds only the cdev: each tty's data is in its scull_listitem. */
static struct scull_dev scull_priv_device;

static struct scull_dev *scull_priv_lookfor_device(dev_t key)
{
	struct scull_listitem *item;

	if (mutex_lock_interruptible(&scull_priv_lock))
		return ERR_PTR(-ERESTARTSYS);
	list_for_each_entry(item, &scull_priv_list, list) {
		if (item->key == key)
			goto out;
	}
	item = kzalloc(sizeof(*item), GFP_KERNEL);
	if (!item) {
		mutex_unlock(&scull_priv_lock);
		return ERR_PTR(-ENOMEM);
	}
	item->key = key;
	scull_dev_init(&item->device);
	list_add(&item->list, &scull_priv_list);
out:
	mutex_unlock(&scull_priv_lock);
	return &item->device;
}

static int scull_priv_open(struct inode *inode, struct file *filp)
{
	/* a reference: the book's current->signal->tty could be freed under it */
	struct tty_struct *tty = get_current_tty();
	struct scull_dev *dev;
	dev_t key;

	if (!tty) {
		pr_debug("process \"%s\" has no controlling tty\n", current->comm);
		return -EINVAL;
	}
	key = tty_devnum(tty);
	tty_kref_put(tty);

	dev = scull_priv_lookfor_device(key);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	return scull_open_dev(dev, filp);
}

/* No release: the device outlives its files. */
static const struct file_operations scull_priv_fops = {
	.owner = THIS_MODULE,
	.llseek = scull_llseek,
	.read = scull_read,
	.write = scull_write,
	.unlocked_ioctl = scull_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.open = scull_priv_open,
};

/* In minor order. */
static const struct scull_adev_info {
	const char *name;		/* after SCULL_NAME */
	struct scull_dev *dev;
	const struct file_operations *fops;
} scull_access_devs[SCULL_A_NR_DEVS] = {
	{ "single", &scull_s_device, &scull_sngl_fops },
	{ "uid", &scull_u_device, &scull_user_fops },
	{ "wuid", &scull_w_device, &scull_wusr_fops },
	{ "priv", &scull_priv_device, &scull_priv_fops },
};

/* Sets up the devices at minors from first on; 0 or, with nothing held, an error. */
int scull_access_init(dev_t first)
{
	struct device *node;
	int i, n, ret;

	/* The book's name, as the pipes' "scullp" */
	ret = register_chrdev_region(first, SCULL_A_NR_DEVS, "sculla");
	if (ret)
		return ret;

	for (i = 0; i < SCULL_A_NR_DEVS; i++) {
		struct scull_dev *dev = scull_access_devs[i].dev;

		scull_dev_init(dev);
		cdev_init(&dev->cdev, scull_access_devs[i].fops);
		dev->cdev.owner = THIS_MODULE;
		ret = cdev_add(&dev->cdev, first + i, 1);
		if (ret)
			goto fail_cdev;
	}

	for (n = 0; n < SCULL_A_NR_DEVS; n++) {
		node = device_create(scull_class, NULL, first + n, NULL,
				     SCULL_NAME "%s", scull_access_devs[n].name);
		if (IS_ERR(node)) {
			ret = PTR_ERR(node);
			goto fail_nodes;
		}
	}
	scull_a_first = first;
	return 0;

fail_nodes:
	while (n--)
		device_destroy(scull_class, first + n);
fail_cdev:
	while (i--)
		cdev_del(&scull_access_devs[i].dev->cdev);
	unregister_chrdev_region(first, SCULL_A_NR_DEVS);
	return ret;
}

/* Undoes a successful scull_access_init, and frees every tty's device. */
void scull_access_cleanup(void)
{
	struct scull_listitem *item, *next;
	int i;

	for (i = SCULL_A_NR_DEVS - 1; i >= 0; i--)
		device_destroy(scull_class, scull_a_first + i);
	/* No file is open (each holds a module reference), so no locking. */
	for (i = SCULL_A_NR_DEVS - 1; i >= 0; i--) {
		cdev_del(&scull_access_devs[i].dev->cdev);
		scull_trim(scull_access_devs[i].dev);
	}
	list_for_each_entry_safe(item, next, &scull_priv_list, list) {
		list_del(&item->list);
		scull_trim(&item->device);
		kfree(item);
	}
	unregister_chrdev_region(scull_a_first, SCULL_A_NR_DEVS);
}
