/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Thread objects: creation, naming, exit, join, detach, kill and release.
 * Running them is the scheduler's job (sched.c).
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/boot.h>
#include <uk/arch/regs.h>
#include <uk/arch/valgrind.h>
#include <uk/errptr.h>
#include <uk/vmem.h>
#include <uk/wait.h>
#include "sched_impl.h"

/* Every thread, for uk_sched_dump() and uk_thread_for_each(), and by id
 * in a hash table, all under one lock. */
static UK_LIST_HEAD(all_threads);
static UK_SPINLOCK_DEFINE(all_threads_lock);
#define ID_BUCKETS	256
static struct uk_list id_table[ID_BUCKETS];
/* 1 is the boot thread "main": its id is the process id, as on Linux. */
static unsigned long next_thread_id = 2;

#define STACK_MAX	(1UL << 30)

void uk_thread_set_name(struct uk_thread *t, const char *name)
{
	strncpy(t->name, name ? name : "", sizeof(t->name) - 1);
	t->name[sizeof(t->name) - 1] = '\0';
}

static struct uk_list *id_bucket(unsigned long id)
{
	struct uk_list *b = &id_table[id % ID_BUCKETS];

	if (!b->next)
		uk_list_init(b);
	return b;
}

/* Under all_threads_lock. */
static struct uk_thread *find_id_locked(unsigned long id)
{
	struct uk_list *b = id_bucket(id), *pos;
	struct uk_thread *t;

	uk_list_for_each(pos, b) {
		t = uk_list_entry(pos, struct uk_thread, id_link);
		if (t->id == id)
			return t;
	}
	return NULL;
}

/* A free id: counting up, wrapping below Linux's pid_max (ids are ints
 * to apps), skipping ones in use. Under all_threads_lock. */
static unsigned long id_alloc(void)
{
	unsigned long id;

	do {
		id = next_thread_id++;
		if (next_thread_id >= UK_THREAD_ID_MAX)
			next_thread_id = 2;
	} while (find_id_locked(id));
	return id;
}

void thread_init_common(struct uk_thread *t, const char *name,
			unsigned long id)
{
	unsigned long flags;

	uk_thread_set_name(t, name);
	uk_spin_init(&t->lock);
	uk_waitq_init(&t->exit_wq);
	uk_list_init(&t->rq_link);
	uk_list_init(&t->sig_queue);
	t->state = UK_THREAD_NEW;
	uk_spin_lock_irqsave(&all_threads_lock, flags);
	t->id = id ? id : id_alloc();
	uk_list_add_tail(&t->all_link, &all_threads);
	uk_list_add_tail(&t->id_link, id_bucket(t->id));
	uk_spin_unlock_irqrestore(&all_threads_lock, flags);
}

struct uk_thread *uk_thread_find_id(unsigned long id)
{
	struct uk_thread *t;
	unsigned long flags;

	uk_spin_lock_irqsave(&all_threads_lock, flags);
	t = find_id_locked(id);
	uk_spin_unlock_irqrestore(&all_threads_lock, flags);
	return t;
}

int uk_thread_with_id(unsigned long id,
		      int (*fn)(struct uk_thread *t, void *arg), void *arg)
{
	struct uk_thread *t;
	unsigned long flags;
	int rc = -ESRCH;

	uk_spin_lock_irqsave(&all_threads_lock, flags);
	t = find_id_locked(id);
	if (t && t->state != UK_THREAD_EXITED)
		rc = fn(t, arg);
	uk_spin_unlock_irqrestore(&all_threads_lock, flags);
	return rc;
}

/* First code of every created thread, reached through the arch
 * trampoline right after the switch that started it. */
static void __noreturn thread_entry(long tl, long unused)
{
	struct uk_thread *t = (struct uk_thread *)tl;
	struct uk_thread *prev = sched_finish(t->sched);

	ukplat_lcpu_enable_irq();
	if (prev)
		thread_exited_off_cpu(prev);
	if (READ_ONCE(t->kill_pending))
		uk_thread_exit(-1);
	t->fn(t->arg);
	uk_thread_exit(0);
}

/* First code of a thread made by uk_thread_create_regs(): resumes the
 * registers it was given, stored on its stack. */
