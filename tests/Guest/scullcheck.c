// SPDX-License-Identifier: GPL-2.0
/*
 * A guest-side test program for the scull drivers, the C reference
 * (scull_c) and the C# one (scull) alike: it speaks only to a device node.
 *
 *   scullcheck rw|seek|trim|ioctl|unpriv|concurrent DEVICE [MODULE]
 *   scullcheck trimfree DEVICE         opens write-only once (a trim)
 *   scullcheck fill DEVICE BYTES       trims, then writes BYTES of pattern
 *
 * Each check prints "scullcheck: PASS test/check" or "scullcheck: FAIL
 * test/check: what was expected, what happened", and the end prints
 * "scullcheck: test: N passed, M failed".  Exit status 0 if all passed,
 * 1 if not, 2 for usage errors.  MODULE (ioctl only) names the module whose
 * /sys/module/MODULE/parameters must show the values set by ioctl.
 *
 * Each test starts with a trim, so it does not depend on earlier ones, and
 * ends with SCULL_IOCRESET and a trim, so quantum and qset are the defaults.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "../../benchmarks/c/scull/scull.h"

static const char *path;
static const char *module;	/* for the ioctl test's sysfs checks; NULL: skip them */

static int dev_open(int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		fatal("open");
	return fd;
}

/* An O_WRONLY open empties the device and applies the module-wide quantum and qset. */
static void trim(void)
{
	close(dev_open(O_WRONLY));
}

static long query(int fd, unsigned long cmd)
{
	long r = ioctl(fd, cmd);

	if (r < 0)
		fatal("query ioctl");
	return r;
}

static long seek(int fd, long off, int whence)
{
	long r = lseek(fd, off, whence);

	if (r < 0)
		fatal("lseek");
	return r;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("malloc");
	return p;
}

/* Position-dependent bytes, so that data stored at the wrong place shows. */
static unsigned char pattern(unsigned long pos)
{
	return (unsigned char)((pos * 2654435761UL) >> 17);
}

static void fill_pattern(unsigned char *buf, unsigned long pos, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(pos + i);
}

/* Index of the first byte of buf that is not pattern(pos + i), or -1. */
static long pattern_mismatch(const unsigned char *buf, unsigned long pos, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != pattern(pos + i))
			return (long)i;
	return -1;
}

/* Writes all n bytes, looping over the short writes at quantum ends; at least one call. */
static struct res write_all(int fd, const unsigned char *buf, size_t n)
{
	size_t done = 0;

	do {
		ssize_t r = write(fd, buf + done, n - done);

		if (r < 0)
			return (struct res){ -1, errno };
		if (r == 0 && n)
			break;
		done += r;
	} while (done < n);
	return (struct res){ (long)done, 0 };
}

/* Reads up to n bytes, looping over short reads, until n or end of data. */
static struct res read_all(int fd, unsigned char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, buf + done, n - done);

		if (r < 0)
			return (struct res){ -1, errno };
		if (r == 0)
			break;
		done += r;
	}
	return (struct res){ (long)done, 0 };
}

/* Trims, writes n bytes of pattern at pos, and reads them back. */
static void roundtrip(const char *name, unsigned long pos, size_t n)
{
	unsigned char *out = xmalloc(n), *in = xmalloc(n + 1);
	struct res r;
	long size, bad;
	int fd;

	trim();
	fd = dev_open(O_RDWR);
	fill_pattern(out, pos, n);
	seek(fd, pos, SEEK_SET);
	r = write_all(fd, out, n);
	if (r.ret != (long)n) {
		check(0, name, "writing %zu bytes at %lu: got %s", n, pos, show(r));
		goto out;
	}
	size = seek(fd, 0, SEEK_END);
	if (size != (long)(pos + n)) {
		check(0, name, "expected size %lu after the write, got %ld", pos + n, size);
		goto out;
	}
	seek(fd, pos, SEEK_SET);
	/* one byte more than written: the read must stop at the end */
	r = read_all(fd, in, n + 1);
	if (r.ret != (long)n) {
		check(0, name, "reading back %zu bytes at %lu: got %s", n, pos, show(r));
		goto out;
	}
	bad = pattern_mismatch(in, pos, n);
	check(bad < 0, name, "byte at %lu: expected 0x%02x, got 0x%02x",
	      pos + bad, pattern(pos + bad), bad < 0 ? 0 : in[bad]);
out:
	close(fd);
	free(out);
	free(in);
}

