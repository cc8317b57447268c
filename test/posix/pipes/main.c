/*
 * Pipes and signal dispositions as apps use them, checked the same way on
 * Linux and on Amphi: blocking and non-blocking ends, end of file once
 * every writer (dups included) is closed, EPIPE with SIGPIPE ignored or
 * caught, PIPE_BUF atomicity under four concurrent writers, a large
 * write read back in full, packet mode (O_DIRECT), FIONREAD, fstat,
 * lseek, pipe2 flags and bad pointers; then sigaction, masks and raise.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../posix-check.h"

#define PIPE_CAP	65536
#define REC		4096		/* PIPE_BUF */
#define WRITERS		4
#define RECS		200		/* per writer */
#define BIG		(1 << 20)

/* Reads exactly len bytes unless end of file or an error comes first. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n <= 0)
			return done ? (ssize_t)done : n;
		done += n;
	}
	return done;
}

static void test_blocking_basics(void)
{
	struct iovec iov[2];
	char buf[32];
	int fds[2];

	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], "hello", 5) == 5);
	CHECK(read(fds[0], buf, sizeof(buf)) == 5);
	CHECK(memcmp(buf, "hello", 5) == 0);

	iov[0].iov_base = "ab";
	iov[0].iov_len = 2;
	iov[1].iov_base = "cde";
	iov[1].iov_len = 3;
	CHECK(writev(fds[1], iov, 2) == 5);
	iov[0].iov_base = buf;
	iov[0].iov_len = 1;
	iov[1].iov_base = buf + 10;
	iov[1].iov_len = 10;
	CHECK(readv(fds[0], iov, 2) == 5);
	CHECK(buf[0] == 'a' && memcmp(buf + 10, "bcde", 4) == 0);

	/* The read end does not write and the write end does not read. */
	CHECK(write(fds[0], "x", 1) == -1 && errno == EBADF);
	CHECK(read(fds[1], buf, 1) == -1 && errno == EBADF);
	close(fds[0]);
	close(fds[1]);
}

static void test_nonblocking(void)
{
	char buf[REC];
	long total = 0;
	ssize_t n;
	int fds[2];

	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	CHECK(read(fds[0], buf, sizeof(buf)) == -1 && errno == EAGAIN);
	memset(buf, 'n', sizeof(buf));
	while ((n = write(fds[1], buf, REC)) > 0)
		total += n;
	CHECK(n == -1 && errno == EAGAIN);
	CHECK(total == PIPE_CAP);
	/* Full: even one byte waits. */
	CHECK(write(fds[1], buf, 1) == -1 && errno == EAGAIN);
	/* Room for less than PIPE_BUF: an atomic write still waits. (How
	 * much of a larger write fits is the implementation's business.) */
	CHECK(read(fds[0], buf, 100) == 100);
	CHECK(write(fds[1], buf, REC) == -1 && errno == EAGAIN);
	total = 0;
	while ((n = read(fds[0], buf, REC)) > 0)
		total += n;
	CHECK(n == -1 && errno == EAGAIN);
	CHECK(total == PIPE_CAP - 100);
	close(fds[0]);
	close(fds[1]);
}

static void test_eof_after_all_writers(void)
{
	int fds[2], w2;
	char c;

	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	w2 = dup(fds[1]);
	CHECK(w2 >= 0);
	CHECK(write(w2, "z", 1) == 1);
	close(fds[1]);
	/* The dup still writes: no end of file yet. */
	CHECK(read(fds[0], &c, 1) == 1 && c == 'z');
	CHECK(read(fds[0], &c, 1) == -1 && errno == EAGAIN);
	close(w2);
	CHECK(read(fds[0], &c, 1) == 0);
	CHECK(read(fds[0], &c, 1) == 0);
	close(fds[0]);
}

static volatile sig_atomic_t sigpipes;

static void count_sigpipe(int sig)
{
	if (sig == SIGPIPE)
		sigpipes++;
}

