/*
 * System V message queues (svipc(7), msgget(2), msgsnd(2), msgrcv(2),
 * msgctl(2)): keys, the choice of message by type (0, > 0, < 0,
 * MSG_EXCEPT), E2BIG and MSG_NOERROR, IPC_NOWAIT (EAGAIN to send, ENOMSG
 * to receive), msg_qbytes bounding bytes and count, threads waiting to
 * receive and to send, a signal ending a wait with EINTR even with
 * SA_RESTART, IPC_RMID waking a waiter with EIDRM, MSG_COPY, IPC_STAT/
 * IPC_SET/IPC_INFO/MSG_INFO/MSG_STAT and the calls' errors. Queues are
 * IPC_PRIVATE or keyed by the pid and removed at the end.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "../posix-check.h"

/* Linux's (3.8); not in every C library's headers. */
#ifndef MSG_COPY
#define MSG_COPY	040000
#endif

struct message {
	long type;
	char text[8200];
};

static key_t key;

static int send_str(int id, long type, const char *s, int flags)
{
	struct message m;

	m.type = type;
	strcpy(m.text, s);
	return msgsnd(id, &m, strlen(s), flags);
}

/* Receives into *m as text; returns msgrcv's result. */
static ssize_t recv_msg(int id, struct message *m, size_t size, long type,
			int flags)
{
	ssize_t n;

	memset(m, 0, sizeof(*m));
	n = msgrcv(id, m, size, type, flags);
	return n;
}

static void check_get(void)
{
	struct msqid_ds ds;
	int id;

	CHECK(msgget(key, 0600) == -1 && errno == ENOENT);
	id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(id >= 0);
	CHECK(msgget(key, IPC_CREAT | IPC_EXCL | 0600) == -1 &&
	      errno == EEXIST);
	CHECK(msgget(key, 0) == id && msgget(key, IPC_CREAT) == id);
	CHECK(msgctl(id, IPC_STAT, &ds) == 0);
	CHECK(ds.msg_qbytes == 16384 && ds.msg_qnum == 0 &&
	      ds.msg_cbytes == 0);
	CHECK((ds.msg_perm.mode & 0777) == 0600 && ds.msg_perm.__key == key);
	CHECK(ds.msg_perm.uid == geteuid() && ds.msg_ctime != 0);
	CHECK(ds.msg_stime == 0 && ds.msg_rtime == 0);
	CHECK(ds.msg_lspid == 0 && ds.msg_lrpid == 0);
	ds.msg_perm.mode = 0620;
	CHECK(msgctl(id, IPC_SET, &ds) == 0);
	CHECK(msgctl(id, IPC_STAT, &ds) == 0 &&
	      (ds.msg_perm.mode & 0777) == 0620);
	CHECK(msgctl(id % 32768, MSG_STAT, &ds) == id);
	CHECK(msgctl(id, IPC_RMID, NULL) == 0);
	CHECK(msgctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL);
	CHECK(msgctl(id, IPC_RMID, NULL) == -1 && errno == EINVAL);
	CHECK(msgget(key, 0) == -1 && errno == ENOENT);
}

