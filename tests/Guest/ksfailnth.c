// SPDX-License-Identifier: GPL-2.0
/*
 * ksfailnth: loads a module with the N-th fault-injection point of the load
 * failing (/proc/thread-self/fail-nth: failslab, and whatever else the kernel
 * has switched on), so a loop over N makes every allocation of the module's
 * init, and of the loader around it, fail in turn.
 *
 *   ksfailnth N MODULE.ko [PARAMETERS]
 *   ksfailnth count MODULE.ko [PARAMETERS]
 *
 * Prints one line and exits 0 when the module is loaded, 1 when loading failed:
 *   ksfailnth: 17 injected: failed ENOMEM     the 17th point failed, and so did the load
 *   ksfailnth: 17 injected: loaded            the 17th point failed, and the load coped
 *   ksfailnth: 17 not reached: loaded         the load has fewer points: the loop is done
 *   ksfailnth: count 383: loaded              "count" loads without a failure and counts the points
 *
 * Reading fail-nth back is a fault point of its own (fail_usercopy's copy_to_user) and
 * counts too: the value it reports is the one before that copy, and when the copy is the
 * point that fails (EFAULT), the value was 1, so the load did not reach the point.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char count[32];
	long result;
	int module, nth, error;
	ssize_t length;

	int counting = argc >= 3 && !strcmp(argv[1], "count");
	const unsigned int armed = counting ? 1000000000 : (unsigned int)atoi(argv[1]);
	unsigned int left;

	if (argc < 3 || armed < 1) {
		fprintf(stderr, "usage: ksfailnth N MODULE.ko [PARAMETERS]\n");
		return 2;
	}
	module = open(argv[2], O_RDONLY | O_CLOEXEC);
	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (module < 0 || nth < 0) {
		perror("ksfailnth: open");
		return 2;
	}
	length = snprintf(count, sizeof(count), "%u", armed);
	/* Nothing between arming and the call, so the count is the load's own. */
	if (write(nth, count, (size_t)length) != length) {
		perror("ksfailnth: arming fail-nth");
		return 2;
	}
	result = syscall(SYS_finit_module, module, argc > 3 ? argv[3] : "", 0);
	error = errno;
	length = pread(nth, count, sizeof(count) - 1, 0);
	if (length < 0 && errno == EFAULT) {
		left = 1;	/* the read's own copy was the point */
	} else if (length <= 0) {
		perror("ksfailnth: reading fail-nth");
		return 2;
	} else {
		count[length] = '\0';
		left = (unsigned int)strtoul(count, NULL, 10);
	}
	/* Disarm, in case the load never reached the point (the write's own copy may fail: then it is disarmed). */
	if (write(nth, "0", 1) != 1 && errno != EFAULT)
		perror("ksfailnth: disarming fail-nth");
	if (counting)
		printf("ksfailnth: count %u: ", armed - left);
	else
		printf("ksfailnth: %u %s: ", armed, left == 0 ? "injected" : "not reached");
	if (result == 0)
		printf("loaded\n");
	else
		printf("failed %s\n", strerrorname_np(error) ? strerrorname_np(error) : "unknown");
	return result == 0 ? 0 : 1;
}