static void __noreturn thread_regs_entry(long tl, long rl)
{
	struct uk_thread *t = (struct uk_thread *)tl;
	struct uk_thread *prev = sched_finish(t->sched);

	ukplat_lcpu_enable_irq();
	if (prev)
		thread_exited_off_cpu(prev);
	if (READ_ONCE(t->kill_pending))
		uk_thread_exit(-1);
	ukarch_regs_resume((const struct __regs *)rl);
}

/* Stacks are VMAs with guard pages, so an overflow is a fault that names
 * the thread instead of silent corruption of its neighbour's memory. A
 * few freed stacks are kept, already paged in, for the next threads: a
 * fresh stack costs a VMA, a page fault and host mmaps (sim) or page-table
 * updates (metal). */
#define STACK_GUARDS	(UK_VMA_STACK_GUARD_BOTTOM + UK_VMA_STACK_GUARD_TOP)
#define STACK_CACHE_MAX	16

static struct {
	__vaddr_t vma;
	__sz size;
} stack_cache[STACK_CACHE_MAX];
static unsigned int stack_cache_len;
static UK_SPINLOCK_DEFINE(stack_cache_lock);

static void stack_set(struct uk_thread *t, __vaddr_t vma)
{
	t->stack_vma = vma;
	t->stack = (void *)(vma + UK_VMA_STACK_GUARD_BOTTOM * PAGE_SIZE);
}

static int stack_from_cache(struct uk_thread *t)
{
	unsigned long flags;
	unsigned int i;
	int found = 0;

	uk_spin_lock_irqsave(&stack_cache_lock, flags);
	for (i = 0; i < stack_cache_len; i++) {
		if (stack_cache[i].size != t->stack_size)
			continue;
		stack_set(t, stack_cache[i].vma);
		stack_cache[i] = stack_cache[--stack_cache_len];
		found = 1;
		break;
	}
	uk_spin_unlock_irqrestore(&stack_cache_lock, flags);
	return found;
}

static int stack_alloc(struct uk_thread *t)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t vaddr = __VADDR_ANY;
	int rc;

	if (stack_from_cache(t))
		return 0;
	if (!vas)
		return -ENOMEM;
	/* Populated: on metal a fault on the stack in use cannot push its
	 * own frame there (it would be a double fault), so stacks are not
	 * demand paged; only their guard pages fault. */
	rc = uk_vma_map_stack(vas, &vaddr, t->stack_size,
			      UK_VMA_MAP_POPULATE, NULL,
			      UK_VMA_STACK_GUARD_BOTTOM,
			      UK_VMA_STACK_GUARD_TOP);
	if (rc)
		return rc;
	stack_set(t, vaddr);
	return 0;
}

static void stack_unmap(__vaddr_t vma, __sz size)
{
	uk_vma_unmap(uk_vas_get_active(), vma,
		     size + STACK_GUARDS * PAGE_SIZE, 0);
}

static void stack_free(struct uk_thread *t)
{
	unsigned long flags;

	if (!t->stack_vma)
		return;
	uk_spin_lock_irqsave(&stack_cache_lock, flags);
	if (stack_cache_len < STACK_CACHE_MAX) {
		stack_cache[stack_cache_len].vma = t->stack_vma;
		stack_cache[stack_cache_len].size = t->stack_size;
		stack_cache_len++;
		t->stack_vma = 0;
	}
	uk_spin_unlock_irqrestore(&stack_cache_lock, flags);
	if (t->stack_vma)
		stack_unmap(t->stack_vma, t->stack_size);
}

void thread_stack_cache_drain(void)
{
	unsigned long flags;
	__vaddr_t vma;
	__sz size;

	for (;;) {
		uk_spin_lock_irqsave(&stack_cache_lock, flags);
		if (!stack_cache_len) {
			uk_spin_unlock_irqrestore(&stack_cache_lock, flags);
			return;
		}
		stack_cache_len--;
		vma = stack_cache[stack_cache_len].vma;
		size = stack_cache[stack_cache_len].size;
		uk_spin_unlock_irqrestore(&stack_cache_lock, flags);
		stack_unmap(vma, size);
	}
}

static void stack_register(struct uk_thread *t)
{
	/* memcheck follows stack switches it was told about. */
	t->vg_stack_id = ukarch_valgrind_request(0, UK_VG_STACK_REGISTER,
		(unsigned long)t->stack,
		(unsigned long)t->stack + t->stack_size, 0, 0, 0);
}

