/* SPDX-License-Identifier: BSD-3-Clause */
/* Time of day in microseconds (core/libc/time.c). */
#ifndef _SYS_TIME_H
#define _SYS_TIME_H

#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __timeval_defined
#define __timeval_defined
struct timeval {
	time_t tv_sec;
	suseconds_t tv_usec;
};
#endif

struct timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

/* Stores the wall-clock time in *tv (may be NULL); *tz (may be NULL) gets
 * UTC. Returns 0. */
int gettimeofday(struct timeval *tv, void *tz);

#define timerisset(tv)	((tv)->tv_sec || (tv)->tv_usec)
#define timerclear(tv)	((tv)->tv_sec = (tv)->tv_usec = 0)
#define timercmp(a, b, CMP)						\
	(((a)->tv_sec == (b)->tv_sec) ? ((a)->tv_usec CMP (b)->tv_usec) :	\
					((a)->tv_sec CMP (b)->tv_sec))
#define timeradd(a, b, res)						\
	do {								\
		(res)->tv_sec = (a)->tv_sec + (b)->tv_sec;		\
		(res)->tv_usec = (a)->tv_usec + (b)->tv_usec;		\
		if ((res)->tv_usec >= 1000000) {			\
			++(res)->tv_sec;				\
			(res)->tv_usec -= 1000000;			\
		}							\
	} while (0)
#define timersub(a, b, res)						\
	do {								\
		(res)->tv_sec = (a)->tv_sec - (b)->tv_sec;		\
		(res)->tv_usec = (a)->tv_usec - (b)->tv_usec;		\
		if ((res)->tv_usec < 0) {				\
			--(res)->tv_sec;				\
			(res)->tv_usec += 1000000;			\
		}							\
	} while (0)

#ifdef __cplusplus
}
#endif

#endif /* _SYS_TIME_H */
