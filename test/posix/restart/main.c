/*
 * Which blocking calls a caught signal interrupts (EINTR) and which it
 * lets go on, with and without SA_RESTART (signal(7), "Interruption of
 * system calls and library functions by signal handlers"). A second
 * thread sends SIGUSR1 to the blocked main thread, then, 100 ms later,
 * makes the call's wait end (writes the byte it reads, connects, ...).
 * Without SA_RESTART every call ends with EINTR; with it, reads, writes,
 * accept, recv, send, connect and waits for a thread go on and succeed,
 * while poll, select, epoll_wait, nanosleep and calls on a socket with a
 * receive timeout still end with EINTR. (Not sigtimedwait: the kernel
 * ends it with EINTR, but musl's wrapper waits again, as POSIX allows.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include "../posix-check.h"

static volatile sig_atomic_t handled;
static pthread_t main_thread;
static int fds[2];		/* what the case blocks on, and its peer */
static void (*finish)(void);	/* ends the wait, after the signal */

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void catch_usr1(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	sigaction(SIGUSR1, &sa, NULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void *signaller(void *arg)
{
	(void)arg;
	sleep_ms(50);
	pthread_kill(main_thread, SIGUSR1);
	sleep_ms(100);
	if (finish)
		finish();
	return NULL;
}

static void write_byte(void)
{
	char c = 'x';

	if (write(fds[1], &c, 1) != 1)
		printf("signaller: write failed\n");
}

/* Empties a full pipe or socket: the blocked write then has room. */
static void drain(void)
{
	char buf[4096];

	fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
	while (read(fds[1], buf, sizeof(buf)) > 0)
		;
}

/* Runs call with the signaller going; returns its result, errno in
 * *err. */
static long run(long (*call)(void), void (*fin)(void), int *err)
{
	pthread_t t;
	long rc;

	handled = 0;
	finish = fin;
	pthread_create(&t, NULL, signaller, NULL);
	errno = 0;
	rc = call();
	*err = errno;
	pthread_join(t, NULL);
	return rc;
}

static void pipe_pair(void)
{
	if (pipe(fds) < 0)
		printf("pipe failed\n");
}

static void socket_pair(int type)
{
	if (socketpair(AF_UNIX, type, 0, fds) < 0)
		printf("socketpair failed\n");
}

static void close_pair(void)
{
	close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
}

static long call_read(void)
{
	char c;

	return read(fds[0], &c, 1);
}

static long call_recv(void)
{
	char c;

	return recv(fds[0], &c, 1, 0);
}

static long call_recvfrom(void)
{
	char c;

	return recvfrom(fds[0], &c, 1, 0, NULL, NULL);
}

static long call_recvmsg(void)
{
	char c;
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	return recvmsg(fds[0], &m, 0);
}

/* Fills fds[0]'s way to fds[1] first: the write then waits for room. */
static long call_write_full(void)
{
	static char buf[1 << 16];
	long n, total = 0;
	int fl = fcntl(fds[0], F_GETFL);

	fcntl(fds[0], F_SETFL, fl | O_NONBLOCK);
	while ((n = write(fds[0], buf, sizeof(buf))) > 0)
		total += n;
	fcntl(fds[0], F_SETFL, fl);
	return write(fds[0], buf, 1);
}

static long call_poll(void)
{
	struct pollfd p = { fds[0], POLLIN, 0 };

	return poll(&p, 1, 2000);
}

static long call_select(void)
{
	fd_set r;
	struct timeval tv = { 2, 0 };

	FD_ZERO(&r);
	FD_SET(fds[0], &r);
	return select(fds[0] + 1, &r, NULL, NULL, &tv);
}

static long call_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep = epoll_create1(0);
	long rc;
	int err;

	epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
	rc = epoll_wait(ep, &out, 1, 2000);
	err = errno;
	close(ep);
	errno = err;
	return rc;
}

static long call_nanosleep(void)
{
	struct timespec ts = { 0, 300000000 };

	return nanosleep(&ts, NULL);
}

/* Checks how a call a signal came into ended: the handler ran once, and
 * with restart the call went on and succeeded (ok), without it ended
 * with EINTR. Prints the case if not. */
static void check_outcome(const char *what, int restart, int ok, long rc,
			  int err)
{
	int good = handled == 1 &&
		   (restart ? ok : rc == -1 && err == EINTR);

	if (!good)
		printf("%s%s: rc %ld errno %d\n", what,
		       restart ? ", SA_RESTART" : "", rc, err);
	CHECK(good);
}

/* The second thread writes the byte the call waits for. */
static void check_read_kind(const char *what, long (*call)(void),
			    int restart, int type)
{
	int err;
	long rc;

	if (type)
		socket_pair(type);
	else
		pipe_pair();
	rc = run(call, write_byte, &err);
	check_outcome(what, restart, rc == 1, rc, err);
	close_pair();
}

static void check_reads(int restart)
{
	catch_usr1(restart ? SA_RESTART : 0);
	check_read_kind("pipe read", call_read, restart, 0);
	check_read_kind("stream read", call_read, restart, SOCK_STREAM);
	check_read_kind("stream recv", call_recv, restart, SOCK_STREAM);
	check_read_kind("dgram recvfrom", call_recvfrom, restart,
			SOCK_DGRAM);
	check_read_kind("seqpacket recvmsg", call_recvmsg, restart,
			SOCK_SEQPACKET);
}

static void check_write_full(const char *what, int restart, int type)
{
	int err;
	long rc;

	catch_usr1(restart ? SA_RESTART : 0);
	if (type) {
		socket_pair(type);
	} else {
		pipe_pair();
		/* fds[0] is the write end here: swap. */
		rc = fds[0], fds[0] = fds[1], fds[1] = (int)rc;
	}
	rc = run(call_write_full, drain, &err);
	check_outcome(what, restart, rc == 1, rc, err);
	close_pair();
}

static void check_writes(int restart)
{
	check_write_full("pipe write", restart, 0);
	check_write_full("stream write", restart, SOCK_STREAM);
}

static char fifo_path[64];

/* Does not wait: with no reader (the interrupted case) ENXIO. */
static void open_fifo_writer(void)
{
	fds[1] = open(fifo_path, O_WRONLY | O_NONBLOCK);
}

static long call_open_fifo(void)
{
	return open(fifo_path, O_RDONLY);
}

/* open of a FIFO waits for the other end (fifo(7)). */
static void check_open_fifo(int restart)
{
	int err;
	long rc;

	catch_usr1(restart ? SA_RESTART : 0);
	snprintf(fifo_path, sizeof(fifo_path), "/tmp/restart-fifo-%d",
		 (int)getpid());
	CHECK(mkfifo(fifo_path, 0600) == 0);
	fds[1] = -1;
	rc = run(call_open_fifo, open_fifo_writer, &err);
	check_outcome("fifo open", restart, rc >= 0, rc, err);
	if (rc >= 0)
		close((int)rc);
	if (fds[1] >= 0)
		close(fds[1]);
	unlink(fifo_path);
}

/* Never restarted, SA_RESTART or not. */
static void check_never_restarted(void)
{
	static const struct {
		const char *what;
		long (*call)(void);
	} calls[] = {
		{ "poll", call_poll },
		{ "select", call_select },
		{ "epoll_wait", call_epoll },
		{ "nanosleep", call_nanosleep },
	};
	unsigned int i;
	int err;
	long rc;

	catch_usr1(SA_RESTART);
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		pipe_pair();
		rc = run(calls[i].call, write_byte, &err);
		check_outcome(calls[i].what, 0, 0, rc, err);
		close_pair();
	}
}