static void test_rw(void)
{
	static const size_t sizes[] = { 0, 1, 3999, 4000, 4001, 1048576 };
	unsigned char *buf, *in;
	char name[64];
	long quantum, qset, boundary, bad, bufsize;
	struct res r;
	size_t i;
	int fd;

	fd = dev_open(O_RDWR);
	quantum = query(fd, SCULL_IOCQQUANTUM);
	qset = query(fd, SCULL_IOCQQSET);
	close(fd);

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(name, sizeof(name), "roundtrip-%zu", sizes[i]);
		roundtrip(name, 0, sizes[i]);
	}
	/* from 3000 below the end of the first quantum set to 5000 above it */
	boundary = quantum * qset;
	roundtrip("qset-boundary", boundary > 3000 ? boundary - 3000 : 0, 8000);

	/* Single calls stop at the end of the quantum. */
	bufsize = 3 * quantum + 1000 > 8210 ? 3 * quantum + 1000 : 8210;
	buf = xmalloc(bufsize);
	in = xmalloc(bufsize);
	fill_pattern(buf, 0, bufsize);
	trim();
	fd = dev_open(O_RDWR);
	want("short-write", SYS(write(fd, buf, quantum + 1000)), quantum);
	seek(fd, quantum - 10, SEEK_SET);
	want("short-write-end", SYS(write(fd, buf + quantum - 10, 100)), 10);
	seek(fd, 0, SEEK_SET);
	if (write_all(fd, buf, 3 * quantum).ret != 3 * quantum)
		fatal("write");

	seek(fd, 0, SEEK_SET);
	r = SYS(read(fd, in, quantum + 1000));
	bad = r.ret == quantum ? pattern_mismatch(in, 0, quantum) : -1;
	check(r.ret == quantum && bad < 0, "short-read", "expected %ld bytes of pattern, got %s%s",
	      quantum, show(r), bad < 0 ? "" : " with wrong content");
	seek(fd, quantum - 10, SEEK_SET);
	r = SYS(read(fd, in, 100));
	bad = r.ret == 10 ? pattern_mismatch(in, quantum - 10, 10) : -1;
	check(r.ret == 10 && bad < 0, "short-read-end", "expected 10 bytes of pattern, got %s%s",
	      show(r), bad < 0 ? "" : " with wrong content");
	seek(fd, 0, SEEK_END);
	want("read-at-end", SYS(read(fd, in, 100)), 0);
	seek(fd, 1000, SEEK_END);
	want("read-past-end", SYS(read(fd, in, 100)), 0);
	close(fd);

	/*
	 * Holes read as zeros: never-written quanta, and the unwritten part of
	 * one.  The trim frees quanta full of pattern, so a quantum allocated
	 * without zeroing would likely show it in the second hole (unless the
	 * kernel zeroes every allocation, as with init_on_alloc=1, Debian's
	 * default: the tests boot with init_on_alloc=0).  The first hole's quanta
	 * are never allocated, so it tests the read of a missing quantum.
	 */
	trim();
	fd = dev_open(O_RDWR);
	seek(fd, 8000, SEEK_SET);
	if (write_all(fd, buf, 100).ret != 100)
		fatal("write");
	seek(fd, 8200, SEEK_SET);
	if (write_all(fd, buf, 10).ret != 10)
		fatal("write");
	seek(fd, 0, SEEK_SET);
	memset(in, 0xa5, 8210);
	r = read_all(fd, in, 8210);
	for (bad = 0; bad < 8000 && r.ret == 8210 && !in[bad]; bad++)
		;
	check(r.ret == 8210 && bad == 8000, "hole-zeros",
	      "expected 8000 zero bytes before the data at 8000, got %s bytes, first non-zero at %ld",
	      show(r), bad);
	for (bad = 8100; bad < 8200 && r.ret == 8210 && !in[bad]; bad++)
		;
	check(r.ret == 8210 && bad == 8200, "hole-in-quantum",
	      "expected zeros in [8100, 8200) of a written quantum, got %s bytes, first non-zero at %ld",
	      show(r), bad);
	close(fd);

	/* A fault fails the call and stores nothing. */
	trim();
	fd = dev_open(O_RDWR);
	if (write_all(fd, buf, 100).ret != 100)
		fatal("write");
	want_err("write-efault", SYS(write(fd, bad_pointer, 10)), EFAULT);
	want("size-after-efault", SYS(lseek(fd, 0, SEEK_END)), 100);
	seek(fd, 0, SEEK_SET);
	want_err("read-efault", SYS(read(fd, bad_pointer, 10)), EFAULT);

	/* Far positions: an empty write stores (and allocates) nothing; past 65536
	 * quantum sets a write is EFBIG, so a seek cannot make the driver eat memory. */
	seek(fd, 1L << 40, SEEK_SET);
	want("empty-write-far", SYS(write(fd, buf, 0)), 0);
	want("size-after-empty-write", SYS(lseek(fd, 0, SEEK_END)), 100);
	seek(fd, 65536L * quantum * qset, SEEK_SET);
	want_err("write-efbig", SYS(write(fd, buf, 1)), EFBIG);
	seek(fd, 65536L * quantum * qset - 1, SEEK_SET);
	want("write-below-efbig", SYS(write(fd, buf, 1)), 1);
	close(fd);
	trim();
	free(buf);
	free(in);
}

