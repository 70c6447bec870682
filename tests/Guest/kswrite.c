// SPDX-License-Identifier: GPL-2.0
/*
 * A guest-side helper for the integration tests: one write(2) with exactly the bytes
 * given, and the result printed as "kswrite: result N" or "kswrite: errno NAME", so tests
 * can assert the errno a driver returns (busybox's shell does not say).
 *
 *   kswrite PATH TEXT      writes TEXT (escapes: \n, \0, \xHH)
 *   kswrite PATH --empty   writes 0 bytes
 *   kswrite PATH --fault   writes 4 bytes from an unmapped address
 *   kswrite PATH --read-fault   reads 4 bytes into an unmapped address
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *name(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENOTTY: return "ENOTTY";
	case EPERM: return "EPERM";
	case ENOMEM: return "ENOMEM";
	case ENOSPC: return "ENOSPC";
	default: return "other";
	}
}

static size_t unescape(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		if (in[0] == '\\' && in[1] == 'n') { out[n++] = '\n'; in += 2; }
		else if (in[0] == '\\' && in[1] == '0') { out[n++] = '\0'; in += 2; }
		else if (in[0] == '\\' && in[1] == 'x' && in[2] && in[3]) {
			char hex[3] = { in[2], in[3], 0 };
			out[n++] = (char)strtol(hex, NULL, 16);
			in += 4;
		} else
			out[n++] = *in++;
	}
	return n;
}

int main(int argc, char **argv)
{
	static char buffer[4096];
	const void *data = buffer;
	/* volatile: the address is deliberately bad, and the compiler must not reason about it */
	void *volatile never_mapped = (void *)8;
	int reading;
	size_t length;
	ssize_t done;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: kswrite PATH TEXT|--empty|--fault|--read-fault\n");
		return 2;
	}
	reading = !strcmp(argv[2], "--read-fault");
	if (reading || !strcmp(argv[2], "--fault")) {
		data = never_mapped;
		length = 4;
	} else if (!strcmp(argv[2], "--empty"))
		length = 0;
	else
		length = unescape(argv[2], buffer);

	fd = open(argv[1], reading ? O_RDONLY : O_WRONLY);
	if (fd < 0) {
		printf("kswrite: open errno %s\n", name(errno));
		return 1;
	}
	done = reading ? read(fd, (void *)data, length) : write(fd, data, length);
	if (done < 0)
		printf("kswrite: %serrno %s\n", reading ? "read " : "", name(errno));
	else
		printf("kswrite: %sresult %zd\n", reading ? "read " : "", done);
	close(fd);
	return 0;
}