/* A socket with a receive timeout: EINTR even with SA_RESTART. */
static void check_socket_timeout(void)
{
	struct timeval tv = { 2, 0 };
	int err;
	long rc;

	catch_usr1(SA_RESTART);
	socket_pair(SOCK_STREAM);
	setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	rc = run(call_recv, write_byte, &err);
	check_outcome("recv with SO_RCVTIMEO", 0, 0, rc, err);
	close_pair();
}

static struct sockaddr_un listen_addr;
static int listener;

static void connect_to_listener(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (connect(s, (struct sockaddr *)&listen_addr,
		    sizeof(listen_addr)) < 0)
		printf("signaller: connect failed\n");
	fds[1] = s;
}

static long call_accept(void)
{
	return accept(listener, NULL, NULL);
}

static void check_accept(int restart)
{
	int err;
	long rc;

	catch_usr1(restart ? SA_RESTART : 0);
	listener = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&listen_addr, 0, sizeof(listen_addr));
	listen_addr.sun_family = AF_UNIX;
	snprintf(listen_addr.sun_path + 1, sizeof(listen_addr.sun_path) - 1,
		 "restart-%d", (int)getpid());
	bind(listener, (struct sockaddr *)&listen_addr, sizeof(listen_addr));
	listen(listener, 1);
	fds[1] = -1;
	rc = run(call_accept, connect_to_listener, &err);
	check_outcome("accept", restart, rc >= 0, rc, err);
	if (rc >= 0)
		close((int)rc);
	if (fds[1] >= 0)
		close(fds[1]);
	close(listener);
}

static void *slow_exit(void *arg)
{
	(void)arg;
	sleep_ms(150);
	return (void *)42;
}

/* pthread_join never fails with EINTR: the handler runs, the join goes
 * on. */
static void check_join(void)
{
	pthread_t t, s;
	void *ret = NULL;

	catch_usr1(0);
	handled = 0;
	finish = NULL;
	pthread_create(&s, NULL, slow_exit, NULL);
	pthread_create(&t, NULL, signaller, NULL);
	CHECK(pthread_join(s, &ret) == 0 && ret == (void *)42);
	pthread_join(t, NULL);
	CHECK(handled == 1);
}

int main(void)
{
	main_thread = pthread_self();
	check_reads(0);
	check_reads(1);
	check_writes(0);
	check_writes(1);
	check_open_fifo(0);
	check_open_fifo(1);
	check_accept(0);
	check_accept(1);
	check_never_restarted();
	check_socket_timeout();
	check_join();
	return posix_check_summary();
}
