// SPDX-License-Identifier: GPL-2.0
/*
 * A guest-side test program for scullpipe, the C reference (scull_cpipeN) and
 * the C# one (scullpipeN) alike: it speaks only to a pipe node and its /proc
 * file.
 *
 *   scullpipecheck nonblock|poll|block|wrap|signal|sigio|proc|stress PIPE PROC
 *
 * PIPE must be open nowhere else when a test starts (the last close empties a
 * pipe, so every test starts from an empty one).  PROC is the module's
 * /proc/scullpipe, where the buffer size and the open counts are read.  Each
 * check prints "scullpipecheck: PASS test/check" or "... FAIL test/check: ...",
 * the end "scullpipecheck: test: N passed, M failed" (see check.h); exit status
 * 0 if all passed, 1 if not, 2 for usage errors.
 */
#include "check.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>

static const char *path;
static const char *proc;
static long capacity;	/* bytes a pipe holds: its buffer size less one */

static int pipe_open(int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		fatal("open");
	return fd;
}

/* Byte i of the stream the wrap and stress tests send: a period prime to every buffer size tried. */
static unsigned char stream_byte(unsigned long i)
{
	return (unsigned char)((i * 2654435761UL) >> 13) ^ (unsigned char)(i % 251);
}

/* The readiness poll(2) reports for fd right now (no waiting). */
static int ready_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	if (poll(&p, 1, 0) < 0)
		fatal("poll");
	return p.revents;
}

/* What select(2) reports for fd right now: 1 readable, 2 writable. */
static int select_now(int fd)
{
	fd_set r, w;
	struct timeval zero = { 0, 0 };

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	if (select(fd + 1, &r, &w, NULL, &zero) < 0)
		fatal("select");
	return (FD_ISSET(fd, &r) ? 1 : 0) | (FD_ISSET(fd, &w) ? 2 : 0);
}

/* Writes with O_NONBLOCK until EAGAIN; the bytes stored. */
static long fill(int fd)
{
	static unsigned char chunk[4096];
	long total = 0;
	ssize_t r;

	memset(chunk, 'f', sizeof(chunk));
	while ((r = write(fd, chunk, sizeof(chunk))) > 0)
		total += r;
	if (r == 0 || errno != EAGAIN)
		fatal("filling the pipe");
	return total;
}

/* Reads with O_NONBLOCK until EAGAIN; the bytes taken. */
static long drain(int fd)
{
	unsigned char chunk[4096];
	long total = 0;
	ssize_t r;

	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		total += r;
	if (r == 0 || errno != EAGAIN)
		fatal("draining the pipe");
	return total;
}

static void test_nonblock(void)
{
	int fd = pipe_open(O_RDWR | O_NONBLOCK);
	char buf[16];

	want_err("empty-read", SYS(read(fd, buf, sizeof(buf))), EAGAIN);
	want("zero-write", SYS(write(fd, buf, 0)), 0);
	want_err("lseek", SYS(lseek(fd, 0, SEEK_SET)), ESPIPE);
	want_err("pread", SYS(pread(fd, buf, 1, 0)), ESPIPE);
	want_err("pwrite", SYS(pwrite(fd, "x", 1, 0)), ESPIPE);
	want_err("bad-write", SYS(write(fd, bad_pointer, 8)), EFAULT);
	want_err("still-empty", SYS(read(fd, buf, sizeof(buf))), EAGAIN);
	want("write", SYS(write(fd, "abc", 3)), 3);
	want_err("bad-read", SYS(read(fd, bad_pointer, 3)), EFAULT);
	memset(buf, 0, sizeof(buf));
	want("read-after-bad", SYS(read(fd, buf, sizeof(buf))), 3);
	check(!memcmp(buf, "abc", 3), "contents", "expected \"abc\", got \"%.3s\"", buf);
	want("fill", (struct res){ fill(fd), 0 }, capacity);
	want_err("full-write", SYS(write(fd, "x", 1)), EAGAIN);
	want("drain", (struct res){ drain(fd), 0 }, capacity);
	close(fd);
}

