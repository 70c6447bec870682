// SPDX-License-Identifier: GPL-2.0
/*
 * A guest-side test program for scull's access-controlled devices, the C
 * reference (scull_csingle, ...) and the C# one (scullsingle, ...) alike.
 * Run as root: it plays other users with setresuid in forked children.
 *
 *   scullaccesscheck single|uid|wuid|priv DEVICE
 *
 * single: one open at a time (EBUSY); uid: one user at a time (EBUSY for
 * another uid, root allowed); wuid: another user's open waits until the
 * device is free (EAGAIN with O_NONBLOCK, EINTR on a signal); priv: one
 * device per controlling terminal (EINVAL without one), over two ptys.
 * Output and exit status as check.h says.
 */
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

static const char *path;

/*
 * A child that becomes uid (unless uid is 0), opens DEVICE with flags, tells the
 * parent the outcome through a pipe ("0" or the errno), then holds the file
 * until the parent closes the pipe's other end.
 */
struct holder {
	pid_t pid;
	int result;	/* read end: the outcome */
	int release;	/* write end: close to make the child close the device */
};

static struct holder spawn_opener(uid_t uid, int flags)
{
	int result[2], release[2];
	struct holder h;

	if (pipe(result) || pipe(release))
		fatal("pipe");
	h.pid = fork();
	if (h.pid < 0)
		fatal("fork");
	if (h.pid == 0) {
		char c;
		int fd, err = 0;

		/* Only its own ends: another child's release end held here would keep that child waiting. */
		for (int other = 3; other < 64; other++)
			if (other != result[1] && other != release[0])
				close(other);
		if (uid && setresuid(uid, uid, uid))
			_exit(3);
		fd = open(path, flags);
		if (fd < 0)
			err = errno;
		if (write(result[1], &err, sizeof(err)) != sizeof(err))
			_exit(4);
		/* Hold the file (if opened) until the parent lets go. */
		if (read(release[0], &c, 1) < 0)
			_exit(5);
		_exit(0);
	}
	close(result[1]);
	close(release[0]);
	h.result = result[0];
	h.release = release[1];
	return h;
}

/* The errno of the child's open (0: opened), waiting at most ms; -1 if it is still in open. */
static int outcome(struct holder *h, int ms)
{
	struct timeval t = { ms / 1000, (ms % 1000) * 1000 };
	fd_set r;
	int err;

	FD_ZERO(&r);
	FD_SET(h->result, &r);
	if (select(h->result + 1, &r, NULL, NULL, &t) <= 0)
		return -1;
	if (read(h->result, &err, sizeof(err)) != sizeof(err))
		fatal("read a child's outcome");
	return err;
}

/* Lets the child close the device and exit. */
static void finish(struct holder *h)
{
	close(h->release);
	close(h->result);
	waitpid(h->pid, NULL, 0);
}

static void want_open(const char *name, struct holder *h, int err)
{
	int got = outcome(h, 3000);

	check(got == err, name, "expected the open to give %s, got %s", err ? errname(err) : "success",
	      got < 0 ? "no answer in 3 s" : got ? errname(got) : "success");
}

static void test_single(void)
{
	int fd = open(path, O_RDWR), again;
	char buf[4] = { 0 };

	if (fd < 0)
		fatal("open");
	want_err("second-open", SYS(open(path, O_RDONLY)), EBUSY);
	struct holder other = spawn_opener(0, O_RDONLY);

	want_open("other-process", &other, EBUSY);
	finish(&other);
	want("write", SYS(write(fd, "one", 3)), 3);
	close(fd);
	again = open(path, O_RDONLY);
	check(again >= 0, "after-close", "expected the open to work, got %s", errname(errno));
	want("read", SYS(read(again, buf, 3)), 3);
	check(!memcmp(buf, "one", 3), "contents", "expected \"one\", got \"%.3s\"", buf);
	close(again);
}

