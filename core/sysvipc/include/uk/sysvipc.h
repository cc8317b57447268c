/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * System V IPC (svipc(7)): shared memory segments, semaphore sets and
 * message queues, as Linux's for one process running as root. The calls
 * (shmget, shmat, shmdt, shmctl, semget, semop, semtimedop, semctl,
 * msgget, msgsnd, msgrcv, msgctl) are system-call handlers; this header
 * only gives the limits, which are Linux's defaults (ipcs -l).
 */
#ifndef __UK_SYSVIPC_H__
#define __UK_SYSVIPC_H__

/* Ids are seq * UK_IPC_MNI + index, as Linux's. */
#define UK_IPC_MNI		32768

/* Bytes a segment, and pages all segments take. */
#define UK_SHMMAX		(~0UL - (1UL << 24))
#define UK_SHMALL		(~0UL - (1UL << 24))
#define UK_SHMMNI		4096	/* segments */

#define UK_SEMMSL		32000	/* semaphores a set */
#define UK_SEMMNI		32000	/* sets */
#define UK_SEMMNS		(UK_SEMMSL * UK_SEMMNI) /* all sets */
#define UK_SEMOPM		500	/* operations a semop */
#define UK_SEMVMX		32767	/* largest value */

#define UK_MSGMAX		8192	/* bytes a message */
#define UK_MSGMNB		16384	/* default bytes a queue */
#define UK_MSGMNI		32000	/* queues */

#endif /* __UK_SYSVIPC_H__ */
