/*
 * POSIX message queues (mq_overview(7), mq_open(3), mq_send(3),
 * mq_receive(3), mq_getattr(3), mq_notify(3), mq_unlink(3)): names and
 * their errors, the attributes and their limits, priorities (highest
 * first, in order of arrival within one), O_NONBLOCK and timeouts,
 * EMSGSIZE, EBADF for the wrong access mode, threads waiting to send
 * and to receive, poll and epoll on an mq fd, a queue that outlives its
 * name, and notification by signal (once, for a message into an empty
 * queue), and read(2) of an mq fd (the QSIZE/NOTIFY status line). Limits
 * asserted are those of root and others alike (the
 * host's root may lack CAP_SYS_RESOURCE in a container): sizes outside
 * the hard limits, and RLIMIT_MSGQUEUE at its default.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

/* Names of this process's own (the host's queues are the machine's). */
static char q1[64], q2[64];

static mqd_t open_attr(const char *name, int flags, long maxmsg,
		       long msgsize)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };

	return mq_open(name, flags | O_CREAT, 0600, &a);
}

/* An absolute CLOCK_REALTIME time ms from now. */
static struct timespec in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (ms % 1000) * 1000000L;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void check_names(void)
{
	char longname[300];
	struct mq_attr a;
	mqd_t q, q2d;

	CHECK(mq_open(q1, O_RDWR) == -1 && errno == ENOENT);
	CHECK(mq_unlink(q1) == -1 && errno == ENOENT);
	q = mq_open(q1, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	CHECK(q >= 0);
	/* The defaults. */
	CHECK(mq_getattr(q, &a) == 0);
	CHECK(a.mq_maxmsg == 10 && a.mq_msgsize == 8192 &&
	      a.mq_curmsgs == 0 && a.mq_flags == 0);
	CHECK(mq_open(q1, O_RDWR | O_CREAT | O_EXCL, 0600, NULL) == -1 &&
	      errno == EEXIST);
	CHECK(mq_open(q1, O_RDWR | O_WRONLY) == -1 && errno == EINVAL);
	q2d = mq_open(q1, O_RDONLY | O_CREAT, 0600, NULL);
	CHECK(q2d >= 0 && q2d != q);
	mq_close(q2d);
	CHECK(mq_close(q) == 0);
	CHECK(mq_unlink(q1) == 0);
	CHECK(mq_unlink(q1) == -1 && errno == ENOENT);
	/* Names: the C library takes the first '/'. */
	CHECK(mq_open("/", O_RDWR | O_CREAT, 0600, NULL) == -1 &&
	      errno == ENOENT);
	CHECK(mq_open("//x", O_RDWR | O_CREAT, 0600, NULL) == -1 &&
	      errno == EACCES);
	CHECK(mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL) == -1 &&
	      errno == EACCES);
	CHECK(mq_open("/..", O_RDWR | O_CREAT, 0600, NULL) == -1 &&
	      errno == EACCES);
	memset(longname, 'n', sizeof(longname));
	longname[0] = '/';
	longname[257] = '\0';
	CHECK(mq_open(longname, O_RDWR | O_CREAT, 0600, NULL) == -1 &&
	      errno == ENAMETOOLONG);
	longname[256] = '\0';
	q = mq_open(longname, O_RDWR | O_CREAT, 0600, NULL);
	CHECK(q >= 0);
	mq_close(q);
	CHECK(mq_unlink(longname) == 0);
}

static void check_limits(void)
{
	char name[10][80];
	struct mq_attr a;
	mqd_t q, qs[10];
	int i;

	CHECK(open_attr(q1, O_RDWR, 0, 16) == -1 && errno == EINVAL);
	CHECK(open_attr(q1, O_RDWR, 4, 0) == -1 && errno == EINVAL);
	CHECK(open_attr(q1, O_RDWR, -1, 16) == -1 && errno == EINVAL);
	CHECK(open_attr(q1, O_RDWR, 4, -5) == -1 && errno == EINVAL);
	CHECK(open_attr(q1, O_RDWR, 65537, 16) == -1 && errno == EINVAL);
	CHECK(open_attr(q1, O_RDWR, 4, (16L << 20) + 1) == -1 &&
	      errno == EINVAL);
	CHECK(mq_open(q1, O_RDWR) == -1 && errno == ENOENT);
	/* RLIMIT_MSGQUEUE (819200 bytes) holds 9 queues of 10 messages of
	 * 8192 bytes, with the kernel's bookkeeping, not 10. */
	for (i = 0; i < 10; i++) {
		snprintf(name[i], sizeof(name[i]), "%s%d", q1, i);
		qs[i] = mq_open(name[i], O_RDWR | O_CREAT, 0600, NULL);
	}
	for (i = 0; i < 9; i++)
		CHECK(qs[i] >= 0);
	CHECK(qs[9] == -1 && errno == EMFILE);
	for (i = 0; i < 9; i++) {
		mq_close(qs[i]);
		CHECK(mq_unlink(name[i]) == 0);
	}
	q = open_attr(q1, O_RDWR, 3, 100);
	CHECK(q >= 0);
	CHECK(mq_getattr(q, &a) == 0 && a.mq_maxmsg == 3 &&
	      a.mq_msgsize == 100);
	/* An existing queue keeps its attributes. */
	mq_close(q);
	q = open_attr(q1, O_RDWR, 5, 50);
	CHECK(mq_getattr(q, &a) == 0 && a.mq_maxmsg == 3 &&
	      a.mq_msgsize == 100);
	mq_close(q);
	CHECK(mq_unlink(q1) == 0);
}