static void test_uid(void)
{
	struct holder a = spawn_opener(1000, O_RDWR);

	want_open("first-user", &a, 0);
	struct holder b = spawn_opener(1001, O_RDWR);

	want_open("other-user", &b, EBUSY);
	finish(&b);
	struct holder a2 = spawn_opener(1000, O_RDONLY);

	want_open("same-user", &a2, 0);
	int root = open(path, O_RDONLY);

	check(root >= 0, "root", "expected root (CAP_DAC_OVERRIDE) to open, got %s", errname(errno));
	close(root);
	finish(&a);
	struct holder b2 = spawn_opener(1001, O_RDWR);

	want_open("still-held", &b2, EBUSY);
	finish(&b2);
	finish(&a2);
	struct holder b3 = spawn_opener(1001, O_RDWR);

	want_open("free-again", &b3, 0);
	finish(&b3);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_wuid(void)
{
	struct holder a = spawn_opener(1000, O_RDWR);

	want_open("first-user", &a, 0);
	struct holder nb = spawn_opener(1001, O_RDWR | O_NONBLOCK);

	want_open("nonblock", &nb, EAGAIN);
	finish(&nb);
	struct holder b = spawn_opener(1001, O_RDWR);

	check(outcome(&b, 500) == -1, "other-waits", "the other user's open returned while the device was held");
	long start = now_ms();

	finish(&a);
	int got = outcome(&b, 5000);

	check(got == 0, "woken", "expected the waiting open to succeed once the holder closed, got %s",
	      got < 0 ? "no answer in 5 s" : errname(got));
	check(now_ms() - start < 3000, "woken-soon", "the waiting open took %ld ms after the close", now_ms() - start);

	/* A third user waits too, until a signal (no SA_RESTART) ends the wait with EINTR. */
	pid_t pid = fork();

	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_alarm };
		struct itimerval t = { .it_value = { 0, 400000 } };

		if (setresuid(1002, 1002, 1002))
			_exit(3);
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &t, NULL);
		start = now_ms();
		want_err("signal", SYS(open(path, O_RDWR)), EINTR);
		check(now_ms() - start >= 350, "signal-waited", "the open returned after %ld ms", now_ms() - start);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	finish(&b);
	struct holder c = spawn_opener(1002, O_RDWR);

	want_open("free-again", &c, 0);
	finish(&c);
}

/*
 * In a new session whose controlling terminal is the pty slave slave_name,
 * writes text to DEVICE (write-only: a trim first) or, with text NULL, reads it
 * and compares with expect. No terminal at all when slave_name is NULL.
 */
static void on_terminal(const char *slave_name, const char *text, const char *expect, const char *name)
{
	pid_t pid = fork();

	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		char buf[16] = { 0 };
		int fd;

		if (setsid() < 0)
			_exit(3);
		if (slave_name) {
			int tty = open(slave_name, O_RDWR);	/* the session's first terminal becomes its controlling one */

			if (tty < 0 || ioctl(tty, TIOCSCTTY, 0) < 0)
				_exit(4);
		}
		if (!slave_name) {
			want_err(name, SYS(open(path, O_RDONLY)), EINVAL);
			_exit(0);
		}
		fd = open(path, text ? O_WRONLY : O_RDONLY);
		if (fd < 0) {
			check(0, name, "open failed: %s", errname(errno));
			_exit(0);
		}
		if (text)
			want(name, SYS(write(fd, text, strlen(text))), (long)strlen(text));
		else {
			ssize_t r = read(fd, buf, sizeof(buf) - 1);

			check(r == (ssize_t)strlen(expect) && !strcmp(buf, expect), name,
			      "expected \"%s\", got %zd bytes \"%s\"", expect, r, r > 0 ? buf : "");
		}
		close(fd);
		_exit(0);
	}
	int status;

	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && !WEXITSTATUS(status), "terminal-setup", "the child for %s failed (status 0x%x)", name, status);
}

static int new_pty(char *slave_name, size_t size)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);

	if (master < 0 || grantpt(master) || unlockpt(master) || ptsname_r(master, slave_name, size))
		fatal("open a pty (is devpts mounted on /dev/pts?)");
	return master;
}

static void test_priv(void)
{
	char one[64], two[64];
	int m1 = new_pty(one, sizeof(one)), m2 = new_pty(two, sizeof(two));

	on_terminal(NULL, NULL, NULL, "no-terminal");
	on_terminal(one, "first", NULL, "write-one");
	on_terminal(two, "second", NULL, "write-two");
	on_terminal(one, NULL, "first", "read-one");
	on_terminal(two, NULL, "second", "read-two");
	close(m1);
	close(m2);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} tests[] = {
		{ "single", test_single }, { "uid", test_uid }, { "wuid", test_wuid }, { "priv", test_priv },
	};
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: scullaccesscheck single|uid|wuid|priv DEVICE\n");
		return 2;
	}
	test = argv[1];
	path = argv[2];
	check_init("scullaccesscheck");
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!strcmp(test, tests[i].name))
			break;
	if (i == sizeof(tests) / sizeof(tests[0])) {
		fprintf(stderr, "scullaccesscheck: no test %s\n", test);
		return 2;
	}
	/* Other users must be able to try: the rules under test, not the node's mode, decide. */
	if (chmod(path, 0666))
		fatal("chmod the device");
	tests[i].run();
	return check_summary();
}
