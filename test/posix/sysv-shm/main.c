/*
 * System V shared memory (svipc(7), shmget(2), shmat(2), shmctl(2)):
 * keys (IPC_PRIVATE, IPC_CREAT, IPC_EXCL) and the size checks, two
 * attachments of a segment seeing each other's stores, shmat at a given
 * address (SHM_RND, SHM_REMAP, EINVAL when misaligned or in use),
 * SHM_RDONLY (a store is SIGSEGV), shm_nattch counting attachments
 * (shmdt and munmap), IPC_RMID of an attached segment (SHM_DEST, gone
 * with its last attachment), IPC_STAT/IPC_SET/IPC_INFO/SHM_INFO/
 * SHM_STAT and the calls' errors. Segments are IPC_PRIVATE or keyed by
 * the pid (the host's IPC namespace is shared) and removed at the end.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "../posix-check.h"

#define PAGE	4096

static key_t key;

static unsigned long nattch(int id)
{
	struct shmid_ds ds;

	if (shmctl(id, IPC_STAT, &ds))
		return (unsigned long)-1;
	return ds.shm_nattch;
}

static void check_get(void)
{
	struct shmid_ds ds;
	int id;

	CHECK(shmget(IPC_PRIVATE, 0, 0600) == -1 && errno == EINVAL);
	CHECK(shmget(IPC_PRIVATE, SIZE_MAX, 0600) == -1 && errno == EINVAL);
	/* Larger than memory (Linux's overcommit heuristic). */
	CHECK(shmget(IPC_PRIVATE, (size_t)1 << 46, 0600) == -1 &&
	      errno == ENOMEM);
	CHECK(shmget(key, PAGE, 0600) == -1 && errno == ENOENT);
	id = shmget(key, 5000, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(id >= 0);
	CHECK(shmget(key, 5000, IPC_CREAT | IPC_EXCL | 0600) == -1 &&
	      errno == EEXIST);
	CHECK(shmget(key, 5000, 0) == id);
	CHECK(shmget(key, 0, 0) == id);
	CHECK(shmget(key, 100, IPC_CREAT | 0600) == id);
	CHECK(shmget(key, 5001, 0) == -1 && errno == EINVAL);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0);
	CHECK(ds.shm_segsz == 5000 && ds.shm_nattch == 0);
	CHECK((ds.shm_perm.mode & 0777) == 0600);
	CHECK(ds.shm_perm.__key == key);
	CHECK(ds.shm_perm.uid == geteuid() && ds.shm_perm.cuid == geteuid());
	CHECK(ds.shm_cpid == getpid() && ds.shm_lpid == 0);
	CHECK(ds.shm_atime == 0 && ds.shm_dtime == 0 && ds.shm_ctime != 0);
	ds.shm_perm.mode = 0640;
	CHECK(shmctl(id, IPC_SET, &ds) == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 &&
	      (ds.shm_perm.mode & 0777) == 0640);
	/* SHM_STAT takes the table index and returns the id. */
	CHECK(shmctl(id % 32768, SHM_STAT, &ds) == id);
	CHECK(shmctl(id, IPC_RMID, NULL) == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL);
	CHECK(shmctl(id, IPC_RMID, NULL) == -1 && errno == EINVAL);
	CHECK(shmget(key, 0, 0) == -1 && errno == ENOENT);
}

static void check_share(void)
{
	int id = shmget(IPC_PRIVATE, 5000, 0600);
	char *a, *b;

	CHECK(id >= 0);
	a = shmat(id, NULL, 0);
	b = shmat(id, NULL, 0);
	CHECK(a != (void *)-1 && b != (void *)-1 && a != b);
	CHECK(((uintptr_t)a % PAGE) == 0 && ((uintptr_t)b % PAGE) == 0);
	CHECK(a[0] == 0 && a[4999] == 0);
	strcpy(a, "hello");
	a[4999] = 'z';
	b[PAGE + 1] = 'y';
	CHECK(strcmp(b, "hello") == 0 && b[4999] == 'z' && a[PAGE + 1] == 'y');
	CHECK(nattch(id) == 2);
	CHECK(shmdt(b) == 0);
	CHECK(nattch(id) == 1);
	CHECK(shmdt(b) == -1 && errno == EINVAL);
	CHECK(shmdt(a + 1) == -1 && errno == EINVAL);
	/* An attachment that munmap takes away counts no more. */
	b = shmat(id, NULL, 0);
	CHECK(b != (void *)-1 && b[4999] == 'z');
	CHECK(nattch(id) == 2);
	CHECK(munmap(b, 2 * PAGE) == 0);
	CHECK(nattch(id) == 1);
	CHECK(shmdt(a) == 0);
	CHECK(nattch(id) == 0);
	/* The data lives as long as the segment. */
	a = shmat(id, NULL, 0);
	CHECK(a != (void *)-1 && strcmp(a, "hello") == 0);
	CHECK(shmdt(a) == 0);
	CHECK(shmctl(id, IPC_RMID, NULL) == 0);
}

