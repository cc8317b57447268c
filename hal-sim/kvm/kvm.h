/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * amphi-kvm: the project's own KVM monitor (host code). It boots the
 * x86_64 PVH image QEMU boots, on /dev/kvm, with no QEMU and no firmware.
 * Internal interfaces between its parts:
 *
 *   main.c     options, the command line, signals, the run
 *   vm.c       /dev/kvm: capabilities, VM, memory, CPUID, vCPU threads,
 *              the exit loop, register dumps
 *   load.c     the PVH ELF image, the initrd, hvm_start_info, ACPI
 *   devices.c  the device table (port and MMIO exits) and its devices
 *   gdb.c      the gdb remote stub
 *   term.c     the terminal on stdin: raw while the guest runs, and
 *              the Ctrl-A escape
 */
#ifndef AMPHI_KVM_H
#define AMPHI_KVM_H

#include <linux/kvm.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>

#define KVM_MAX_CPUS		64	/* UKPLAT_LCPU_MAXCOUNT */
#define KVM_MEM_MIN		(4UL << 20)
/* RAM stays below the 32-bit hole (the local APIC at 0xfee00000); the
 * kernel ignores RAM above 4 GiB anyway. */
#define KVM_MEM_MAX		(3UL << 30)

/* Monitor exit statuses besides the app's own. */
#define KVM_EXIT_USAGE		2	/* bad option, bad or missing image */
#define KVM_EXIT_NOKVM		3	/* /dev/kvm missing or lacking */
#define KVM_EXIT_GUEST		1	/* guest died without a status */

struct kvm_opts {
	const char *image;
	const char *initrd;
	size_t mem_size;
	unsigned int ncpus;
	char *cmdline;		/* "NAME [KARGS --] ARGS" */
	const char *gdb;	/* TCP port or a serial device's path */
	int verbose;
	int quiet;		/* -q: also keeps the monitor's notes */
	/* What the kernel was told fds 0-2 are (UKPLAT_STREAM_*): the
	 * host's, or what -k console.stdin=... said. */
	int stream_kind[3];
};

struct vcpu {
	struct vm *vm;
	unsigned int idx;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	/* Registers at the last exit (KVM_CAP_SYNC_REGS): a triple fault
	 * on AMD resets the vCPU before userspace sees it. */
	struct kvm_regs last_regs;
	struct kvm_sregs last_sregs;
	int have_last;
	/* gdb: why this vCPU stopped (signal, 0 if it did not), and the
	 * debug exit that stopped it. */
	int stop_sig;
	struct kvm_debug_exit_arch dbg;
	int stepping;
	int parked;
	int stopped;		/* parked for good by vm_stop */
};

struct vm {
	struct kvm_opts *opts;
	int kvm_fd, vm_fd;
	int memfd;
	uint8_t *ram;
	uint64_t ram_size;
	unsigned int ncpus;
	struct vcpu vcpus[KVM_MAX_CPUS];
	size_t run_size;
	struct kvm_cpuid2 *cpuid;	/* what the vCPUs see (per-CPU ids
					 * patched in when each is made) */
	uint32_t tsc_khz;
	uint64_t xcr0;			/* 0: XCR0 not set (no XSAVE) */
	int sync_regs;			/* KVM_CAP_SYNC_REGS */
	int debug_caps;			/* KVM_CAP_SET_GUEST_DEBUG2 bits */
	uint64_t entry;			/* PVH 32-bit entry */
	uint64_t start_info;		/* its hvm_start_info */
	/* The end of the run: the first to set it wins. */
	pthread_mutex_t lock;
	int ended;
	int status;
	struct gdb *gdb;
	/* vm_stop: the vCPU threads park for good. */
	int stopping;
	unsigned int nstopped;
	pthread_mutex_t lock_stop;
	pthread_cond_t stopped;
};

/* main.c / vm.c: messages. */
void kvm_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvm_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
extern int kvm_verbose;
/* AMPHI_KVM_TRACE set: milestones with their time since main() and the
 * exits counted by reason, on stderr (for the benchmark's breakdown). */
void kvm_trace(const char *what);
void kvm_trace_exit(unsigned int reason);
void kvm_trace_report(void);

/* vm.c */
void vm_open(struct vm *vm, struct kvm_opts *opts);
void vm_create_vcpus(struct vm *vm);
void vm_start(struct vm *vm);		/* threads; returns at once */
/* Ends the run with status (the first call wins): flushes the console,
 * exits the process. Safe from any vCPU thread. */
void vm_end(struct vm *vm, int status) __attribute__((noreturn));
/* Stops every vCPU thread at its next exit (or at once if in KVM_RUN). */
void vm_kick_all(struct vm *vm);
void vcpu_kick(struct vcpu *v);
/* Stops every vCPU (waiting up to a second) and prints where each was
 * (their frames, for the launcher to resolve): for ^C and timeouts. */