static void check_messages(void)
{
	struct timespec ts, bad = { 0, 1000000000 };
	static const char *const text[] = { "a", "bb", "ccc", "dddd" };
	static const unsigned int prio[] = { 1, 5, 1, 5 };
	struct mq_attr a, old;
	unsigned int p;
	char buf[64];
	long long t0;
	mqd_t q, rd, wr;
	int i, pfd[2];

	q = open_attr(q1, O_RDWR, 4, 16);
	CHECK(q >= 0);
	for (i = 0; i < 4; i++)
		CHECK(mq_send(q, text[i], strlen(text[i]), prio[i]) == 0);
	CHECK(mq_getattr(q, &a) == 0 && a.mq_curmsgs == 4);
	/* Full: a nonblocking send fails, a blocking one times out. */
	CHECK(mq_setattr(q, &(struct mq_attr){ .mq_flags = O_NONBLOCK },
			 &old) == 0);
	CHECK(old.mq_flags == 0 && old.mq_curmsgs == 4);
	CHECK(mq_send(q, "e", 1, 0) == -1 && errno == EAGAIN);
	CHECK(mq_getattr(q, &a) == 0 && a.mq_flags == O_NONBLOCK);
	CHECK(mq_setattr(q, &(struct mq_attr){ .mq_flags = 0 }, NULL) == 0);
	ts = in_ms(-1000);
	CHECK(mq_timedsend(q, "e", 1, 0, &ts) == -1 && errno == ETIMEDOUT);
	t0 = now_ms();
	ts = in_ms(30);
	CHECK(mq_timedsend(q, "e", 1, 0, &ts) == -1 && errno == ETIMEDOUT);
	CHECK(now_ms() - t0 >= 25);
	CHECK(mq_timedsend(q, "e", 1, 0, &bad) == -1 && errno == EINVAL);
	/* Highest priority first, in order within one. */
	CHECK(mq_receive(q, buf, 15, &p) == -1 && errno == EMSGSIZE);
	memset(buf, 0, sizeof(buf));
	CHECK(mq_receive(q, buf, sizeof(buf), &p) == 2 && p == 5 &&
	      !strcmp(buf, "bb"));
	memset(buf, 0, sizeof(buf));
	CHECK(mq_receive(q, buf, sizeof(buf), &p) == 4 && p == 5 &&
	      !strcmp(buf, "dddd"));
	memset(buf, 0, sizeof(buf));
	CHECK(mq_receive(q, buf, sizeof(buf), &p) == 1 && p == 1 &&
	      !strcmp(buf, "a"));
	/* A past timeout matters only when the call has to wait. */
	ts = in_ms(-1000);
	memset(buf, 0, sizeof(buf));
	CHECK(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts) == 3 &&
	      !strcmp(buf, "ccc"));
	CHECK(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts) == -1 &&
	      errno == ETIMEDOUT);
	CHECK(mq_timedreceive(q, buf, sizeof(buf), NULL, &bad) == -1 &&
	      errno == EINVAL);
	CHECK(mq_setattr(q, &(struct mq_attr){ .mq_flags = O_NONBLOCK },
			 NULL) == 0);
	CHECK(mq_receive(q, buf, sizeof(buf), NULL) == -1 && errno == EAGAIN);
	CHECK(mq_setattr(q, &(struct mq_attr){ .mq_flags = O_APPEND },
			 NULL) == -1 && errno == EINVAL);
	/* Sizes, priorities, an empty message. */
	CHECK(mq_send(q, buf, 17, 0) == -1 && errno == EMSGSIZE);
	CHECK(mq_send(q, buf, 1, 32768) == -1 && errno == EINVAL);
	CHECK(mq_send(q, "z", 1, 32767) == 0);
	CHECK(mq_send(q, "", 0, 0) == 0);
	CHECK(mq_receive(q, buf, sizeof(buf), &p) == 1 && p == 32767);
	CHECK(mq_receive(q, buf, sizeof(buf), &p) == 0 && p == 0);
	/* fds that are no queue, or not open for the call. */
	CHECK(pipe(pfd) == 0);
	CHECK(mq_send(-1, "x", 1, 0) == -1 && errno == EBADF);
	CHECK(mq_send(pfd[1], "x", 1, 0) == -1 && errno == EBADF);
	CHECK(mq_receive(pfd[0], buf, sizeof(buf), NULL) == -1 &&
	      errno == EBADF);
	CHECK(mq_getattr(pfd[0], &a) == -1 && errno == EBADF);
	rd = mq_open(q1, O_RDONLY);
	wr = mq_open(q1, O_WRONLY);
	CHECK(rd >= 0 && wr >= 0);
	CHECK(mq_send(rd, "x", 1, 0) == -1 && errno == EBADF);
	CHECK(mq_send(wr, "x", 1, 0) == 0);
	CHECK(mq_receive(wr, buf, sizeof(buf), NULL) == -1 && errno == EBADF);
	CHECK(mq_receive(rd, buf, sizeof(buf), NULL) == 1);
	close(pfd[0]);
	close(pfd[1]);
	mq_close(rd);
	mq_close(wr);
	mq_close(q);
	CHECK(mq_unlink(q1) == 0);
}

