/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link-time tables: arrays whose entries are defined anywhere in the
 * kernel and collected by the linker. An entry lives in a section named
 * ".uk_tab.<table>.<key>"; the guest link (tools/guest.lds) sorts all such
 * sections by name, so entries of one table end up contiguous and ordered
 * by key. UK_LINKTAB_DEFINE() places two zero-sized markers around them
 * (keys "!" and "~" sort before and after any digit or identifier).
 *
 * Entries must be exactly their alignment in size (8 or 16 bytes) so the
 * linker adds no padding between them.
 */
#ifndef __UK_LINKTAB_H__
#define __UK_LINKTAB_H__

#include <uk/essentials.h>

#define UK_LINKTAB_SECTION(table, key)	".uk_tab." table "." key

/* Defines table's begin/end markers; in exactly one C file. */
#define UK_LINKTAB_DEFINE(type, sym, table)				\
	type UK_CONCAT(sym, _begin)[0] __used __section(				\
		UK_LINKTAB_SECTION(table, "!")) __align(sizeof(type));	\
	type UK_CONCAT(sym, _end)[0] __used __section(				\
		UK_LINKTAB_SECTION(table, "~")) __align(sizeof(type))

/* Declares the markers of a table defined elsewhere. */
#define UK_LINKTAB_DECLARE(type, sym)					\
	extern type UK_CONCAT(sym, _begin)[];					\
	extern type UK_CONCAT(sym, _end)[]

/* Places one entry (an initialised variable of type) in the table. */
#define UK_LINKTAB_ENTRY(type, var, table, key)				\
	static type var __used __section(UK_LINKTAB_SECTION(table, key))\
		__align(sizeof(type))

/* The table's first entry. The markers are empty arrays and the compiler
 * may assume that no element of one is ever read (gcc then miscompiles
 * loops over the table): the asm hides where the pointer comes from. */
#define uk_linktab_begin(sym)						\
	({								\
		__typeof__(&UK_CONCAT(sym, _begin)[0]) __lt_p =		\
			UK_CONCAT(sym, _begin);				\
		__asm__("" : "+r"(__lt_p));				\
		__lt_p;							\
	})

#define uk_linktab_foreach(it, sym)					\
	for ((it) = uk_linktab_begin(sym); (it) < UK_CONCAT(sym, _end); (it)++)

#endif /* __UK_LINKTAB_H__ */