struct uk_thread *uk_thread_create(const char *name, uk_thread_fn_t fn,
				   void *arg, __sz stack_size,
				   unsigned int flags)
{
	struct uk_alloc *a = uk_alloc_get_default();
	struct uk_thread *t;

	if (!stack_size)
		stack_size = UK_THREAD_STACK_DEFAULT;
	if (!fn || stack_size < UK_THREAD_STACK_MIN ||
	    stack_size > STACK_MAX ||
	    (flags & ~(UK_THREADF_DETACHED | UK_THREADF_SERVICE)))
		return ERR2PTR(-EINVAL);
	t = uk_calloc(a, 1, sizeof(*t));
	if (!t)
		return ERR2PTR(-ENOMEM);
	t->stack_size = PAGE_ALIGN_UP(stack_size);
	if (stack_alloc(t))
		goto err_free;
	/* The C library's thread descriptor and TLS block (musl's). */
	t->tls_block = uk_malloc(a, uk_libc_tls_size());
	if (!t->tls_block)
		goto err_free;
	t->flags = flags;
	t->fn = fn;
	t->arg = arg;
	stack_register(t);
	ukarch_ctx_init_entry2(&t->ctx, (__uptr)t->stack + t->stack_size,
			       thread_entry, (long)t, 0);
	thread_init_common(t, name, 0);
	t->tlsp = uk_libc_tls_init(t->tls_block, (int)t->id);
	return t;

err_free:
	stack_free(t);
	uk_free(a, t);
	return ERR2PTR(-ENOMEM);
}

/* Room left below the start stack pointer, under which the start
 * registers and the first frame go. */
#define REGS_GAP	256

struct uk_thread *uk_thread_create_regs(const char *name,
					const struct __regs *start,
					unsigned int flags)
{
	struct uk_alloc *a = uk_alloc_get_default();
	__uptr sp = ukarch_regs_sp(start);
	struct uk_vas *vas = uk_vas_get_active();
	const struct uk_vma *vma;
	struct __regs *copy;
	struct uk_thread *t;

	if (flags & ~UK_THREADF_DETACHED)
		return ERR2PTR(-EINVAL);
	vma = vas ? uk_vma_find(vas, sp - 1) : NULL;
	if (!vma || sp - vma->start < UK_THREAD_STACK_MIN)
		return ERR2PTR(-EINVAL);
	t = uk_calloc(a, 1, sizeof(*t));
	if (!t)
		return ERR2PTR(-ENOMEM);
	t->flags = flags | UK_THREADF_FOREIGN;
	t->stack = (void *)vma->start;
	t->stack_size = sp - vma->start;
	copy = (struct __regs *)ALIGN_DOWN(sp - REGS_GAP - sizeof(*copy),
					   UKARCH_SP_ALIGN);
	*copy = *start;
	stack_register(t);
	ukarch_ctx_init_entry2(&t->ctx, (__uptr)copy, thread_regs_entry,
			       (long)t, (long)copy);
	thread_init_common(t, name, 0);
	return t;
}

int uk_thread_syscall_stack(struct uk_thread *t)
{
	struct uk_alloc *a = uk_alloc_get_default();
	void *block;

	if (t->syscall_stack_block)
		return 0;
	/* Heap memory: present on metal, where the entry cannot take a
	 * fault on the stack it switches to. */
	block = uk_memalign(a, UKARCH_SP_ALIGN, UK_THREAD_STACK_DEFAULT);
	if (!block)
		return -ENOMEM;
	t->syscall_stack_block = block;
	WRITE_ONCE(t->syscall_stack.top,
		   (__uptr)block + UK_THREAD_STACK_DEFAULT);
	/* A thread that has not been switched to since the CPU started
	 * (the boot thread) may not be the CPU's yet. */
	if (t == uk_thread_current())
		ukplat_syscall_stack_switch(&t->syscall_stack);
	return 0;
}

int uk_thread_start(struct uk_thread *t)
{
	return uk_sched_thread_add(NULL, t);
}

