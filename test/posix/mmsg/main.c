/*
 * Several messages a call: sendmmsg and recvmmsg (sendmmsg(2),
 * recvmmsg(2)) on Unix datagram, Unix stream and UDP sockets: lengths
 * stored per message, sender addresses, vlen 0, a bad message after good
 * ones (the count of the good ones) and as the first (the error),
 * MSG_DONTWAIT and MSG_WAITFORONE (nonblocking after the first), an
 * error after some messages (the next receive's), the timeout (looked
 * at after each message, what is left written back) and its errors,
 * checked before the fd's. sendmmsg is also made raw: musl's wrapper is
 * a loop of sendmsg.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

#define N	4

/* N messages "m0".."m3" of 2 + i bytes, as the send side. */
struct batch {
	struct mmsghdr m[N];
	struct iovec iov[N];
	char buf[N][16];
};

static void batch_out(struct batch *b)
{
	int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < N; i++) {
		memset(b->buf[i], 'a' + i, sizeof(b->buf[i]));
		b->buf[i][0] = 'm';
		b->buf[i][1] = '0' + i;
		b->iov[i] = (struct iovec){ b->buf[i], 2 + i };
		b->m[i].msg_hdr.msg_iov = &b->iov[i];
		b->m[i].msg_hdr.msg_iovlen = 1;
	}
}

/* N empty buffers to receive into; with names if name is set. */
static void batch_in(struct batch *b, struct sockaddr_in *name)
{
	int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < N; i++) {
		b->iov[i] = (struct iovec){ b->buf[i], sizeof(b->buf[i]) };
		b->m[i].msg_hdr.msg_iov = &b->iov[i];
		b->m[i].msg_hdr.msg_iovlen = 1;
		b->m[i].msg_len = 12345;
		if (name) {
			b->m[i].msg_hdr.msg_name = &name[i];
			b->m[i].msg_hdr.msg_namelen = sizeof(name[i]);
		}
	}
}

/* Whether entry i holds message j. */
static int got(const struct batch *b, int i, int j)
{
	return b->m[i].msg_len == (unsigned int)(2 + j) &&
	       b->buf[i][0] == 'm' && b->buf[i][1] == '0' + j;
}

static long sys_sendmmsg(int fd, struct mmsghdr *m, unsigned int n,
			 int flags)
{
	return syscall(SYS_sendmmsg, fd, m, n, flags);
}

static void *send_later(void *arg)
{
	int fd = *(int *)arg;

	msleep(30);
	send(fd, "m0", 2, 0);
	return NULL;
}

static void check_dgram(void)
{
	struct timespec ts;
	struct batch out, in;
	int sv[2], i;
	pthread_t t;

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	batch_out(&out);
	CHECK(sendmmsg(sv[0], out.m, N, 0) == N);
	for (i = 0; i < N; i++)
		CHECK(out.m[i].msg_len == (unsigned int)(2 + i));
	batch_in(&in, NULL);
	CHECK(recvmmsg(sv[1], in.m, N, 0, NULL) == N);
	for (i = 0; i < N; i++)
		CHECK(got(&in, i, i));
	/* The raw call; vlen 0 moves nothing. */
	batch_out(&out);
	CHECK(sys_sendmmsg(sv[0], out.m, 0, 0) == 0);
	CHECK(sys_sendmmsg(sv[0], out.m, 2, 0) == 2);
	CHECK(out.m[0].msg_len == 2 && out.m[1].msg_len == 3);
	batch_in(&in, NULL);
	CHECK(recvmmsg(sv[1], in.m, 0, 0, NULL) == 0);
	CHECK(recvmmsg(sv[1], in.m, N, MSG_DONTWAIT, NULL) == 2);
	CHECK(got(&in, 0, 0) && got(&in, 1, 1) && in.m[2].msg_len == 12345);
	CHECK(recvmmsg(sv[1], in.m, N, MSG_DONTWAIT, NULL) == -1 &&
	      errno == EAGAIN);
	/* MSG_WAITFORONE: waits for the first only. */
	CHECK(sendmmsg(sv[0], out.m, 3, 0) == 3);
	batch_in(&in, NULL);
	CHECK(recvmmsg(sv[1], in.m, N, MSG_WAITFORONE, NULL) == 3);
	CHECK(got(&in, 2, 2));
	CHECK(pthread_create(&t, NULL, send_later, &sv[0]) == 0);
	batch_in(&in, NULL);
	CHECK(recvmmsg(sv[1], in.m, N, MSG_WAITFORONE, NULL) == 1);
	CHECK(got(&in, 0, 0));
	pthread_join(t, NULL);
	/* A timeout of 0 has passed after the first message. */
	CHECK(sendmmsg(sv[0], out.m, 3, 0) == 3);
	ts = (struct timespec){ 0, 0 };
	batch_in(&in, NULL);
	CHECK(recvmmsg(sv[1], in.m, N, 0, &ts) == 1);
	CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0);
	ts = (struct timespec){ 5, 0 };
	CHECK(recvmmsg(sv[1], in.m, 2, 0, &ts) == 2);
	CHECK(got(&in, 0, 1) && got(&in, 1, 2));
	CHECK(ts.tv_sec >= 3 && ts.tv_sec <= 5 &&
	      ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
	close(sv[0]);
	close(sv[1]);
}