/* lseek(fd, off, whence) fails with EINVAL and leaves the position at pos. */
static void want_bad_seek(const char *name, int fd, long off, int whence, long pos)
{
	char posname[64];

	want_err(name, SYS(lseek(fd, off, whence)), EINVAL);
	snprintf(posname, sizeof(posname), "%s-pos", name);
	want(posname, SYS(lseek(fd, 0, SEEK_CUR)), pos);
}

static void test_seek(void)
{
	unsigned char buf[1000], in[10];
	struct res r;
	int fd;

	fd = dev_open(O_RDWR);
	want("empty-end", SYS(lseek(fd, 0, SEEK_END)), 0);
	fill_pattern(buf, 0, sizeof(buf));
	seek(fd, 0, SEEK_SET);
	if (write_all(fd, buf, sizeof(buf)).ret != sizeof(buf))
		fatal("write");

	want("set", SYS(lseek(fd, 100, SEEK_SET)), 100);
	r = SYS(read(fd, in, sizeof(in)));
	check(r.ret == 10 && pattern_mismatch(in, 100, 10) < 0, "read-after-set",
	      "expected the 10 bytes at 100, got %s%s", show(r), r.ret == 10 ? " with wrong content" : "");
	want("cur", SYS(lseek(fd, 40, SEEK_CUR)), 150);
	want("cur-back", SYS(lseek(fd, -20, SEEK_CUR)), 130);
	want("cur-zero", SYS(lseek(fd, 0, SEEK_CUR)), 130);
	want("end", SYS(lseek(fd, 0, SEEK_END)), 1000);
	want("end-back", SYS(lseek(fd, -10, SEEK_END)), 990);
	want("end-beyond", SYS(lseek(fd, 500, SEEK_END)), 1500);
	want("set-beyond", SYS(lseek(fd, 1L << 40, SEEK_SET)), 1L << 40);

	seek(fd, 300, SEEK_SET);
	want_bad_seek("set-negative", fd, -1, SEEK_SET, 300);
	want_bad_seek("cur-negative", fd, -301, SEEK_CUR, 300);
	want_bad_seek("end-negative", fd, -1001, SEEK_END, 300);
	want_bad_seek("whence-data", fd, 0, 3 /* SEEK_DATA */, 300);
	close(fd);
}

static void test_trim(void)
{
	unsigned char *buf, in[16];
	long quantum, newq, count;
	int fd;

	fd = dev_open(O_RDWR);
	quantum = query(fd, SCULL_IOCQQUANTUM);
	close(fd);
	newq = quantum == 1000 ? 500 : 1000;
	/* more than either quantum, and at least the 5000 written first */
	count = (quantum > newq ? quantum : newq) + 1000;
	if (count < 5000)
		count = 5000;
	buf = xmalloc(count);
	fill_pattern(buf, 0, count);

	fd = dev_open(O_WRONLY);
	if (write_all(fd, buf, 5000).ret != 5000)
		fatal("write");
	close(fd);
	fd = dev_open(O_RDWR);
	want("rdwr-keeps", SYS(lseek(fd, 0, SEEK_END)), 5000);
	close(fd);
	fd = dev_open(O_RDONLY);
	want("rdonly-keeps", SYS(lseek(fd, 0, SEEK_END)), 5000);
	close(fd);

	trim();
	fd = dev_open(O_RDONLY);
	want("wronly-empties", SYS(lseek(fd, 0, SEEK_END)), 0);
	seek(fd, 0, SEEK_SET);
	want("read-after-trim", SYS(read(fd, in, sizeof(in))), 0);
	close(fd);

	/* A new quantum applies from the next trim on, not before. */
	fd = dev_open(O_RDWR);
	want("set-quantum", SYS(ioctl(fd, SCULL_IOCSQUANTUM, &(int){ newq })), 0);
	want("untrimmed-keeps-quantum", SYS(write(fd, buf, count)), quantum);
	close(fd);
	fd = dev_open(O_WRONLY);
	want("trim-applies-quantum", SYS(write(fd, buf, count)), newq);
	close(fd);
	free(buf);
}

/* Reads /sys/module/MODULE/parameters/scull_WHAT and checks it says value. */
static void want_sysfs(const char *name, const char *module, const char *what, long value)
{
	char file[256], text[64] = "";
	FILE *f;

	snprintf(file, sizeof(file), "/sys/module/%s/parameters/scull_%s", module, what);
	f = fopen(file, "r");
	if (!f) {
		check(0, name, "opening %s: %s", file, errname(errno));
		return;
	}
	if (!fgets(text, sizeof(text), f))
		text[0] = 0;
	fclose(f);
	text[strcspn(text, "\n")] = 0;
	check(strtol(text, NULL, 10) == value && text[0], name, "expected %s to say %ld, it says \"%s\"",
	      file, value, text);
}