void uk_thread_release(struct uk_thread *t)
{
	struct uk_alloc *a = uk_alloc_get_default();
	unsigned long flags;

	UK_ASSERT(t->state == UK_THREAD_NEW || t->off_cpu);
	uk_spin_lock_irqsave(&all_threads_lock, flags);
	uk_list_del(&t->all_link);
	uk_list_del(&t->id_link);
	uk_spin_unlock_irqrestore(&all_threads_lock, flags);
	if (t->flags & UK_THREADF_STATIC)
		return;
	if (t->vg_stack_id)
		ukarch_valgrind_request(0, UK_VG_STACK_DEREGISTER,
					t->vg_stack_id, 0, 0, 0, 0);
	if (!(t->flags & UK_THREADF_FOREIGN))
		stack_free(t);
	uk_free(a, t->tls_block);
	uk_free(a, t->syscall_stack_block);
	uk_free(a, t);
}

/* t has exited and no CPU uses its stack any more (called by whoever ran
 * next on its CPU, or by uk_thread_kill for a thread that never ran).
 * t->lock is held until the joiners are woken: a joiner takes it before
 * freeing t. */
void thread_exited_off_cpu(struct uk_thread *t)
{
	unsigned long flags;
	int detached;

	if (t->on_off_cpu)
		t->on_off_cpu(t);
	uk_spin_lock_irqsave(&t->lock, flags);
	WRITE_ONCE(t->off_cpu, 1);
	detached = t->flags & UK_THREADF_DETACHED;
	uk_waitq_wake_up(&t->exit_wq);
	uk_spin_unlock_irqrestore(&t->lock, flags);
	if (detached)
		uk_thread_release(t);
}

int uk_thread_join(struct uk_thread *t, int *status)
{
	unsigned long flags;

	if (t == uk_thread_current())
		return -EDEADLK;
	uk_spin_lock_irqsave(&t->lock, flags);
	if (t->flags & (UK_THREADF_DETACHED | UK_THREADF_JOINING)) {
		uk_spin_unlock_irqrestore(&t->lock, flags);
		return -EINVAL;
	}
	t->flags |= UK_THREADF_JOINING;
	uk_spin_unlock_irqrestore(&t->lock, flags);

	uk_waitq_wait_event(&t->exit_wq, READ_ONCE(t->off_cpu));
	/* Wait until thread_exited_off_cpu is done with t. */
	uk_spin_lock_irqsave(&t->lock, flags);
	uk_spin_unlock_irqrestore(&t->lock, flags);
	if (status)
		*status = t->exit_status;
	uk_thread_release(t);
	return 0;
}

int uk_thread_detach(struct uk_thread *t)
{
	unsigned long flags;
	int gone;

	uk_spin_lock_irqsave(&t->lock, flags);
	if (t->flags & (UK_THREADF_DETACHED | UK_THREADF_JOINING)) {
		uk_spin_unlock_irqrestore(&t->lock, flags);
		return -EINVAL;
	}
	t->flags |= UK_THREADF_DETACHED;
	gone = t->off_cpu;
	uk_spin_unlock_irqrestore(&t->lock, flags);
	if (gone)
		uk_thread_release(t);
	return 0;
}

void uk_thread_for_each(void (*fn)(struct uk_thread *t, void *arg),
			void *arg)
{
	struct uk_list *pos;
	unsigned long flags;

	uk_spin_lock_irqsave(&all_threads_lock, flags);
	uk_list_for_each(pos, &all_threads)
		fn(uk_list_entry(pos, struct uk_thread, all_link), arg);
	uk_spin_unlock_irqrestore(&all_threads_lock, flags);
}

/* Names the thread in vmem's fault messages (uk/vmem.h). */
const char *uk_vmem_thread_name(void)
{
	struct uk_thread *t = uk_thread_current();

	return t ? t->name : NULL;
}

/* For crash reports: walks the list even if its lock is held, since the
 * crashing CPU may be the holder. */
void thread_for_each_unlocked(void (*fn)(struct uk_thread *t, void *arg),
			      void *arg)
{
	struct uk_list *pos;

	uk_list_for_each(pos, &all_threads)
		fn(uk_list_entry(pos, struct uk_thread, all_link), arg);
}

/* The count uk_kernel_buffers_begin keeps (uk/nofault.h), per thread. */
int *uk_thread_kernel_buffers(void)
{
	struct uk_thread *t = uk_thread_current();

	return t ? &t->kernel_buffers : NULL;
}
