// SPDX-License-Identifier: GPL-2.0
/*
 * poweroff_c - C reference for the C# PowerOff sample.
 *
 * Owns a small I/O port range (by default 0x10f4, where the benchmarks
 * put QEMU's isa-debug-exit device) and writes one byte to it, either
 * once at load time (code=N) or whenever a decimal number is written to
 * /dev/poweroff.  With isa-debug-exit, QEMU then exits with status
 * (N << 1) | 1, which lets a test inside the guest report a result.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/uaccess.h>

#define POWEROFF_NAME		"poweroff"
/* isa-debug-exit in the benchmarks is created with iosize=0x04. */
#define POWEROFF_NR_PORTS	4
/* Enough for any accepted number with leading zeros, plus a newline. */
#define POWEROFF_MAX_WRITE	16

static int port = 0x10f4;
module_param(port, int, 0444);
MODULE_PARM_DESC(port, "First of the 4 I/O ports to reserve and write (default 0x10f4)");

static int code = -1;
module_param(code, int, 0444);
MODULE_PARM_DESC(code, "If 0..255, write it to the port at load time (default -1: don't)");

/*
 * Accept exactly [0-9]+ with an optional single trailing newline and a
 * value of at most 255 (leading zeros are fine).  kstrtou8() is not used
 * because it also takes a leading '+', which must be refused here.
 */
static int poweroff_parse(const char *buf, size_t len, u8 *val)
{
	unsigned int n = 0;
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len)
		return -EINVAL;

	for (i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -EINVAL;
		n = n * 10 + (buf[i] - '0');
		/* Checked on every digit, so n never gets past 2559. */
		if (n > U8_MAX)
			return -EINVAL;
	}

	*val = n;
	return 0;
}

static ssize_t poweroff_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char buf[POWEROFF_MAX_WRITE];
	u8 val;
	int ret;

	/*
	 * Bad input is reported through the return value only: logging it
	 * would let any writer flood the kernel log.
	 */
	if (!count || count > sizeof(buf))
		return -EINVAL;

	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;

	ret = poweroff_parse(buf, count, &val);
	if (ret)
		return ret;

	outb(val, port);

	/* The whole write was consumed, newline included. */
	return count;
}

static const struct file_operations poweroff_fops = {
	.owner		= THIS_MODULE,
	.write		= poweroff_write,
};

static struct miscdevice poweroff_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= POWEROFF_NAME,
	.fops		= &poweroff_fops,
};

static int __init poweroff_init(void)
{
	int ret;

	/* Check the parameters before touching anything. */
	if (code < -1 || code > U8_MAX) {
		pr_err("code=%d is outside -1..255\n", code);
		return -EINVAL;
	}

	/*
	 * Reserve the whole range so that no other driver can drive the
	 * device under us, and so that it shows in /proc/ioports.
	 */
	if (!request_region(port, POWEROFF_NR_PORTS, POWEROFF_NAME)) {
		pr_err("I/O ports %#x-%#x are not available\n",
		       port, port + POWEROFF_NR_PORTS - 1);
		return -EBUSY;
	}

	ret = misc_register(&poweroff_misc);
	if (ret) {
		pr_err("failed to register misc device: %d\n", ret);
		release_region(port, POWEROFF_NR_PORTS);
		return ret;
	}

	/*
	 * Write the code last, once the module is fully set up: under QEMU
	 * with isa-debug-exit the machine is gone after this.  Without that
	 * device the write has no effect and the module stays loaded.
	 */
	if (code >= 0)
		outb(code, port);

	return 0;
}

static void __exit poweroff_exit(void)
{
	/* Remove the device first so that no write can reach a freed port. */
	misc_deregister(&poweroff_misc);
	release_region(port, POWEROFF_NR_PORTS);
}

module_init(poweroff_init);
module_exit(poweroff_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("KernelSharp contributors");
MODULE_DESCRIPTION("C reference for the KernelSharp PowerOff sample: write a byte to an I/O port");
