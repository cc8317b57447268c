/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What GNU libsigsegv's configure writes for Linux (x86_64 or arm64,
 * glibc or musl: the same answers), for its library and tests built as
 * they are (test/ports/libsigsegv). The fault and stack files are the
 * ones configure.ac picks for linux*: the POSIX ucontext handler, the
 * stack's VMA from /proc/self/maps else mincore, longjmp out of a
 * handler needing nothing more.
 *
 * HAVE_EFAULT_SUPPORT is configure's answer to "does a system call
 * given a bad pointer fail with EFAULT rather than signal" (Linux's
 * behaviour); configure only asks it on Cygwin, so the efault tests
 * would be skipped (status 77) on Linux: here they run, on both.
 */
#ifndef AMPHI_LIBSIGSEGV_CONFIG_H
#define AMPHI_LIBSIGSEGV_CONFIG_H

#if defined(__x86_64__)
#define CFG_FAULT "fault-linux-i386.h"
#elif defined(__aarch64__)
#define CFG_FAULT "fault-linux-arm.h"
#else
#error "libsigsegv's Linux handler: x86_64 or arm64 only here"
#endif
#define CFG_HANDLER "handler-unix.c"
#define CFG_LEAVE "leave-nop.c"
#define CFG_MACHFAULT "fault-none.h"
#define CFG_SIGNALS "signals.h"
#define CFG_STACKVMA "stackvma-linux.c"

#define HAVE_EFAULT_SUPPORT 1
#define HAVE_GETPAGESIZE 1
#define HAVE_INTTYPES_H 1
#define HAVE_GETRLIMIT 1
#define HAVE_MINCORE 1
#define HAVE_MMAP_ANON 1
#define HAVE_MMAP_ANONYMOUS 1
#define HAVE_MMAP_DEVZERO 1
#define HAVE_SETRLIMIT 1
#define HAVE_SIGALTSTACK 1
#define HAVE_STACKVMA 1
#define HAVE_STDINT_H 1
#define HAVE_SYSCONF_PAGESIZE 1
#define HAVE_SYS_SIGNAL_H 1
#define HAVE_UCONTEXT_H 1
#define HAVE_UINTPTR_T 1
#define HAVE_UNISTD_H 1
#define HAVE_WORKING_SIGALTSTACK 1
#define STACK_DIRECTION -1

#define PACKAGE "libsigsegv"
#define VERSION "2.14"

#endif
