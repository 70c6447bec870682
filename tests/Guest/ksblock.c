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
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void on_alarm(int signal) { (void)signal; }

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int main(int argc, char **argv)
{
	int flags = O_RDONLY, fd;
	long alarm_ms = 0, start;
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
	}
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
