/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Intrusive circular doubly linked lists, Linux style: a struct uk_list
 * head, and a struct uk_list member in each element.
 */
#ifndef __UK_LIST_H__
#define __UK_LIST_H__

#include <uk/essentials.h>

struct uk_list {
	struct uk_list *next, *prev;
};

#define UK_LIST_HEAD_INIT(name)	{ &(name), &(name) }
#define UK_LIST_HEAD(name)	struct uk_list name = UK_LIST_HEAD_INIT(name)

static inline void uk_list_init(struct uk_list *head)
{
	head->next = head;
	head->prev = head;
}

static inline int uk_list_empty(const struct uk_list *head)
{
	return head->next == head;
}

static inline void uk_list_insert_(struct uk_list *e, struct uk_list *prev,
				   struct uk_list *next)
{
	next->prev = e;
	e->next = next;
	e->prev = prev;
	prev->next = e;
}

/* Adds e right after head (stack order). */
static inline void uk_list_add(struct uk_list *e, struct uk_list *head)
{
	uk_list_insert_(e, head, head->next);
}

/* Adds e before head, i.e. at the tail (queue order). */
static inline void uk_list_add_tail(struct uk_list *e, struct uk_list *head)
{
	uk_list_insert_(e, head->prev, head);
}

/* Unlinks e and makes it an empty list, so a second del is harmless. */
static inline void uk_list_del(struct uk_list *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	uk_list_init(e);
}

#define uk_list_entry(ptr, type, member)	__containerof(ptr, type, member)
#define uk_list_first_entry(head, type, member)				\
	uk_list_entry((head)->next, type, member)

#define uk_list_for_each(pos, head)					\
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define uk_list_for_each_safe(pos, n, head)				\
	for ((pos) = (head)->next, (n) = (pos)->next; (pos) != (head);	\
	     (pos) = (n), (n) = (pos)->next)

#endif /* __UK_LIST_H__ */
