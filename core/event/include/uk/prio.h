/* SPDX-License-Identifier: BSD-3-Clause */
/* Priorities of link-time table entries: 0 runs first, 9 last. */
#ifndef __UK_PRIO_H__
#define __UK_PRIO_H__

#define UK_PRIO_EARLIEST	0
#define UK_PRIO_LATEST		9
#define UK_PRIO_DEFAULT		5
/* UK_PRIO_AFTER(p)/BEFORE(p): the neighbouring priority; a priority is a
 * single digit because it becomes part of a section name. */
#define UK_PRIO_AFTER(p)	UK_PRIO_AFTER_(p)
#define UK_PRIO_BEFORE(p)	UK_PRIO_BEFORE_(p)
#define UK_PRIO_AFTER_(p)	UK_PRIO_AFTER_##p
#define UK_PRIO_BEFORE_(p)	UK_PRIO_BEFORE_##p
#define UK_PRIO_AFTER_0		1
#define UK_PRIO_AFTER_1		2
#define UK_PRIO_AFTER_2		3
#define UK_PRIO_AFTER_3		4
#define UK_PRIO_AFTER_4		5
#define UK_PRIO_AFTER_5		6
#define UK_PRIO_AFTER_6		7
#define UK_PRIO_AFTER_7		8
#define UK_PRIO_AFTER_8		9
#define UK_PRIO_BEFORE_1	0
#define UK_PRIO_BEFORE_2	1
#define UK_PRIO_BEFORE_3	2
#define UK_PRIO_BEFORE_4	3
#define UK_PRIO_BEFORE_5	4
#define UK_PRIO_BEFORE_6	5
#define UK_PRIO_BEFORE_7	6
#define UK_PRIO_BEFORE_8	7
#define UK_PRIO_BEFORE_9	8

#endif /* __UK_PRIO_H__ */