static void check_types(void)
{
	int id = msgget(IPC_PRIVATE, 0600);
	struct msqid_ds ds;
	struct message m;

	CHECK(id >= 0);
	CHECK(send_str(id, 3, "three", 0) == 0);
	CHECK(send_str(id, 1, "one", 0) == 0);
	CHECK(send_str(id, 2, "two", 0) == 0);
	CHECK(send_str(id, 1, "uno", 0) == 0);
	CHECK(send_str(id, 4, "", 0) == 0);
	CHECK(msgctl(id, IPC_STAT, &ds) == 0);
	CHECK(ds.msg_qnum == 5 && ds.msg_cbytes == 14);
	CHECK(ds.msg_lspid == getpid() && ds.msg_stime != 0);
	/* MSG_COPY: by position, the message stays. */
	CHECK(recv_msg(id, &m, 100, 2, MSG_COPY | IPC_NOWAIT) == 3 &&
	      m.type == 2 && !strcmp(m.text, "two"));
	CHECK(recv_msg(id, &m, 100, 9, MSG_COPY | IPC_NOWAIT) == -1 &&
	      errno == ENOMSG);
	CHECK(recv_msg(id, &m, 100, 0, MSG_COPY) == -1 && errno == EINVAL);
	CHECK(recv_msg(id, &m, 100, 0, MSG_COPY | MSG_EXCEPT |
		       IPC_NOWAIT) == -1 && errno == EINVAL);
	/* Type 2 exactly; the lowest type up to 2, first of them; not 3. */
	CHECK(recv_msg(id, &m, 100, 2, 0) == 3 && !strcmp(m.text, "two"));
	CHECK(recv_msg(id, &m, 100, -2, 0) == 3 && !strcmp(m.text, "one"));
	CHECK(recv_msg(id, &m, 100, 3, MSG_EXCEPT) == 3 &&
	      m.type == 1 && !strcmp(m.text, "uno"));
	CHECK(recv_msg(id, &m, 100, 2, IPC_NOWAIT) == -1 && errno == ENOMSG);
	CHECK(recv_msg(id, &m, 100, -2, IPC_NOWAIT) == -1 &&
	      errno == ENOMSG);
	/* Too small a buffer: E2BIG and the message stays, or cut. */
	CHECK(recv_msg(id, &m, 2, 0, 0) == -1 && errno == E2BIG);
	CHECK(recv_msg(id, &m, 2, 0, MSG_NOERROR) == 2 && m.type == 3 &&
	      !strcmp(m.text, "th"));
	CHECK(recv_msg(id, &m, 0, 0, 0) == 0 && m.type == 4);
	CHECK(recv_msg(id, &m, 100, 0, IPC_NOWAIT) == -1 && errno == ENOMSG);
	CHECK(msgctl(id, IPC_STAT, &ds) == 0);
	CHECK(ds.msg_qnum == 0 && ds.msg_cbytes == 0);
	CHECK(ds.msg_lrpid == getpid() && ds.msg_rtime != 0);
	CHECK(msgctl(id, IPC_RMID, NULL) == 0);
}

static void check_errors(void)
{
	int id = msgget(IPC_PRIVATE, 0600);
	struct message m = { 1, "x" };

	CHECK(id >= 0);
	m.type = 0;
	CHECK(msgsnd(id, &m, 1, 0) == -1 && errno == EINVAL);
	m.type = -1;
	CHECK(msgsnd(id, &m, 1, 0) == -1 && errno == EINVAL);
	m.type = 1;
	CHECK(msgsnd(id, &m, 8193, 0) == -1 && errno == EINVAL);
	CHECK(msgsnd(id, &m, (size_t)-1, 0) == -1 && errno == EINVAL);
	CHECK(msgsnd(id, &m, 8192, 0) == 0);
	CHECK(msgsnd(id, (void *)1, 1, 0) == -1 && errno == EFAULT);
	CHECK(msgsnd(-1, &m, 1, 0) == -1 && errno == EINVAL);
	CHECK(msgsnd(id + 32768, &m, 1, 0) == -1 && errno == EINVAL);
	CHECK(msgrcv(-1, &m, 1, 0, 0) == -1 && errno == EINVAL);
	CHECK(msgrcv(id, &m, (size_t)-1, 0, 0) == -1 && errno == EINVAL);
	/* A fault loses the message (Linux takes it first). */
	CHECK(msgrcv(id, (void *)1, 8192, 0, 0) == -1 && errno == EFAULT);
	CHECK(msgrcv(id, &m, 8192, 0, IPC_NOWAIT) == -1 && errno == ENOMSG);
	CHECK(msgctl(id, 999, NULL) == -1 && errno == EINVAL);
	CHECK(msgctl(-1, IPC_STAT, NULL) == -1 && errno == EINVAL);
	CHECK(msgctl(id, IPC_STAT, (void *)1) == -1 && errno == EFAULT);
	CHECK(msgctl(id, IPC_SET, (void *)1) == -1 && errno == EFAULT);
	CHECK(msgctl(id, IPC_RMID, NULL) == 0);
}

