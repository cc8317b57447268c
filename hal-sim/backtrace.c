/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Backtraces through kernel, app and host frames: libunwind walks the
 * stack from the trap's registers (or from the caller), libdw names each
 * frame with its function and file:line from the DWARF of the executable.
 *
 * Loading libdw and reading DWARF takes tens of KiB of stack, more than a
 * kernel thread may have left when it crashes (lwIP's has 64 KiB, the
 * smallest 8 KiB): the walk runs on this CPU's signal stack (256 KiB),
 * where a trap's report already is, from a context taken first on the
 * thread's own stack.
 */
#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <elfutils/libdwfl.h>
#include <libunwind.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <uk/plat/trace.h>
#include <ucontext.h>

#include "sim.h"

#define BACKTRACE_MAX_FRAMES	48

/*
 * libunwind and libdw (and the compression libraries they pull in) are
 * loaded only when a backtrace is printed: linked normally they cost every
 * boot the dynamic loading of four libraries, for a crash that usually
 * never comes. Loading runs on the signal stack, in the walk; the context
 * a walk starts from is taken with getcontext(3), whose ucontext_t is
 * libunwind's unw_context_t on x86_64.
 */
_Static_assert(sizeof(unw_context_t) == sizeof(ucontext_t),
	       "unw_context_t is not a ucontext_t");

/* The names the UNW_LOCAL_ONLY macros expand to ("_ULx86_64_step"). */
#define UNW_NAME(f)	UNW_NAME_(f)
#define UNW_NAME_(f)	#f

static struct {
	int (*init_local)(unw_cursor_t *, unw_context_t *);
	int (*init_local2)(unw_cursor_t *, unw_context_t *, int);
	int (*step)(unw_cursor_t *);
	int (*get_reg)(unw_cursor_t *, unw_regnum_t, unw_word_t *);
} unw;

static int libunwind_load(void)
{
	void *lib;

	if (unw.init_local)
		return 0;
	lib = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return -1;
	*(void **)&unw.init_local2 = dlsym(lib, UNW_NAME(unw_init_local2));
	*(void **)&unw.step = dlsym(lib, UNW_NAME(unw_step));
	*(void **)&unw.get_reg = dlsym(lib, UNW_NAME(unw_get_reg));
	if (!unw.init_local2 || !unw.step || !unw.get_reg)
		return -1;
	*(void **)&unw.init_local = dlsym(lib, UNW_NAME(unw_init_local));
	return unw.init_local ? 0 : -1;
}

static struct {
	Dwfl *(*begin)(const Dwfl_Callbacks *);
	int (*linux_proc_report)(Dwfl *, pid_t);
	int (*report_end)(Dwfl *, int (*)(Dwfl_Module *, void *,
					  const char *, Dwarf_Addr, void *),
			  void *);
	void (*end)(Dwfl *);
	Dwfl_Module *(*addrmodule)(Dwfl *, Dwarf_Addr);
	const char *(*module_addrname)(Dwfl_Module *, GElf_Addr);
	Dwfl_Line *(*module_getsrc)(Dwfl_Module *, Dwarf_Addr);
	const char *(*lineinfo)(Dwfl_Line *, Dwarf_Addr *, int *, int *,
				Dwarf_Word *, Dwarf_Word *);
	Dwfl_Callbacks callbacks;
} dw;