/*
 * All six accessors of one parameter.  cmds: S, T, G, Q, X, H; v: four
 * distinct values to set.  Ends with the parameter at v[3].
 */
static void ioctl_param(int fd, const char *what, const unsigned long cmds[6],
			const int v[4])
{
	enum { S, T, G, Q, X, H };
	char name[64];
	struct res r;
	int val;

#define NAME(fmt) (snprintf(name, sizeof(name), fmt, what), name)
	want(NAME("tell-%s"), SYS(ioctl(fd, cmds[T], (unsigned long)v[0])), 0);
	want(NAME("query-%s"), SYS(ioctl(fd, cmds[Q])), v[0]);
	if (module)
		want_sysfs(NAME("sysfs-%s"), module, what, v[0]);
	val = -5;
	r = SYS(ioctl(fd, cmds[G], &val));
	check(r.ret == 0 && val == v[0], NAME("get-%s"), "expected 0 and %d stored, got %s and %d",
	      v[0], show(r), val);
	val = v[1];
	want(NAME("set-%s"), SYS(ioctl(fd, cmds[S], &val)), 0);
	want(NAME("set-%s-query"), SYS(ioctl(fd, cmds[Q])), v[1]);
	val = v[2];
	r = SYS(ioctl(fd, cmds[X], &val));
	check(r.ret == 0 && val == v[1], NAME("exchange-%s"),
	      "expected 0 and the old %d stored, got %s and %d", v[1], show(r), val);
	want(NAME("exchange-%s-query"), SYS(ioctl(fd, cmds[Q])), v[2]);
	want(NAME("shift-%s"), SYS(ioctl(fd, cmds[H], (unsigned long)v[3])), v[2]);
	want(NAME("shift-%s-query"), SYS(ioctl(fd, cmds[Q])), v[3]);

	/* Values below 1 are refused and change nothing. */
	want_err(NAME("tell-%s-zero"), SYS(ioctl(fd, cmds[T], 0UL)), EINVAL);
	want_err(NAME("tell-%s-negative"), SYS(ioctl(fd, cmds[T], (unsigned long)-1L)), EINVAL);
	want_err(NAME("shift-%s-zero"), SYS(ioctl(fd, cmds[H], 0UL)), EINVAL);
	want_err(NAME("shift-%s-negative"), SYS(ioctl(fd, cmds[H], (unsigned long)-1L)), EINVAL);
	/* The whole unsigned long counts, not its low 32 bits (here 5). */
	want_err(NAME("tell-%s-above-int"), SYS(ioctl(fd, cmds[T], 0x100000005UL)), EINVAL);
	want_err(NAME("shift-%s-above-int"), SYS(ioctl(fd, cmds[H], 0x100000005UL)), EINVAL);
	val = 0;
	want_err(NAME("set-%s-zero"), SYS(ioctl(fd, cmds[S], &val)), EINVAL);
	val = -1;
	want_err(NAME("set-%s-negative"), SYS(ioctl(fd, cmds[S], &val)), EINVAL);
	val = 0;
	want_err(NAME("exchange-%s-zero"), SYS(ioctl(fd, cmds[X], &val)), EINVAL);
	want(NAME("invalid-%s-unchanged"), SYS(ioctl(fd, cmds[Q])), v[3]);

	/* Bad pointers fail with EFAULT and change nothing. */
	want_err(NAME("set-%s-efault"), SYS(ioctl(fd, cmds[S], bad_pointer)), EFAULT);
	want_err(NAME("get-%s-efault"), SYS(ioctl(fd, cmds[G], bad_pointer)), EFAULT);
	want_err(NAME("exchange-%s-efault"), SYS(ioctl(fd, cmds[X], bad_pointer)), EFAULT);
	want(NAME("efault-%s-unchanged"), SYS(ioctl(fd, cmds[Q])), v[3]);
#undef NAME
}

