/*
 * File locks in one process, checked the same way on Linux and on Amphi:
 * fcntl record locks of the process (never in conflict with each other,
 * released by closing any fd of the file), open file description locks
 * (F_OFD_*: in conflict across descriptions, and with the process's own
 * record locks; split, merged and reported as Linux does; F_OFD_SETLKW
 * waits for the holder), flock (per description, shared or exclusive,
 * independent of fcntl locks), lockf, and the errors. A signal ends a
 * F_SETLKW, F_OFD_SETLKW or blocking flock wait with nothing taken:
 * EINTR without SA_RESTART, with it the call goes on waiting and takes
 * the lock once the holder lets go (man 7 signal).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "../posix-check.h"

static char path[64];

static int lk(int fd, int cmd, short type, short whence, off_t start,
	      off_t len)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = whence;
	fl.l_start = start;
	fl.l_len = len;
	return fcntl(fd, cmd, &fl);
}

/* F_*GETLK for [start, start + len): stores what conflicts in *fl. */
static int getlk(int fd, int cmd, short type, off_t start, off_t len,
		 struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	fl->l_start = start;
	fl->l_len = len;
	return fcntl(fd, cmd, fl);
}

static int opens(int flags)
{
	return open(path, flags | O_CREAT, 0600);
}

static void test_process_locks(void)
{
	int a = opens(O_RDWR), b = opens(O_RDWR), c;
	struct flock fl;

	/* Nothing held: F_UNLCK, the rest as given. */
	CHECK(getlk(a, F_GETLK, F_WRLCK, 5, 10, &fl) == 0);
	CHECK(fl.l_type == F_UNLCK && fl.l_start == 5 && fl.l_len == 10);
	/* The process's locks never conflict with each other. */
	CHECK(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 100) == 0);
	CHECK(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 50, 100) == 0);
	CHECK(getlk(b, F_GETLK, F_WRLCK, 0, 0, &fl) == 0 &&
	      fl.l_type == F_UNLCK);
	/* They conflict with OFD locks, even of the same process. */
	CHECK(getlk(b, F_OFD_GETLK, F_WRLCK, 10, 1, &fl) == 0);
	CHECK(fl.l_type == F_WRLCK && fl.l_start == 0 && fl.l_len == 150 &&
	      fl.l_pid == getpid());
	errno = 0;
	CHECK(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 10, 1) == -1 &&
	      (errno == EAGAIN || errno == EACCES));
	/* Closing any fd of the file drops them all. */
	c = opens(O_RDONLY);
	close(c);
	CHECK(getlk(b, F_OFD_GETLK, F_WRLCK, 0, 0, &fl) == 0 &&
	      fl.l_type == F_UNLCK);
	close(a);
	close(b);
}

static void test_ofd_locks(void)
{
	int a = opens(O_RDWR), b = opens(O_RDWR), d;
	struct flock fl;

	CHECK(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 100) == 0);
	CHECK(getlk(b, F_OFD_GETLK, F_RDLCK, 50, 10, &fl) == 0);
	CHECK(fl.l_type == F_WRLCK && fl.l_whence == SEEK_SET &&
	      fl.l_start == 0 && fl.l_len == 100 && fl.l_pid == -1);
	errno = 0;
	CHECK(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 99, 1) == -1 &&
	      errno == EAGAIN);
	CHECK(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 100, 50) == 0);
	/* The process's record lock meets the OFD lock too. */
	errno = 0;
	CHECK(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 10, 1) == -1 &&
	      (errno == EAGAIN || errno == EACCES));
	CHECK(getlk(b, F_GETLK, F_WRLCK, 10, 1, &fl) == 0 &&
	      fl.l_type == F_WRLCK && fl.l_pid == -1);
	/* A dup shares the description, so its locks. */
	d = dup(a);
	CHECK(lk(d, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 100) == 0);
	close(d);
	CHECK(getlk(b, F_OFD_GETLK, F_WRLCK, 0, 1, &fl) == 0 &&
	      fl.l_type == F_RDLCK);
	/* Unlocking the middle splits the lock in two. */
	CHECK(lk(a, F_OFD_SETLK, F_UNLCK, SEEK_SET, 40, 20) == 0);
	CHECK(getlk(b, F_OFD_GETLK, F_WRLCK, 0, 100, &fl) == 0);
	CHECK(fl.l_type == F_RDLCK && fl.l_start == 0 && fl.l_len == 40);
	CHECK(getlk(b, F_OFD_GETLK, F_WRLCK, 40, 20, &fl) == 0 &&
	      fl.l_type == F_UNLCK);
	CHECK(getlk(b, F_OFD_GETLK, F_WRLCK, 50, 100, &fl) == 0);
	CHECK(fl.l_type == F_RDLCK && fl.l_start == 60 && fl.l_len == 40);
	/* Adjacent locks of one type merge; to EOF is length 0. */
	CHECK(lk(a, F_OFD_SETLK, F_RDLCK, SEEK_SET, 40, 20) == 0);
	CHECK(lk(a, F_OFD_SETLK, F_RDLCK, SEEK_SET, 200, 0) == 0);
	CHECK(getlk(b, F_OFD_GETLK, F_WRLCK, 0, 1, &fl) == 0);
	CHECK(fl.l_start == 0 && fl.l_len == 100);
	CHECK(getlk(b, F_OFD_GETLK, F_WRLCK, 5000, 1, &fl) == 0);
	CHECK(fl.l_start == 200 && fl.l_len == 0);
	/* A negative length goes backwards from the start. */
	CHECK(lk(a, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);
	CHECK(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 100, -50) == 0);
	CHECK(getlk(b, F_OFD_GETLK, F_RDLCK, 0, 0, &fl) == 0);
	CHECK(fl.l_start == 50 && fl.l_len == 50);
	/* SEEK_END counts from the size. */
	CHECK(ftruncate(a, 1000) == 0);
	CHECK(lk(a, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);
	CHECK(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_END, -10, 10) == 0);
	CHECK(getlk(b, F_OFD_GETLK, F_RDLCK, 0, 0, &fl) == 0);
	CHECK(fl.l_start == 990 && fl.l_len == 10);
	/* Closing the description's last fd drops its locks. */
	close(a);
	CHECK(getlk(b, F_OFD_GETLK, F_WRLCK, 0, 0, &fl) == 0 &&
	      fl.l_type == F_UNLCK);
	close(b);
}