static void test_poll(void)
{
	int fd = pipe_open(O_RDWR | O_NONBLOCK);
	char c;

	want("empty-poll", (struct res){ ready_now(fd), 0 }, POLLOUT);
	want("empty-select", (struct res){ select_now(fd), 0 }, 2);
	want("write", SYS(write(fd, "x", 1)), 1);
	want("data-poll", (struct res){ ready_now(fd), 0 }, POLLIN | POLLOUT);
	want("data-select", (struct res){ select_now(fd), 0 }, 3);
	want("fill", (struct res){ fill(fd), 0 }, capacity - 1);
	want("full-poll", (struct res){ ready_now(fd), 0 }, POLLIN);
	want("full-select", (struct res){ select_now(fd), 0 }, 1);
	want("read-one", SYS(read(fd, &c, 1)), 1);
	want("room-poll", (struct res){ ready_now(fd), 0 }, POLLIN | POLLOUT);
	want("drain", (struct res){ drain(fd), 0 }, capacity - 1);
	want("drained-poll", (struct res){ ready_now(fd), 0 }, POLLOUT);
	close(fd);

	/* A poll that waits is woken by a write from another process. */
	fd = pipe_open(O_RDONLY | O_NONBLOCK);
	pid_t pid = fork();

	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		int w = pipe_open(O_WRONLY);

		usleep(300000);
		_exit(write(w, "w", 1) == 1 ? 0 : 1);
	}
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long start = now_ms();
	int n = poll(&p, 1, 5000);
	long waited = now_ms() - start;

	/* Before the timeout: at the timeout poll looks once more and would find the data anyway. */
	check(n == 1 && p.revents == POLLIN && waited >= 250 && waited < 3000, "woken-poll",
	      "expected POLLIN after about 300 ms, got %d (revents 0x%x) after %ld ms", n, p.revents, waited);
	waitpid(pid, NULL, 0);
	close(fd);
}

/* A blocked reader is woken by a writer in another process, and a blocked writer by a reader. */
static void test_block(void)
{
	int fd = pipe_open(O_RDWR), status;
	char buf[8] = { 0 };
	pid_t pid = fork();

	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		long start = now_ms();
		ssize_t r = read(fd, buf, sizeof(buf));
		long waited = now_ms() - start;

		check(r == 2 && !memcmp(buf, "hi", 2) && waited >= 250, "blocked-read",
		      "expected \"hi\" after about 300 ms, got %zd bytes after %ld ms", r, waited);
		_exit(0);
	}
	usleep(300000);
	check(waitpid(pid, &status, WNOHANG) == 0, "reader-sleeps", "the reader returned before any write");
	want("wake-write", SYS(write(fd, "hi", 2)), 2);
	waitpid(pid, &status, 0);

	fcntl(fd, F_SETFL, O_NONBLOCK);
	fill(fd);
	fcntl(fd, F_SETFL, 0);
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		long start = now_ms();
		ssize_t r = write(fd, "z", 1);
		long waited = now_ms() - start;

		check(r == 1 && waited >= 250, "blocked-write",
		      "expected 1 byte written after about 300 ms, got %zd after %ld ms", r, waited);
		_exit(0);
	}
	usleep(300000);
	check(waitpid(pid, &status, WNOHANG) == 0, "writer-sleeps", "the writer returned while the pipe was full");
	want("wake-read", SYS(read(fd, buf, 1)), 1);
	waitpid(pid, &status, 0);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	want("after-wake", (struct res){ drain(fd), 0 }, capacity);
	close(fd);
}

/*
 * Many times the buffer through the pipe between two processes, in chunk sizes
 * prime to the buffer's, so every wrap-around position is crossed: every byte
 * arrives once, in order.
 */
static void test_wrap(void)
{
	const unsigned long total = 64 * (unsigned long)(capacity + 1) + 7;
	int rfd = pipe_open(O_RDONLY), status;
	pid_t pid = fork();

	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		int wfd = pipe_open(O_WRONLY);
		unsigned char chunk[997];
		unsigned long sent = 0;

		close(rfd);
		while (sent < total) {
			size_t n = total - sent < 1 + sent % sizeof(chunk) ? total - sent : 1 + sent % sizeof(chunk);

			for (size_t i = 0; i < n; i++)
				chunk[i] = stream_byte(sent + i);
			ssize_t r = write(wfd, chunk, n);

			if (r <= 0)
				_exit(1);
			sent += r;
		}
		_exit(0);
	}
	unsigned char chunk[613];
	unsigned long got = 0, bad = 0, first_bad = 0;

	while (got < total) {
		ssize_t r = read(rfd, chunk, sizeof(chunk) - got % 7);

		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			if (chunk[i] != stream_byte(got + i) && !bad++)
				first_bad = got + i;
		got += r;
	}
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && !WEXITSTATUS(status), "writer", "the writer failed (status 0x%x)", status);
	check(got == total, "all-bytes", "expected %lu bytes, got %lu", total, got);
	check(!bad, "in-order", "%lu bytes wrong, first at %lu", bad, first_bad);
	close(rfd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* SIGALRM after ms, with or without SA_RESTART. */
static void alarm_in(long ms, int restart)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = restart ? SA_RESTART : 0 };
	struct itimerval t = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &t, NULL);
}

