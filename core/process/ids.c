/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Process, thread, user and group ids. There is one process, whose id is
 * its first thread's (UK_PROCESS_PID), like a container's init; one user
 * and group, root; one session and process group, led by the process.
 */
#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <uk/nofault.h>
#include <uk/process.h>
#include <uk/syscall.h>
#include <uk/thread.h>

UK_SYSCALL_R_DEFINE(pid_t, getpid)
{
	return UK_PROCESS_PID;
}

/* Started by nobody: as a container's init, the parent id is 0. */
UK_SYSCALL_R_DEFINE(pid_t, getppid)
{
	return 0;
}

UK_SYSCALL_R_DEFINE(pid_t, gettid)
{
	struct uk_thread *t = uk_thread_current();

	return t ? (pid_t)t->id : UK_PROCESS_PID;
}

UK_SYSCALL_R_DEFINE(uid_t, getuid)
{
	return 0;
}

UK_SYSCALL_R_DEFINE(uid_t, geteuid)
{
	return 0;
}

UK_SYSCALL_R_DEFINE(gid_t, getgid)
{
	return 0;
}

UK_SYSCALL_R_DEFINE(gid_t, getegid)
{
	return 0;
}

/* Real, effective and saved ids are all 0. */
static int ids_out(unsigned int *a, unsigned int *b, unsigned int *c)
{
	unsigned int zero = 0;

	if (uk_copy_to_user(a, &zero, sizeof(zero)) ||
	    uk_copy_to_user(b, &zero, sizeof(zero)) ||
	    uk_copy_to_user(c, &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}

UK_SYSCALL_R_DEFINE(int, getresuid, unsigned int *, ruid,
		    unsigned int *, euid, unsigned int *, suid)
{
	return ids_out(ruid, euid, suid);
}

UK_SYSCALL_R_DEFINE(int, getresgid, unsigned int *, rgid,
		    unsigned int *, egid, unsigned int *, sgid)
{
	return ids_out(rgid, egid, sgid);
}

/* Only root exists: becoming root (or -1, "unchanged") succeeds, any
 * other id is refused as for a user without the capability. */
static int id_set(unsigned int id)
{
	return id == 0 || id == (unsigned int)-1 ? 0 : -EPERM;
}

UK_SYSCALL_R_DEFINE(int, setuid, unsigned int, uid)
{
	return uid == (unsigned int)-1 ? -EINVAL : id_set(uid);
}

UK_SYSCALL_R_DEFINE(int, setgid, unsigned int, gid)
{
	return gid == (unsigned int)-1 ? -EINVAL : id_set(gid);
}

UK_SYSCALL_R_DEFINE(int, setreuid, unsigned int, ruid, unsigned int, euid)
{
	return id_set(ruid) ?: id_set(euid);
}

UK_SYSCALL_R_DEFINE(int, setregid, unsigned int, rgid, unsigned int, egid)
{
	return id_set(rgid) ?: id_set(egid);
}

UK_SYSCALL_R_DEFINE(int, setresuid, unsigned int, ruid,
		    unsigned int, euid, unsigned int, suid)
{
	return id_set(ruid) ?: id_set(euid) ?: id_set(suid);
}

UK_SYSCALL_R_DEFINE(int, setresgid, unsigned int, rgid,
		    unsigned int, egid, unsigned int, sgid)
{
	return id_set(rgid) ?: id_set(egid) ?: id_set(sgid);
}

/* No supplementary groups. */
UK_SYSCALL_R_DEFINE(int, getgroups, int, size, unsigned int *, list)
{
	return size < 0 ? -EINVAL : 0;
}

UK_SYSCALL_R_DEFINE(int, setgroups, size_t, size,
		    const unsigned int *, list)
{
	unsigned int g;
	size_t i;

	if (size > 65536)
		return -EINVAL;
	for (i = 0; i < size; i++) {
		if (uk_copy_from_user(&g, list + i, sizeof(g)))
			return -EFAULT;
		if (g != 0)
			return -EPERM;
	}
	return 0;
}

/* The process leads its session and process group. */
UK_SYSCALL_R_DEFINE(pid_t, getpgrp)
{
	return UK_PROCESS_PID;
}

static int own_pid(pid_t pid)
{
	return pid == 0 || pid == UK_PROCESS_PID;
}

UK_SYSCALL_R_DEFINE(pid_t, getpgid, pid_t, pid)
{
	return own_pid(pid) ? UK_PROCESS_PID : -ESRCH;
}

UK_SYSCALL_R_DEFINE(pid_t, getsid, pid_t, pid)
{
	return own_pid(pid) ? UK_PROCESS_PID : -ESRCH;
}

/* Already a session leader. */
UK_SYSCALL_R_DEFINE(pid_t, setsid)
{
	return -EPERM;
}

UK_SYSCALL_R_DEFINE(int, setpgid, pid_t, pid, pid_t, pgid)
{
	if (pgid < 0)
		return -EINVAL;
	if (!own_pid(pid))
		return -ESRCH;
	/* A session leader cannot change its group (Linux: EPERM). */
	return pgid == 0 || pgid == UK_PROCESS_PID ? 0 : -EPERM;
}

/* No child processes. */
UK_SYSCALL_R_DEFINE(pid_t, wait4, pid_t, pid, int *, status, int, options,
		    void *, rusage)
{
	return -ECHILD;
}

#define K_P_ALL		0
#define K_P_PID		1
#define K_P_PGID	2
#define K_P_PIDFD	3
#define K_WAITID_OPTS	(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | \
			 WCONTINUED | 0x20000000 | 0x40000000 | 0x80000000)

/* Linux's checks of idtype and id. No pidfd exists: as for Linux, an
 * fd that is no pidfd is EBADF. */
static int waitid_target(int idtype, int id)
{
	switch (idtype) {
	case K_P_ALL:
		return 0;
	case K_P_PID:
		return id <= 0 ? -EINVAL : 0;
	case K_P_PGID:
		return id < 0 ? -EINVAL : 0;
	case K_P_PIDFD:
		return id < 0 ? -EINVAL : -EBADF;
	}
	return -EINVAL;
}

/* The fields of siginfo Linux's waitid writes, at their offsets. */
struct k_waitid_head {
	int signo, err, code;
};

struct k_waitid_child {
	int pid;
	unsigned int uid;
	int status;
};

/*
 * No child processes: after the checks, -ECHILD; as on Linux, a given
 * siginfo gets the fields of "no child" (zeros) all the same.
 */
UK_SYSCALL_R_DEFINE(int, waitid, int, idtype, int, id, void *, infop,
		    unsigned int, options, void *, rusage)
{
	struct k_waitid_head head = { 0 };
	struct k_waitid_child child = { 0 };
	int rc;

	if ((options & ~(unsigned int)K_WAITID_OPTS) ||
	    !(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	rc = waitid_target(idtype, id);
	if (rc)
		return rc;
	if (infop && (uk_copy_to_user(infop, &head, sizeof(head)) ||
		      uk_copy_to_user((char *)infop + 16, &child,
				      sizeof(child))))
		return -EFAULT;
	return -ECHILD;
}
