// SPDX-License-Identifier: GPL-2.0
/*
 * ksfuzz: a guest-side syscall fuzzer for the device nodes and /proc files a
 * driver creates.  Deterministic from its seed: worker k of P draws from its
 * own generator seeded with (seed, k), so a run with one worker repeats
 * exactly, and a run with several repeats each worker's sequence.
 *
 *   ksfuzz [--seed S] [--ops N] [--procs P] [--unprivileged] TARGET...
 *
 * Each operation is one of open (random flags), close, read, write, pread,
 * pwrite, lseek (whence 0..7), ioctl (numbers in the driver's style and
 * random ones), on a random target or open file, with sizes 0, 1, the scull
 * quantum's edges and huge ones, offsets negative, huge and at the edges,
 * and user pointers that are valid, NULL, kernel addresses, unmapped or
 * read-only.  With --unprivileged, odd workers open up to four files and then
 * drop to uid/gid 65534, as a daemon would.  They keep those four open to the
 * end: closed, most could not be opened again, and the worker would spend its
 * operations on opens refused with EACCES instead of reaching the driver.
 * A 20 ms interval timer interrupts any call that blocks (EINTR): a read of
 * an empty pipe, an open another user holds, and costs at most that.
 *
 * Output: the seed, then one line per (operation, result) with its count:
 *   ksfuzz: seed 42, 100000 operations, 4 processes, 3 targets
 *   ksfuzz: result read ok 1234
 *   ksfuzz: result read EFAULT 98
 *   ksfuzz: done: 100000 operations in 12.3 s, 0 violations
 * A violation is a result no driver may give: a kernel-internal errno
 * (ERESTARTSYS and the others from 512 up) reaching user space, a read or
 * write that returns more than was asked, a negative position, or a worker
 * dying of a signal.  Each is printed as "ksfuzz: VIOLATION ..." and makes
 * the exit status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ksrandom.h"

enum op { OP_OPEN, OP_CLOSE, OP_READ, OP_WRITE, OP_PREAD, OP_PWRITE, OP_LSEEK, OP_IOCTL, OP_COUNT };
static const char *const op_names[OP_COUNT] = { "open", "close", "read", "write", "pread", "pwrite", "lseek", "ioctl" };

/* Results: 0 is success, 1..RESULTS-1 an errno; anything larger counts as the last slot (and is a violation). */
#define RESULTS 600
#define MAX_FDS 8
#define PINNED_FDS 4	/* opened as root by an unprivileged worker, kept to the end */
#define REGION (16UL << 20)	/* a valid buffer: 16 MiB, then a guard page */

struct shared {
	unsigned long counts[OP_COUNT][RESULTS];
	unsigned long violations;
	unsigned long operations;
};

static struct shared *shared;
static char *region;		/* REGION bytes, readable and writable, then PROT_NONE */
static char *read_only;		/* one page, PROT_READ */
static char *unmapped;		/* one page that was unmapped */


static uint64_t below(uint64_t n) { return n ? ksrandom_next() % n : 0; }

static size_t pick_size(void)
{
	static const size_t edges[] = { 0, 1, 2, 7, 64, 3999, 4000, 4001, 4096, 8000, 65536,
					3999999, 4000000, 4000001, 1UL << 24, 1UL << 31, SIZE_MAX };

	if (below(4) == 0)
		return below(9000);
	return edges[below(sizeof(edges) / sizeof(edges[0]))];
}

static off_t pick_offset(void)
{
	static const off_t edges[] = { 0, 1, 3999, 4000, 4001, 3999999, 4000000, 4000001, -1, -4096,
				       INT64_MIN, INT64_MAX, INT64_MAX - 1, 1LL << 40, 1LL << 62 };

	if (below(3) == 0)
		return (off_t)below(100000);
	return edges[below(sizeof(edges) / sizeof(edges[0]))];
}

/* A user pointer for a transfer of size bytes, and whether the kernel may write there. */
static void *pick_pointer(size_t size)
{
	switch (below(10)) {
	case 0:
		return NULL;
	case 1:
		return (void *)0xffffffff81000000UL;	/* kernel text */
	case 2:
		return (void *)0xffff888000000000UL;	/* the direct map */
	case 3:
		return unmapped;
	case 4:
		return read_only;
	case 5:
		return region + 1;			/* misaligned */
	default:
		/* Valid up to the end of the region, so whatever lies past size faults on the guard page. */
		return size < REGION ? region + REGION - size : region;
	}
}