/* A signal ends a blocked read and a blocked write with EINTR, and changes nothing; with SA_RESTART the call goes on. */
static void test_signal(void)
{
	int fd = pipe_open(O_RDWR), status;
	char buf[8];
	long start;

	alarm_in(300, 0);
	start = now_ms();
	want_err("read", SYS(read(fd, buf, sizeof(buf))), EINTR);
	check(now_ms() - start >= 250, "read-waited", "returned after %ld ms", now_ms() - start);

	fcntl(fd, F_SETFL, O_NONBLOCK);
	fill(fd);
	fcntl(fd, F_SETFL, 0);
	alarm_in(300, 0);
	want_err("write", SYS(write(fd, "x", 1)), EINTR);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	want("nothing-written", (struct res){ drain(fd), 0 }, capacity);
	fcntl(fd, F_SETFL, 0);

	/* SA_RESTART: the kernel restarts the read after the handler, and a later write ends it. */
	pid_t pid = fork();

	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		alarm_in(200, 1);
		ssize_t r = read(fd, buf, sizeof(buf));

		check(r == 1 && buf[0] == 'r', "restarted-read", "expected 'r' after the restart, got %zd", r);
		_exit(0);
	}
	usleep(600000);
	check(waitpid(pid, &status, WNOHANG) == 0, "restart-sleeps", "the read returned after the signal");
	want("restart-write", SYS(write(fd, "r", 1)), 1);
	waitpid(pid, &status, 0);
	close(fd);
}

static volatile sig_atomic_t sigios;

static void on_sigio(int sig)
{
	(void)sig;
	sigios++;
}

/* O_ASYNC: each write from another process sends SIGIO; without it, none comes. */
static void test_sigio(void)
{
	struct sigaction sa = { .sa_handler = on_sigio };
	int fd = pipe_open(O_RDONLY | O_NONBLOCK), status;
	char buf[8];

	sigaction(SIGIO, &sa, NULL);
	want("setown", SYS(fcntl(fd, F_SETOWN, getpid())), 0);
	want("async", SYS(fcntl(fd, F_SETFL, O_NONBLOCK | O_ASYNC)), 0);
	for (int round = 0; round < 2; round++) {
		pid_t pid = fork();

		if (pid < 0)
			fatal("fork");
		if (pid == 0) {
			int w = pipe_open(O_WRONLY);

			_exit(write(w, "s", 1) == 1 ? 0 : 1);
		}
		waitpid(pid, &status, 0);
		for (int i = 0; i < 100 && !sigios; i++)
			usleep(10000);
		if (round == 0) {
			check(sigios == 1, "sigio", "expected 1 SIGIO after a write, got %d", (int)sigios);
			want("data", SYS(read(fd, buf, sizeof(buf))), 1);
			want("sync", SYS(fcntl(fd, F_SETFL, O_NONBLOCK)), 0);
			sigios = 0;
		} else {
			check(sigios == 0, "no-sigio", "expected no SIGIO without O_ASYNC, got %d", (int)sigios);
			want("data-again", SYS(read(fd, buf, sizeof(buf))), 1);
		}
	}
	close(fd);
}

/* The counts of the first device in PROC ("   readers R   writers W" after "Device 0:"). */
static int proc_counts(int *readers, int *writers)
{
	char line[256];
	FILE *f = fopen(proc, "r");
	int seen = 0, found = 0;

	if (!f)
		fatal("open the /proc file");
	while (fgets(line, sizeof(line), f) && !found) {
		if (!strncmp(line, "Device 0:", 9))
			seen = 1;
		else if (seen && sscanf(line, " readers %d writers %d", readers, writers) == 2)
			found = 1;
	}
	fclose(f);
	return found;
}

/* /proc/scullpipe counts the open files by mode, and the last close frees the buffer. */
static void test_proc(void)
{
	int r = -1, w = -1;
	int a = pipe_open(O_RDONLY), b = pipe_open(O_WRONLY), c = pipe_open(O_RDWR);

	check(proc_counts(&r, &w) && r == 2 && w == 2, "open-counts", "expected readers 2 writers 2, got %d %d", r, w);
	close(c);
	check(proc_counts(&r, &w) && r == 1 && w == 1, "after-close", "expected readers 1 writers 1, got %d %d", r, w);
	want("write", SYS(write(b, "gone", 4)), 4);
	close(a);
	close(b);
	check(proc_counts(&r, &w) && r == 0 && w == 0, "all-closed", "expected readers 0 writers 0, got %d %d", r, w);
	a = pipe_open(O_RDONLY | O_NONBLOCK);
	char buf[8];

	want_err("emptied", SYS(read(a, buf, sizeof(buf))), EAGAIN);
	close(a);
}

/*
 * Two writers and two readers on one pipe for many rounds. Each writer sends its
 * own stream; the readers (non-blocking, waiting in poll) tally every byte by
 * value. After each round the tally must equal what was sent: nothing lost,
 * nothing read twice.
 */
#define STRESS_ROUNDS 20
#define STRESS_BYTES 30000