static int libdw_load(void)
{
	void *lib;

	if (dw.begin)
		return 0;
	lib = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return -1;
	*(void **)&dw.begin = dlsym(lib, "dwfl_begin");
	*(void **)&dw.linux_proc_report = dlsym(lib, "dwfl_linux_proc_report");
	*(void **)&dw.report_end = dlsym(lib, "dwfl_report_end");
	*(void **)&dw.end = dlsym(lib, "dwfl_end");
	*(void **)&dw.addrmodule = dlsym(lib, "dwfl_addrmodule");
	*(void **)&dw.module_addrname = dlsym(lib, "dwfl_module_addrname");
	*(void **)&dw.module_getsrc = dlsym(lib, "dwfl_module_getsrc");
	*(void **)&dw.lineinfo = dlsym(lib, "dwfl_lineinfo");
	*(void **)&dw.callbacks.find_elf =
		dlsym(lib, "dwfl_linux_proc_find_elf");
	*(void **)&dw.callbacks.find_debuginfo =
		dlsym(lib, "dwfl_standard_find_debuginfo");
	if (!dw.linux_proc_report || !dw.report_end || !dw.end ||
	    !dw.addrmodule || !dw.module_addrname || !dw.module_getsrc ||
	    !dw.lineinfo || !dw.callbacks.find_elf ||
	    !dw.callbacks.find_debuginfo) {
		dw.begin = NULL;
		return -1;
	}
	return 0;
}

/* A libdw session over this process, or NULL (then frames get no names). */
static Dwfl *dwfl_open_self(void)
{
	Dwfl *dwfl;

	if (libdw_load() < 0)
		return NULL;
	dwfl = dw.begin(&dw.callbacks);
	if (!dwfl)
		return NULL;
	if (dw.linux_proc_report(dwfl, getpid()) != 0 ||
	    dw.report_end(dwfl, NULL, NULL) != 0) {
		dw.end(dwfl);
		return NULL;
	}
	return dwfl;
}

/* Drops the "../" that build-relative DWARF paths start with. */
static const char *tidy_path(const char *path)
{
	while (!strncmp(path, "../", 3))
		path += 3;
	return path;
}

static void print_frame(Dwfl *dwfl, unsigned int n, unsigned long ip,
			int is_return_addr)
{
	/* A return address points after the call: look up the call. */
	Dwarf_Addr lookup = is_return_addr ? ip - 1 : ip;
	Dwfl_Module *mod = dwfl ? dw.addrmodule(dwfl, lookup) : NULL;
	const char *func = mod ? dw.module_addrname(mod, lookup) : NULL;
	Dwfl_Line *line = mod ? dw.module_getsrc(mod, lookup) : NULL;
	const char *file = NULL;
	char buf[512];
	int lineno = 0, len;

	if (line)
		file = dw.lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
	len = snprintf(buf, sizeof(buf), "  #%-2u 0x%016lx in %s", n, ip,
		       func ? func : "??");
	if (file && len < (int)sizeof(buf))
		len += snprintf(buf + len, sizeof(buf) - (size_t)len,
				" at %s:%d", tidy_path(file), lineno);
	if (len >= (int)sizeof(buf) - 1)
		len = (int)sizeof(buf) - 2;
	buf[len++] = '\n';
	sim_console_write(buf, (size_t)len);
}

/* Calls fn(arg) on the stack whose top is top, then comes back; gdb and
 * libunwind follow the frame chain through it. */
void sim_call_on_stack(void *top, void (*fn)(void *), void *arg)
	__attribute__((visibility("hidden")));
__asm__(".text\n"
	".globl sim_call_on_stack\n"
	".hidden sim_call_on_stack\n"
	".type sim_call_on_stack, @function\n"
	"sim_call_on_stack:\n"
	".cfi_startproc\n"
	"	pushq %rbp\n"
	"	.cfi_def_cfa_offset 16\n"
	"	.cfi_offset %rbp, -16\n"
	"	movq %rsp, %rbp\n"
	"	.cfi_def_cfa_register %rbp\n"
	"	andq $-16, %rdi\n"
	"	movq %rdi, %rsp\n"
	"	movq %rsi, %rax\n"
	"	movq %rdx, %rdi\n"
	"	call *%rax\n"
	"	movq %rbp, %rsp\n"
	"	popq %rbp\n"
	"	.cfi_def_cfa %rsp, 8\n"
	"	ret\n"
	".cfi_endproc\n"
	".size sim_call_on_stack, .-sim_call_on_stack\n");

/* The trampolines of host calls (tools/guest-link.py hostcalls): their
 * frames are the backend's plumbing, not the guest's. */
extern char __sim_hostcalls_start[], __sim_hostcalls_end[];

