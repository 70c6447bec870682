// SPDX-License-Identifier: GPL-2.0
/*
 * A guest-side helper for the blocking-I/O tests: one read(2) of one byte from PATH, with
 * O_NONBLOCK if asked, and SIGALRM (a handler without SA_RESTART) after MS milliseconds if
 * asked, so a read the driver blocks in ends with EINTR instead of being restarted. Prints
 * the outcome and how long the read took:
 *   ksblock: read 1 byte 'x' after 1003 ms
 *   ksblock: read failed EAGAIN after 0 ms
 *   ksblock: read failed EINTR after 500 ms
 *
 *   ksblock PATH [--nonblock] [--alarm MS]
 *
 * Or, instead of the read, how readiness is reported, waiting at most MS milliseconds:
 *   ksblock PATH --poll MS     poll(2) for POLLIN|POLLOUT: "ksblock: poll in out after 3 ms"
 *   ksblock PATH --poll-in MS  poll(2) for POLLIN only, which waits until the driver's wake-up
 *   ksblock PATH --select MS   select(2) for reading and writing: "ksblock: select read write after 3 ms"
 *   ksblock PATH --sigio MS    O_ASYNC and F_SETOWN, then wait for SIGIO: "ksblock: SIGIO after 1002 ms" or "ksblock: no SIGIO"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void on_alarm(int signal) { (void)signal; }

static volatile sig_atomic_t sigio_seen;
static void on_sigio(int signal) { (void)signal; sigio_seen = 1; }

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int main(int argc, char **argv)
{
	int flags = O_RDONLY, fd;
	long alarm_ms = 0, start, wait_ms = 0;
	const char *mode = "read";
	char byte;
	ssize_t got;

	if (argc < 2) {
		fprintf(stderr, "usage: ksblock PATH [--nonblock] [--alarm MS]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--nonblock"))
			flags |= O_NONBLOCK;
		else if (!strcmp(argv[i], "--alarm") && i + 1 < argc)
			alarm_ms = atol(argv[++i]);
		else if ((!strcmp(argv[i], "--poll") || !strcmp(argv[i], "--poll-in") || !strcmp(argv[i], "--select") || !strcmp(argv[i], "--sigio")) && i + 1 < argc) {
			mode = argv[i] + 2;
			wait_ms = atol(argv[++i]);
		}
	}
	if (strcmp(mode, "read"))
		flags = (flags & ~O_ACCMODE) | O_RDWR;
	fd = open(argv[1], flags);
	if (fd < 0) {
		printf("ksblock: open failed %s\n", strerrorname_np(errno));
		return 1;
	}
	if (alarm_ms > 0) {
		struct sigaction action = { .sa_handler = on_alarm };	/* no SA_RESTART */
		struct itimerval once = { .it_value = { alarm_ms / 1000, (alarm_ms % 1000) * 1000 } };

		sigaction(SIGALRM, &action, NULL);
		setitimer(ITIMER_REAL, &once, NULL);
	}
	start = now_ms();
	if (!strcmp(mode, "poll") || !strcmp(mode, "poll-in")) {
		struct pollfd one = { .fd = fd, .events = !strcmp(mode, "poll") ? POLLIN | POLLOUT : POLLIN };
		int ready = poll(&one, 1, (int)wait_ms);

		printf("ksblock: poll%s%s%s after %ld ms\n", ready == 0 ? " nothing" : "", one.revents & POLLIN ? " in" : "",
		       one.revents & POLLOUT ? " out" : "", now_ms() - start);
		return ready < 0;
	}
	if (!strcmp(mode, "select")) {
		fd_set readable, writable;
		struct timeval limit = { wait_ms / 1000, (wait_ms % 1000) * 1000 };
		int ready;

		FD_ZERO(&readable);
		FD_ZERO(&writable);
		FD_SET(fd, &readable);
		FD_SET(fd, &writable);
		ready = select(fd + 1, &readable, &writable, NULL, &limit);
		printf("ksblock: select%s%s%s after %ld ms\n", ready == 0 ? " nothing" : "", FD_ISSET(fd, &readable) ? " read" : "",
		       FD_ISSET(fd, &writable) ? " write" : "", now_ms() - start);
		return ready < 0;
	}
	if (!strcmp(mode, "sigio")) {
		struct sigaction action = { .sa_handler = on_sigio };

		sigaction(SIGIO, &action, NULL);
		fcntl(fd, F_SETOWN, getpid());
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC);
		printf("ksblock: waiting for SIGIO\n");
		fflush(stdout);
		while (!sigio_seen && now_ms() - start < wait_ms)
			usleep(10000);
		if (sigio_seen)
			printf("ksblock: SIGIO after %ld ms\n", now_ms() - start);
		else
			printf("ksblock: no SIGIO\n");
		close(fd);
		return !sigio_seen;
	}
	got = read(fd, &byte, 1);
	if (got == 1)
		printf("ksblock: read 1 byte '%c' after %ld ms\n", byte, now_ms() - start);
	else if (got == 0)
		printf("ksblock: read 0 bytes after %ld ms\n", now_ms() - start);
	else
		printf("ksblock: read failed %s after %ld ms\n", strerrorname_np(errno), now_ms() - start);
	close(fd);
	return got == 1 ? 0 : 1;
}
