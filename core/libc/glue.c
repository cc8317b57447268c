/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Amphi's glue inside musl's build (musl's internal headers, never the
 * kernel's): what replaces musl's assembly that issues system calls
 * itself, and the thread area of every scheduler thread.
 *
 * Every thread of the kernel carries a musl thread descriptor and TLS
 * block at its thread pointer, so musl's functions (errno, locale,
 * stdio's locks) work on any of them. Threads made by pthread_create get
 * theirs from musl (clone with CLONE_SETTLS); the kernel's own threads,
 * and the boot thread, get theirs here (uk_libc_tls_*), in the same
 * layout: musl's static TLS, the block below the descriptor on x86_64,
 * above the thread pointer on arm64 (TLS_ABOVE_TP). The thread pointers
 * returned are what the architecture's register holds (TP_ADJ).
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "libc.h"
#include "pthread_impl.h"
#include "stdio_impl.h"
#include "syscall.h"

/* Kernel (core/process): ends the thread, unmapping its stack once it
 * no longer runs on it. */
_Noreturn void uk_process_thread_exit_unmap(void *base, size_t len);

/* Kernel (core/boot): a zeroed block of kernel memory for the boot
 * thread's first TLS, until the app starts; its release. */
void *uk_boot_tls_alloc(size_t size);
void uk_boot_tls_free(void *block);

void __unmapself(void *base, size_t size)
{
	uk_process_thread_exit_unmap(base, size);
}

/* --- thread areas ----------------------------------------------------- */

#define MIN_TLS_ALIGN	_Alignof(struct pthread)

static struct tls_module main_tls;
static struct pthread boot_td;
static void *main_block;		/* the boot thread's block */
static void *early_block;		/* ... while uk_boot_tls_alloc's */
static int tls_ready, libc_started;

/* Set when the program starts if the image has one CPU: the x86_64
 * atomics (arch/x86_64/atomic_arch.h) then drop their lock prefix. A
 * platform's CPU count is fixed once the kernel is up. */
hidden int __amphi_up;
unsigned int ukplat_lcpu_count(void);

/* Filled in by musl's stdio (weak: an image without stdio has none). */
extern hidden FILE *volatile __stdin_used __attribute__((__weak__));
extern hidden FILE *volatile __stdout_used __attribute__((__weak__));
extern hidden FILE *volatile __stderr_used __attribute__((__weak__));

static void descriptor_init(struct pthread *td, int tid)
{
	td->self = td;
	td->detach_state = DT_JOINABLE;
	td->tid = tid;
	td->locale = &libc.global_locale;
	td->robust_list.head = &td->robust_list.head;
	td->sysinfo = __sysinfo;
	td->next = td->prev = td;
}

unsigned long uk_libc_tls_boot(void)
{
	descriptor_init(&boot_td, 1);
	return (unsigned long)TP_ADJ(&boot_td);
}

/* musl's static TLS layout from the image's PT_TLS (as static_init_tls
 * in src/env/__init_tls.c computes it). */
static void tls_layout(const size_t *aux)
{
	const unsigned char *p = (const void *)aux[AT_PHDR];
	const Elf64_Phdr *ph, *tls = NULL;
	size_t n, base = 0;

	for (n = aux[AT_PHNUM]; p && n; n--, p += aux[AT_PHENT]) {
		ph = (const void *)p;
		if (ph->p_type == PT_PHDR)
			base = aux[AT_PHDR] - ph->p_vaddr;
		if (ph->p_type == PT_TLS)
			tls = ph;
	}
	if (tls) {
		main_tls.image = (void *)(base + tls->p_vaddr);
		main_tls.len = tls->p_filesz;
		main_tls.size = tls->p_memsz;
		main_tls.align = tls->p_align ? tls->p_align : 1;
		libc.tls_cnt = 1;
		libc.tls_head = &main_tls;
	} else {
		main_tls.align = 1;
	}
	main_tls.size += (-main_tls.size - (uintptr_t)main_tls.image) &
			 (main_tls.align - 1);
#ifdef TLS_ABOVE_TP
	main_tls.offset = GAP_ABOVE_TP;
	main_tls.offset += (-GAP_ABOVE_TP + (uintptr_t)main_tls.image) &
			   (main_tls.align - 1);
#else
	main_tls.offset = main_tls.size;
#endif
	if (main_tls.align < MIN_TLS_ALIGN)
		main_tls.align = MIN_TLS_ALIGN;
	libc.tls_align = main_tls.align;
	libc.tls_size = (2 * sizeof(void *) + sizeof(struct pthread) +
#ifdef TLS_ABOVE_TP
			 main_tls.offset +
#endif
			 main_tls.size + main_tls.align + MIN_TLS_ALIGN - 1) &
			-MIN_TLS_ALIGN;
}

unsigned long uk_libc_tls_setup(const size_t *aux)
{
	struct pthread *td;

	tls_layout(aux);
	main_block = early_block = uk_boot_tls_alloc(libc.tls_size);
	if (!main_block)
		a_crash();
	td = __copy_tls(main_block);
	descriptor_init(td, 1);
	tls_ready = 1;
	__set_thread_area(TP_ADJ(td));
	return (unsigned long)TP_ADJ(td);
}

void uk_libc_tls_teardown(void)
{
	struct pthread *self = __pthread_self();

	if (!main_block)
		return;
	/* The caller may be running on it: onto the boot descriptor. */
	if ((unsigned char *)self >= (unsigned char *)main_block &&
	    (unsigned char *)self < (unsigned char *)main_block +
				    libc.tls_size)
		__set_thread_area((void *)uk_libc_tls_boot());
	uk_boot_tls_free(early_block);
	main_block = early_block = NULL;
}

void uk_libc_tls_rehome(void *block)
{
	struct pthread *self = __pthread_self(), *td;

	if (!tls_ready)
		return;
	td = __copy_tls(block);
	descriptor_init(td, self->tid);
	/* Frames below keep their stack-protector canary. */
	td->canary = self->canary;
	td->errno_val = self->errno_val;
	main_block = block;
	__set_thread_area(TP_ADJ(td));
	uk_boot_tls_free(early_block);
	early_block = NULL;
}

size_t uk_libc_tls_size(void)
{
	return libc.tls_size;
}

static void init_file_lock(FILE *f)
{
	if (f && f->lock < 0)
		f->lock = 0;
}

/* What pthread_create does for the first thread: stdio takes its locks
 * from now on. For threads the app makes through the kernel's API. */
static void become_threaded(void)
{
	FILE *f;

	if (libc.threaded)
		return;
	for (f = *__ofl_lock(); f; f = f->next)
		init_file_lock(f);
	__ofl_unlock();
	if (&__stdin_used)
		init_file_lock(__stdin_used);
	if (&__stdout_used)
		init_file_lock(__stdout_used);
	if (&__stderr_used)
		init_file_lock(__stderr_used);
	libc.threaded = 1;
	libc.need_locks = 1;
}

unsigned long uk_libc_tls_init(void *block, int tid)
{
	struct pthread *td = __copy_tls(block);

	descriptor_init(td, tid);
	td->canary = __pthread_self()->canary;
	if (libc_started)
		become_threaded();
	return (unsigned long)TP_ADJ(td);
}

/*
 * musl's __init_tls (a weak alias of static_init_tls) sets up the main
 * thread's area when the program starts. The boot thread has had its
 * area since the kernel started (uk_libc_tls_setup): this one only does
 * what belongs to the program's start, on that thread.
 */
void __init_tls(size_t *aux)
{
	struct pthread *td;

	if (!tls_ready)
		uk_libc_tls_setup(aux);
	td = __pthread_self();
	td->tid = __syscall(SYS_set_tid_address, &__thread_list_lock);
	td->sysinfo = __sysinfo;
	libc.can_do_threads = 1;
	__amphi_up = ukplat_lcpu_count() == 1;
	libc_started = 1;
}
