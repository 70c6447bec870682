// SPDX-License-Identifier: GPL-2.0
/*
 * kssignal: a signal interrupts a task blocked in a driver's interruptible
 * mutex lock, and the interrupted call changes nothing.
 *
 *   kssignal DEVICE
 *
 * A thread holds the device's lock: its write() copies from a page that
 * userfaultfd keeps missing, so the driver waits in copy_from_user with its
 * mutex held.  A child process then writes "interrupted" at offset 0 and
 * blocks on that mutex; SIGUSR1 (a handler without SA_RESTART) must end its
 * write() with EINTR.  The held page is then supplied, the first write
 * finishes, and the device must hold exactly what the first write wrote:
 *   kssignal: blocked write: EINTR after 0.5 s; holder wrote 64 bytes; contents intact
 * Exit status 0 when all of that happened, 1 otherwise, 2 for setup errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int device;
static char *held;		/* the page userfaultfd keeps missing */
static ssize_t holder_result;

static void *holder(void *unused)
{
	(void)unused;
	holder_result = pwrite(device, held, 64, 0);
	return NULL;
}

static void on_signal(int signal) { (void)signal; }

static double since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register registration;
	struct uffdio_copy copy;
	struct uffd_msg message;
	static char page[4096] __attribute__((aligned(4096))), contents[128];
	pthread_t thread;
	pid_t child;
	int uffd, status, result = 0, report[2];
	struct { int error; double seconds; ssize_t written; } blocked;

	if (argc != 2) {
		fprintf(stderr, "usage: kssignal DEVICE\n");
		return 2;
	}
	device = open(argv[1], O_RDWR);
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	held = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (device < 0 || uffd < 0 || held == MAP_FAILED || ioctl(uffd, UFFDIO_API, &api) || pipe(report)) {
		perror("kssignal: setup");
		return 2;
	}
	registration.range.start = (unsigned long)held;
	registration.range.len = 4096;
	registration.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &registration)) {
		perror("kssignal: UFFDIO_REGISTER");
		return 2;
	}

	pthread_create(&thread, NULL, holder, NULL);
	/* The holder is in copy_from_user, lock held, once its fault arrives. */
	if (read(uffd, &message, sizeof(message)) != sizeof(message) || message.event != UFFD_EVENT_PAGEFAULT) {
		perror("kssignal: waiting for the holder's fault");
		return 2;
	}

	child = fork();
	if (child == 0) {
		struct sigaction action = { .sa_handler = on_signal };	/* no SA_RESTART */
		struct timespec start;

		sigaction(SIGUSR1, &action, NULL);
		clock_gettime(CLOCK_MONOTONIC, &start);
		blocked.written = pwrite(device, "interrupted", 11, 0);
		blocked.error = errno;
		blocked.seconds = since(&start);
		if (write(report[1], &blocked, sizeof(blocked)) != sizeof(blocked))
			_exit(2);
		_exit(0);
	}
	usleep(500 * 1000);	/* long enough for the child to block on the mutex */
	kill(child, SIGUSR1);
	if (read(report[0], &blocked, sizeof(blocked)) != sizeof(blocked) || waitpid(child, &status, 0) != child) {
		perror("kssignal: the child");
		return 2;
	}

	/* Let the holder finish: the page arrives, filled with 'h'. */
	memset(page, 'h', sizeof(page));
	copy.dst = (unsigned long)held;
	copy.src = (unsigned long)page;
	copy.len = 4096;
	copy.mode = 0;
	if (ioctl(uffd, UFFDIO_COPY, &copy)) {
		perror("kssignal: UFFDIO_COPY");
		return 2;
	}
	pthread_join(thread, NULL);

	printf("kssignal: blocked write: %s after %.1f s; holder wrote %zd bytes; ",
	       blocked.written < 0 ? strerrorname_np(blocked.error) : "no error", blocked.seconds, holder_result);
	if (blocked.written >= 0 || blocked.error != EINTR || holder_result != 64)
		result = 1;
	memset(contents, 0, sizeof(contents));
	if (pread(device, contents, sizeof(contents), 0) != 64 || strspn(contents, "h") != 64) {
		printf("contents changed: \"%.64s\"\n", contents);
		return 1;
	}
	printf("contents intact\n");
	return result;
}