static volatile int released, got_after_release;

static void *waiter(void *arg)
{
	int b = *(int *)arg;

	CHECK(lk(b, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 10) == 0);
	got_after_release = released;
	return NULL;
}

static void test_ofd_wait(void)
{
	int a = opens(O_RDWR), b = opens(O_RDWR);
	pthread_t t;

	CHECK(lk(a, F_OFD_SETLK, F_RDLCK, SEEK_SET, 5, 1) == 0);
	CHECK(pthread_create(&t, NULL, waiter, &b) == 0);
	usleep(50000);
	released = 1;
	CHECK(lk(a, F_OFD_SETLK, F_UNLCK, SEEK_SET, 5, 1) == 0);
	pthread_join(t, NULL);
	CHECK(got_after_release == 1);
	close(a);
	close(b);
}

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

static void catch(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* SIGALRM every 20 ms (0: none): one that comes before the wait does
 * not leave the test blocked. */
static void ticks(int ms)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = ms * 1000;
	it.it_interval.tv_usec = ms * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* The lock another description holds makes each wait block until a
 * signal ends it: EINTR, and the waiter holds nothing afterwards. */
static void test_wait_eintr(void)
{
	int a = opens(O_RDWR), b = opens(O_RDWR), c, free_fd;
	struct flock fl;
	int rc, err;

	catch(SIGALRM, 0);
	CHECK(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 100) == 0);
	free_fd = lowest_free_fd();
	ticks(20);
	handled = 0;
	errno = 0;
	rc = lk(b, F_SETLKW, F_WRLCK, SEEK_SET, 10, 1);
	err = errno;
	CHECK(rc == -1 && err == EINTR && handled > 0);
	handled = 0;
	errno = 0;
	rc = lk(b, F_OFD_SETLKW, F_RDLCK, SEEK_SET, 0, 0);
	err = errno;
	CHECK(rc == -1 && err == EINTR && handled > 0);
	CHECK(flock(a, LOCK_EX) == 0);
	handled = 0;
	errno = 0;
	rc = flock(b, LOCK_SH);
	err = errno;
	CHECK(rc == -1 && err == EINTR && handled > 0);
	ticks(0);
	/* Nothing was taken: a sees no lock of b, c gets both at once. */
	CHECK(getlk(a, F_OFD_GETLK, F_WRLCK, 0, 0, &fl) == 0 &&
	      fl.l_type == F_UNLCK);
	CHECK(lk(a, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);
	CHECK(flock(a, LOCK_UN) == 0);
	c = opens(O_RDWR);
	CHECK(lk(c, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0);
	CHECK(flock(c, LOCK_EX | LOCK_NB) == 0);
	close(c);
	CHECK(lowest_free_fd() == free_fd);
	close(a);
	close(b);
}

struct holder {
	pthread_t waiter;
	int fd;
	int is_flock;
	int unlock_rc;
};

static volatile int holder_released;

/* Signals the waiter three times while it waits, then lets go. */
static void *signal_then_release(void *arg)
{
	struct holder *h = arg;
	int i;

	for (i = 0; i < 3; i++) {
		usleep(30000);
		pthread_kill(h->waiter, SIGUSR1);
	}
	usleep(30000);
	holder_released = 1;
	/* Checked after the join: CHECK's counters are not atomic. */
	if (h->is_flock)
		h->unlock_rc = flock(h->fd, LOCK_UN);
	else
		h->unlock_rc = lk(h->fd, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	return NULL;
}

/* With SA_RESTART the handlers run and the call waits on: it returns 0
 * once the lock is free, and the lock is the waiter's. */
static void test_wait_restart(int cmd, int is_flock)
{
	int a = opens(O_RDWR), b = opens(O_RDWR);
	struct holder h = { pthread_self(), a, is_flock, -1 };
	struct flock fl;
	pthread_t t;
	int rc;

	catch(SIGUSR1, SA_RESTART);
	if (is_flock)
		CHECK(flock(a, LOCK_EX) == 0);
	else
		CHECK(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0);
	handled = 0;
	holder_released = 0;
	CHECK(pthread_create(&t, NULL, signal_then_release, &h) == 0);
	if (is_flock)
		rc = flock(b, LOCK_EX);
	else
		rc = lk(b, cmd, F_WRLCK, SEEK_SET, 0, 10);
	CHECK(rc == 0 && holder_released == 1);
	pthread_join(t, NULL);
	CHECK(h.unlock_rc == 0 && handled == 3);
	if (is_flock) {
		CHECK(flock(a, LOCK_SH | LOCK_NB) == -1 &&
		      errno == EWOULDBLOCK);
	} else {
		CHECK(getlk(a, F_OFD_GETLK, F_RDLCK, 5, 1, &fl) == 0 &&
		      fl.l_type == F_WRLCK && fl.l_start == 0 &&
		      fl.l_len == 10);
	}
	close(a);
	close(b);
}

static void test_flock(void)
{
	int a = opens(O_RDWR), b = opens(O_RDONLY), c = opens(O_RDONLY);

	CHECK(flock(a, LOCK_EX) == 0);
	errno = 0;
	CHECK(flock(b, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK);
	/* Independent of fcntl locks. */
	CHECK(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 0) == 0);
	CHECK(flock(a, LOCK_UN) == 0);
	CHECK(flock(b, LOCK_SH) == 0);
	CHECK(flock(c, LOCK_SH | LOCK_NB) == 0);
	errno = 0;
	CHECK(flock(a, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK);
	/* Closing a description's fd lets its lock go. */
	close(b);
	close(c);
	CHECK(flock(a, LOCK_EX | LOCK_NB) == 0);
	/* Converting our own lock. */
	CHECK(flock(a, LOCK_SH) == 0);
	CHECK(flock(a, LOCK_SH) == 0);
	errno = 0;
	CHECK(flock(a, 0) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(flock(1000, LOCK_SH) == -1 && errno == EBADF);
	close(a);
}

static void test_lockf_and_errors(void)
{
	int a = opens(O_RDWR), ro = opens(O_RDONLY), wo = opens(O_WRONLY);
	struct flock fl;

	CHECK(lockf(a, F_TLOCK, 10) == 0);
	CHECK(lockf(a, F_TEST, 10) == 0);
	CHECK(lockf(a, F_ULOCK, 10) == 0);
	errno = 0;
	CHECK(lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == -1 &&
	      errno == EBADF);
	errno = 0;
	CHECK(lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1) == -1 &&
	      errno == EBADF);
	errno = 0;
	CHECK(lk(a, F_SETLK, 7, SEEK_SET, 0, 1) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(lk(a, F_SETLK, F_RDLCK, 9, 0, 1) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(lk(a, F_SETLK, F_RDLCK, SEEK_SET, -5, 1) == -1 &&
	      errno == EINVAL);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	fl.l_pid = 1;
	errno = 0;
	CHECK(fcntl(a, F_OFD_SETLK, &fl) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(fcntl(a, F_GETLK, (struct flock *)16) == -1 &&
	      errno == EFAULT);
	errno = 0;
	CHECK(lk(1000, F_SETLK, F_RDLCK, SEEK_SET, 0, 1) == -1 &&
	      errno == EBADF);
	close(a);
	close(ro);
	close(wo);
}

int main(void)
{
	mkdir("/tmp", 0777);	/* Amphi's root starts empty */
	snprintf(path, sizeof(path), "/tmp/file-locks-%d", (int)getpid());
	test_process_locks();
	test_ofd_locks();
	test_ofd_wait();
	test_flock();
	test_lockf_and_errors();
	test_wait_eintr();
	test_wait_restart(F_SETLKW, 0);
	test_wait_restart(F_OFD_SETLKW, 0);
	test_wait_restart(0, 1);
	unlink(path);
	return posix_check_summary();
}