static void test_ioctl(void)
{
	static const unsigned long quantum_cmds[6] = {
		SCULL_IOCSQUANTUM, SCULL_IOCTQUANTUM, SCULL_IOCGQUANTUM,
		SCULL_IOCQQUANTUM, SCULL_IOCXQUANTUM, SCULL_IOCHQUANTUM,
	};
	static const unsigned long qset_cmds[6] = {
		SCULL_IOCSQSET, SCULL_IOCTQSET, SCULL_IOCGQSET,
		SCULL_IOCQQSET, SCULL_IOCXQSET, SCULL_IOCHQSET,
	};
	long qset;
	int fd;

	fd = dev_open(O_RDWR);
	want("reset", SYS(ioctl(fd, SCULL_IOCRESET)), 0);
	want("reset-quantum", SYS(ioctl(fd, SCULL_IOCQQUANTUM)), SCULL_QUANTUM);
	want("reset-qset", SYS(ioctl(fd, SCULL_IOCQQSET)), SCULL_QSET);
	qset = query(fd, SCULL_IOCQQSET);

	ioctl_param(fd, "quantum", quantum_cmds, (const int[]){ 1234, 2345, 77, 5 });
	want("qset-untouched", SYS(ioctl(fd, SCULL_IOCQQSET)), qset);
	ioctl_param(fd, "qset", qset_cmds, (const int[]){ 4321, 5432, 88, 6 });
	want("quantum-untouched", SYS(ioctl(fd, SCULL_IOCQQUANTUM)), 5);

	want("reset-again", SYS(ioctl(fd, SCULL_IOCRESET)), 0);
	want("reset-again-quantum", SYS(ioctl(fd, SCULL_IOCQQUANTUM)), SCULL_QUANTUM);
	want("reset-again-qset", SYS(ioctl(fd, SCULL_IOCQQSET)), SCULL_QSET);

	/* A qset too large for kernel memory: the next write after a trim gets ENOMEM. */
	want("huge-qset", SYS(ioctl(fd, SCULL_IOCTQSET, 1UL << 28)), 0);
	close(fd);
	trim();
	fd = dev_open(O_RDWR);
	want_err("huge-qset-enomem", SYS(write(fd, "x", 1)), ENOMEM);
	want("huge-qset-size", SYS(lseek(fd, 0, SEEK_END)), 0);
	want("reset-after-huge", SYS(ioctl(fd, SCULL_IOCRESET)), 0);
	close(fd);
	trim();
	fd = dev_open(O_RDWR);

	want_err("wrong-type", SYS(ioctl(fd, _IO('j', 7))), ENOTTY);
	want_err("nr-13", SYS(ioctl(fd, _IO(SCULL_IOC_MAGIC, 13))), ENOTTY);
	want_err("nr-14", SYS(ioctl(fd, _IO(SCULL_IOC_MAGIC, 14))), ENOTTY);
	want_err("nr-15", SYS(ioctl(fd, _IO(SCULL_IOC_MAGIC, 15))), ENOTTY);
	close(fd);
}

/* Setters need CAP_SYS_ADMIN: checked in a child that gave up root. */
static void test_unpriv(void)
{
	static const struct {
		const char *name;
		unsigned long cmd;
		int by_pointer;
	} setters[] = {
		{ "set-quantum", SCULL_IOCSQUANTUM, 1 },
		{ "tell-quantum", SCULL_IOCTQUANTUM, 0 },
		{ "exchange-quantum", SCULL_IOCXQUANTUM, 1 },
		{ "shift-quantum", SCULL_IOCHQUANTUM, 0 },
		{ "set-qset", SCULL_IOCSQSET, 1 },
		{ "tell-qset", SCULL_IOCTQSET, 0 },
		{ "exchange-qset", SCULL_IOCXQSET, 1 },
		{ "shift-qset", SCULL_IOCHQSET, 0 },
	};
	long quantum, qset;
	int fd, status;
	pid_t pid;

	fd = dev_open(O_RDWR);
	quantum = query(fd, SCULL_IOCQQUANTUM);
	qset = query(fd, SCULL_IOCQQSET);

	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		struct res r;
		int val;

		want("setgid", SYS(setgid(65534)), 0);
		want("setuid", SYS(setuid(65534)), 0);
		check(getuid() == 65534 && geteuid() == 65534 && getgid() == 65534,
		      "ids", "expected uid and gid 65534, have uid %d euid %d gid %d",
		      (int)getuid(), (int)geteuid(), (int)getgid());
		if (geteuid() == 0)
			_exit(1);	/* still root: the checks below would mean nothing */
		for (size_t i = 0; i < sizeof(setters) / sizeof(setters[0]); i++) {
			/* odd numbers are about the quantum, even ones about the qset */
			int is_quantum = _IOC_NR(setters[i].cmd) & 1;
			long before = is_quantum ? quantum : qset, after;

			val = 999;
			r = setters[i].by_pointer ? SYS(ioctl(fd, setters[i].cmd, &val))
						  : SYS(ioctl(fd, setters[i].cmd, 999UL));
			after = ioctl(fd, is_quantum ? SCULL_IOCQQUANTUM : SCULL_IOCQQSET);

			check(r.ret == -1 && r.err == EPERM && after == before && val == 999,
			      setters[i].name, "expected -1 (EPERM) and %ld kept, got %s and %ld (pointed-to int %d)",
			      before, show(r), after, val);
		}
		val = -5;
		r = SYS(ioctl(fd, SCULL_IOCGQUANTUM, &val));
		check(r.ret == 0 && val == quantum, "get-quantum", "expected 0 and %ld stored, got %s and %d",
		      quantum, show(r), val);
		val = -5;
		r = SYS(ioctl(fd, SCULL_IOCGQSET, &val));
		check(r.ret == 0 && val == qset, "get-qset", "expected 0 and %ld stored, got %s and %d",
		      qset, show(r), val);
		want("query-quantum", SYS(ioctl(fd, SCULL_IOCQQUANTUM)), quantum);
		want("query-qset", SYS(ioctl(fd, SCULL_IOCQQSET)), qset);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		fatal("waitpid");
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child",
	      "expected the unprivileged child to exit with 0, status 0x%x", status);
	close(fd);
}