static void test_epipe(void)
{
	struct sigaction act, old;
	int fds[2];

	/* Ignored: the write fails with EPIPE and the program goes on. */
	CHECK(signal(SIGPIPE, SIG_IGN) == SIG_DFL);
	CHECK(pipe(fds) == 0);
	close(fds[0]);
	CHECK(write(fds[1], "x", 1) == -1 && errno == EPIPE);

	/* Caught: the handler runs once per failed write. */
	memset(&act, 0, sizeof(act));
	act.sa_handler = count_sigpipe;
	sigemptyset(&act.sa_mask);
	CHECK(sigaction(SIGPIPE, &act, &old) == 0);
	CHECK(old.sa_handler == SIG_IGN);
	CHECK(write(fds[1], "x", 1) == -1 && errno == EPIPE);
	CHECK(write(fds[1], "xy", 2) == -1 && errno == EPIPE);
	CHECK(sigpipes == 2);
	close(fds[1]);
	signal(SIGPIPE, SIG_IGN);
}

/* PIPE_BUF atomicity: records of REC bytes, all bytes of a record say
 * who wrote it and its number; the reader sees no mixed record. */
struct writer {
	int fd;
	int id;
};

static unsigned char rec_byte(int id, int seq)
{
	return (unsigned char)(1 + id * 61 + seq * 7);
}

static void *write_records(void *arg)
{
	struct writer *w = arg;
	unsigned char rec[REC];
	int seq;

	for (seq = 0; seq < RECS; seq++) {
		memset(rec, rec_byte(w->id, seq), sizeof(rec));
		rec[0] = (unsigned char)w->id;
		rec[1] = (unsigned char)seq;
		rec[2] = (unsigned char)(seq >> 8);
		if (write(w->fd, rec, sizeof(rec)) != REC)
			return (void *)1;
	}
	return NULL;
}

static void test_pipe_buf_atomicity(void)
{
	struct writer w[WRITERS];
	pthread_t t[WRITERS];
	int next[WRITERS] = { 0 }, bad = 0, records = 0, fds[2], i, j, id;
	unsigned char rec[REC];
	void *res;

	CHECK(pipe(fds) == 0);
	for (i = 0; i < WRITERS; i++) {
		w[i].fd = fds[1];
		w[i].id = i;
		CHECK(pthread_create(&t[i], NULL, write_records, &w[i]) == 0);
	}
	for (i = 0; i < WRITERS * RECS; i++) {
		if (read_full(fds[0], rec, REC) != REC)
			break;
		records++;
		id = rec[0];
		if (id >= WRITERS ||
		    rec[1] + (rec[2] << 8) != next[id]) {
			bad++;
			continue;
		}
		for (j = 3; j < REC; j++)
			if (rec[j] != rec_byte(id, next[id]))
				break;
		bad += j != REC;
		next[id]++;
	}
	for (i = 0; i < WRITERS; i++) {
		CHECK(pthread_join(t[i], &res) == 0);
		CHECK(res == NULL);
	}
	CHECK(records == WRITERS * RECS);
	CHECK(bad == 0);
	close(fds[0]);
	close(fds[1]);
}

/* One write of BIG bytes, read back in full by another thread. */
static unsigned char big[BIG], back[BIG];

static void *write_big(void *arg)
{
	int fd = *(int *)arg;

	return (void *)write(fd, big, BIG);
}

static void test_large_write(void)
{
	pthread_t t;
	void *res;
	int fds[2], i;

	for (i = 0; i < BIG; i++)
		big[i] = (unsigned char)(i * 131 + (i >> 12));
	CHECK(pipe(fds) == 0);
	CHECK(pthread_create(&t, NULL, write_big, &fds[1]) == 0);
	CHECK(read_full(fds[0], back, BIG) == BIG);
	CHECK(pthread_join(t, &res) == 0);
	CHECK((long)res == BIG);
	CHECK(memcmp(big, back, BIG) == 0);
	close(fds[1]);
	CHECK(read(fds[0], back, 1) == 0);
	close(fds[0]);
}

