/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The check framework of the guest-side test programs (scullcheck,
 * scullpipecheck, scullaccesscheck): each check prints
 * "PROGRAM: PASS test/check" or "PROGRAM: FAIL test/check: what was expected,
 * what happened", and check_summary prints "PROGRAM: test: N passed, M failed".
 * Counts live in shared memory, so checks in forked children count too.
 * A program sets check_program and test, and calls check_init first.
 */
#ifndef KSHARP_GUEST_CHECK_H
#define KSHARP_GUEST_CHECK_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static const char *check_program;
static const char *test;
static struct { int passed, failed; } *counts;

/* Deliberately bad user address; volatile so the compiler cannot reason about it. */
static void *volatile bad_pointer = (void *)1;

static const char *errname(int e)
{
	const char *name = strerrorname_np(e);

	return name ? name : "unknown errno";
}

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		__atomic_fetch_add(&counts->passed, 1, __ATOMIC_RELAXED);
		printf("%s: PASS %s/%s\n", check_program, test, name);
		return;
	}
	__atomic_fetch_add(&counts->failed, 1, __ATOMIC_RELAXED);
	printf("%s: FAIL %s/%s: ", check_program, test, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A system call's outcome: its result, and errno when that is -1. */
struct res {
	long ret;
	int err;
};

#define SYS(call) ({						\
	long r_;							\
	errno = 0;							\
	r_ = (long)(call);						\
	(struct res){ r_, r_ < 0 ? errno : 0 };				\
})

/* "42" or "-1 (EINVAL)", in one of a few rotating buffers. */
static const char *show(struct res r)
{
	static char bufs[4][64];
	static int next;
	char *b = bufs[next++ % 4];

	if (r.ret < 0)
		snprintf(b, sizeof(bufs[0]), "%ld (%s)", r.ret, errname(r.err));
	else
		snprintf(b, sizeof(bufs[0]), "%ld", r.ret);
	return b;
}

static void want(const char *name, struct res r, long expected)
{
	check(r.ret == expected, name, "expected %ld, got %s", expected, show(r));
}

static void want_err(const char *name, struct res r, int err)
{
	check(r.ret == -1 && r.err == err, name, "expected -1 (%s), got %s",
	      errname(err), show(r));
}

/* CLOCK_MONOTONIC in milliseconds, for checks on how long a call waited. */
static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The last line of a run; the exit status: 0 if every check passed (and there was one). */
static int check_summary(void)
{
	printf("%s: %s: %d passed, %d failed\n", check_program, test, counts->passed, counts->failed);
	return counts->failed || !counts->passed;
}

/* Setup that must work for the test to mean anything: failing ends the run. */
static void __attribute__((noreturn)) fatal(const char *what)
{
	check(0, "setup", "%s: %s", what, errname(errno));
	exit(check_summary() ? 1 : 0);
}

/* Line-buffered output even into a file, so forked children do not repeat lines; shared counts. */
static void check_init(const char *program)
{
	check_program = program;
	setvbuf(stdout, NULL, _IOLBF, 0);
	counts = mmap(NULL, sizeof(*counts), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		perror(program);
		exit(1);
	}
}

#endif /* KSHARP_GUEST_CHECK_H */