void vm_stop(struct vm *vm);
void vcpu_where(struct vcpu *v);
void vcpu_dump(struct vcpu *v, const char *why);
/* Guest physical memory, or NULL if [gpa, gpa+len) is not RAM. */
void *vm_gpa(struct vm *vm, uint64_t gpa, uint64_t len);
/* Guest virtual to physical through the vCPU's page tables (identity
 * with paging off). Returns 0 and *gpa, or -1 if not mapped. */
int vcpu_translate(struct vcpu *v, const struct kvm_sregs *sr,
		   uint64_t gva, uint64_t *gpa, uint64_t *room);
/* Copies between the guest's virtual memory and buf; returns the bytes
 * done (short at the first unmapped page). */
size_t vcpu_read_virt(struct vcpu *v, const struct kvm_sregs *sr,
		      uint64_t gva, void *buf, size_t len);
size_t vcpu_write_virt(struct vcpu *v, const struct kvm_sregs *sr,
		       uint64_t gva, const void *buf, size_t len);
/* Runs the vCPU until vm_end or, with gdb, forever; the thread body. */
void *vcpu_thread(void *arg);

/* load.c: reads and checks the image and the initrd (exits with a
 * message naming what is wrong); returns the PVH entry. */
uint64_t image_read(const struct kvm_opts *o);
/* Copies them into guest memory; the boot information after them. */
void image_place(struct vm *vm);
void load_boot_info(struct vm *vm);

/* devices.c: the device table. */
enum kvm_space { KVM_SPACE_PIO, KVM_SPACE_MMIO };

struct kvm_device {
	const char *name;
	enum kvm_space space;
	uint64_t base, len;
	/* off: from base; size: 1, 2, 4 or 8 bytes, little-endian data. */
	void (*read)(struct vcpu *v, uint64_t off, void *data, unsigned size);
	void (*write)(struct vcpu *v, uint64_t off, const void *data,
		      unsigned size);
};

void devices_init(struct vm *vm);
/* The main thread's loop: the console's descriptors to poll (stdin,
 * the partial-line timer, the input ring's wake-up; returns how many),
 * then what they said. */
int console_pollfds(struct pollfd *p);
void console_poll(struct pollfd *p, int n);
int devices_io(struct vcpu *v, struct kvm_run *run);
int devices_mmio(struct vcpu *v, struct kvm_run *run);
/* The console's pending output goes out (at the end, before a dump). */
void console_flush(void);
/* The status the kernel stated on the console (statuses above 126), or
 * -1. */
int console_stated_status(void);

/* main.c: ends the run as ^C did before the terminal was the guest's:
 * every vCPU stopped and shown, then exit 130. Main thread only. */
void kvm_quit(const char *why) __attribute__((noreturn));

/* term.c: whether stdin is a terminal term_setup would take (not one
 * gdb's --gdb DEVICE uses). */
int term_usable(const struct kvm_opts *o);
/* Whether stdin's terminal echoes now (ECHO: the kernel is told). */
int term_echoes(void);
/* Makes stdin's terminal raw, as QEMU's stdio with signal=off,
 * and keeps it so until the monitor ends (restored on every way out).
 * Returns 1 if it did (stdin is a terminal, not gdb's), else 0. */
int term_setup(const struct kvm_opts *o);
/* Restores the terminal and stops: the process group as a job does
 * (group, the kernel's ^Z) or this process (a SIGTSTP); raw again once
 * continued. */
void term_stop(int group);
/* Makes the terminal raw again (after a SIGCONT) if term_setup did. */
void term_resume(void);
/* Takes the Ctrl-A escape out of len bytes of terminal input in, into
 * out (room for len + 1). Returns the bytes in out, or -1 at Ctrl-A x. */
int term_keys(const unsigned char *in, size_t len, unsigned char *out);

/* gdb.c: the stub. gdb_open waits for gdb to attach. */
struct gdb *gdb_open(struct vm *vm, const char *where);
/* Called by a vCPU thread at a debug exit or a stop request: parks it
 * until gdb resumes it. Returns when the vCPU may run again. */
void gdb_vcpu_stopped(struct vcpu *v, int sig);
/* Whether a stop was requested (the vCPU should park). */
int gdb_stop_pending(struct gdb *g);
/* The stub's own thread: reads packets until the run ends. */
void gdb_serve(struct gdb *g);
/* At an I/O exit: whether it was a breakpoint planted as an I/O
 * instruction (then the vCPU stopped for gdb and may go on). */
int gdb_io_breakpoint(struct vcpu *v);
/* Tells gdb the guest exited with status (from vm_end). */
void gdb_exited(struct gdb *g, int status);

#endif /* AMPHI_KVM_H */
