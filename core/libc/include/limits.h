/* SPDX-License-Identifier: BSD-3-Clause */
/* Sizes of integer types (LP64) and POSIX limits. */
#ifndef _LIMITS_H
#define _LIMITS_H

#define CHAR_BIT	8
#define MB_LEN_MAX	16

#define SCHAR_MIN	(-128)
#define SCHAR_MAX	127
#define UCHAR_MAX	255
#ifdef __CHAR_UNSIGNED__
#define CHAR_MIN	0
#define CHAR_MAX	UCHAR_MAX
#else
#define CHAR_MIN	SCHAR_MIN
#define CHAR_MAX	SCHAR_MAX
#endif

#define SHRT_MIN	(-32768)
#define SHRT_MAX	32767
#define USHRT_MAX	65535

#define INT_MIN		(-INT_MAX - 1)
#define INT_MAX		2147483647
#define UINT_MAX	4294967295U

#define LONG_MAX	9223372036854775807L
#define LONG_MIN	(-LONG_MAX - 1L)
#define ULONG_MAX	18446744073709551615UL

#define LLONG_MAX	9223372036854775807LL
#define LLONG_MIN	(-LLONG_MAX - 1LL)
#define ULLONG_MAX	18446744073709551615ULL

#define LONG_BIT	64
#define WORD_BIT	32

#define SSIZE_MAX	LONG_MAX

/* POSIX limits of this system. */
#define PATH_MAX	4096
#define NAME_MAX	255
#define PIPE_BUF	4096
#define IOV_MAX		1024
#define HOST_NAME_MAX	64
#define LOGIN_NAME_MAX	256
#define TTY_NAME_MAX	32
#define LINE_MAX	2048
#define NL_ARGMAX	9
#define NZERO		20
#define PAGESIZE	4096
#define PAGE_SIZE_LIMIT	PAGESIZE
#define PTHREAD_KEYS_MAX		1024
#define PTHREAD_STACK_MIN		16384
#define PTHREAD_DESTRUCTOR_ITERATIONS	4
#define SYMLOOP_MAX	40
#define ARG_MAX		131072
#define OPEN_MAX	1024
#define CHILD_MAX	1024
#define NGROUPS_MAX	65536
#define RTSIG_MAX	32
#define SEM_VALUE_MAX	0x7fffffff

/* POSIX minimum maxima. */
#define _POSIX_PATH_MAX		256
#define _POSIX_NAME_MAX		14
#define _POSIX_PIPE_BUF		512
#define _POSIX_OPEN_MAX		20
#define _POSIX_ARG_MAX		4096
#define _POSIX_HOST_NAME_MAX	255
#define _POSIX_SSIZE_MAX	32767
#define _XOPEN_IOV_MAX		16

#endif /* _LIMITS_H */