static void check_addresses(void)
{
	int id = shmget(IPC_PRIVATE, 2 * PAGE, 0600);
	char *area, *p, *q;

	CHECK(id >= 0);
	/* A free range of 4 pages to attach in. */
	area = mmap(NULL, 4 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	CHECK(area != MAP_FAILED);
	CHECK(munmap(area, 4 * PAGE) == 0);
	CHECK(shmat(id, area + 1, 0) == (void *)-1 && errno == EINVAL);
	p = shmat(id, area + 1, SHM_RND);
	CHECK(p == area);
	p[0] = 'a';
	/* In use: EINVAL without SHM_REMAP, replaced with it. */
	CHECK(shmat(id, area, 0) == (void *)-1 && errno == EINVAL);
	CHECK(shmat(id, area + PAGE, 0) == (void *)-1 && errno == EINVAL);
	CHECK(shmat(id, NULL, SHM_REMAP) == (void *)-1 && errno == EINVAL);
	CHECK(nattch(id) == 1);
	q = shmat(id, area, SHM_REMAP);
	CHECK(q == area && q[0] == 'a');
	CHECK(nattch(id) == 1);
	CHECK(shmdt(area) == 0);
	CHECK(nattch(id) == 0);
	/* Over an anonymous mapping. */
	p = mmap(area, 2 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(p == area);
	p[0] = 'x';
	CHECK(shmat(id, area, 0) == (void *)-1 && errno == EINVAL);
	CHECK(shmat(id, area, SHM_REMAP) == area && area[0] == 'a');
	CHECK(shmdt(area) == 0);
	CHECK(shmctl(id, IPC_RMID, NULL) == 0);
}

static sigjmp_buf jump;
static volatile sig_atomic_t seen_sig, seen_code;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	seen_sig = sig;
	seen_code = si->si_code;
	siglongjmp(jump, 1);
}

static void check_rdonly(void)
{
	int id = shmget(IPC_PRIVATE, PAGE, 0600);
	volatile char *r;
	char *w;

	CHECK(id >= 0);
	w = shmat(id, NULL, 0);
	r = shmat(id, NULL, SHM_RDONLY);
	CHECK(w != (void *)-1 && r != (void *)-1);
	w[10] = 'w';
	CHECK(r[10] == 'w');
	CHECK(set_action(SIGSEGV, on_segv, 0) == 0);
	if (!sigsetjmp(jump, 1))
		r[10] = 'r';
	CHECK(seen_sig == SIGSEGV && seen_code == SEGV_ACCERR);
	CHECK(w[10] == 'w');
	signal(SIGSEGV, SIG_DFL);
	CHECK(shmdt((void *)r) == 0 && shmdt(w) == 0);
	CHECK(shmctl(id, IPC_RMID, NULL) == 0);
}

/* IPC_RMID of an attached segment: SHM_DEST, the key private, still
 * usable (and attachable, as Linux allows) until the last detach. */
static void check_rmid(void)
{
	int id = shmget(key, PAGE, IPC_CREAT | IPC_EXCL | 0600);
	struct shmid_ds ds;
	char *a, *b;

	CHECK(id >= 0);
	a = shmat(id, NULL, 0);
	CHECK(a != (void *)-1);
	CHECK(shmctl(id, IPC_RMID, NULL) == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0);
	CHECK((ds.shm_perm.mode & SHM_DEST) && ds.shm_perm.__key == 0 &&
	      ds.shm_nattch == 1);
	CHECK(shmget(key, 0, 0) == -1 && errno == ENOENT);
	a[0] = 'q';
	b = shmat(id, NULL, 0);
	CHECK(b != (void *)-1 && b[0] == 'q');
	CHECK(shmdt(a) == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1);
	CHECK(shmdt(b) == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL);
	CHECK(shmat(id, NULL, 0) == (void *)-1 && errno == EINVAL);
}

static void check_ctl(void)
{
	struct shminfo si;
	struct shm_info in;
	struct shmid_ds ds;
	int id = shmget(IPC_PRIVATE, 3 * PAGE, 0600);

	CHECK(id >= 0);
	CHECK(shmctl(id, IPC_INFO, (struct shmid_ds *)&si) >= 0);
	CHECK(si.shmmni == 4096 && si.shmmin == 1);
	CHECK(si.shmmax == ~0UL - (1UL << 24) && si.shmall == si.shmmax);
	CHECK(shmctl(id, SHM_INFO, (struct shmid_ds *)&in) >= id % 32768);
	CHECK(in.used_ids >= 1 && in.shm_tot >= 3);
	CHECK(shmctl(id, 999, &ds) == -1 && errno == EINVAL);
	CHECK(shmctl(-1, IPC_STAT, &ds) == -1 && errno == EINVAL);
	CHECK(shmctl(id, IPC_STAT, (void *)1) == -1 && errno == EFAULT);
	CHECK(shmctl(id, IPC_SET, (void *)1) == -1 && errno == EFAULT);
	CHECK(shmctl(id + 32768, IPC_STAT, &ds) == -1 && errno == EINVAL);
	CHECK(shmat(-1, NULL, 0) == (void *)-1 && errno == EINVAL);
	CHECK(shmat(id + 32768, NULL, 0) == (void *)-1 && errno == EINVAL);
	CHECK(shmctl(id, SHM_LOCK, NULL) == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 &&
	      (ds.shm_perm.mode & SHM_LOCKED));
	CHECK(shmctl(id, SHM_UNLOCK, NULL) == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 &&
	      !(ds.shm_perm.mode & SHM_LOCKED));
	CHECK(shmctl(id, IPC_RMID, NULL) == 0);
}

int main(void)
{
	key = (key_t)(0x5a000000 | (getpid() & 0xffffff));
	check_get();
	check_share();
	check_addresses();
	check_rdonly();
	check_rmid();
	check_ctl();
	return posix_check_summary();
}
