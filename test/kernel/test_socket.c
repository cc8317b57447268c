/*
 * The socket family registry (core/socket) from inside the kernel: a toy
 * family registered at link time under an AF number no header lists
 * checks that socket() and friends route to it, that the socket layer's
 * own duties (argument checks, address copies, blocking and timeouts,
 * MSG_DONTWAIT, SIGPIPE, fd flags, fallbacks to recvmsg/sendmsg) hold,
 * and that bad calls fail with the right errors and leave no fd behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <uk/errptr.h>
#include <uk/fdtab.h>
#include <uk/sched.h>
#include <uk/socket.h>
#include <uk/test.h>
#include <uk/thread.h>

#define TSOCK_AF	63	/* below POSIX_SOCKET_FAMILY_MAX, unlisted */
#define TSOCK_SLOT	64

/* A toy datagram family: each socket of a pair has a one-message slot
 * its peer fills. Only recvmsg/sendmsg are given: read, write, send and
 * recv reach them through the socket layer's fallbacks. */
struct tsock {
	struct posix_socket_file *file;
	struct tsock *peer;
	char slot[TSOCK_SLOT];
	__sz len;			/* bytes in slot */
	int full;
	int peer_gone;
	struct sockaddr_storage name;
	socklen_t namelen;
};

static struct {
	int inits, creates, closes, sends;
	int last_type;
} ts;

static int tsock_init(struct posix_socket_driver *d)
{
	ts.inits++;
	return d->family == TSOCK_AF ? 0 : -EINVAL;
}

