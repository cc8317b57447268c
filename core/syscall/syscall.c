/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The system-call table and its dispatch.
 *
 * Handlers are link-time entries (uk/syscall.h); the first call of a
 * number, or an early init for all of them, looks its entry up and
 * stores the handler in fast[n]. A call is then a bounds check, a load
 * and an indirect call. Everything else takes the slow path: a number
 * not looked up yet, one without a handler (-ENOSYS, named once on the
 * console) and one being traced (fast[n] stays NULL while it is).
 */
#include <errno.h>
#include <string.h>
#include <uk/init.h>
#include <uk/linktab.h>
#include <uk/assert.h>
#include <uk/param.h>
#include <uk/print.h>
#include <uk/signal.h>
#include <uk/syscall.h>
#include <uk/thread.h>
#include <uk/arch/regs.h>
#include <uk/plat/lcpu.h>
#include "syscall_impl.h"

UK_LINKTAB_DEFINE(const struct uk_syscall_entry, uk_syscalls, "syscall");

/* What the fast path calls; NULL: take the slow path. */
static uk_syscall_fn_t fast[UK_SYSCALL_NR_MAX];
/* Every handler, traced or not; NULL: none. */
static uk_syscall_fn_t handlers[UK_SYSCALL_NR_MAX];
static int table_ready;
/* Numbers already reported as not implemented. */
static unsigned long reported[UK_SYSCALL_NR_MAX / 64];
/* Numbers being traced. */
static unsigned long traced[UK_SYSCALL_NR_MAX / 64];

static int bit_test(const unsigned long *map, long n)
{
	return (__atomic_load_n(&map[n / 64], __ATOMIC_RELAXED) >> (n % 64))
		& 1;
}

/* Fills handlers[] from the link-time entries (once; any CPU may race
 * here before the init ran: each writes the same values). */
static void table_build(void)
{
	const struct uk_syscall_entry *e;

	uk_linktab_foreach(e, uk_syscalls) {
		/* -1: a call this architecture does not have (open on
		 * arm64); its handler serves the kernel's own callers. */
		if (e->nr == -1)
			continue;
		if (e->nr < 0 || e->nr >= UK_SYSCALL_NR_MAX)
			UK_CRASH("syscall entry %ld out of range\n", e->nr);
		if (handlers[e->nr] && handlers[e->nr] != e->fn)
			UK_CRASH("two handlers for syscall %s (%ld)\n",
				 uk_syscall_name(e->nr), e->nr);
		WRITE_ONCE(handlers[e->nr], e->fn);
	}
	__atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
}

/* Makes fast[] agree with handlers[] and traced[]. */
static void fast_update(void)
{
	long n;

	for (n = 0; n < UK_SYSCALL_NR_MAX; n++)
		WRITE_ONCE(fast[n], bit_test(traced, n) ? NULL : handlers[n]);
}

static long not_implemented(long n)
{
	const char *name = uk_syscall_name(n);
	/* Unsigned: n may be negative (no bit used then). */
	unsigned long bit = 1UL << ((unsigned long)n % 64);

	if (n >= 0 && n < UK_SYSCALL_NR_MAX &&
	    !(__atomic_fetch_or(&reported[n / 64], bit, __ATOMIC_RELAXED) &
	      bit))
		uk_printk_raw("amphi: syscall '%s' (%ld) not implemented\n",
			      name ? name : "?", n);
	return -ENOSYS;
}

static __noinline long slow(long n, long a1, long a2, long a3, long a4,
			    long a5, long a6)
{
	uk_syscall_fn_t fn;

	if ((unsigned long)n >= UK_SYSCALL_NR_MAX)
		return not_implemented(n);
	if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE))
		table_build();
	fn = READ_ONCE(handlers[n]);
	if (unlikely(bit_test(traced, n)))
		return uk_syscall_traced(n, fn, a1, a2, a3, a4, a5, a6);
	if (!fn)
		return not_implemented(n);
	WRITE_ONCE(fast[n], fn);
	return fn(a1, a2, a3, a4, a5, a6);
}

static inline long dispatch(long n, long a1, long a2, long a3, long a4,
			    long a5, long a6)
{
	uk_syscall_fn_t fn;

	if (likely((unsigned long)n < UK_SYSCALL_NR_MAX)) {
		fn = READ_ONCE(fast[n]);
		if (likely(fn != NULL))
			return fn(a1, a2, a3, a4, a5, a6);
	}
	return slow(n, a1, a2, a3, a4, a5, a6);
}

/* The end of a call in a thread a signal waits for: delivers it, and
 * runs the call again as long as it was interrupted and restartable. */
static __noinline long signal_end(long n, long rc, long a1, long a2,
				  long a3, long a4, long a5, long a6)
{
	while (uk_signal_syscall_end(&rc))
		rc = dispatch(n, a1, a2, a3, a4, a5, a6);
	return rc;
}

long uk_syscall6(long n, long a1, long a2, long a3, long a4, long a5,
		 long a6)
{
	long rc = dispatch(n, a1, a2, a3, a4, a5, a6);

	if (unlikely(uk_signal_waiting() || rc == -UK_ERESTARTSYS))
		return signal_end(n, rc, a1, a2, a3, a4, a5, a6);
	return rc;
}