static void test_stress(void)
{
	struct tally {
		unsigned long got, bytes[256];
	} *t = mmap(NULL, 2 * sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int bad_rounds = 0;
	char first_bad[160] = "";

	if (t == MAP_FAILED)
		fatal("mmap");
	for (int round = 0; round < STRESS_ROUNDS; round++) {
		unsigned long sent[256] = { 0 };
		pid_t pids[4];

		memset(t, 0, 2 * sizeof(*t));
		for (int w = 0; w < 2; w++)
			for (unsigned long i = 0; i < STRESS_BYTES; i++)
				sent[stream_byte(i * 2 + w)]++;
		for (int p = 0; p < 4; p++) {
			pids[p] = fork();
			if (pids[p] < 0)
				fatal("fork");
			if (pids[p] == 0 && p < 2) {	/* writers */
				int fd = pipe_open(O_WRONLY);
				unsigned char chunk[509];
				unsigned long i = 0;

				while (i < STRESS_BYTES) {
					size_t n = STRESS_BYTES - i < sizeof(chunk) - i % 17 ? STRESS_BYTES - i : sizeof(chunk) - i % 17;

					for (size_t k = 0; k < n; k++)
						chunk[k] = stream_byte((i + k) * 2 + p);
					ssize_t r = write(fd, chunk, n);

					if (r <= 0)
						_exit(1);
					i += r;
				}
				_exit(0);
			}
			if (pids[p] == 0) {	/* readers */
				int fd = pipe_open(O_RDONLY | O_NONBLOCK);
				struct tally *mine = &t[p - 2];
				unsigned char chunk[331];

				while (__atomic_load_n(&t[0].got, __ATOMIC_RELAXED) + __atomic_load_n(&t[1].got, __ATOMIC_RELAXED) < 2 * STRESS_BYTES) {
					struct pollfd pf = { .fd = fd, .events = POLLIN };
					ssize_t r;

					if (poll(&pf, 1, 100) < 0)
						_exit(1);
					r = read(fd, chunk, sizeof(chunk) - (mine->got % 13));
					if (r < 0 && errno == EAGAIN)
						continue;
					if (r <= 0)
						_exit(1);
					for (ssize_t k = 0; k < r; k++)
						mine->bytes[chunk[k]]++;
					__atomic_add_fetch(&mine->got, r, __ATOMIC_RELAXED);
				}
				_exit(0);
			}
		}
		int failed = 0, status;

		for (int p = 0; p < 4; p++) {
			waitpid(pids[p], &status, 0);
			failed |= !WIFEXITED(status) || WEXITSTATUS(status);
		}
		unsigned long got = t[0].got + t[1].got;
		int value = -1;

		for (int v = 0; v < 256 && value < 0; v++)
			if (t[0].bytes[v] + t[1].bytes[v] != sent[v])
				value = v;
		if (failed || got != 2 * STRESS_BYTES || value >= 0) {
			if (!bad_rounds++)
				snprintf(first_bad, sizeof(first_bad),
					 "round %d: %s, %lu of %d bytes read, byte value %d read %lu times, sent %lu", round,
					 failed ? "a process failed" : "all processes ended", got, 2 * STRESS_BYTES, value,
					 value < 0 ? 0 : t[0].bytes[value] + t[1].bytes[value], value < 0 ? 0 : sent[value]);
		}
	}
	check(!bad_rounds, "nothing-lost", "%d of %d rounds wrong, first: %s", bad_rounds, STRESS_ROUNDS, first_bad);
	munmap(t, 2 * sizeof(*t));
}

/* The buffer size from PROC's first line ("Default buffersize is N"). */
static long buffer_size(void)
{
	FILE *f = fopen(proc, "r");
	long size = 0;

	if (!f || fscanf(f, "Default buffersize is %ld", &size) != 1 || size < 2)
		fatal("read the buffer size from the /proc file");
	fclose(f);
	return size;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} tests[] = {
		{ "nonblock", test_nonblock }, { "poll", test_poll }, { "block", test_block },
		{ "wrap", test_wrap }, { "signal", test_signal }, { "sigio", test_sigio },
		{ "proc", test_proc }, { "stress", test_stress },
	};
	size_t i;

	if (argc != 4) {
		fprintf(stderr, "usage: scullpipecheck nonblock|poll|block|wrap|signal|sigio|proc|stress PIPE PROC\n");
		return 2;
	}
	test = argv[1];
	path = argv[2];
	proc = argv[3];
	check_init("scullpipecheck");
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!strcmp(test, tests[i].name))
			break;
	if (i == sizeof(tests) / sizeof(tests[0])) {
		fprintf(stderr, "scullpipecheck: no test %s\n", test);
		return 2;
	}
	capacity = buffer_size() - 1;
	tests[i].run();
	return check_summary();
}