/*
 * Two writers and a reader at once, in rounds.  Record i (RECORD bytes at
 * record_pos(i)) holds its index and a fill byte derived from it, so a torn
 * or misplaced record shows.
 *
 * The race is made, not waited for.  The qset is set to one quantum, so each
 * quantum needs a new list item, quantum set and quantum, and quantum k holds
 * just two records: 2k, written by writer A, and 2k + 1, by writer B.  The
 * writers go in lockstep, one quantum at a time, so both find its storage
 * missing at the same moment: a driver that does not serialize writes
 * allocates it twice and keeps one, and the other writer's record is lost.
 * The quantum is large (RACE_QUANTUM), so zeroing it keeps the allocation,
 * the window of that race, open long: where the host runs the two vCPUs by
 * turns rather than at once, a writer stopped inside it still loses.  For
 * that case the lockstep is loose: a writer waits for the other at most
 * LOCKSTEP_US, so that it is not stopped waiting, and the other, once it
 * runs, catches up with it.  A reader, sleeping between short bursts, checks
 * that no read is torn and that a record once read whole never reads
 * otherwise.  Rounds, each after a trim, repeat for CONCURRENT_MS (at least
 * MIN_ROUNDS), but stop at the first that lost records: a driver without
 * locks leaks the storage it allocated twice.
 */
#define RECORD		100
#define RACE_QUANTUM	65536
#define PAIRS		256		/* quanta per round */
#define RECORDS		(2 * PAIRS)
#define LOCKSTEP_US	200
#define CONCURRENT_MS	2000
#define MIN_ROUNDS	3
#define MAX_ROUNDS	500

/* What the writers and the reader of one round tell the parent. */
struct race {
	int progress[2];		/* pairs each writer has started */
	int stop;			/* set once both writers are done */
	unsigned long bad_writes[2];
	char bad_write[2][120];		/* the first of each writer */
	unsigned long reads, whole, unwritten, bad_reads;
	char bad_read[160];
};

static off_t record_pos(uint32_t i)
{
	return (off_t)(i / 2) * RACE_QUANTUM + (i % 2) * RECORD;
}

static void make_record(unsigned char *rec, uint32_t index)
{
	memset(rec, 1 + index % 251, RECORD);
	memcpy(rec, &index, sizeof(index));
}

/* 0: all zero (not written yet), 1: record index, -1: anything else. */
static int classify(const unsigned char *rec, uint32_t index)
{
	unsigned char want[RECORD];
	size_t i;

	for (i = 0; i < RECORD && !rec[i]; i++)
		;
	if (i == RECORD)
		return 0;
	make_record(want, index);
	return memcmp(rec, want, RECORD) ? -1 : 1;
}

static long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

static void __attribute__((noreturn)) race_writer(struct race *race, int w, int one_cpu)
{
	unsigned char rec[RECORD];
	int fd = open(path, O_RDWR);	/* not O_WRONLY: that would trim */

	if (fd < 0) {
		__atomic_store_n(&race->progress[w], PAIRS + 1, __ATOMIC_SEQ_CST);	/* free the other */
		_exit(2);
	}
	for (int k = 0; k < PAIRS; k++) {
		uint32_t i = 2 * k + w;
		ssize_t r;

		/* Both writers start quantum k together (spinning: a sleep would end the lockstep). */
		__atomic_store_n(&race->progress[w], k + 1, __ATOMIC_SEQ_CST);
		for (long spins = 0, until = now_us() + LOCKSTEP_US;
		     __atomic_load_n(&race->progress[!w], __ATOMIC_SEQ_CST) < k + 1; spins++) {
			if (one_cpu)
				sched_yield();	/* the other writer runs only once this one yields */
			else if (spins % 64 == 0 && now_us() > until)
				break;
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#endif
		}
		make_record(rec, i);
		r = pwrite(fd, rec, RECORD, record_pos(i));
		if (r != RECORD && !race->bad_writes[w]++)
			snprintf(race->bad_write[w], sizeof(race->bad_write[w]),
				 "writing record %u returned %s", i, show((struct res){ r, r < 0 ? errno : 0 }));
	}
	_exit(race->bad_writes[w] ? 1 : 0);
}

