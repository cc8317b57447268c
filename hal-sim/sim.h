/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal interfaces of the sim backend (host code). */
#ifndef AMPHI_HAL_SIM_H
#define AMPHI_HAL_SIM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <ucontext.h>
#include <uk/arch/regs.h>
#include <uk/plat/bootinfo.h>

enum sim_net_mode {
	SIM_NET_NONE = 0,
	SIM_NET_USER,		/* libslirp */
	SIM_NET_TAP,
};

#define SIM_NET_FWD_MAX	16

struct sim_net_fwd;

struct sim_options {
	size_t mem_size;	/* guest physical memory in bytes */
	unsigned int ncpus;	/* logical CPUs (-smp), 1 by default */
	const char *name;	/* argv[0] for the app */
	char *cmdline;		/* "NAME [KARGS --] ARGS", heap-allocated */
	int initrd_fd;		/* --initrd FILE, open to read, or -1 */
	size_t initrd_len;	/* its size (0: none) */
	const char *initrd;	/* its path, for messages */
	enum sim_net_mode net_mode;	/* --net */
	const char *net_ifname;	/* --net tap:NAME, or NULL */
	struct sim_net_fwd *fwd;	/* -p, SIM_NET_FWD_MAX of them */
	int nfwd;
};

/* Parses the process's arguments; exits with a message on bad usage. */
void sim_parse_options(int argc, char *argv[], struct sim_options *opt);

/* Creates guest physical memory (mem_size of RAM, then room for an
 * initrd of initrd_len bytes) and the reserved windows; fills the memory
 * regions of bi. Exits with a message on failure. */
void sim_memory_init(struct ukplat_bootinfo *bi, size_t mem_size,
		     size_t initrd_len);
/* Reads the initrd (len bytes of fd, then closed) into the physical
 * memory after RAM, adds its region and sets bi->initrd. Exits with a
 * message naming path if it cannot be read. */
void sim_initrd_load(struct ukplat_bootinfo *bi, int fd, size_t len,
		     const char *path);

/* Guest memory (memory.c): the memfd of physical memory, its size, the
 * direct-map window and the address-space window (UKPLAT_MEMRT_VAS). */
extern int sim_memfd;
extern size_t sim_mem_size;
extern void *sim_direct_map;
extern void *sim_guest_vas;
extern size_t sim_guest_vas_size;

/* The image is part of the host executable, not of guest memory: its
 * regions' pbase is vbase + SIM_IMAGE_PHYS_OFF, a physical range beyond
 * any RAM, so PTEs can name it (paging.c only mprotects there). */
#define SIM_IMAGE_PHYS_OFF	(1UL << 48)

/* Adds the regions of the kernel image (text, rodata, data, bss) and the
 * boot stack to bi. */
void sim_image_regions(struct ukplat_bootinfo *bi);

/* Writes the registers of r into a signal's machine context. */
void sim_regs_to_mcontext(mcontext_t *mc, const struct __regs *r);
/* Fills r from a signal's machine context. */
void sim_regs_from_mcontext(struct __regs *r, const mcontext_t *mc);

/* Installs the fault signal handlers on an alternate stack. */
void sim_traps_init(void);
/* Gives the calling thread (a CPU) its own alternate signal stack, on
 * which faults and interrupts are handled. Exits on failure. */
void sim_altstack_init(void);

/* The host signal that carries every interrupt to a CPU thread (glibc
 * computes SIGRTMIN at run time: sim_sig_irq holds the value). */
#define SIM_SIG_IRQ	(SIGRTMIN + 2)
extern int sim_sig_irq;

/* Sets up CPU 0 (the calling main thread) of ncpus and the interrupt
 * signal. The other CPUs start with ukplat_lcpu_start(). */
void sim_lcpu_init(unsigned int ncpus);
/* Makes vector irq pending on CPU idx and makes it look; callable from
 * any thread, also host threads that are no CPU (device threads). */
void sim_lcpu_raise(unsigned int idx, unsigned int irq);
/* The same from a host signal handler on any thread (no %gs needed). */
void sim_lcpu_raise_async(unsigned int idx, unsigned int irq);
/* Drops interrupt vector irq if it is pending on this CPU. */
void sim_lcpu_clear_pending(unsigned int irq);
/* Stops interrupt delivery on every CPU for the process's exit. Returns
 * to the first caller only; later callers wait for the exit. */
void sim_lcpu_terminating(void);

/* Start-up of the clocks (the vDSO's clock_gettime) and of %fs
 * ownership (tls.c: whether wrfsbase may be used). */
void sim_time_init(void);
void sim_fs_init(void);
/* Nonzero if %fs is switched with wrfsbase, not arch_prctl. */
int sim_fs_fast(void);

/* Starts the count behind ukplat_cpu_ticks (at process start). */
void sim_cpu_ticks_init(void);
/* Creates this CPU thread's one-shot timer (tid: the thread's id). */
void sim_timer_init(pid_t tid);
/* In the interrupt signal handler for a timer signal: returns 1 if the
 * armed deadline passed (and disarms it), 0 for a stale expiry. */
int sim_timer_due(void);

/* Network devices of --net (net/net.c): opens them (exits with a
 * message on failure) and starts their threads; may add kernel arguments
 * to kargs (the guest's address on a new TAP device). */
void sim_net_init(const struct sim_options *opt, char **kargs, int *nkargs);

/* Console setup (stdout/stdin) and output of a host-side message. */
void sim_console_init(void);
/* Gives the host terminal back its own settings if the app changed them
 * (ukplat_tty_setattr). Async-signal-safe. */
void sim_tty_restore(void);
void sim_console_write(const char *buf, size_t len);
void sim_console_puts(const char *s);

/* --display-ctl SOCKET (display.c), or NULL. */
extern const char *sim_display_ctl_path;

/* Syscall User Dispatch (sud.c): enables it on the calling CPU c if it
 * is wanted and not yet on (fs-free: signal handlers, CPU start). */
struct sim_cpu;
void sim_sud_apply(struct sim_cpu *c);
/* Has every started CPU enable it; waits. Returns 0 or -errno. */
int sim_lcpu_sud_apply_all(void);

#endif /* AMPHI_HAL_SIM_H */
