/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Backtraces through kernel, app and host frames: libunwind walks the
 * stack from the trap's registers (or from the caller), libdw names each
 * frame with its function and file:line from the DWARF of the executable.
 */
#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <elfutils/libdwfl.h>
#include <libunwind.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <uk/plat/trace.h>
#include <ucontext.h>

#include "sim.h"

#define BACKTRACE_MAX_FRAMES	48

/*
 * libdw (and the compression libraries it pulls in) is loaded only when a
 * backtrace is printed: linked normally it costs every boot about half a
 * millisecond of dynamic loading, for a crash that usually never comes.
 */
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

/* Starts cursor at the state regs describes, as libunwind starts at an
 * interrupted frame: the first IP is exact, not a return address. */
static int cursor_from_regs(unw_cursor_t *cursor, unw_context_t *uctx,
			    const struct __regs *r)
{
	/* unw_context_t is a ucontext_t on x86_64 Linux. */
	if (unw_getcontext(uctx))
		return -1;
	sim_regs_to_mcontext(&uctx->uc_mcontext, r);
	return unw_init_local2(cursor, uctx, UNW_INIT_SIGNAL_FRAME);
}

void ukplat_backtrace(const struct __regs *regs, unsigned int skip)
{
	unw_context_t uctx;
	unw_cursor_t cursor;
	unw_word_t ip;
	Dwfl *dwfl;
	unsigned int n = 0;
	int rc;

	if (regs) {
		rc = cursor_from_regs(&cursor, &uctx, regs);
	} else {
		rc = unw_getcontext(&uctx) || unw_init_local(&cursor, &uctx);
		/* Start at our caller. */
		if (!rc && unw_step(&cursor) <= 0)
			rc = -1;
	}
	if (rc) {
		sim_console_puts("  (no backtrace: libunwind failed)\n");
		return;
	}
	dwfl = dwfl_open_self();
	do {
		if (skip) {
			skip--;
			continue;
		}
		if (n >= BACKTRACE_MAX_FRAMES) {
			sim_console_puts("  ... (more frames)\n");
			break;
		}
		unw_get_reg(&cursor, UNW_REG_IP, &ip);
		/* Only the trap's own frame has an exact IP. */
		print_frame(dwfl, n, (unsigned long)ip, !(regs && n == 0));
		n++;
	} while (unw_step(&cursor) > 0);
	if (dwfl)
		dw.end(dwfl);
}