static void *receiver(void *arg)
{
	mqd_t q = *(mqd_t *)arg;
	char buf[16];

	return (void *)(long)mq_receive(q, buf, sizeof(buf), NULL);
}

static void *taker(void *arg)
{
	mqd_t q = *(mqd_t *)arg;
	char buf[16];

	msleep(30);
	return (void *)(long)mq_receive(q, buf, sizeof(buf), NULL);
}

static void check_threads(void)
{
	struct epoll_event ev;
	struct pollfd pfd;
	pthread_t t;
	void *ret;
	mqd_t q = open_attr(q1, O_RDWR, 1, 16);
	int ep = epoll_create1(0);

	CHECK(q >= 0);
	pfd = (struct pollfd){ .fd = q, .events = POLLIN | POLLOUT };
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u32 = 9 };
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev) == 0);
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0);
	/* A receiver waits for the message. */
	CHECK(pthread_create(&t, NULL, receiver, &q) == 0);
	msleep(30);
	CHECK(mq_send(q, "hey", 3, 0) == 0);
	CHECK(pthread_join(t, &ret) == 0 && (long)ret == 3);
	/* A sender waits for room. */
	CHECK(mq_send(q, "one", 3, 0) == 0);
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);
	CHECK(epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.u32 == 9);
	CHECK(pthread_create(&t, NULL, taker, &q) == 0);
	CHECK(mq_send(q, "two", 3, 0) == 0);
	CHECK(pthread_join(t, &ret) == 0 && (long)ret == 3);
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);
	close(ep);
	/* Unlinked, the queue lives on with its fds; the name is free. */
	CHECK(mq_unlink(q1) == 0);
	CHECK(mq_open(q1, O_RDWR) == -1 && errno == ENOENT);
	CHECK(receiver(&q) == (void *)3);
	mq_close(q);
}

static void check_notify(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL };
	struct timespec zero = { 0, 0 };
	sigset_t set, pend;
	siginfo_t si;
	char buf[16];
	mqd_t q = open_attr(q2, O_RDWR, 4, 16);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sev.sigev_signo = SIGUSR1;
	sev.sigev_value.sival_int = 42;
	CHECK(mq_notify(q, &sev) == 0);
	CHECK(mq_notify(q, &sev) == -1 && errno == EBUSY);
	CHECK(mq_notify(q, NULL) == 0);
	CHECK(mq_notify(q, &sev) == 0);
	/* The first message into the empty queue: one signal. */
	CHECK(mq_send(q, "a", 1, 0) == 0);
	memset(&si, 0, sizeof(si));
	CHECK(sigtimedwait(&set, &si, &zero) == SIGUSR1);
	CHECK(si.si_code == SI_MESGQ && si.si_value.sival_int == 42 &&
	      si.si_pid == getpid());
	/* The request is gone; a message into a queue not empty tells
	 * nothing. */
	CHECK(mq_notify(q, &sev) == 0);
	CHECK(mq_send(q, "b", 1, 0) == 0);
	sigpending(&pend);
	CHECK(!sigismember(&pend, SIGUSR1));
	CHECK(mq_notify(q, &sev) == -1 && errno == EBUSY);
	CHECK(mq_receive(q, buf, sizeof(buf), NULL) == 1);
	CHECK(mq_receive(q, buf, sizeof(buf), NULL) == 1);
	CHECK(mq_notify(q, NULL) == 0);
	/* SIGEV_NONE: a request that sends nothing. */
	sev.sigev_notify = SIGEV_NONE;
	CHECK(mq_notify(q, &sev) == 0);
	CHECK(mq_notify(q, &sev) == -1 && errno == EBUSY);
	CHECK(mq_send(q, "c", 1, 0) == 0);
	CHECK(mq_notify(q, &sev) == 0);
	sigpending(&pend);
	CHECK(!sigismember(&pend, SIGUSR1));
	/* Errors. */
	CHECK(mq_notify(q, NULL) == 0);
	sev.sigev_notify = 99;
	CHECK(mq_notify(q, &sev) == -1 && errno == EINVAL);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = 65;
	CHECK(mq_notify(q, &sev) == -1 && errno == EINVAL);
	sev.sigev_signo = SIGUSR1;
	CHECK(mq_notify(-1, &sev) == -1 && errno == EBADF);
	CHECK(mq_notify(0, &sev) == -1 && errno == EBADF);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	mq_close(q);
	CHECK(mq_unlink(q2) == 0);
}