static void check_qbytes(void)
{
	int id = msgget(IPC_PRIVATE, 0600);
	struct msqid_ds ds;
	char big[61];

	CHECK(id >= 0);
	memset(big, 'b', 60);
	big[60] = 0;
	CHECK(msgctl(id, IPC_STAT, &ds) == 0);
	ds.msg_qbytes = 100;
	CHECK(msgctl(id, IPC_SET, &ds) == 0);
	CHECK(send_str(id, 1, big, IPC_NOWAIT) == 0);
	CHECK(send_str(id, 1, big, IPC_NOWAIT) == -1 && errno == EAGAIN);
	CHECK(send_str(id, 1, "1234567890", IPC_NOWAIT) == 0);
	/* The count is bounded by msg_qbytes too. */
	ds.msg_qbytes = 3;
	CHECK(msgctl(id, IPC_SET, &ds) == 0);
	CHECK(msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qbytes == 3);
	ds.msg_qbytes = 200;
	CHECK(msgctl(id, IPC_SET, &ds) == 0);
	CHECK(send_str(id, 1, "", IPC_NOWAIT) == 0);
	ds.msg_qbytes = 3;
	CHECK(msgctl(id, IPC_SET, &ds) == 0);
	CHECK(send_str(id, 1, "", IPC_NOWAIT) == -1 && errno == EAGAIN);
	/* Up to MSGMNB (past it needs CAP_SYS_RESOURCE, which the host's
	 * root may lack in a container). */
	ds.msg_qbytes = 16384;
	CHECK(msgctl(id, IPC_SET, &ds) == 0);
	CHECK(msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qbytes == 16384);
	CHECK(msgctl(id, IPC_RMID, NULL) == 0);
}

struct waiter {
	pthread_t t;
	int id;
	long type;
	volatile int started, done;
	ssize_t rc;
	int err;
	struct message m;
};

static void *receive(void *arg)
{
	struct waiter *w = arg;

	w->started = 1;
	w->rc = msgrcv(w->id, &w->m, sizeof(w->m.text), w->type, 0);
	w->err = errno;
	w->done = 1;
	return NULL;
}

static void *sendbig(void *arg)
{
	struct waiter *w = arg;

	w->m.type = w->type;
	memset(w->m.text, 's', 8192);
	w->started = 1;
	w->rc = msgsnd(w->id, &w->m, 8192, 0);
	w->err = errno;
	w->done = 1;
	return NULL;
}

/* Starts fn on w and gives it time to block. */
static void start(struct waiter *w, void *(*fn)(void *), int id, long type)
{
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->type = type;
	pthread_create(&w->t, NULL, fn, w);
	while (!w->started)
		msleep(1);
	msleep(100);
}

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	(void)ctx;
}