static void check_errors(void)
{
	struct timespec bad[] = { { 0, 1000000000 }, { -1, 0 }, { 0, -1 } };
	struct timespec ts = { 1, 0 };
	struct batch out, in;
	int sv[2], p[2];
	unsigned int i;

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	CHECK(pipe(p) == 0);
	batch_out(&out);
	batch_in(&in, NULL);
	CHECK(sys_sendmmsg(-1, out.m, 1, 0) == -1 && errno == EBADF);
	CHECK(sys_sendmmsg(p[1], out.m, 1, 0) == -1 && errno == ENOTSOCK);
	CHECK(recvmmsg(-1, in.m, 1, 0, NULL) == -1 && errno == EBADF);
	CHECK(recvmmsg(p[0], in.m, 1, 0, &ts) == -1 && errno == ENOTSOCK);
	/* The timeout is checked first. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(recvmmsg(sv[1], in.m, 1, 0, &bad[i]) == -1 &&
		      errno == EINVAL);
		CHECK(recvmmsg(-1, in.m, 1, 0, &bad[i]) == -1 &&
		      errno == EINVAL);
	}
	CHECK(syscall(SYS_recvmmsg, -1, in.m, 1, 0, (void *)8) == -1 &&
	      errno == EFAULT);
	/* A bad message after good ones ends the call; as the first, its
	 * error is the call's. */
	out.iov[1].iov_base = (void *)8;
	CHECK(sys_sendmmsg(sv[0], out.m, 3, 0) == 1);
	CHECK(sys_sendmmsg(sv[0], &out.m[1], 2, 0) == -1 && errno == EFAULT);
	out.m[2].msg_hdr.msg_iov = (void *)8;
	CHECK(sys_sendmmsg(sv[0], out.m, 3, 0) == 1);
	CHECK(syscall(SYS_sendmmsg, sv[0], (void *)8, 2, 0) == -1 &&
	      errno == EFAULT);
	CHECK(recvmmsg(sv[1], in.m, N, MSG_DONTWAIT, NULL) == 2);
	CHECK(got(&in, 0, 0) && got(&in, 1, 0));
	/* Where the messages cannot be read: EFAULT, nothing taken. */
	CHECK(send(sv[0], "m2", 2, 0) == 2);
	CHECK(syscall(SYS_recvmmsg, sv[1], (void *)8, 2, MSG_DONTWAIT,
		      NULL) == -1 && errno == EFAULT);
	batch_in(&in, NULL);
	in.iov[1].iov_base = (void *)8;
	CHECK(send(sv[0], "m3", 2, 0) == 2);
	CHECK(recvmmsg(sv[1], in.m, N, MSG_DONTWAIT, NULL) == 1);
	CHECK(in.m[0].msg_len == 2 && in.buf[0][1] == '2');
	/* The error met after a message is the next receive's. (Whether
	 * the message that met it is lost is the family's matter.) */
	CHECK(recv(sv[1], in.buf[0], 16, MSG_DONTWAIT) == -1 &&
	      errno == EFAULT);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

/* A stream has no message bounds: one receive takes what is there,
 * the next finds nothing. */
static void check_stream(void)
{
	struct batch out, in;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	batch_out(&out);
	CHECK(sys_sendmmsg(sv[0], out.m, 2, 0) == 2);
	CHECK(out.m[0].msg_len == 2 && out.m[1].msg_len == 3);
	batch_in(&in, NULL);
	CHECK(recvmmsg(sv[1], in.m, N, MSG_DONTWAIT, NULL) == 1);
	CHECK(in.m[0].msg_len == 5 && !memcmp(in.buf[0], "m0m1b", 5));
	close(sv[0]);
	close(sv[1]);
}

static void check_udp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, from[N];
	socklen_t len = sizeof(a);
	struct batch out, in;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	int c = socket(AF_INET, SOCK_DGRAM, 0), i, n, r;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(getsockname(s, (struct sockaddr *)&a, &len) == 0);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
	batch_out(&out);
	CHECK(sys_sendmmsg(c, out.m, N, 0) == N);
	batch_in(&in, from);
	/* Loopback may deliver later than the send returns. */
	for (n = 0; n < N; n += r) {
		r = recvmmsg(s, &in.m[n], N - n, MSG_WAITFORONE, NULL);
		if (r < 1)
			break;
	}
	CHECK(n == N);
	for (i = 0; i < n; i++) {
		CHECK(got(&in, i, i));
		CHECK(in.m[i].msg_hdr.msg_namelen == sizeof(from[i]));
		CHECK(from[i].sin_family == AF_INET &&
		      from[i].sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	}
	close(s);
	close(c);
}

int main(void)
{
	check_dgram();
	check_errors();
	check_stream();
	check_udp();
	return posix_check_summary();
}