static int tsock_create(struct posix_socket_file *sock, int family,
			int type, int protocol)
{
	struct tsock *t;

	ts.last_type = type;
	if (protocol != 0)
		return -EPROTONOSUPPORT;
	t = uk_calloc(sock->driver->allocator, 1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->file = sock;
	sock->sock_data = t;
	ts.creates++;
	return 0;
}

static int tsock_socketpair(struct posix_socket_file *a,
			    struct posix_socket_file *b, int family,
			    int type, int protocol)
{
	struct tsock *ta, *tb;
	int rc;

	rc = tsock_create(a, family, type, protocol);
	if (rc < 0)
		return rc;
	rc = tsock_create(b, family, type, protocol);
	if (rc < 0) {
		uk_free(a->driver->allocator, a->sock_data);
		return rc;
	}
	ta = a->sock_data;
	tb = b->sock_data;
	ta->peer = tb;
	tb->peer = ta;
	return 0;
}

static int tsock_bind(struct posix_socket_file *sock,
		      const struct sockaddr *addr, socklen_t len)
{
	struct tsock *t = sock->sock_data;

	if (len < sizeof(sa_family_t) || addr->sa_family != TSOCK_AF)
		return -EINVAL;
	memcpy(&t->name, addr, len);
	t->namelen = len;
	return 0;
}

static int tsock_getsockname(struct posix_socket_file *sock,
			     struct sockaddr *addr, socklen_t *len)
{
	struct tsock *t = sock->sock_data;

	memcpy(addr, &t->name, t->namelen);
	*len = t->namelen;
	return 0;
}

static ssize_t tsock_sendmsg(struct posix_socket_file *sock,
			     const struct msghdr *msg, int flags)
{
	struct tsock *t = sock->sock_data, *p = t->peer;
	__sz n = uk_iov_total(msg->msg_iov, msg->msg_iovlen);

	ts.sends++;
	if (t->peer_gone)
		return -EPIPE;
	if (!p)
		return -ENOTCONN;
	if (n > TSOCK_SLOT)
		return -EMSGSIZE;
	if (__atomic_load_n(&p->full, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	if (uk_iov_copy_from(p->slot, msg->msg_iov, msg->msg_iovlen, 0, n)
	    != n)
		return -EFAULT;
	p->len = n;
	__atomic_store_n(&p->full, 1, __ATOMIC_RELEASE);
	posix_socket_notify(p->file, UK_POLLIN);
	return n;
}

static ssize_t tsock_recvmsg(struct posix_socket_file *sock,
			     struct msghdr *msg, int flags)
{
	struct tsock *t = sock->sock_data;
	__sz n;

	if (!__atomic_load_n(&t->full, __ATOMIC_ACQUIRE))
		return t->peer_gone ? 0 : -EAGAIN;
	n = uk_iov_copy_to(msg->msg_iov, msg->msg_iovlen, 0, t->slot,
			   t->len);
	msg->msg_flags = n < t->len ? MSG_TRUNC : 0;
	msg->msg_namelen = 0;
	msg->msg_controllen = 0;
	if (!(flags & MSG_PEEK)) {
		__atomic_store_n(&t->full, 0, __ATOMIC_RELEASE);
		if (t->peer)
			posix_socket_notify(t->peer->file, UK_POLLOUT);
	}
	return n;
}

static unsigned int tsock_poll(struct posix_socket_file *sock)
{
	struct tsock *t = sock->sock_data;

	return (t->full ? UK_POLLIN : 0) |
	       (t->peer && !t->peer->full ? UK_POLLOUT : 0);
}

static int tsock_close(struct posix_socket_file *sock)
{
	struct tsock *t = sock->sock_data;

	ts.closes++;
	if (t->peer) {
		t->peer->peer = NULL;
		t->peer->peer_gone = 1;
		posix_socket_notify(t->peer->file, UK_POLLHUP);
	}
	uk_free(sock->driver->allocator, t);
	return 0;
}

static const struct posix_socket_ops tsock_ops = {
	.init = tsock_init,
	.create = tsock_create,
	.socketpair = tsock_socketpair,
	.bind = tsock_bind,
	.getsockname = tsock_getsockname,
	.sendmsg = tsock_sendmsg,
	.recvmsg = tsock_recvmsg,
	.poll = tsock_poll,
	.close = tsock_close,
};

POSIX_SOCKET_FAMILY_REGISTER(TSOCK_AF, &tsock_ops);

UK_TESTCASE(socket, registry_finds_family)
{
	struct posix_socket_driver *d = posix_socket_driver_get(TSOCK_AF);

	UK_TEST_ASSERT(d != NULL);
	UK_TEST_EXPECT_SNUM_EQ(d->family, TSOCK_AF);
	UK_TEST_EXPECT_PTR_EQ(d->ops, &tsock_ops);
	UK_TEST_EXPECT_STR_EQ(d->libname, "TSOCK_AF");
	UK_TEST_EXPECT(d->allocator != NULL);
	UK_TEST_EXPECT_SNUM_EQ(ts.inits, 1);
	UK_TEST_EXPECT_NULL(posix_socket_driver_get(TSOCK_AF - 1));
	UK_TEST_EXPECT_NULL(posix_socket_driver_get(-1));
	UK_TEST_EXPECT_NULL(posix_socket_driver_get(POSIX_SOCKET_FAMILY_MAX));
}

/* socket(family, type, protocol) must fail with err and leave no fd. */
static int socket_fails(int family, int type, int protocol, int err)
{
	int before = uk_fdtab_count();
	int fd = socket(family, type, protocol);

	return fd == -1 && errno == err && uk_fdtab_count() == before;
}

UK_TESTCASE(socket, bad_socket_calls)
{
	int fds[2], *bad = (int *)8;

	UK_TEST_EXPECT(socket_fails(TSOCK_AF - 1, SOCK_DGRAM, 0,
				    EAFNOSUPPORT));
	UK_TEST_EXPECT(socket_fails(-1, SOCK_DGRAM, 0, EAFNOSUPPORT));
	UK_TEST_EXPECT(socket_fails(POSIX_SOCKET_FAMILY_MAX, SOCK_DGRAM, 0,
				    EAFNOSUPPORT));
	UK_TEST_EXPECT(socket_fails(TSOCK_AF, SOCK_DGRAM | 0x100, 0,
				    EINVAL));
	UK_TEST_EXPECT(socket_fails(TSOCK_AF, 0, 0, EINVAL));
	UK_TEST_EXPECT(socket_fails(TSOCK_AF, 11, 0, EINVAL));
	/* The family's own refusal comes back as it is. */
	UK_TEST_EXPECT(socket_fails(TSOCK_AF, SOCK_DGRAM, 99,
				    EPROTONOSUPPORT));
	UK_TEST_EXPECT_SNUM_EQ(socketpair(TSOCK_AF - 1, SOCK_DGRAM, 0, fds),
			       -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EAFNOSUPPORT);
	__asm__("" : "+r"(bad));	/* no compile-time size for gcc */
	UK_TEST_EXPECT_SNUM_EQ(socketpair(TSOCK_AF, SOCK_DGRAM, 0, bad), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EFAULT);
}

UK_TESTCASE(socket, fd_flags_and_layer_options)
{
	int creates = ts.creates, closes = ts.closes;
	socklen_t len = sizeof(int);
	int fd, v = 0;

	fd = socket(TSOCK_AF, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	UK_TEST_ASSERT(fd >= 0);
	UK_TEST_EXPECT_SNUM_EQ(ts.creates, creates + 1);
	UK_TEST_EXPECT_SNUM_EQ(ts.last_type, SOCK_DGRAM);
	UK_TEST_EXPECT(fcntl(fd, F_GETFL) & O_NONBLOCK);
	UK_TEST_EXPECT_SNUM_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	UK_TEST_EXPECT_SNUM_EQ(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len),
			       0);
	UK_TEST_EXPECT_SNUM_EQ(v, SOCK_DGRAM);
	UK_TEST_EXPECT_SNUM_EQ(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v,
					  &len), 0);
	UK_TEST_EXPECT_SNUM_EQ(v, TSOCK_AF);
	/* The family has no getsockopt: other options are unknown. */
	UK_TEST_EXPECT_SNUM_EQ(getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len),
			       -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, ENOPROTOOPT);
	/* Ops the family lacks, and checks the layer makes first. */
	UK_TEST_EXPECT_SNUM_EQ(listen(fd, 5), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EOPNOTSUPP);
	UK_TEST_EXPECT_SNUM_EQ(shutdown(fd, 3), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	/* The system call (musl's accept4 retries EINVAL as accept). */
	UK_TEST_EXPECT_SNUM_EQ(syscall(SYS_accept4, fd, NULL, NULL, 0x1), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(close(fd), 0);
	UK_TEST_EXPECT_SNUM_EQ(ts.closes, closes + 1);
}

UK_TESTCASE(socket, not_a_socket)
{
	int p[2];
	char c;

	UK_TEST_ASSERT(pipe(p) == 0);
	UK_TEST_EXPECT_SNUM_EQ(send(p[1], "x", 1, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, ENOTSOCK);
	UK_TEST_EXPECT_SNUM_EQ(recv(p[0], &c, 1, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, ENOTSOCK);
	UK_TEST_EXPECT_SNUM_EQ(listen(p[0], 1), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, ENOTSOCK);
	close(p[0]);
	close(p[1]);
	UK_TEST_EXPECT_SNUM_EQ(bind(p[0], NULL, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EBADF);
}

UK_TESTCASE(socket, addresses_are_copied)
{
	struct sockaddr_storage ss;
	struct sockaddr *sa = (struct sockaddr *)&ss;
	socklen_t len;
	int fd = socket(TSOCK_AF, SOCK_DGRAM, 0);

	UK_TEST_ASSERT(fd >= 0);
	memset(&ss, 0, sizeof(ss));
	sa->sa_family = TSOCK_AF;
	memcpy(sa->sa_data, "0123456789", 10);
	UK_TEST_EXPECT_SNUM_EQ(bind(fd, sa, sizeof(ss) + 1), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(bind(fd, (struct sockaddr *)8, 12), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(bind(fd, sa, 12), 0);
	/* A short buffer gets the start; the length says the full size. */
	memset(&ss, 0, sizeof(ss));
	len = 6;
	UK_TEST_EXPECT_SNUM_EQ(getsockname(fd, sa, &len), 0);
	UK_TEST_EXPECT_SNUM_EQ(len, 12);
	UK_TEST_EXPECT(!memcmp(sa->sa_data, "0123", 4));
	UK_TEST_EXPECT_SNUM_EQ(sa->sa_data[4], 0);
	len = (socklen_t)-1;
	UK_TEST_EXPECT_SNUM_EQ(getsockname(fd, sa, &len), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(getsockname(fd, sa, (socklen_t *)8), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EFAULT);
	close(fd);
}

struct late_send {
	int fd;
	ssize_t rc;
};

static void send_later(void *arg)
{
	struct late_send *ls = arg;

	uk_sched_thread_sleep(5 * 1000000ULL);
	ls->rc = send(ls->fd, "late", 4, 0);
}

UK_TESTCASE(socket, blocking_and_fallbacks)
{
	struct timeval tv = { 0, 20000 };
	struct late_send ls = { 0, 0 };
	struct uk_thread *t;
	int sv[2], sends = ts.sends;
	char buf[16];

	UK_TEST_ASSERT(socketpair(TSOCK_AF, SOCK_DGRAM, 0, sv) == 0);
	/* write() and read() reach sendmsg/recvmsg. */
	UK_TEST_EXPECT_SNUM_EQ(write(sv[0], "hello", 5), 5);
	UK_TEST_EXPECT_SNUM_EQ(ts.sends, sends + 1);
	UK_TEST_EXPECT_SNUM_EQ(recv(sv[1], buf, 2, MSG_PEEK), 2);
	UK_TEST_EXPECT_SNUM_EQ(read(sv[1], buf, sizeof(buf)), 5);
	UK_TEST_EXPECT(!memcmp(buf, "hello", 5));
	/* Empty: MSG_DONTWAIT and a receive timeout give EAGAIN. */
	UK_TEST_EXPECT_SNUM_EQ(recv(sv[1], buf, 1, MSG_DONTWAIT), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EAGAIN);
	UK_TEST_EXPECT_SNUM_EQ(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO,
					  &tv, sizeof(tv)), 0);
	UK_TEST_EXPECT_SNUM_EQ(recv(sv[1], buf, 1, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EAGAIN);
	tv.tv_usec = 0;
	UK_TEST_EXPECT_SNUM_EQ(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO,
					  &tv, sizeof(tv)), 0);
	/* A blocking receive sleeps until the family notifies. */
	ls.fd = sv[0];
	t = uk_thread_create("late-send", send_later, &ls, 0, 0);
	UK_TEST_ASSERT(!PTRISERR(t) && uk_thread_start(t) == 0);
	UK_TEST_EXPECT_SNUM_EQ(recv(sv[1], buf, sizeof(buf), 0), 4);
	UK_TEST_EXPECT(!memcmp(buf, "late", 4));
	UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t, NULL), 0);
	UK_TEST_EXPECT_SNUM_EQ(ls.rc, 4);
	close(sv[0]);
	close(sv[1]);
}

UK_TESTCASE(socket, epipe_and_sigpipe)
{
	sighandler_t old = signal(SIGPIPE, SIG_IGN);
	int sv[2], closes = ts.closes;

	UK_TEST_ASSERT(socketpair(TSOCK_AF, SOCK_DGRAM, 0, sv) == 0);
	close(sv[1]);
	UK_TEST_EXPECT_SNUM_EQ(ts.closes, closes + 1);
	UK_TEST_EXPECT_SNUM_EQ(send(sv[0], "x", 1, MSG_NOSIGNAL), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EPIPE);
	/* Without MSG_NOSIGNAL SIGPIPE is raised: ignored here. */
	UK_TEST_EXPECT_SNUM_EQ(send(sv[0], "x", 1, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EPIPE);
	UK_TEST_EXPECT_SNUM_EQ(write(sv[0], "x", 1), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EPIPE);
	close(sv[0]);
	UK_TEST_EXPECT_SNUM_EQ(ts.closes, closes + 2);
	signal(SIGPIPE, old);
}