static int pick_flags(void)
{
	static const int access[] = { O_RDONLY, O_WRONLY, O_RDWR, O_ACCMODE };
	int flags = access[below(4)];

	if (below(4) == 0)
		flags |= O_NONBLOCK;
	if (below(6) == 0)
		flags |= O_APPEND;
	if (below(8) == 0)
		flags |= O_TRUNC;
	return flags;
}

/* ioctl numbers: the driver's magic ('k', as scull) with every direction and size, others, and noise. */
static unsigned long pick_command(void)
{
	unsigned long dir = below(4), nr = below(16), size = below(4) == 0 ? below(1 << 14) : sizeof(int);
	unsigned long type = below(4) == 0 ? below(256) : 'k';

	if (below(10) == 0)
		return (unsigned long)(uint32_t)ksrandom_next();
	return (dir << 30) | (size << 16) | (type << 8) | nr;
}

static unsigned long pick_argument(void)
{
	static const long values[] = { 0, 1, -1, 4000, 1000, INT32_MAX, INT32_MIN, 1L << 40 };

	if (below(2) == 0)
		return (unsigned long)values[below(sizeof(values) / sizeof(values[0]))];
	return (unsigned long)pick_pointer(sizeof(int));
}

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void violation(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("ksfuzz: VIOLATION ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
	__atomic_fetch_add(&shared->violations, 1, __ATOMIC_RELAXED);
}

static void record(enum op op, long result, int error, const char *target, unsigned long asked)
{
	int slot = result >= 0 ? 0 : error;

	if (result < 0 && error >= 512)
		violation("%s on %s: errno %d, which is kernel-internal (ERESTARTSYS and kin must not reach user space)",
			  op_names[op], target, error);
	if (result < 0 && error <= 0)
		violation("%s on %s: failed with errno %d", op_names[op], target, error);
	if ((op == OP_READ || op == OP_WRITE || op == OP_PREAD || op == OP_PWRITE) && result > 0 && (unsigned long)result > asked)
		violation("%s on %s: returned %ld for %lu bytes asked", op_names[op], target, result, asked);
	if (slot < 0 || slot >= RESULTS)
		slot = RESULTS - 1;
	__atomic_fetch_add(&shared->counts[op][slot], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&shared->operations, 1, __ATOMIC_RELAXED);
}

static void on_alarm(int signal) { (void)signal; }

static void worker(unsigned long seed, int index, unsigned long ops, int unprivileged, char **targets, int count)
{
	struct { int fd; const char *target; } open_files[MAX_FDS];
	struct sigaction alarm_action = { .sa_handler = on_alarm };	/* no SA_RESTART: a blocked call returns EINTR */
	struct itimerval tick = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } };
	int open_count = 0, pinned = 0;

	ksrandom_seed(seed, (uint64_t)index);
	sigaction(SIGALRM, &alarm_action, NULL);
	setitimer(ITIMER_REAL, &tick, NULL);
	if (unprivileged && (index & 1)) {
		/* As a daemon that opened its devices before dropping root: what the files allow an unprivileged caller. */
		for (; open_count < PINNED_FDS; open_count++) {
			open_files[open_count].target = targets[below(count)];
			open_files[open_count].fd = open(open_files[open_count].target, below(2) ? O_RDWR : O_RDONLY);
			if (open_files[open_count].fd < 0)
				open_files[open_count].fd = open(open_files[open_count].target, O_RDONLY);
			if (open_files[open_count].fd < 0)
				break;
		}
		pinned = open_count;
		if (setgid(65534) || setuid(65534))
			violation("worker %d could not drop to uid 65534: %s", index, strerror(errno));
	}

	for (unsigned long i = 0; i < ops; i++) {
		/* Opens are one operation in sixteen once files are open: each one that fails costs an operation. */
		enum op op = open_count && below(2) ? (enum op)(1 + below(OP_COUNT - 1)) : (enum op)below(OP_COUNT);
		int slot = open_count ? (int)below(open_count) : -1;
		size_t size = pick_size();
		long result;

		if (op == OP_OPEN || slot < 0) {
			const char *target = targets[below(count)];
			int fd;

			if (open_count == MAX_FDS) {
				close(open_files[pinned].fd);
				memmove(&open_files[pinned], &open_files[pinned + 1], sizeof(open_files[0]) * (MAX_FDS - 1 - pinned));
				open_count--;
			}
			fd = open(target, pick_flags());
			record(OP_OPEN, fd, errno, target, 0);
			if (fd >= 0) {
				open_files[open_count].fd = fd;
				open_files[open_count].target = target;
				open_count++;
			}
			continue;
		}

		if (op == OP_CLOSE && slot < pinned) {
			/* A pinned file stays open: close one opened since, or do something else with this one. */
			if (open_count > pinned)
				slot = pinned + (int)below(open_count - pinned);
			else
				op = (enum op)(OP_READ + below(OP_COUNT - OP_READ));
		}

		int fd = open_files[slot].fd;
		const char *target = open_files[slot].target;
		void *pointer = pick_pointer(size);

		errno = 0;
		switch (op) {
		case OP_CLOSE:
			result = close(fd);
			open_files[slot] = open_files[--open_count];	/* slot >= pinned: the pinned files stay in front */
			break;
		case OP_READ:
			result = read(fd, pointer, size);
			break;
		case OP_WRITE:
			result = write(fd, pointer, size);
			break;
		case OP_PREAD:
			result = pread(fd, pointer, size, pick_offset());
			break;
		case OP_PWRITE:
			result = pwrite(fd, pointer, size, pick_offset());
			break;
		case OP_LSEEK:
			result = lseek(fd, pick_offset(), (int)below(8));
			if (result < -1)
				violation("lseek on %s: position %ld", target, result);
			break;
		default:
			result = ioctl(fd, pick_command(), pick_argument());
			break;
		}
		record(op, result, errno, target, size);
	}
	for (int i = 0; i < open_count; i++)
		close(open_files[i].fd);
}

