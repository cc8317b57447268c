/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fault-safe memory access. A fault during one of these calls (an
 * unmapped or protected page, a non-canonical address) does not crash the
 * kernel: the call stops and reports how far it got. The accesses are
 * small asm routines listed in the exception-fixup table
 * (uk/arch/nofault.h); the shared trap code resumes them at their fixup.
 * All calls are ISR-safe: no locks, no allocation, any context.
 *
 * For the page-fault handler (core/vmem): before paging anything in, ask
 * uk_nofault_paging_allowed(); if it returns 0, do not page in and return
 * UK_EVENT_NOT_HANDLED (never crash from the handler: the fixup runs only
 * when no handler took the fault).
 */
#ifndef __UK_NOFAULT_H__
#define __UK_NOFAULT_H__

#include <uk/arch/types.h>

/* Go on after a fault: skip the faulting page and carry on with the next
 * one, so the result counts every accessible byte of the range. */
#define UK_NOFAULTF_CONTINUE	0x01
/* No demand paging during the access: a page not yet present counts as a
 * fault (for callers that must not sleep or take vmem's locks, e.g. in an
 * interrupt handler or with a VMA lock held). */
#define UK_NOFAULTF_NOPAGING	0x02

/* Checks that [vaddr, vaddr + len) can be read, by reading one byte of
 * each page. Returns the number of bytes of readable pages from vaddr up
 * to the first fault (len if all are readable; with CONTINUE, the bytes
 * of all readable pages in the range). */
__sz uk_nofault_probe_r(__vaddr_t vaddr, __sz len, unsigned long flags);

/* Same as uk_nofault_probe_r for writing. Memory is not changed (each
 * probed byte is rewritten with its own value by an atomic add of 0). */
__sz uk_nofault_probe_w(__vaddr_t vaddr, __sz len, unsigned long flags);

/* Atomically: if the 32-bit word at addr equals expected, writes new.
 * *cur gets the value found (the swap happened if it equals expected).
 * Returns 0, -EFAULT (the access faults) or -EINVAL (misaligned). */
int uk_nofault_cmpxchg_u32(__u32 *addr, __u32 expected, __u32 new,
			   __u32 *cur, unsigned long flags);

/* Copies len bytes from src to dst (non-overlapping). Returns the number
 * of bytes copied before the first fault (len if none); with CONTINUE,
 * the number of bytes copied in total, skipping the faulting pages (of
 * src or dst, whichever faulted). */
__sz uk_nofault_memcpy(char *dst, const char *src, __sz len,
		       unsigned long flags);

/* Returns nonzero unless the current CPU is inside a nofault call with
 * UK_NOFAULTF_NOPAGING. Cheap and ISR-safe; for the page-fault handler. */
int uk_nofault_paging_allowed(void);

/*
 * The app-buffer boundary: every place where the kernel reads or writes
 * an app's buffer (system calls, the ELF loader, ...) goes through these,
 * so a bad pointer from an app is -EFAULT, never a kernel crash. Demand
 * paging is allowed (an app's lazily mapped buffer is valid). A partial
 * copy may have happened when they fail.
 */

/* Copies len bytes from the app's src to the kernel's dst. Returns 0 or
 * -EFAULT if any byte of src (or dst) is inaccessible. */
int uk_copy_from_user(void *dst, const void *src, __sz len);

/* Copies len bytes from the kernel's src to the app's dst. Returns 0 or
 * -EFAULT if any byte of dst (or src) is inaccessible. */
int uk_copy_to_user(void *dst, const void *src, __sz len);

/* Same as uk_copy_from_user/uk_copy_to_user, but returns the number of
 * bytes copied before the first inaccessible byte (len if all were), for
 * calls that report partial transfers as Linux does (read, write). */
__sz uk_copy_from_user_partial(void *dst, const void *src, __sz len);
__sz uk_copy_to_user_partial(void *dst, const void *src, __sz len);

/*
 * App memory: the ranges an app's pointers may name (the address-space
 * window, where its heap, mappings and stacks are, and the image's
 * sections, where its globals are), registered at boot (core/vmem). The
 * copies above refuse (-EFAULT, 0 bytes) anything else before touching
 * it: the direct map (the kernel heap, all RAM), the host's memory in
 * sim. Until a range is registered, nothing is refused.
 */
#define UK_USER_RANGES_MAX	8
/* Adds [start, end). Returns 0 or -ENOSPC. Boot only (not SMP-safe). */
int uk_user_range_add(__vaddr_t start, __vaddr_t end);
/* Nonzero if [p, p + len) lies in app memory (or the caller passes
 * kernel buffers on purpose, below). */
int uk_user_range_ok(const void *p, __sz len);
/*
 * Kernel code that hands kernel buffers to code written for app buffers
 * (a driver's iovec copies: the initrd writing files) brackets it with
 * these; they nest, per thread (the scheduler keeps the count:
 * uk_thread_kernel_buffers()).
 */
void uk_kernel_buffers_begin(void);
void uk_kernel_buffers_end(void);
int *uk_thread_kernel_buffers(void);

/* Copies the app's NUL-terminated string src into dst (size bytes).
 * Returns its length, -EFAULT, or -ENAMETOOLONG if it does not fit. */
long uk_strncpy_from_user(char *dst, const char *src, __sz size);

#endif /* __UK_NOFAULT_H__ */
