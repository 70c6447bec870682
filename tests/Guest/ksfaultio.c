// SPDX-License-Identifier: GPL-2.0
/*
 * ksfaultio: writes and reads a scull device while the kernel fails this
 * task's allocations at random (failslab and fail_page_alloc with
 * task-filter, armed by the caller; this program sets its own make-it-fail),
 * and checks that a failed write changed nothing and that data written
 * before stays intact.  It keeps a model of the device's contents: after
 * every failed write it reads back, with faults off, the range it was to
 * change, the data written before the faults and the size; at the end, all
 * of it.
 *
 *   ksfaultio DEVICE OPERATIONS SEED
 *
 * Prints "ksfaultio: N operations: W writes (E failed with ENOMEM), R reads
 * (F failed with ENOMEM), T torn" and exits 0 when nothing was torn and every
 * failure was ENOMEM, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/Tool/Fuzz/ksrandom.h"

/* The part of the device the operations touch: past a whole quantum set (1000 quanta of 4000 bytes), so
 * writes keep reaching quanta and sets not yet allocated, where an allocation can fail. */
#define SPAN (4200 * 1000)

static unsigned char model[SPAN], buffer[SPAN], chunk[8192];
static long model_size;
static int make_it_fail, armed;

static void faults(int on)
{
	armed = on;
	if (pwrite(make_it_fail, on ? "1" : "0", 1, 0) != 1) {
		perror("ksfaultio: make-it-fail");
		exit(2);
	}
}

/* Reads [from, to) back with faults off and compares it, and the size, with the model; 1 when they match. */
static int intact(int fd, long from, long to, const char *after)
{
	long size, done = from;
	int was = armed;

	if (to > model_size)
		to = model_size;
	faults(0);
	size = lseek(fd, 0, SEEK_END);
	while (done < to) {
		ssize_t n = pread(fd, buffer + done, (size_t)(to - done), done);

		if (n <= 0)
			break;
		done += n;
	}
	faults(was);
	if (size != model_size || done < to || memcmp(buffer + from, model + from, (size_t)(to > from ? to - from : 0))) {
		long at = from;

		while (at < done && buffer[at] == model[at])
			at++;
		printf("ksfaultio: TORN after %s: size %ld (model %ld), read to %ld of %ld-%ld, first difference at %ld\n",
		       after, size, model_size, done, from, to, at);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	long operations, writes = 0, write_failures = 0, reads = 0, read_failures = 0, torn = 0, other = 0;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: ksfaultio DEVICE OPERATIONS SEED\n");
		return 2;
	}
	operations = atol(argv[2]);
	ksrandom_seed(strtoull(argv[3], NULL, 0), 0);
	/* scull trims on a write-only open: start empty. */
	fd = open(argv[1], O_WRONLY);
	if (fd >= 0)
		close(fd);
	fd = open(argv[1], O_RDWR);
	make_it_fail = open("/proc/self/make-it-fail", O_WRONLY);
	if (fd < 0 || make_it_fail < 0) {
		perror("ksfaultio: open");
		return 2;
	}
	/* Data written before the faults start, which every later check must still find. */
	for (long i = 0; i < 20000; i++)
		model[i] = (unsigned char)(i * 7 + 3);
	for (long done = 0; done < 20000;) {
		ssize_t n = pwrite(fd, model + done, (size_t)(20000 - done), done);

		if (n <= 0) {
			perror("ksfaultio: writing the first data");
			return 2;
		}
		done += n;
	}
	model_size = 20000;

	faults(1);
	for (long i = 0; i < operations; i++) {
		size_t length = 1 + ksrandom_next() % sizeof(chunk);
		long offset = (long)(ksrandom_next() % (SPAN - length));
		ssize_t n;

		if (ksrandom_next() % 4) {
			for (size_t k = 0; k < length; k++)
				chunk[k] = (unsigned char)ksrandom_next();
			writes++;
			n = pwrite(fd, chunk, length, offset);
			if (n > 0) {
				if (offset > model_size)
					memset(model + model_size, 0, (size_t)(offset - model_size));
				memcpy(model + offset, chunk, (size_t)n);
				if (offset + n > model_size)
					model_size = offset + n;
				continue;
			}
			if (n < 0 && errno == ENOMEM)
				write_failures++;
			else
				other++, printf("ksfaultio: write of %zu at %ld: %zd, %s\n", length, offset, n, strerrorname_np(errno));
			/* The failed write's range, and the data written before the faults, are as they were. */
			if (!intact(fd, offset, offset + (long)length, "a failed write") || !intact(fd, 0, 20000, "a failed write"))
				torn++;
		} else {
			reads++;
			n = pread(fd, chunk, length, offset);
			if (n >= 0) {
				long expected = offset >= model_size ? 0 : (long)length < model_size - offset ? (long)length : model_size - offset;

				/* scull reads at most to the end of a quantum: a short read is fine, a wrong byte is not. */
				if (n > expected || memcmp(chunk, model + offset, (size_t)n))
					torn++, printf("ksfaultio: TORN read of %zu at %ld: %zd bytes, expected at most %ld matching the model\n",
						       length, offset, n, expected);
				continue;
			}
			if (errno == ENOMEM)
				read_failures++;
			else
				other++, printf("ksfaultio: read of %zu at %ld: %s\n", length, offset, strerrorname_np(errno));
		}
	}
	faults(0);
	if (!intact(fd, 0, model_size, "the last operation"))
		torn++;
	printf("ksfaultio: %ld operations: %ld writes (%ld failed with ENOMEM), %ld reads (%ld failed with ENOMEM), %ld other errors, %ld torn\n",
	       operations, writes, write_failures, reads, read_failures, other, torn);
	return torn || other ? 1 : 0;
}