int main(int argc, char **argv)
{
	unsigned long seed = (unsigned long)time(NULL), ops = 100000;
	int procs = 4, unprivileged = 0, first = 1;
	struct timespec start, end;

	for (; first < argc && !strncmp(argv[first], "--", 2); first++) {
		if (!strcmp(argv[first], "--unprivileged"))
			unprivileged = 1;
		else if (first + 1 < argc && !strcmp(argv[first], "--seed"))
			seed = strtoul(argv[++first], NULL, 0);
		else if (first + 1 < argc && !strcmp(argv[first], "--ops"))
			ops = strtoul(argv[++first], NULL, 0);
		else if (first + 1 < argc && !strcmp(argv[first], "--procs"))
			procs = atoi(argv[++first]);
		else
			break;
	}
	if (first >= argc || procs < 1) {
		fprintf(stderr, "usage: ksfuzz [--seed S] [--ops N] [--procs P] [--unprivileged] TARGET...\n");
		return 2;
	}

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	region = mmap(NULL, REGION + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	read_only = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || region == MAP_FAILED || read_only == MAP_FAILED || unmapped == MAP_FAILED ||
	    mprotect(region + REGION, 4096, PROT_NONE) || munmap(unmapped, 4096)) {
		perror("ksfuzz: mmap");
		return 2;
	}

	printf("ksfuzz: seed %lu, %lu operations, %d processes, %d targets\n", seed, ops, procs, argc - first);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int k = 0; k < procs; k++) {
		pid_t pid = fork();

		if (pid == 0) {
			worker(seed, k, ops / procs + ((unsigned long)k < ops % procs), unprivileged, argv + first, argc - first);
			_exit(0);
		}
		if (pid < 0) {
			perror("ksfuzz: fork");
			return 2;
		}
	}
	for (int k = 0; k < procs; k++) {
		int status;
		pid_t pid = wait(&status);

		if (pid > 0 && WIFSIGNALED(status))
			violation("worker %d died of signal %d", (int)pid, WTERMSIG(status));
		else if (pid > 0 && WEXITSTATUS(status))
			violation("worker %d exited with %d", (int)pid, WEXITSTATUS(status));
	}
	clock_gettime(CLOCK_MONOTONIC, &end);

	for (int op = 0; op < OP_COUNT; op++) {
		for (int slot = 0; slot < RESULTS; slot++) {
			const char *name;

			if (!shared->counts[op][slot])
				continue;
			name = slot == 0 ? "ok" : slot == RESULTS - 1 ? "errno>=600" : strerrorname_np(slot);
			if (name)
				printf("ksfuzz: result %s %s %lu\n", op_names[op], name, shared->counts[op][slot]);
			else
				printf("ksfuzz: result %s errno%d %lu\n", op_names[op], slot, shared->counts[op][slot]);
		}
	}
	printf("ksfuzz: done: %lu operations in %.1f s, %lu violations\n", shared->operations,
	       (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9, shared->violations);
	return shared->violations ? 1 : 0;
}