/* Reads q's status line from its start with pread-like lseek + read
 * and prints it, the notifying pid shown as "self" if it is ours. */
static void show_status(mqd_t q, const char *what)
{
	char line[128], rest[8];
	unsigned long qsize;
	int notify, signo, pid = 0;
	ssize_t n;

	CHECK(lseek(q, 0, SEEK_SET) == 0);
	n = read(q, line, sizeof(line) - 1);
	if (n < 0) {
		printf("%s: read errno %d\n", what, errno);
		return;
	}
	line[n] = 0;
	/* 60 bytes, more for a pid past 6 digits. */
	CHECK(n >= 60 && line[n - 1] == '\n');
	/* At the end now: 0, as at any offset past it. */
	CHECK(read(q, rest, sizeof(rest)) == 0);
	if (sscanf(line, "QSIZE:%lu NOTIFY:%d SIGNO:%d NOTIFY_PID:%d",
		   &qsize, &notify, &signo, &pid) != 4) {
		printf("%s: bad line %s", what, line);
		return;
	}
	CHECK(pid == 0 || pid == getpid());
	printf("%s: qsize %lu notify %d signo %d pid %s\n", what, qsize,
	       notify, signo, pid ? "self" : "0");
	if (!pid)
		printf("%s: %s", what, line);
}

static void check_read(void)
{
	/* Hidden from the compiler's object-size checks. */
	void *volatile bad_ptr = (void *)8;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = SIGUSR2 };
	char part[8];
	mqd_t q, wq;

	q = open_attr(q1, O_RDWR | O_CREAT | O_EXCL, 4, 64);
	CHECK(q != (mqd_t)-1);
	show_status(q, "empty");
	CHECK(mq_send(q, "hello", 5, 1) == 0);
	CHECK(mq_send(q, "", 0, 2) == 0);
	CHECK(mq_send(q, "0123456789", 10, 0) == 0);
	show_status(q, "three");
	CHECK(mq_notify(q, &ev) == 0);
	CHECK(mq_receive(q, part, 0, NULL) == -1 && errno == EMSGSIZE);
	show_status(q, "notify signal");
	CHECK(mq_notify(q, NULL) == 0);
	ev.sigev_notify = SIGEV_NONE;
	CHECK(mq_notify(q, &ev) == 0);
	show_status(q, "notify none");
	CHECK(mq_notify(q, NULL) == 0);
	/* A short read, then the rest from the position on. */
	CHECK(lseek(q, 0, SEEK_SET) == 0);
	CHECK(read(q, part, 6) == 6 && !memcmp(part, "QSIZE:", 6));
	CHECK(read(q, part, 3) == 3 && !memcmp(part, "15 ", 3));
	CHECK(lseek(q, 100, SEEK_SET) == 100);
	CHECK(read(q, part, 3) == 0);
	CHECK(lseek(q, 0, SEEK_SET) == 0);
	CHECK(read(q, bad_ptr, 10) == -1 && errno == EFAULT);
	/* Not open for reading; write is refused (as on Linux). */
	wq = mq_open(q1, O_WRONLY);
	CHECK(wq != (mqd_t)-1);
	CHECK(read(wq, part, sizeof(part)) == -1 && errno == EBADF);
	CHECK(write(q, "x", 1) == -1 && errno == EINVAL);
	CHECK(mq_close(wq) == 0);
	CHECK(mq_close(q) == 0);
	CHECK(mq_unlink(q1) == 0);
}

int main(void)
{
	snprintf(q1, sizeof(q1), "/amphi-mq-%d-a", (int)getpid());
	snprintf(q2, sizeof(q2), "/amphi-mq-%d-b", (int)getpid());
	check_names();
	check_limits();
	check_messages();
	check_threads();
	check_notify();
	check_read();
	return posix_check_summary();
}
