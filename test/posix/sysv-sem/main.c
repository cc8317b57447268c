/*
 * System V semaphores (svipc(7), semget(2), semop(2), semtimedop(2),
 * semctl(2)): keys and nsems checks, SETVAL/GETVAL/SETALL/GETALL/
 * GETPID/GETNCNT/GETZCNT and ERANGE, semop applying several operations
 * all or none (also on one semaphore twice), IPC_NOWAIT, waits for a
 * decrease and for zero woken by other threads, semtimedop's timeout
 * (EAGAIN), a signal ending a wait with EINTR even with SA_RESTART,
 * IPC_RMID waking waiters with EIDRM, SEM_UNDO's bounds (the
 * process's adjustment, kept past a thread's exit), IPC_STAT/
 * IPC_SET/IPC_INFO/SEM_INFO/SEM_STAT and the calls' errors. Sets are
 * IPC_PRIVATE or keyed by the pid and removed at the end.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>
#include <unistd.h>

#include "../posix-check.h"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

static key_t key;

static int op1(int id, int num, int op, int flg)
{
	struct sembuf b = { (unsigned short)num, (short)op, (short)flg };

	return semop(id, &b, 1);
}

static int getval(int id, int num)
{
	return semctl(id, num, GETVAL);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits (up to 10 s) until cmd (GETNCNT, GETZCNT) of num is n. */
static int wait_count(int id, int num, int cmd, int n)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if (semctl(id, num, cmd) == n)
			return 1;
		msleep(5);
	}
	return 0;
}

static void check_get(void)
{
	struct semid_ds ds;
	int id;

	CHECK(semget(IPC_PRIVATE, 0, 0600) == -1 && errno == EINVAL);
	CHECK(semget(IPC_PRIVATE, -1, 0600) == -1 && errno == EINVAL);
	CHECK(semget(IPC_PRIVATE, 32001, 0600) == -1 && errno == EINVAL);
	CHECK(semget(key, 2, 0600) == -1 && errno == ENOENT);
	id = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(id >= 0);
	CHECK(semget(key, 2, IPC_CREAT | IPC_EXCL | 0600) == -1 &&
	      errno == EEXIST);
	CHECK(semget(key, 2, 0) == id && semget(key, 0, 0) == id);
	CHECK(semget(key, 1, IPC_CREAT) == id);
	CHECK(semget(key, 3, 0) == -1 && errno == EINVAL);
	CHECK(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0);
	CHECK(ds.sem_nsems == 2 && (ds.sem_perm.mode & 0777) == 0600);
	CHECK(ds.sem_perm.__key == key && ds.sem_perm.uid == geteuid());
	CHECK(ds.sem_otime == 0 && ds.sem_ctime != 0);
	ds.sem_perm.mode = 0604;
	CHECK(semctl(id, 0, IPC_SET, (union semun){ .buf = &ds }) == 0);
	CHECK(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0 &&
	      (ds.sem_perm.mode & 0777) == 0604);
	CHECK(semctl(id % 32768, 0, SEM_STAT, (union semun){ .buf = &ds }) ==
	      id);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
	CHECK(semctl(id, 0, GETVAL) == -1 && errno == EINVAL);
	CHECK(semctl(id, 0, IPC_RMID) == -1 && errno == EINVAL);
	CHECK(semget(key, 0, 0) == -1 && errno == ENOENT);
}