static void __attribute__((noreturn)) race_reader(struct race *race)
{
	unsigned char rec[RECORD], state[RECORDS] = { 0 };	/* 1: read whole before */
	uint32_t seed = 12345, i;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		_exit(2);
	while (!__atomic_load_n(&race->stop, __ATOMIC_SEQ_CST)) {
		ssize_t r;
		int kind, front;

		seed = seed * 1103515245 + 12345;
		/* every other read near the pair being written, the others anywhere */
		front = 2 * __atomic_load_n(&race->progress[0], __ATOMIC_RELAXED) - 4;
		i = (seed & 0x100) && front >= 0 ? front + (seed >> 9) % 4 : (seed >> 9) % RECORDS;
		if (i >= RECORDS)
			i = RECORDS - 1;
		r = pread(fd, rec, RECORD, record_pos(i));
		if (!(++race->reads % 8))
			usleep(500);
		/* nothing (beyond the current end) or zeros: not written yet */
		kind = r == 0 ? 0 : r == RECORD ? classify(rec, i) : -1;
		if (kind == 1) {
			race->whole++;
			state[i] = 1;
			continue;
		}
		if (kind == 0 && !state[i]) {
			race->unwritten++;
			continue;
		}
		if (race->bad_reads++)
			continue;
		if (kind == 0)
			snprintf(race->bad_read, sizeof(race->bad_read),
				 "record %u read as not written (%s bytes) after it had been read whole", i,
				 show((struct res){ r, r < 0 ? errno : 0 }));
		else
			snprintf(race->bad_read, sizeof(race->bad_read), "read of record %u returned %s%s", i,
				 show((struct res){ r, r < 0 ? errno : 0 }),
				 r == RECORD ? " bytes of a torn or misplaced record" : "");
	}
	_exit(0);
}

static void test_concurrent(void)
{
	static unsigned char rec[RACE_QUANTUM + RECORD];
	struct race *race;
	unsigned long bad_writes[2] = { 0, 0 }, bad_reads = 0, reads = 0, whole = 0, unwritten = 0;
	unsigned long lost = 0, wrong_sizes = 0;
	char bad_write[2][160] = { "", "" }, bad_read[200] = "", bad_record[200] = "", bad_size[120] = "";
	int rounds, lossy_rounds = 0, one_cpu = sysconf(_SC_NPROCESSORS_ONLN) < 2;
	long start, elapsed, slowest = 0;
	int fd;

	race = mmap(NULL, sizeof(*race), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (race == MAP_FAILED)
		fatal("mmap");
	fd = dev_open(O_RDWR);
	want("set-quantum", SYS(ioctl(fd, SCULL_IOCTQUANTUM, (unsigned long)RACE_QUANTUM)), 0);
	want("set-qset", SYS(ioctl(fd, SCULL_IOCTQSET, 1UL)), 0);
	close(fd);
	trim();
	/* The trim applied the quantum: a write stops at its end. */
	fd = dev_open(O_RDWR);
	want("race-quantum", SYS(write(fd, rec, sizeof(rec))), RACE_QUANTUM);
	close(fd);

	start = now_ms();
	for (rounds = 0; rounds < MAX_ROUNDS && !lossy_rounds &&
	     (rounds < MIN_ROUNDS || now_ms() - start < CONCURRENT_MS); rounds++) {
		unsigned long round_lost = 0;
		pid_t writers[2], reader;
		long size, round_start = now_ms();

		trim();
		memset(race, 0, sizeof(*race));
		reader = fork();
		if (reader < 0)
			fatal("fork");
		if (reader == 0)
			race_reader(race);
		for (int w = 0; w < 2; w++) {
			writers[w] = fork();
			if (writers[w] < 0)
				fatal("fork");
			if (writers[w] == 0)
				race_writer(race, w, one_cpu);
		}
		for (int w = 0; w < 2; w++) {
			int st;

			if (waitpid(writers[w], &st, 0) != writers[w])
				fatal("waitpid");
			if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) && !bad_writes[w]++)
				snprintf(bad_write[w], sizeof(bad_write[w]), "round %d: status 0x%x, %lu bad writes, first: %s",
					 rounds + 1, st, race->bad_writes[w], race->bad_write[w]);
		}
		__atomic_store_n(&race->stop, 1, __ATOMIC_SEQ_CST);
		if (waitpid(reader, NULL, 0) != reader)
			fatal("waitpid");
		reads += race->reads;
		whole += race->whole;
		unwritten += race->unwritten;
		if (race->bad_reads && !bad_reads)
			snprintf(bad_read, sizeof(bad_read), "round %d: %s", rounds + 1, race->bad_read);
		bad_reads += race->bad_reads;

		fd = dev_open(O_RDWR);
		size = seek(fd, 0, SEEK_END);
		if (size != (long)record_pos(RECORDS - 1) + RECORD && !wrong_sizes++)
			snprintf(bad_size, sizeof(bad_size), "round %d: expected %ld, got %ld",
				 rounds + 1, (long)record_pos(RECORDS - 1) + RECORD, size);
		for (uint32_t i = 0; i < RECORDS; i++) {
			ssize_t r = pread(fd, rec, RECORD, record_pos(i));
			int kind = r == RECORD ? classify(rec, i) : -1;

			if (kind == 1)
				continue;
			if (!lost++)
				snprintf(bad_record, sizeof(bad_record), "round %d record %u (writer %c): read returned %s%s",
					 rounds + 1, i, "AB"[i % 2], show((struct res){ r, r < 0 ? errno : 0 }),
					 kind == 0 ? " bytes of zeros" : r == RECORD ? " bytes, not the record" : "");
			round_lost++;
		}
		close(fd);
		lossy_rounds += round_lost > 0;
		if (now_ms() - round_start > slowest)
			slowest = now_ms() - round_start;
	}
	elapsed = now_ms() - start;
	/* not checks (scheduling decides), but they show how much the reads overlapped the writes */
	fprintf(stderr, "scullcheck: concurrent: %d rounds of %d records in %ld ms (slowest %ld ms) on %ld CPUs; "
		"%lu reads: %lu whole, %lu not yet written; %lu records lost or wrong in %d rounds\n",
		rounds, RECORDS, elapsed, slowest, sysconf(_SC_NPROCESSORS_ONLN), reads, whole, unwritten, lost,
		lossy_rounds);
	check(!bad_reads, "reads-whole", "%lu bad reads, first: %s", bad_reads, bad_read);
	check(!bad_writes[0], "writer-a", "expected every write of writer A to store %d bytes; "
	      "failed in %lu of %d rounds, first: %s", RECORD, bad_writes[0], rounds, bad_write[0]);
	check(!bad_writes[1], "writer-b", "expected every write of writer B to store %d bytes; "
	      "failed in %lu of %d rounds, first: %s", RECORD, bad_writes[1], rounds, bad_write[1]);
	check(!wrong_sizes, "final-size", "%lu of %d rounds ended with the wrong size, first: %s",
	      wrong_sizes, rounds, bad_size);
	check(!lost, "final-records", "%lu of %d records wrong in %d of %d rounds, first: %s",
	      lost, rounds * RECORDS, lossy_rounds, rounds, bad_record);
	munmap(race, sizeof(*race));
}

