/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Events with link-time handlers.
 *
 *   UK_EVENT(name);                          in one C file: the event
 *   UK_EVENT_HANDLER_PRIO(name, fn, prio);   anywhere: a handler
 *   uk_raise_event(name, data);              call the handlers
 *
 * Handlers run in priority order (UK_PRIO_EARLIEST first; equal
 * priorities in link order) until one returns UK_EVENT_HANDLED. A handler
 * that did its work but lets later ones run returns UK_EVENT_HANDLED_CONT.
 */
#ifndef __UK_EVENT_H__
#define __UK_EVENT_H__

#include <uk/essentials.h>
#include <uk/linktab.h>
#include <uk/prio.h>

#define UK_EVENT_NOT_HANDLED	0	/* handler did nothing */
#define UK_EVENT_HANDLED	1	/* handled; stop here */
#define UK_EVENT_HANDLED_CONT	2	/* handled; run later handlers too */

typedef int (*uk_event_handler_t)(void *data);

struct uk_event_handler {
	uk_event_handler_t fn;
};

struct uk_event {
	const struct uk_event_handler *begin;
	const struct uk_event_handler *end;
};

#define __UK_EVENT_TAB(name)		"event." STRINGIFY(name)
#define __UK_EVENT_SYM(name)		UK_CONCAT(__uk_event_tab_, name)

/* Defines event name (its handler table); once, in one C file. */
#define UK_EVENT(name)							\
	UK_LINKTAB_DEFINE(const struct uk_event_handler,		\
			  __UK_EVENT_SYM(name), __UK_EVENT_TAB(name));	\
	const struct uk_event UK_CONCAT(__uk_event_, name) = {		\
		UK_CONCAT(__UK_EVENT_SYM(name), _begin),				\
		UK_CONCAT(__UK_EVENT_SYM(name), _end),				\
	}

/* Declares an event defined in another file. */
#define UK_EVENT_DECLARE(name)						\
	extern const struct uk_event UK_CONCAT(__uk_event_, name)

/* Returns a pointer to event name, for uk_raise_event_ptr(). */
#define UK_EVENT_PTR(name)	(&UK_CONCAT(__uk_event_, name))

/* Registers fn as a handler of event name at priority prio (0..9). */
#define UK_EVENT_HANDLER_PRIO(name, fn, prio)				\
	UK_LINKTAB_ENTRY(const struct uk_event_handler,			\
			 UK_CONCAT(__uk_evh_##name##_, fn),		\
			 __UK_EVENT_TAB(name), STRINGIFY(prio)) = { (fn) }

#define UK_EVENT_HANDLER(name, fn)					\
	UK_EVENT_HANDLER_PRIO(name, fn, UK_PRIO_DEFAULT)

/* Runs the handlers of event e with data. Returns UK_EVENT_HANDLED if one
 * handled it (a HANDLED_CONT counts as handled), else NOT_HANDLED; a
 * negative value a handler returned stops the run and is returned. */
int uk_raise_event_ptr(const struct uk_event *e, void *data);

#define uk_raise_event(name, data)					\
	({								\
		UK_EVENT_DECLARE(name);					\
		uk_raise_event_ptr(UK_EVENT_PTR(name), (data));		\
	})

#endif /* __UK_EVENT_H__ */