static void check_values(void)
{
	unsigned short all[3] = { 1, 2, 3 }, got[3];
	int id = semget(IPC_PRIVATE, 3, 0600);

	CHECK(id >= 0);
	CHECK(getval(id, 0) == 0 && semctl(id, 0, GETPID) == 0);
	CHECK(semctl(id, 1, SETVAL, (union semun){ .val = 7 }) == 0);
	CHECK(getval(id, 1) == 7 && semctl(id, 1, GETPID) == getpid());
	CHECK(semctl(id, 1, SETVAL, (union semun){ .val = 32767 }) == 0);
	CHECK(semctl(id, 1, SETVAL, (union semun){ .val = 32768 }) == -1 &&
	      errno == ERANGE);
	CHECK(semctl(id, 1, SETVAL, (union semun){ .val = -1 }) == -1 &&
	      errno == ERANGE);
	CHECK(semctl(id, 3, SETVAL, (union semun){ .val = 1 }) == -1 &&
	      errno == EINVAL);
	CHECK(semctl(id, 3, GETVAL) == -1 && errno == EINVAL);
	CHECK(semctl(id, -1, GETVAL) == -1 && errno == EINVAL);
	CHECK(semctl(id, 0, SETALL, (union semun){ .array = all }) == 0);
	CHECK(semctl(id, 0, GETALL, (union semun){ .array = got }) == 0);
	CHECK(got[0] == 1 && got[1] == 2 && got[2] == 3);
	all[2] = 40000;
	CHECK(semctl(id, 0, SETALL, (union semun){ .array = all }) == -1 &&
	      errno == ERANGE);
	CHECK(getval(id, 2) == 3);
	CHECK(semctl(id, 0, GETALL, (union semun){ .array = (void *)1 }) ==
	      -1 && errno == EFAULT);
	CHECK(semctl(id, 0, SETALL, (union semun){ .array = (void *)1 }) ==
	      -1 && errno == EFAULT);
	CHECK(semctl(id, 0, 999) == -1 && errno == EINVAL);
	CHECK(semctl(-1, 0, GETVAL) == -1 && errno == EINVAL);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

static void check_ops(void)
{
	struct sembuf two[2] = { { 0, -1, 0 }, { 1, -1, IPC_NOWAIT } };
	struct sembuf same[2] = { { 0, 2, 0 }, { 0, -3, 0 } };
	struct sembuf many[501];
	struct semid_ds ds;
	int id = semget(IPC_PRIVATE, 2, 0600), i;

	CHECK(id >= 0);
	CHECK(op1(id, 0, 1, 0) == 0 && getval(id, 0) == 1);
	CHECK(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0 &&
	      ds.sem_otime != 0);
	/* All or none: the second cannot go, the first is not done. */
	CHECK(semop(id, two, 2) == -1 && errno == EAGAIN);
	CHECK(getval(id, 0) == 1 && getval(id, 1) == 0);
	/* In order, on one semaphore: 1 + 2 - 3. */
	CHECK(semop(id, same, 2) == 0 && getval(id, 0) == 0);
	same[1].sem_op = -4;
	same[1].sem_flg = IPC_NOWAIT;
	CHECK(semop(id, same, 2) == -1 && errno == EAGAIN);
	CHECK(getval(id, 0) == 0);
	/* Waiting for zero. */
	CHECK(op1(id, 0, 0, 0) == 0);
	CHECK(op1(id, 1, 1, 0) == 0);
	CHECK(op1(id, 1, 0, IPC_NOWAIT) == -1 && errno == EAGAIN);
	CHECK(op1(id, 1, -2, IPC_NOWAIT) == -1 && errno == EAGAIN);
	/* Limits. */
	CHECK(semctl(id, 0, SETVAL, (union semun){ .val = 32767 }) == 0);
	CHECK(op1(id, 0, 1, 0) == -1 && errno == ERANGE);
	CHECK(getval(id, 0) == 32767);
	CHECK(op1(id, 2, 1, 0) == -1 && errno == EFBIG);
	CHECK(semop(id, two, 0) == -1 && errno == EINVAL);
	memset(many, 0, sizeof(many));
	CHECK(semop(id, many, 501) == -1 && errno == E2BIG);
	for (i = 0; i < 500; i++)
		many[i].sem_flg = IPC_NOWAIT;
	CHECK(semop(id, many, 500) == -1 && errno == EAGAIN);
	CHECK(semop(id, (void *)1, 1) == -1 && errno == EFAULT);
	CHECK(semop(-1, two, 1) == -1 && errno == EINVAL);
	CHECK(semop(id + 32768, two, 1) == -1 && errno == EINVAL);
	/* SEM_UNDO keeps -op within [-32768, 32767]. */
	CHECK(semctl(id, 1, SETVAL, (union semun){ .val = 0 }) == 0);
	CHECK(op1(id, 1, 32767, SEM_UNDO) == 0);
	CHECK(op1(id, 1, -32767, SEM_UNDO) == 0);
	CHECK(op1(id, 1, 32767, SEM_UNDO) == 0);
	CHECK(semctl(id, 1, SETVAL, (union semun){ .val = 0 }) == 0);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

/* SEM_UNDO's adjustments belong to the process, which threads share
 * (CLONE_SYSVSEM): a thread's exit undoes nothing, and its adjustment
 * counts against the bounds of the others' operations. SETVAL clears
 * it. */
static int undo_id;

static void *undo_up(void *arg)
{
	(void)arg;
	CHECK(op1(undo_id, 0, 32767, SEM_UNDO) == 0);
	return NULL;
}

static void check_undo_thread(void)
{
	pthread_t t;

	undo_id = semget(IPC_PRIVATE, 1, 0600);
	CHECK(undo_id >= 0);
	CHECK(pthread_create(&t, NULL, undo_up, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(getval(undo_id, 0) == 32767);
	/* The adjustment is -32767 now; one more down to -32768. */
	CHECK(op1(undo_id, 0, -32767, 0) == 0);
	CHECK(op1(undo_id, 0, 1, SEM_UNDO) == 0);
	CHECK(op1(undo_id, 0, 1, SEM_UNDO) == -1 && errno == ERANGE);
	CHECK(getval(undo_id, 0) == 1);
	/* An operation without SEM_UNDO is not bound by it. */
	CHECK(op1(undo_id, 0, 1, 0) == 0 && getval(undo_id, 0) == 2);
	CHECK(semctl(undo_id, 0, SETVAL, (union semun){ .val = 0 }) == 0);
	CHECK(op1(undo_id, 0, 1, SEM_UNDO) == 0);
	CHECK(semctl(undo_id, 0, IPC_RMID) == 0);
}

static void check_timeout(void)
{
	struct sembuf dec = { 0, -1, 0 };
	struct timespec ts = { 0, 100 * 1000000L }, bad = { 0, 2000000000L };
	int id = semget(IPC_PRIVATE, 1, 0600);
	long long t0;

	CHECK(id >= 0);
	t0 = now_ms();
	CHECK(semtimedop(id, &dec, 1, &ts) == -1 && errno == EAGAIN);
	CHECK(now_ms() - t0 >= 90);
	CHECK(semtimedop(id, &dec, 1, &bad) == -1 && errno == EINVAL);
	CHECK(semtimedop(id, &dec, 1, (void *)1) == -1 && errno == EFAULT);
	CHECK(op1(id, 0, 1, 0) == 0);
	CHECK(semtimedop(id, &dec, 1, &ts) == 0 && getval(id, 0) == 0);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

struct waiter {
	pthread_t t;
	int id, num, op;
	int rc, err;
};

static void *wait_op(void *arg)
{
	struct waiter *w = arg;

	w->rc = op1(w->id, w->num, w->op, 0);
	w->err = errno;
	return NULL;
}

static void start(struct waiter *w, int id, int num, int op)
{
	w->id = id;
	w->num = num;
	w->op = op;
	pthread_create(&w->t, NULL, wait_op, w);
}

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	(void)ctx;
}

static void check_threads(void)
{
	struct sembuf up3 = { 0, 3, 0 };
	struct waiter w[3];
	int id = semget(IPC_PRIVATE, 2, 0600), i;

	CHECK(id >= 0);
	/* A decrease waits for a post. */
	start(&w[0], id, 0, -1);
	CHECK(wait_count(id, 0, GETNCNT, 1));
	CHECK(semctl(id, 0, GETZCNT) == 0);
	CHECK(op1(id, 0, 1, 0) == 0);
	pthread_join(w[0].t, NULL);
	CHECK(w[0].rc == 0 && getval(id, 0) == 0);
	CHECK(semctl(id, 0, GETNCNT) == 0);
	/* Three waiters, one post of 3. */
	for (i = 0; i < 3; i++)
		start(&w[i], id, 0, -1);
	CHECK(wait_count(id, 0, GETNCNT, 3));
	CHECK(semop(id, &up3, 1) == 0);
	for (i = 0; i < 3; i++) {
		pthread_join(w[i].t, NULL);
		CHECK(w[i].rc == 0);
	}
	CHECK(getval(id, 0) == 0);
	/* Waiting for zero, ended by SETVAL. */
	CHECK(semctl(id, 1, SETVAL, (union semun){ .val = 2 }) == 0);
	start(&w[0], id, 1, 0);
	CHECK(wait_count(id, 1, GETZCNT, 1));
	CHECK(semctl(id, 1, GETNCNT) == 0);
	CHECK(semctl(id, 1, SETVAL, (union semun){ .val = 0 }) == 0);
	pthread_join(w[0].t, NULL);
	CHECK(w[0].rc == 0);
	/* A signal ends a wait, SA_RESTART or not. */
	CHECK(set_action(SIGUSR1, on_usr1, SA_RESTART) == 0);
	start(&w[0], id, 0, -1);
	CHECK(wait_count(id, 0, GETNCNT, 1));
	pthread_kill(w[0].t, SIGUSR1);
	pthread_join(w[0].t, NULL);
	CHECK(w[0].rc == -1 && w[0].err == EINTR);
	CHECK(semctl(id, 0, GETNCNT) == 0);
	/* IPC_RMID wakes every waiter with EIDRM. */
	CHECK(semctl(id, 1, SETVAL, (union semun){ .val = 1 }) == 0);
	start(&w[0], id, 0, -1);
	start(&w[1], id, 1, 0);
	CHECK(wait_count(id, 0, GETNCNT, 1));
	CHECK(wait_count(id, 1, GETZCNT, 1));
	CHECK(semctl(id, 0, IPC_RMID) == 0);
	for (i = 0; i < 2; i++) {
		pthread_join(w[i].t, NULL);
		CHECK(w[i].rc == -1 && w[i].err == EIDRM);
	}
}

/* Two threads hand a token back and forth many times. */
struct pingpong {
	int id, rounds, bad;
};

static void *pong(void *arg)
{
	struct pingpong *p = arg;
	int i;

	for (i = 0; i < p->rounds; i++) {
		if (op1(p->id, 1, -1, 0) || op1(p->id, 0, 1, 0))
			p->bad++;
	}
	return NULL;
}

static void check_pingpong(void)
{
	struct pingpong p = { semget(IPC_PRIVATE, 2, 0600), 2000, 0 };
	pthread_t t;
	int i;

	CHECK(p.id >= 0);
	pthread_create(&t, NULL, pong, &p);
	for (i = 0; i < p.rounds; i++) {
		if (op1(p.id, 1, 1, 0) || op1(p.id, 0, -1, 0))
			p.bad++;
	}
	pthread_join(t, NULL);
	CHECK(p.bad == 0 && getval(p.id, 0) == 0 && getval(p.id, 1) == 0);
	CHECK(semctl(p.id, 0, IPC_RMID) == 0);
}

static void check_info(void)
{
	struct seminfo si;
	int id = semget(IPC_PRIVATE, 4, 0600);

	CHECK(id >= 0);
	CHECK(semctl(id, 0, IPC_INFO, (union semun){ .__buf = &si }) >= 0);
	CHECK(si.semmsl == 32000 && si.semmni == 32000 &&
	      si.semopm == 500 && si.semvmx == 32767 &&
	      si.semmns == 1024000000);
	CHECK(semctl(id, 0, SEM_INFO, (union semun){ .__buf = &si }) >=
	      id % 32768);
	CHECK(si.semusz >= 1 && si.semaem >= 4);
	CHECK(semctl(id, 0, IPC_STAT, (union semun){ .buf = (void *)1 }) ==
	      -1 && errno == EFAULT);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

int main(void)
{
	key = (key_t)(0x5b000000 | (getpid() & 0xffffff));
	check_get();
	check_values();
	check_ops();
	check_undo_thread();
	check_timeout();
	check_threads();
	check_pingpong();
	check_info();
	return posix_check_summary();
}