static void test_packets(void)
{
	char buf[2 * REC];
	int fds[2], i;

	CHECK(pipe2(fds, O_DIRECT | O_NONBLOCK) == 0);
	/* Packets are the writer's business: only its end shows O_DIRECT. */
	CHECK((fcntl(fds[1], F_GETFL) & O_DIRECT) != 0);
	CHECK((fcntl(fds[0], F_GETFL) & O_DIRECT) == 0);
	CHECK(write(fds[1], "abc", 3) == 3);
	CHECK(write(fds[1], "defgh", 5) == 5);
	CHECK(write(fds[1], "ij", 2) == 2);
	/* One read, one packet, however large the buffer. */
	CHECK(read(fds[0], buf, sizeof(buf)) == 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
	/* A short buffer takes the start; the rest of the packet is gone. */
	CHECK(read(fds[0], buf, 2) == 2);
	CHECK(memcmp(buf, "de", 2) == 0);
	CHECK(read(fds[0], buf, sizeof(buf)) == 2);
	CHECK(memcmp(buf, "ij", 2) == 0);
	CHECK(read(fds[0], buf, sizeof(buf)) == -1 && errno == EAGAIN);

	/* Larger than PIPE_BUF: packets of PIPE_BUF bytes and the rest. */
	memset(buf, 'q', sizeof(buf));
	CHECK(write(fds[1], buf, REC + 904) == REC + 904);
	CHECK(read(fds[0], buf, sizeof(buf)) == REC);
	CHECK(read(fds[0], buf, sizeof(buf)) == 904);

	/* Sixteen packets fill the pipe, however small. */
	for (i = 0; i < 16; i++)
		CHECK(write(fds[1], "s", 1) == 1);
	CHECK(write(fds[1], "s", 1) == -1 && errno == EAGAIN);
	for (i = 0; i < 16; i++)
		CHECK(read(fds[0], buf, sizeof(buf)) == 1);
	close(fds[0]);
	close(fds[1]);
}

static void test_fd_calls(void)
{
	struct stat st;
	int fds[2], n = -1, fl;

	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], "0123456789", 10) == 10);
	CHECK(ioctl(fds[0], FIONREAD, &n) == 0 && n == 10);
	CHECK(fstat(fds[0], &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK(fstat(fds[1], &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK(lseek(fds[0], 0, SEEK_SET) == -1 && errno == ESPIPE);
	CHECK(lseek(fds[1], 0, SEEK_CUR) == -1 && errno == ESPIPE);
	CHECK(pread(fds[0], &n, 1, 0) == -1 && errno == ESPIPE);
	CHECK(pwrite(fds[1], "x", 1, 0) == -1 && errno == ESPIPE);

	/* Status flags: the access mode per end, O_NONBLOCK on demand. */
	fl = fcntl(fds[0], F_GETFL);
	CHECK((fl & O_ACCMODE) == O_RDONLY && !(fl & O_NONBLOCK));
	CHECK((fcntl(fds[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
	CHECK(fcntl(fds[0], F_SETFL, fl | O_NONBLOCK) == 0);
	CHECK(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	CHECK(read(fds[0], &st, sizeof(st)) == 10);
	CHECK(read(fds[0], &st, 1) == -1 && errno == EAGAIN);
	close(fds[0]);
	close(fds[1]);

	CHECK(pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
	CHECK(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fds[1], F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fds[0], F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(fds[1], F_GETFD) == FD_CLOEXEC);
	close(fds[0]);
	close(fds[1]);
}

static void test_pipe2_errors(void)
{
	/* Through a variable: the compiler must not see the bad pointer. */
	int *volatile bad = (int *)8;
	int fds[2], low = lowest_free_fd();

	CHECK(pipe2(fds, O_APPEND) == -1 && errno == EINVAL);
	CHECK(pipe2(fds, O_TRUNC) == -1 && errno == EINVAL);
	CHECK(pipe2(fds, O_RDWR) == -1 && errno == EINVAL);
	CHECK(pipe(bad) == -1 && errno == EFAULT);
	CHECK(pipe2(bad, O_CLOEXEC) == -1 && errno == EFAULT);
	CHECK(lowest_free_fd() == low);
}

/* Dispositions as servers set them at start, and synchronous raise. */
static volatile sig_atomic_t usr1, usr2, last_sig;

static void on_usr1(int sig)
{
	usr1++;
	last_sig = sig;
}

static void on_usr2_info(int sig, siginfo_t *info, void *ctx)
{
	usr2++;
	last_sig = info->si_signo;
}

static void test_dispositions(void)
{
	struct sigaction act, old;
	sigset_t set, cur;

	CHECK(sigemptyset(&set) == 0 && sigismember(&set, SIGINT) == 0);
	CHECK(sigaddset(&set, SIGINT) == 0 && sigismember(&set, SIGINT) == 1);
	CHECK(sigdelset(&set, SIGINT) == 0 && sigismember(&set, SIGINT) == 0);
	CHECK(sigfillset(&set) == 0 && sigismember(&set, SIGTERM) == 1);
	CHECK(sigaddset(&set, 0) == -1 && errno == EINVAL);
	CHECK(sigaddset(&set, 1000) == -1 && errno == EINVAL);

	memset(&act, 0, sizeof(act));
	act.sa_handler = SIG_IGN;
	CHECK(sigaction(SIGKILL, &act, NULL) == -1 && errno == EINVAL);
	CHECK(sigaction(SIGSTOP, &act, NULL) == -1 && errno == EINVAL);
	CHECK(sigaction(0, &act, NULL) == -1 && errno == EINVAL);
	CHECK(sigaction(65, &act, NULL) == -1 && errno == EINVAL);
	CHECK(sigaction(SIGKILL, NULL, &old) == 0);
	CHECK(old.sa_handler == SIG_DFL);
	CHECK(signal(SIGSTOP, SIG_IGN) == SIG_ERR && errno == EINVAL);
	CHECK(signal(SIGHUP, SIG_IGN) == SIG_DFL);
	CHECK(signal(SIGHUP, SIG_DFL) == SIG_IGN);

	/* A handler runs before raise returns. */
	act.sa_handler = on_usr1;
	CHECK(sigaction(SIGUSR1, &act, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0 && usr1 == 1 && last_sig == SIGUSR1);
	CHECK(kill(getpid(), SIGUSR1) == 0 && usr1 == 2);
	CHECK(kill(getpid(), 0) == 0);
	CHECK(kill(getpid(), 1000) == -1 && errno == EINVAL);

	/* Blocked: pending until unblocked, then delivered once. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0 && raise(SIGUSR1) == 0 && usr1 == 2);
	CHECK(sigpending(&cur) == 0 && sigismember(&cur, SIGUSR1) == 1);
	CHECK(sigprocmask(SIG_UNBLOCK, &set, &cur) == 0);
	CHECK(sigismember(&cur, SIGUSR1) == 1);
	CHECK(usr1 == 3);
	CHECK(sigpending(&cur) == 0 && sigismember(&cur, SIGUSR1) == 0);
	CHECK(pthread_sigmask(SIG_SETMASK, NULL, &cur) == 0);
	CHECK(sigismember(&cur, SIGUSR1) == 0);
	CHECK(sigprocmask(42, &set, NULL) == -1 && errno == EINVAL);
	/* SIGKILL and SIGSTOP are never blocked. */
	sigfillset(&set);
	CHECK(sigprocmask(SIG_SETMASK, &set, NULL) == 0);
	CHECK(sigprocmask(SIG_SETMASK, NULL, &cur) == 0);
	CHECK(sigismember(&cur, SIGKILL) == 0 && sigismember(&cur, SIGTERM));
	sigemptyset(&set);
	CHECK(sigprocmask(SIG_SETMASK, &set, NULL) == 0);

	/* SA_SIGINFO and SA_RESETHAND: one call, then the default again. */
	memset(&act, 0, sizeof(act));
	act.sa_sigaction = on_usr2_info;
	act.sa_flags = SA_SIGINFO | SA_RESETHAND;
	CHECK(sigaction(SIGUSR2, &act, NULL) == 0);
	CHECK(raise(SIGUSR2) == 0 && usr2 == 1 && last_sig == SIGUSR2);
	CHECK(sigaction(SIGUSR2, NULL, &old) == 0);
	CHECK(old.sa_handler == SIG_DFL);

	/* Ignored and default-ignored signals do nothing. */
	signal(SIGUSR1, SIG_IGN);
	CHECK(raise(SIGUSR1) == 0 && usr1 == 3);
	CHECK(raise(SIGCHLD) == 0 && raise(SIGWINCH) == 0);
	signal(SIGUSR1, SIG_DFL);

	CHECK(getuid() == 0 || getuid() == geteuid());
	CHECK(getpid() > 0 && getppid() >= 0);
}

int main(void)
{
	test_blocking_basics();
	test_nonblocking();
	test_eof_after_all_writers();
	test_epipe();
	test_pipe_buf_atomicity();
	test_large_write();
	test_packets();
	test_fd_calls();
	test_pipe2_errors();
	test_dispositions();
	return posix_check_summary();
}
