// SPDX-License-Identifier: GPL-2.0
/*
 * A guest-side benchmark for scullpipe (C reference and C#): the round trip
 * of one byte between two processes, and throughput through one pipe.
 *
 *   pipebench PIPE_A PIPE_B [--trips N] [--mib M]
 *
 * Ping-pong: the parent writes a byte to PIPE_A, a child reads it and writes
 * it back through PIPE_B, N times; each trip wakes a sleeping reader twice.
 * Throughput: a child writes M MiB into PIPE_A as fast as it takes them, the
 * parent reads them in 64 KiB calls (each returns what the buffer held).
 * Prints machine-readable lines:
 *   pipebench: pingpong_us X   microseconds per 1-byte round trip
 *   pipebench: pipe_mbps X     MiB/s through one pipe
 * Any error or a byte out of order exits with 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "pipebench: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die(path);
	return fd;
}

static void one(int fd, unsigned char *c, int writing)
{
	ssize_t r = writing ? write(fd, c, 1) : read(fd, c, 1);

	if (r != 1)
		die(writing ? "write" : "read");
}

static void pingpong(const char *a, const char *b, long trips)
{
	/* Both ends open in both processes before the first byte, so no open frees a buffer in between. */
	int to = open_or_die(a, O_RDWR), back = open_or_die(b, O_RDWR);
	pid_t pid = fork();
	unsigned char c = 0;
	double start;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (long i = 0; i < trips; i++) {
			one(to, &c, 0);
			one(back, &c, 1);
		}
		_exit(0);
	}
	start = now();
	for (long i = 0; i < trips; i++) {
		unsigned char sent = (unsigned char)i;

		one(to, &sent, 1);
		one(back, &c, 0);
		if (c != sent)
			die("the byte that came back");
	}
	printf("pipebench: pingpong_us %.2f\n", (now() - start) * 1e6 / trips);
	waitpid(pid, NULL, 0);
	close(to);
	close(back);
}

static void throughput(const char *a, long mib)
{
	/* Byte i of the stream is i & 255: a write from offset sent & 255 continues it after a short write. */
	static unsigned char pattern[65536 + 256], buf[65536];
	const long total = mib << 20;
	int fd = open_or_die(a, O_RDWR);
	pid_t pid = fork();
	long got = 0;
	double start;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		long sent = 0;

		for (size_t i = 0; i < sizeof(pattern); i++)
			pattern[i] = (unsigned char)i;
		while (sent < total) {
			ssize_t r = write(fd, pattern + (sent & 255), total - sent < 65536 ? total - sent : 65536);

			if (r <= 0)
				die("write");
			sent += r;
		}
		_exit(0);
	}
	start = now();
	while (got < total) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r <= 0)
			die("read");
		for (ssize_t i = 0; i < r; i += 97)
			if (buf[i] != (unsigned char)(got + i))
				die("a byte out of order");
		got += r;
	}
	printf("pipebench: pipe_mbps %.1f\n", mib / (now() - start));
	waitpid(pid, NULL, 0);
	close(fd);
}

int main(int argc, char **argv)
{
	long trips = 20000, mib = 16;

	if (argc < 3)
		goto usage;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--trips") && i + 1 < argc)
			trips = atol(argv[++i]);
		else if (!strcmp(argv[i], "--mib") && i + 1 < argc)
			mib = atol(argv[++i]);
		else
			goto usage;
	}
	if (trips < 1 || mib < 1)
		goto usage;
	setvbuf(stdout, NULL, _IOLBF, 0);
	pingpong(argv[1], argv[2], trips);
	throughput(argv[1], mib);
	return 0;
usage:
	fprintf(stderr, "usage: pipebench PIPE_A PIPE_B [--trips N] [--mib M]\n");
	return 2;
}
