// SPDX-License-Identifier: GPL-2.0
/*
 * A guest-side benchmark for the scull drivers (C reference and C#): the
 * cost of a 1-byte write() and read(), and sequential throughput.
 *
 *   scullbench DEVICE [--small N] [--large-mib M] [--block B]
 *
 * Prints machine-readable lines:
 *   scullbench: device DEVICE small N large_mib M block B
 *   scullbench: write1_ns X      ns per 1-byte write, N of them after a trim
 *   scullbench: read1_ns X       ns per 1-byte read of those bytes
 *   scullbench: seqwrite_mbps X  MiB/s writing M MiB in blocks of B after a trim
 *   scullbench: seqread_mbps X   MiB/s reading them back in blocks of B
 *
 * Load the driver with a quantum of at least B, so that each block is one
 * call; short calls are looped over and still counted right.  Data read
 * back is checked (cheaply), and any error or mismatch exits with 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *path;

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "scullbench: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dev_open(int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die("open");
	return fd;
}

/* Moves all n bytes, looping over short calls at quantum ends. */
static void transfer(int fd, unsigned char *buf, size_t n, int writing)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = writing ? write(fd, buf + done, n - done) : read(fd, buf + done, n - done);

		if (r <= 0) {
			if (r == 0)
				errno = 0;
			die(writing ? "write" : "read (data ended early)");
		}
		done += r;
	}
}

/* Marks a block by its first and last byte, which the read-back checks. */
static unsigned char mark(size_t block, int last)
{
	return (unsigned char)(last ? ~block * 7 : block * 13 + 1);
}

static long parse(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1) {
		fprintf(stderr, "scullbench: not a positive number: %s\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long small = 200000, large_mib = 64, block = 65536;
	unsigned char byte, *buf;
	size_t total, off, n, k;
	double t;
	long i;
	int fd;

	if (argc < 2 || argv[1][0] == '-')
		goto usage;
	path = argv[1];
	for (i = 2; i < argc; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--small"))
			small = parse(argv[i + 1]);
		else if (!strcmp(argv[i], "--large-mib"))
			large_mib = parse(argv[i + 1]);
		else if (!strcmp(argv[i], "--block"))
			block = parse(argv[i + 1]);
		else
			goto usage;
	}
	buf = malloc(block);
	if (!buf)
		die("malloc");
	printf("scullbench: device %s small %ld large_mib %ld block %ld\n",
	       path, small, large_mib, block);
	fflush(stdout);

	/* 1-byte calls: the per-call cost of the driver, copying almost nothing. */
	fd = dev_open(O_WRONLY);	/* trims */
	t = now();
	for (i = 0; i < small; i++) {
		byte = (unsigned char)i;
		if (write(fd, &byte, 1) != 1)
			die("1-byte write");
	}
	t = now() - t;
	close(fd);
	printf("scullbench: write1_ns %.1f\n", t * 1e9 / small);
	fflush(stdout);

	fd = dev_open(O_RDONLY);
	t = now();
	for (i = 0; i < small; i++) {
		if (read(fd, &byte, 1) != 1)
			die("1-byte read");
		if (byte != (unsigned char)i) {
			fprintf(stderr, "scullbench: byte %ld reads 0x%02x, expected 0x%02x\n",
				i, byte, (unsigned char)i);
			return 1;
		}
	}
	t = now() - t;
	close(fd);
	printf("scullbench: read1_ns %.1f\n", t * 1e9 / small);
	fflush(stdout);

	/* Sequential blocks: throughput, dominated by copying and allocation. */
	total = (size_t)large_mib << 20;
	memset(buf, 0x5a, block);
	fd = dev_open(O_WRONLY);	/* trims */
	t = now();
	for (off = 0, k = 0; off < total; off += n, k++) {
		n = total - off < (size_t)block ? total - off : (size_t)block;
		buf[0] = mark(k, 0);
		buf[n - 1] = mark(k, 1);
		transfer(fd, buf, n, 1);
	}
	t = now() - t;
	close(fd);
	printf("scullbench: seqwrite_mbps %.1f\n", large_mib / t);
	fflush(stdout);

	fd = dev_open(O_RDONLY);
	t = now();
	for (off = 0, k = 0; off < total; off += n, k++) {
		n = total - off < (size_t)block ? total - off : (size_t)block;
		transfer(fd, buf, n, 0);
		/* (a 1-byte block holds only the last mark) */
		if ((n > 1 && buf[0] != mark(k, 0)) || buf[n - 1] != mark(k, 1)) {
			fprintf(stderr, "scullbench: block %zu (at %zu) reads back wrong\n", k, off);
			return 1;
		}
	}
	t = now() - t;
	if (read(fd, buf, 1) != 0) {
		fprintf(stderr, "scullbench: data continues past %zu bytes\n", total);
		return 1;
	}
	close(fd);
	printf("scullbench: seqread_mbps %.1f\n", large_mib / t);
	free(buf);
	return 0;

usage:
	fprintf(stderr, "usage: scullbench DEVICE [--small N] [--large-mib M] [--block B]\n");
	return 2;
}
