// SPDX-License-Identifier: GPL-2.0
/*
 * ksstress: processes reading, writing, seeking and issuing ioctls on one scull
 * device at once, with the data checked.  Writer k owns region k of the
 * device (REGION bytes at k * REGION, crossing quantum boundaries) and fills
 * it, in chunks of random size and order, with its own pattern; readers read
 * random ranges at random positions (pread, and lseek + read) and check that
 * every byte is either still 0 or the pattern of the writer whose region it is
 * in.  Everyone also asks the device for its quantum and qset (SCULL_IOCQ*),
 * which must stay the defaults.  At the end every region must hold its
 * writer's pattern whole.
 *
 *   ksstress DEVICE WRITERS READERS ROUNDS SEED
 *
 * Prints "ksstress: W writers, R readers, N operations in S s: B bad bytes,
 * E errors" and exits 0 when both are 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../benchmarks/c/scull/scull.h"
#include "../../src/Tool/Fuzz/ksrandom.h"

#define REGION (3 * 4000 + 517)

struct totals { long operations, bad, errors; };
static struct totals *totals;

static unsigned char pattern(long offset) { return (unsigned char)(1 + (offset / REGION) * 37 + (offset % 251)); }

static void fail(const char *what, long offset, long length)
{
	printf("ksstress: %s at %ld (%ld bytes): %s\n", what, offset, length, strerrorname_np(errno) ?: "short");
	__atomic_fetch_add(&totals->errors, 1, __ATOMIC_RELAXED);
}

static void ask(int fd)
{
	long quantum = ioctl(fd, SCULL_IOCQQUANTUM), qset = ioctl(fd, SCULL_IOCQQSET);

	if (quantum != SCULL_QUANTUM || qset != SCULL_QSET)
		errno = 0, fail("quantum/qset changed", quantum, qset);
}

/* Checks n bytes read at offset: each is 0 or its region's pattern. */
static void check(const unsigned char *data, long offset, long n, int writers, int whole)
{
	for (long i = 0; i < n; i++) {
		long at = offset + i;
		unsigned char want = at < writers * (long)REGION ? pattern(at) : 0;

		if (data[i] != want && (whole || data[i] != 0)) {
			printf("ksstress: byte %ld is %u, not %u%s\n", at, data[i], want, whole ? "" : " or 0");
			__atomic_fetch_add(&totals->bad, 1, __ATOMIC_RELAXED);
			return;
		}
	}
}

static void writer(int fd, int k, int rounds)
{
	static unsigned char chunk[REGION];
	long base = (long)k * REGION;

	for (long i = 0; i < REGION; i++)
		chunk[i] = pattern(base + i);
	for (int round = 0; round < rounds; round++) {
		/* The first round fills the region front to back; later ones rewrite random pieces of it. */
		long start = round == 0 ? 0 : (long)(ksrandom_next() % REGION);
		for (long done = start; done < REGION;) {
			long length = 1 + (long)(ksrandom_next() % 5000);
			ssize_t n;

			if (length > REGION - done)
				length = REGION - done;
			n = pwrite(fd, chunk + done, (size_t)length, base + done);
			__atomic_fetch_add(&totals->operations, 1, __ATOMIC_RELAXED);
			if (n <= 0) {
				fail("pwrite", base + done, length);
				return;
			}
			done += n;
			if (round > 0 && ksrandom_next() % 3 == 0)
				break;
		}
		if (ksrandom_next() % 4 == 0)
			ask(fd);
	}
}

static void reader(int fd, int writers, int rounds)
{
	static unsigned char data[8192];

	for (int round = 0; round < rounds * 4; round++) {
		long offset = (long)(ksrandom_next() % (writers * REGION + 100)), length = 1 + (long)(ksrandom_next() % sizeof(data));
		ssize_t n;

		if (ksrandom_next() % 2) {
			n = pread(fd, data, (size_t)length, offset);
		} else if (lseek(fd, offset, SEEK_SET) != offset) {
			fail("lseek", offset, 0);
			return;
		} else {
			n = read(fd, data, (size_t)length);
		}
		__atomic_fetch_add(&totals->operations, 1, __ATOMIC_RELAXED);
		if (n < 0) {
			fail("read", offset, length);
			return;
		}
		check(data, offset, n, writers, 0);
		if (ksrandom_next() % 8 == 0) {
			ask(fd);
			if (lseek(fd, 0, SEEK_END) < 0)
				fail("lseek to the end", 0, 0);
		}
	}
}

int main(int argc, char **argv)
{
	int writers, readers, rounds, fd;
	struct timespec start, end;
	static unsigned char whole[8192];

	if (argc != 6) {
		fprintf(stderr, "usage: ksstress DEVICE WRITERS READERS ROUNDS SEED\n");
		return 2;
	}
	writers = atoi(argv[2]), readers = atoi(argv[3]), rounds = atoi(argv[4]);
	totals = mmap(NULL, sizeof(*totals), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fd = open(argv[1], O_WRONLY);	/* scull trims on a write-only open: start empty */
	if (fd < 0 || totals == MAP_FAILED || close(fd)) {
		perror("ksstress: open");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int p = 0; p < writers + readers; p++) {
		if (fork() == 0) {
			ksrandom_seed(strtoull(argv[5], NULL, 0), (uint64_t)p);
			fd = open(argv[1], O_RDWR);
			if (fd < 0) {
				perror("ksstress: open");
				_exit(2);
			}
			if (p < writers)
				writer(fd, p, rounds);
			else
				reader(fd, writers, rounds);
			_exit(0);
		}
	}
	for (int p = 0; p < writers + readers; p++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			errno = 0, fail("a process ended badly", p, status);
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	/* Everything written: each region holds its pattern whole, and nothing lies past the last. */
	fd = open(argv[1], O_RDONLY);
	for (long offset = 0; fd >= 0;) {
		ssize_t n = pread(fd, whole, sizeof(whole), offset);

		if (n <= 0)
			break;
		check(whole, offset, n, writers, 1);
		offset += n;
		if (n < 0 || offset > writers * (long)REGION)
			break;
	}
	if (fd < 0 || lseek(fd, 0, SEEK_END) != writers * (long)REGION)
		errno = 0, fail("the size is not the regions'", lseek(fd, 0, SEEK_END), writers * (long)REGION);
	printf("ksstress: %d writers, %d readers, %ld operations in %.1f s: %ld bad bytes, %ld errors\n", writers, readers,
	       totals->operations, (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9,
	       totals->bad, totals->errors);
	return totals->bad || totals->errors ? 1 : 0;
}
