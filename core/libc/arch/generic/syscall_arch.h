/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * musl's system calls on Amphi, every architecture: this file takes the
 * place of musl's arch/<arch>/syscall_arch.h (the include path puts it
 * first). A system call is a plain C call of the kernel's table,
 * uk_syscall6() (core/syscall), with Linux's numbers for the
 * architecture: no trap, no system-call instruction. musl's own assembly
 * that issues one is replaced too (arch/<arch>/: clone, the cancellable
 * call, sigreturn; glue.c).
 */
#define __SYSCALL_LL_E(x) (x)
#define __SYSCALL_LL_O(x) (x)

long uk_syscall6(long, long, long, long, long, long, long);

static __inline long __syscall0(long n)
{
	return uk_syscall6(n, 0, 0, 0, 0, 0, 0);
}

static __inline long __syscall1(long n, long a1)
{
	return uk_syscall6(n, a1, 0, 0, 0, 0, 0);
}

static __inline long __syscall2(long n, long a1, long a2)
{
	return uk_syscall6(n, a1, a2, 0, 0, 0, 0);
}

static __inline long __syscall3(long n, long a1, long a2, long a3)
{
	return uk_syscall6(n, a1, a2, a3, 0, 0, 0);
}

static __inline long __syscall4(long n, long a1, long a2, long a3, long a4)
{
	return uk_syscall6(n, a1, a2, a3, a4, 0, 0);
}

static __inline long __syscall5(long n, long a1, long a2, long a3, long a4,
				long a5)
{
	return uk_syscall6(n, a1, a2, a3, a4, a5, 0);
}

static __inline long __syscall6(long n, long a1, long a2, long a3, long a4,
				long a5, long a6)
{
	return uk_syscall6(n, a1, a2, a3, a4, a5, a6);
}

/* No VDSO_USEFUL: clock_gettime is a call of the kernel already. */

#define IPC_64 0