static int usage(void)
{
	fprintf(stderr,
		"usage: scullcheck rw|seek|trim|ioctl|unpriv|concurrent DEVICE [MODULE]\n"
		"       scullcheck trimfree DEVICE\n"
		"       scullcheck fill DEVICE BYTES\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
		int takes_module;
	} tests[] = {
		{ "rw", test_rw, 0 }, { "seek", test_seek, 0 }, { "trim", test_trim, 0 },
		{ "ioctl", test_ioctl, 1 }, { "unpriv", test_unpriv, 0 },
		{ "concurrent", test_concurrent, 0 },
	};
	size_t i;
	int fd;

	if (argc < 3)
		return usage();
	test = argv[1];
	path = argv[2];
	check_init("scullcheck");

	if (!strcmp(test, "trimfree") && argc == 3) {
		trim();
		check(1, "trim", "");
		return check_summary();
	}
	if (!strcmp(test, "fill") && argc == 4) {
		char *end;
		unsigned long long bytes = strtoull(argv[3], &end, 0);
		unsigned char buf[65536];
		unsigned long long pos = 0;
		struct res r = { 0, 0 };

		if (!*argv[3] || *end || argv[3][0] == '-')
			return usage();
		fd = dev_open(O_WRONLY);
		while (pos < bytes && r.ret >= 0) {
			size_t n = bytes - pos < sizeof(buf) ? bytes - pos : sizeof(buf);

			fill_pattern(buf, pos, n);
			r = write_all(fd, buf, n);
			pos += r.ret > 0 ? r.ret : 0;
			if (r.ret >= 0 && r.ret < (long)n)
				break;
		}
		close(fd);
		check(pos == bytes, argv[3], "wrote %llu of %llu bytes, last write %s", pos, bytes, show(r));
		return check_summary();
	}

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!strcmp(test, tests[i].name))
			break;
	if (i == sizeof(tests) / sizeof(tests[0]) || argc > 3 + tests[i].takes_module)
		return usage();

	module = argc == 4 ? argv[3] : NULL;
	trim();
	tests[i].run();

	/* Leave the defaults behind for whatever runs next. */
	fd = dev_open(O_RDWR);
	want("cleanup-reset", SYS(ioctl(fd, SCULL_IOCRESET)), 0);
	close(fd);
	trim();
	return check_summary();
}