static int is_hostcall(unw_word_t ip)
{
	return ip > (unw_word_t)__sim_hostcalls_start &&
	       ip <= (unw_word_t)__sim_hostcalls_end;
}

struct walk {
	unw_context_t uctx;
	int from_regs;		/* else: uctx is ukplat_backtrace's own */
	unsigned int skip;
};

static void walk(void *arg)
{
	struct walk *w = arg;
	unw_cursor_t cursor;
	unw_word_t ip;
	Dwfl *dwfl;
	unsigned int n = 0, skip = w->skip;
	int rc;

	if (libunwind_load() < 0) {
		sim_console_puts("  (no backtrace: libunwind.so.8 not loaded)\n");
		return;
	}
	if (w->from_regs) {
		rc = unw.init_local2(&cursor, &w->uctx, UNW_INIT_SIGNAL_FRAME);
	} else {
		rc = unw.init_local(&cursor, &w->uctx);
		/* Start at ukplat_backtrace's caller. */
		if (!rc && unw.step(&cursor) <= 0)
			rc = -1;
	}
	if (rc) {
		sim_console_puts("  (no backtrace: libunwind failed)\n");
		return;
	}
	dwfl = dwfl_open_self();
	do {
		unw.get_reg(&cursor, UNW_REG_IP, &ip);
		if (is_hostcall(ip))
			continue;
		if (skip) {
			skip--;
			continue;
		}
		if (n >= BACKTRACE_MAX_FRAMES) {
			sim_console_puts("  ... (more frames)\n");
			break;
		}
		unw.get_reg(&cursor, UNW_REG_IP, &ip);
		/* Only the trap's own frame has an exact IP. */
		print_frame(dwfl, n, (unsigned long)ip,
			    !(w->from_regs && n == 0));
		n++;
	} while (unw.step(&cursor) > 0);
	if (dwfl)
		dw.end(dwfl);
}

/* The top of this CPU's signal stack if the walk should move there (we
 * are not on it already), else NULL. */
static void *report_stack(void)
{
	stack_t ss;

	if (sigaltstack(NULL, &ss) < 0 || (ss.ss_flags & SS_DISABLE) ||
	    (ss.ss_flags & SS_ONSTACK))
		return NULL;
	return (char *)ss.ss_sp + ss.ss_size;
}

/* Fills w from regs, or (regs NULL) with the context getcontext took in
 * the caller's frame. 0 or -1. */
static int walk_init(struct walk *w, const struct __regs *regs,
		     unsigned int skip)
{
	w->skip = skip;
	w->from_regs = regs != NULL;
	if (!regs)
		return 0;
	if (getcontext((ucontext_t *)&w->uctx))
		return -1;
	sim_regs_to_mcontext(&w->uctx.uc_mcontext, regs);
	return 0;
}

/* Already on the signal stack (a trap's report): the walk runs here. */
static void __attribute__((noinline)) backtrace_here(
	const struct __regs *regs, unsigned int skip)
{
	struct walk w;

	/* Without regs, from this frame: one more to skip. */
	if (walk_init(&w, regs, regs ? skip : skip + 1) ||
	    (!regs && getcontext((ucontext_t *)&w.uctx))) {
		sim_console_puts("  (no backtrace: libunwind failed)\n");
		return;
	}
	walk(&w);
}

void ukplat_backtrace(const struct __regs *regs, unsigned int skip)
{
	void *top = report_stack();
	struct walk *w;

	if (!top) {
		backtrace_here(regs, skip);
		return;
	}
	/* The walk's state and its stack, below it, on the signal stack:
	 * nothing more than this frame on the thread's. */
	w = (struct walk *)(((uintptr_t)top - sizeof(*w)) & ~(uintptr_t)63);
	if (walk_init(w, regs, skip) || (!regs && getcontext((ucontext_t *)&w->uctx))) {
		sim_console_puts("  (no backtrace: libunwind failed)\n");
		return;
	}
	sim_call_on_stack(w, walk, w);
}