static void check_threads(void)
{
	int id = msgget(IPC_PRIVATE, 0600), i;
	struct waiter w;
	struct message m;

	CHECK(id >= 0);
	/* A receiver waits for its type. */
	start(&w, receive, id, 5);
	CHECK(send_str(id, 4, "four", 0) == 0);
	msleep(20);
	CHECK(!w.done);
	CHECK(send_str(id, 5, "five", 0) == 0);
	pthread_join(w.t, NULL);
	CHECK(w.rc == 4 && w.m.type == 5 && !strcmp(w.m.text, "five"));
	CHECK(recv_msg(id, &m, 100, 0, IPC_NOWAIT) == 4 && m.type == 4);
	/* A sender waits for room. */
	for (i = 0; i < 2; i++)
		CHECK(msgsnd(id, &w.m, 8192, IPC_NOWAIT) == 0);
	start(&w, sendbig, id, 7);
	CHECK(!w.done);
	CHECK(recv_msg(id, &m, 8192, 0, 0) == 8192);
	pthread_join(w.t, NULL);
	CHECK(w.rc == 0);
	CHECK(recv_msg(id, &m, 8192, 0, 0) == 8192);
	CHECK(recv_msg(id, &m, 8192, 0, 0) == 8192 && m.type == 7 &&
	      m.text[8191] == 's');
	/* A signal ends a wait, SA_RESTART or not. */
	CHECK(set_action(SIGUSR1, on_usr1, SA_RESTART) == 0);
	start(&w, receive, id, 0);
	pthread_kill(w.t, SIGUSR1);
	for (i = 0; i < 500 && !w.done; i++)
		msleep(10);
	if (!w.done)
		send_str(id, 1, "late", 0);
	pthread_join(w.t, NULL);
	CHECK(w.rc == -1 && w.err == EINTR);
	/* IPC_RMID wakes the waiter with EIDRM. */
	start(&w, receive, id, 0);
	CHECK(msgctl(id, IPC_RMID, NULL) == 0);
	pthread_join(w.t, NULL);
	CHECK(w.rc == -1 && w.err == EIDRM);
}

/* A producer and a consumer through a small queue. */
static void *produce(void *arg)
{
	int id = *(int *)arg, i;
	struct message m;

	for (i = 1; i <= 2000; i++) {
		m.type = 1 + i % 3;
		snprintf(m.text, sizeof(m.text), "%d", i);
		if (msgsnd(id, &m, strlen(m.text) + 1, 0))
			break;
	}
	return NULL;
}

static void check_stream(void)
{
	int id = msgget(IPC_PRIVATE, 0600), i, bad = 0;
	struct msqid_ds ds;
	struct message m;
	pthread_t t;
	long sum = 0, want = 0;

	CHECK(id >= 0);
	CHECK(msgctl(id, IPC_STAT, &ds) == 0);
	ds.msg_qbytes = 64;
	CHECK(msgctl(id, IPC_SET, &ds) == 0);
	pthread_create(&t, NULL, produce, &id);
	for (i = 1; i <= 2000; i++) {
		if (msgrcv(id, &m, sizeof(m.text), 0, 0) < 0 ||
		    atoi(m.text) != i)
			bad++;
		sum += m.type;
		want += 1 + i % 3;
	}
	pthread_join(t, NULL);
	CHECK(bad == 0 && sum == want);
	CHECK(msgctl(id, IPC_RMID, NULL) == 0);
}

static void check_info(void)
{
	struct msginfo mi;
	int id = msgget(IPC_PRIVATE, 0600);

	CHECK(id >= 0);
	CHECK(send_str(id, 1, "abc", 0) == 0);
	CHECK(msgctl(id, IPC_INFO, (struct msqid_ds *)&mi) >= 0);
	CHECK(mi.msgmax == 8192 && mi.msgmnb == 16384 &&
	      mi.msgmni == 32000 && mi.msgssz == 16 &&
	      mi.msgpool == 512000 && mi.msgseg == 0xffff);
	CHECK(msgctl(id, MSG_INFO, (struct msqid_ds *)&mi) >= id % 32768);
	CHECK(mi.msgpool >= 1 && mi.msgmap >= 1 && mi.msgtql >= 3);
	CHECK(msgctl(id, IPC_INFO, (void *)1) == -1 && errno == EFAULT);
	CHECK(msgctl(id, IPC_RMID, NULL) == 0);
}

int main(void)
{
	key = (key_t)(0x5c000000 | (getpid() & 0xffffff));
	check_get();
	check_types();
	check_errors();
	check_qbytes();
	check_threads();
	check_stream();
	check_info();
	return posix_check_summary();
}