#if defined(__x86_64__)
#define REGS_NR(r)	((r)->orig_rax)
#define REGS_ARGS(r)	(r)->rdi, (r)->rsi, (r)->rdx, (r)->r10, (r)->r8, (r)->r9
#elif defined(__aarch64__)
#define REGS_NR(r)	((r)->x[8])
#define REGS_ARGS(r)	(r)->x[0], (r)->x[1], (r)->x[2], (r)->x[3], \
			(r)->x[4], (r)->x[5]
#endif

/* Serves the call regs describes; ectx (NULL: none) is the FPU/SIMD
 * state its entry saved, which signal handlers see and change. */
static void entry_regs(struct __regs *regs, void *ectx)
{
	struct uk_thread *t = uk_thread_current();
	struct __regs *outer = NULL;
	void *outer_ectx = NULL;

	/* Nested (a handler's signal handler calls again): keep the outer
	 * frame for when this one is done. */
	if (t) {
		outer = t->syscall_regs;
		outer_ectx = t->syscall_ectx;
		t->syscall_regs = regs;
		t->syscall_ectx = ectx;
	}
	ukarch_regs_ret(regs) =
		(unsigned long)uk_syscall6((long)REGS_NR(regs),
					   REGS_ARGS(regs));
	/* The thread may differ (a clone child never gets here; this one
	 * may have moved CPUs): look again. */
	t = uk_thread_current();
	if (t) {
		t->syscall_regs = outer;
		t->syscall_ectx = outer_ectx;
	}
}

void uk_syscall_entry_regs(struct __regs *regs)
{
	entry_regs(regs, NULL);
}

/*
 * Kernel code reaches musl's per-thread data through the thread pointer
 * (errno, the locale, stdio's lock owner): with a binary's in place it
 * would read and write the binary's own thread block (glibc's pointer
 * guard sits where musl keeps errno). So the call runs on the thread's
 * own, and the binary's (which arch_prctl may set meanwhile, in
 * t->utlsp) goes back on return. The outer value is kept for a call
 * nested in a signal handler the kernel runs.
 */
void uk_syscall_entry_trapped(struct __regs *regs, void *ectx)
{
	struct uk_thread *t = uk_thread_current();
	__uptr user, outer;

	if (!t || !t->ktlsp) {
		entry_regs(regs, ectx);
		return;
	}
	user = ukplat_tlsp_get();
	outer = t->utlsp;
	t->utlsp = user;
	if (user != t->ktlsp)
		ukplat_tlsp_set(t->ktlsp);
	entry_regs(regs, ectx);
	/* The same thread (perhaps on another CPU now). */
	user = t->utlsp;
	t->utlsp = outer;
	if (user != t->ktlsp)
		ukplat_tlsp_set(user);
}

struct __regs *uk_syscall_regs(void)
{
	struct uk_thread *t = uk_thread_current();

	return t ? t->syscall_regs : NULL;
}

long uk_syscall_not_implemented(long n)
{
	return not_implemented(n);
}

int uk_syscall_implemented(long n)
{
	if (n < 0 || n >= UK_SYSCALL_NR_MAX)
		return 0;
	if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE))
		table_build();
	return READ_ONCE(handlers[n]) != NULL;
}

const char *uk_syscall_name(long n)
{
	if (n < 0 || n >= UK_SYSCALL_NR_MAX)
		return NULL;
	return uk_syscall_names[n];
}

long uk_syscall_nr(const char *name)
{
	long n;

	for (n = 0; n < UK_SYSCALL_NR_MAX; n++)
		if (uk_syscall_names[n] && !strcmp(uk_syscall_names[n], name))
			return n;
	return -1;
}

/* Sets traced[] from spec; returns 0 or -EINVAL. */
static int trace_parse(const char *spec, unsigned long *map)
{
	char name[32];
	const char *p = spec, *end;
	long n;
	size_t len;

	memset(map, 0, sizeof(traced));
	if (!strcmp(spec, "0") || !*spec)
		return 0;
	if (!strcmp(spec, "1") || !strcmp(spec, "all")) {
		memset(map, 0xff, sizeof(traced));
		return 0;
	}
	while (*p) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			n = uk_syscall_nr(name);
		} else {
			n = -1;
		}
		if (n < 0) {
			uk_printk_raw("amphi: syscall.trace: no system call "
				      "named '%.*s'\n", (int)MIN(len, 64), p);
			return -EINVAL;
		}
		map[n / 64] |= 1UL << (n % 64);
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int uk_syscall_trace_set(const char *spec)
{
	unsigned long map[UK_SYSCALL_NR_MAX / 64];
	unsigned int i;
	int rc;

	rc = trace_parse(spec, map);
	if (rc < 0)
		return rc;
	if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE))
		table_build();
	for (i = 0; i < ARRAY_SIZE(traced); i++)
		__atomic_store_n(&traced[i], map[i], __ATOMIC_RELAXED);
	fast_update();
	return 0;
}

static const char *trace_spec;
UK_PARAM_STR("syscall.trace", trace_spec,
	     "print system calls: 1 (all) or names, e.g. openat,read");

static int syscall_init(struct uk_init_ctx *ctx)
{
	table_build();
	if (trace_spec && uk_syscall_trace_set(trace_spec) < 0)
		uk_pr_warn("syscall.trace=%s ignored\n", trace_spec);
	fast_update();
	return 0;
}
uk_early_initcall_prio(syscall_init, NULL, 0);
