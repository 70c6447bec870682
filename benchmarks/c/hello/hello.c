// SPDX-License-Identifier: GPL-2.0
/*
 * hello_c - C reference for the C# Hello sample.
 *
 * Does nothing but log one line at load and one at unload, so that the
 * size and load cost of the C# version can be compared against the
 * smallest possible C module doing the same work.
 */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init hello_init(void)
{
	/* No pr_fmt prefix: the log line must read exactly "Hello, world". */
	pr_info("Hello, world\n");
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("Goodbye, cruel world\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("KernelSharp contributors");
MODULE_DESCRIPTION("C reference for the KernelSharp Hello sample");
