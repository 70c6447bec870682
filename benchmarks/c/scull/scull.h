/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scull.h - ioctl interface of the scull drivers (C reference and C#).
 *
 * The numbering is that of scull from "Linux Device Drivers", 3rd edition,
 * by Jonathan Corbet, Alessandro Rubini and Greg Kroah-Hartman (O'Reilly),
 * so programs written against the book's driver work unchanged.  Only
 * <linux/ioctl.h> is needed, so user-space programs include this too.
 */
#ifndef SCULL_H
#define SCULL_H

#include <linux/ioctl.h>

/* Module-wide defaults, restored by SCULL_IOCRESET. */
#define SCULL_QUANTUM	4000	/* bytes per quantum */
#define SCULL_QSET	1000	/* quanta per quantum set */

#define SCULL_IOC_MAGIC	'k'

/*
 * S "Set" through a pointer, T "Tell" by value, G "Get" through a pointer,
 * Q "Query" as the return value, X "eXchange" through a pointer (new value
 * in, old value out), H "sHift" by value, returning the old value.
 * Changes apply to a device at its next trim (an O_WRONLY open).
 */
#define SCULL_IOCRESET		_IO(SCULL_IOC_MAGIC, 0)
#define SCULL_IOCSQUANTUM	_IOW(SCULL_IOC_MAGIC, 1, int)
#define SCULL_IOCSQSET		_IOW(SCULL_IOC_MAGIC, 2, int)
#define SCULL_IOCTQUANTUM	_IO(SCULL_IOC_MAGIC, 3)
#define SCULL_IOCTQSET		_IO(SCULL_IOC_MAGIC, 4)
#define SCULL_IOCGQUANTUM	_IOR(SCULL_IOC_MAGIC, 5, int)
#define SCULL_IOCGQSET		_IOR(SCULL_IOC_MAGIC, 6, int)
#define SCULL_IOCQQUANTUM	_IO(SCULL_IOC_MAGIC, 7)
#define SCULL_IOCQQSET		_IO(SCULL_IOC_MAGIC, 8)
#define SCULL_IOCXQUANTUM	_IOWR(SCULL_IOC_MAGIC, 9, int)
#define SCULL_IOCXQSET		_IOWR(SCULL_IOC_MAGIC, 10, int)
#define SCULL_IOCHQUANTUM	_IO(SCULL_IOC_MAGIC, 11)
#define SCULL_IOCHQSET		_IO(SCULL_IOC_MAGIC, 12)

/*
 * 13 and 14 were the book's scullpipe ioctls; they stay reserved (and are
 * refused with ENOTTY here) so the numbering keeps matching.
 */
#define SCULL_IOC_MAXNR		14

#endif /* SCULL_H */
