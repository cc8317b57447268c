/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VM: /dev/kvm and its capabilities, guest memory (one memfd), the
 * in-kernel local APIC (split irqchip: no PIC, IOAPIC or PIT in the
 * kernel), CPUID, one host thread per vCPU, the exit loop, and what is
 * printed when the guest dies without an exit status.
 *
 * The boot CPU starts at the PVH entry in 32-bit protected mode. The
 * application processors are started by the guest itself, with INIT and
 * SIPI through the in-kernel local APIC, exactly as under QEMU: their
 * threads sit blocked in KVM_RUN (KVM keeps a non-boot vCPU waiting for
 * its SIPI) and cost nothing until then, and the kernel needs no
 * monitor-specific start path.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kvm.h"

#define KVM_API_VERSION_OK	12
#define SPLIT_IRQCHIP_ROUTES	24
#define TSS_ADDR		0xfffbd000UL	/* Intel real-mode helper */
#define APIC_BUS_KHZ		1000000U	/* KVM's LAPIC timer: 1 GHz */
#define CPUID_MAX_ENTRIES	256
#define LEAF_HV_BASE		0x40000000U
#define LEAF_HV_TIMING		0x40000010U	/* TSC and bus kHz */
#define XFEATURE_FP		0x1ULL
#define XFEATURE_SSE		0x2ULL
#define XFEATURE_YMM		0x4ULL
#define MAX_FRAMES		16

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO", [KVM_EXIT_HYPERCALL] = "HYPERCALL",
	[KVM_EXIT_DEBUG] = "DEBUG", [KVM_EXIT_HLT] = "HLT",
	[KVM_EXIT_MMIO] = "MMIO", [KVM_EXIT_IRQ_WINDOW_OPEN] =
	"IRQ_WINDOW_OPEN", [KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY", [KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_SET_TPR] = "SET_TPR", [KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
	[KVM_EXIT_NMI] = "NMI", [KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_WATCHDOG] = "WATCHDOG", [KVM_EXIT_EPR] = "EPR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI", [KVM_EXIT_HYPERV] = "HYPERV",
	[KVM_EXIT_X86_RDMSR] = "X86_RDMSR", [KVM_EXIT_X86_WRMSR] =
	"X86_WRMSR", [KVM_EXIT_DIRTY_RING_FULL] = "DIRTY_RING_FULL",
	[KVM_EXIT_AP_RESET_HOLD] = "AP_RESET_HOLD",
	[KVM_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK", [KVM_EXIT_XEN] = "XEN",
	[KVM_EXIT_NOTIFY] = "NOTIFY",
};

static const char *exit_name(unsigned int reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) &&
	    exit_names[reason])
		return exit_names[reason];
	return "?";
}

/* ---------------------------------------------------------------------
 * /dev/kvm, capabilities, the VM
 */

struct cap_need {
	int cap;
	const char *name;
	const char *what;
};

static const struct cap_need caps_needed[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", "guest memory" },
	{ KVM_CAP_SPLIT_IRQCHIP, "KVM_CAP_SPLIT_IRQCHIP",
	  "the in-kernel local APIC" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID", "KVM_GET_SUPPORTED_CPUID" },
	{ KVM_CAP_GET_TSC_KHZ, "KVM_CAP_GET_TSC_KHZ",
	  "the TSC frequency for the guest's clock" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT",
	  "stopping a vCPU without a race" },
	{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE",
	  "application processors waiting for INIT/SIPI" },
};

static int check_ext(struct vm *vm, int fd, int cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static void check_caps(struct vm *vm)
{
	char missing[512] = "";
	size_t i, n = 0;

	for (i = 0; i < sizeof(caps_needed) / sizeof(caps_needed[0]); i++) {
		if (check_ext(vm, vm->vm_fd, caps_needed[i].cap) > 0)
			continue;
		n += (size_t)snprintf(missing + n, sizeof(missing) - n,
				      "\n  %s (%s)", caps_needed[i].name,
				      caps_needed[i].what);
		if (n >= sizeof(missing))
			break;
	}
	if (missing[0])
		kvm_die(KVM_EXIT_NOKVM, "/dev/kvm lacks what amphi-kvm "
			"needs:%s", missing);
	vm->sync_regs = check_ext(vm, vm->vm_fd, KVM_CAP_SYNC_REGS) &
			(KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS);
	if (vm->sync_regs != (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS))
		vm->sync_regs = 0;
	vm->debug_caps = check_ext(vm, vm->vm_fd, KVM_CAP_SET_GUEST_DEBUG2);
}

static void open_kvm(struct vm *vm)
{
	int api;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int e = errno;

		kvm_die(KVM_EXIT_NOKVM, "cannot open /dev/kvm: %s%s",
			strerror(e),
			e == ENOENT ? " (no KVM on this machine: the CPU lacks "
			"VT-x/AMD-V or the kvm module is not loaded)" :
			e == EACCES ? " (join the 'kvm' group, or run as "
			"root)" : "");
	}
	api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION_OK)
		kvm_die(KVM_EXIT_NOKVM, "/dev/kvm speaks KVM API %d, not %d",
			api, KVM_API_VERSION_OK);
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		kvm_die(KVM_EXIT_NOKVM, "KVM_CREATE_VM: %s", strerror(errno));
}

static void max_cpus_check(struct vm *vm)
{
	int max = check_ext(vm, vm->vm_fd, KVM_CAP_MAX_VCPUS);

	if (max <= 0)
		max = check_ext(vm, vm->vm_fd, KVM_CAP_NR_VCPUS);
	if (max > 0 && vm->ncpus > (unsigned int)max)
		kvm_die(KVM_EXIT_USAGE, "-smp %u: this KVM runs at most %d "
			"vCPUs", vm->ncpus, max);
}

static void memory_init(struct vm *vm)
{
	struct kvm_userspace_memory_region region;

	vm->memfd = memfd_create("amphi-guest-ram", MFD_CLOEXEC);
	if (vm->memfd < 0 || ftruncate(vm->memfd, (off_t)vm->ram_size) < 0)
		kvm_die(KVM_EXIT_GUEST, "guest memory (memfd of %lu MiB): %s",
			(unsigned long)(vm->ram_size >> 20), strerror(errno));
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_NORESERVE, vm->memfd, 0);
	if (vm->ram == MAP_FAILED)
		kvm_die(KVM_EXIT_GUEST, "mapping guest memory: %s",
			strerror(errno));
	/* Huge pages where the host lets shared memory have them: fewer
	 * nested-paging faults (shmem_enabled=advise or always). */
	madvise(vm->ram, vm->ram_size, MADV_HUGEPAGE);
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0,
		.memory_size = vm->ram_size,
		.userspace_addr = (uint64_t)(uintptr_t)vm->ram,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		kvm_die(KVM_EXIT_GUEST, "KVM_SET_USER_MEMORY_REGION: %s",
			strerror(errno));
}

static void irqchip_init(struct vm *vm)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_SPLIT_IRQCHIP,
		.args = { SPLIT_IRQCHIP_ROUTES },
	};

	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		kvm_die(KVM_EXIT_NOKVM, "enabling the in-kernel local APIC "
			"(KVM_CAP_SPLIT_IRQCHIP): %s", strerror(errno));
	/* Needed by Intel CPUs without unrestricted guest for the APs'
	 * real mode; harmless elsewhere. */
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, TSS_ADDR) < 0 &&
	    kvm_verbose)
		kvm_say("KVM_SET_TSS_ADDR: %s", strerror(errno));
}

void vm_open(struct vm *vm, struct kvm_opts *opts)
{
	vm->opts = opts;
	vm->ncpus = opts->ncpus;
	vm->ram_size = opts->mem_size;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_mutex_init(&vm->lock_stop, NULL);
	pthread_cond_init(&vm->stopped, NULL);
	open_kvm(vm);
	kvm_trace("KVM_CREATE_VM done");
	check_caps(vm);
	max_cpus_check(vm);
	memory_init(vm);
	kvm_trace("guest memory made");
	irqchip_init(vm);
}

/* ---------------------------------------------------------------------
 * CPUID and XCR0
 */

static struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c,
					   uint32_t fn, uint32_t idx)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn &&
		    (!(c->entries[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		     c->entries[i].index == idx))
			return &c->entries[i];
	return NULL;
}

static struct kvm_cpuid_entry2 *cpuid_add(struct kvm_cpuid2 *c, uint32_t fn)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(c, fn, 0);

	if (!e && c->nent < CPUID_MAX_ENTRIES) {
		e = &c->entries[c->nent++];
		memset(e, 0, sizeof(*e));
		e->function = fn;
	}
	return e;
}

/* What KVM supports, with the hypervisor leaves the kernel reads: the
 * TSC frequency and the local APIC timer's (leaf 0x40000010, as VMware
 * and QEMU define it), so the kernel needs no PIT to calibrate. */
static void cpuid_init(struct vm *vm)
{
	struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid2 *c;
	static const char sig[12] = "KVMKVMKVM\0\0\0";

	c = calloc(1, sizeof(*c) + CPUID_MAX_ENTRIES * sizeof(c->entries[0]));
	if (!c)
		kvm_die(KVM_EXIT_GUEST, "out of memory");
	c->nent = CPUID_MAX_ENTRIES - 8;	/* room for what we add */
	if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0)
		kvm_die(KVM_EXIT_NOKVM, "KVM_GET_SUPPORTED_CPUID: %s",
			strerror(errno));
	e = cpuid_find(c, 1, 0);
	if (e)
		e->ecx |= 1U << 31;		/* a hypervisor is present */
	e = cpuid_add(c, LEAF_HV_BASE);
	if (e) {
		e->eax = LEAF_HV_TIMING;
		memcpy(&e->ebx, sig, 4);
		memcpy(&e->ecx, sig + 4, 4);
		memcpy(&e->edx, sig + 8, 4);
	}
	e = cpuid_add(c, LEAF_HV_TIMING);
	if (e) {
		e->eax = vm->tsc_khz;
		e->ebx = APIC_BUS_KHZ;
		e->ecx = e->edx = 0;
	}
	/* XCR0: every state the guest may enable that KVM supports, so a
	 * kernel enabling AVX gets it instead of #UD. */
	e = cpuid_find(c, 0xd, 0);
	if (e && cpuid_find(c, 1, 0) &&
	    (cpuid_find(c, 1, 0)->ecx & (1U << 26)))
		vm->xcr0 = XFEATURE_FP | (e->eax & (XFEATURE_SSE |
						    XFEATURE_YMM));
	vm->cpuid = c;
}

static unsigned int order_of(unsigned int n)
{
	unsigned int s = 0;

	while ((1U << s) < n)
		s++;
	return s;
}

/* The template with vCPU idx's APIC ids and the topology: ncpus
 * cores of one thread each in one package. */
static void cpuid_set(struct vcpu *v)
{
	struct vm *vm = v->vm;
	size_t size = sizeof(*vm->cpuid) +
		      vm->cpuid->nent * sizeof(vm->cpuid->entries[0]);
	struct kvm_cpuid2 *c = malloc(size);
	struct kvm_cpuid_entry2 *e;
	uint32_t i;

	if (!c)
		kvm_die(KVM_EXIT_GUEST, "out of memory");
	memcpy(c, vm->cpuid, size);
	for (i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		switch (e->function) {
		case 1:
			e->ebx = (e->ebx & 0xffff) | (v->idx << 24) |
				 ((vm->ncpus > 255 ? 255 : vm->ncpus) << 16);
			break;
		case 0xb:
		case 0x1f:
			e->edx = v->idx;
			e->ecx = (e->index & 0xff) |
				 (e->index == 0 ? 1U << 8 :
				  e->index == 1 ? 2U << 8 : 0);
			e->eax = e->index == 0 ? 0 : e->index == 1 ?
				 order_of(vm->ncpus) : 0;
			e->ebx = e->index == 0 ? 1 : e->index == 1 ?
				 vm->ncpus : 0;
			break;
		case 0x8000001e:
			e->eax = v->idx;
			break;
		}
	}
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0)
		kvm_die(KVM_EXIT_NOKVM, "KVM_SET_CPUID2: %s", strerror(errno));
	free(c);
}

static void xcr0_set(struct vcpu *v)
{
	struct kvm_xcrs xcrs = { .nr_xcrs = 1 };

	if (!v->vm->xcr0)
		return;
	xcrs.xcrs[0].xcr = 0;
	xcrs.xcrs[0].value = v->vm->xcr0;
	if (ioctl(v->fd, KVM_SET_XCRS, &xcrs) < 0)
		kvm_die(KVM_EXIT_NOKVM, "KVM_SET_XCRS (XCR0 0x%llx): %s",
			(unsigned long long)v->vm->xcr0, strerror(errno));
}

/* ---------------------------------------------------------------------
 * vCPUs
 */

/* PVH: 32-bit protected mode, flat segments, paging off, %ebx = the
 * hvm_start_info. */
static void pvh_entry_state(struct vcpu *v)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x08,
		.type = 0xb, .present = 1, .dpl = 0, .db = 1, .s = 1,
		.l = 0, .g = 1,
	};
	struct kvm_segment data = code;
	struct kvm_segment tss = {
		.base = 0, .limit = 0x67, .selector = 0x18, .type = 0xb,
		.present = 1, .s = 0, .g = 0,
	};
	struct kvm_sregs sr;
	struct kvm_regs r;

	if (ioctl(v->fd, KVM_GET_SREGS, &sr) < 0)
		kvm_die(KVM_EXIT_GUEST, "KVM_GET_SREGS: %s", strerror(errno));
	data.type = 0x3;
	data.selector = 0x10;
	sr.cs = code;
	sr.ds = sr.es = sr.fs = sr.gs = sr.ss = data;
	sr.tr = tss;
	sr.cr0 = 0x11;			/* PE, ET */
	sr.cr3 = 0;
	sr.cr4 = 0;
	sr.efer = 0;
	if (ioctl(v->fd, KVM_SET_SREGS, &sr) < 0)
		kvm_die(KVM_EXIT_GUEST, "KVM_SET_SREGS: %s", strerror(errno));
	memset(&r, 0, sizeof(r));
	r.rflags = 0x2;
	r.rip = v->vm->entry;
	r.rbx = v->vm->start_info;
	if (ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		kvm_die(KVM_EXIT_GUEST, "KVM_SET_REGS: %s", strerror(errno));
}

static void vcpu_create(struct vm *vm, unsigned int idx)
{
	struct vcpu *v = &vm->vcpus[idx];

	v->vm = vm;
	v->idx = idx;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, idx);
	if (v->fd < 0)
		kvm_die(KVM_EXIT_NOKVM, "KVM_CREATE_VCPU %u: %s", idx,
			strerror(errno));
	v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		kvm_die(KVM_EXIT_GUEST, "mapping vCPU %u's kvm_run: %s", idx,
			strerror(errno));
	if (vm->sync_regs)
		v->run->kvm_valid_regs = (uint64_t)vm->sync_regs;
}

void vm_create_vcpus(struct vm *vm)
{
	unsigned int i;
	int khz, size;

	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		kvm_die(KVM_EXIT_NOKVM, "KVM_GET_VCPU_MMAP_SIZE: %s",
			strerror(errno));
	vm->run_size = (size_t)size;
	vcpu_create(vm, 0);
	khz = ioctl(vm->vcpus[0].fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0)
		kvm_die(KVM_EXIT_NOKVM, "KVM_GET_TSC_KHZ: %s",
			khz < 0 ? strerror(errno) : "no frequency");
	vm->tsc_khz = (uint32_t)khz;
	cpuid_init(vm);
	kvm_trace("vCPU 0 made, CPUID read");
	for (i = 1; i < vm->ncpus; i++)
		vcpu_create(vm, i);
	for (i = 0; i < vm->ncpus; i++) {
		cpuid_set(&vm->vcpus[i]);
		xcr0_set(&vm->vcpus[i]);
	}
	pvh_entry_state(&vm->vcpus[0]);
	if (kvm_verbose)
		kvm_say("%u vCPU%s, TSC %u kHz, XCR0 0x%llx, %lu MiB",
			vm->ncpus, vm->ncpus > 1 ? "s" : "", vm->tsc_khz,
			(unsigned long long)vm->xcr0,
			(unsigned long)(vm->ram_size >> 20));
}

/* ---------------------------------------------------------------------
 * Guest memory as seen by a vCPU
 */

void *vm_gpa(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa >= vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return vm->ram + gpa;
}

#define PTE_P		0x1ULL
#define PTE_PS		0x80ULL
#define PTE_ADDR	0x000ffffffffff000ULL

int vcpu_translate(struct vcpu *v, const struct kvm_sregs *sr,
		   uint64_t gva, uint64_t *gpa, uint64_t *room)
{
	uint64_t table = sr->cr3 & PTE_ADDR, e, *p;
	int level, shift;

	if (!(sr->cr0 & 0x80000000ULL)) {
		*gpa = gva;
		*room = 4096 - (gva & 4095);
		return 0;
	}
	if (!(sr->efer & 0x400))	/* not long mode: not ours */
		return -1;
	for (level = 4; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		p = vm_gpa(v->vm, table + ((gva >> shift) & 511) * 8, 8);
		if (!p)
			return -1;
		e = *p;
		if (!(e & PTE_P))
			return -1;
		if (level == 1 || ((e & PTE_PS) && level <= 3)) {
			uint64_t mask = (1ULL << shift) - 1;

			*gpa = (e & PTE_ADDR & ~mask) | (gva & mask);
			*room = (1ULL << shift) - (gva & mask);
			return 0;
		}
		table = e & PTE_ADDR;
	}
	return -1;
}

static size_t copy_virt(struct vcpu *v, const struct kvm_sregs *sr,
			uint64_t gva, void *buf, size_t len, int write)
{
	size_t done = 0, n;
	uint64_t gpa, room;
	uint8_t *host;

	while (done < len) {
		if (vcpu_translate(v, sr, gva + done, &gpa, &room) < 0)
			break;
		n = len - done < room ? len - done : (size_t)room;
		host = vm_gpa(v->vm, gpa, n);
		if (!host)
			break;
		if (write)
			memcpy(host, (const uint8_t *)buf + done, n);
		else
			memcpy((uint8_t *)buf + done, host, n);
		done += n;
	}
	return done;
}

size_t vcpu_read_virt(struct vcpu *v, const struct kvm_sregs *sr,
		      uint64_t gva, void *buf, size_t len)
{
	return copy_virt(v, sr, gva, buf, len, 0);
}

size_t vcpu_write_virt(struct vcpu *v, const struct kvm_sregs *sr,
		       uint64_t gva, const void *buf, size_t len)
{
	return copy_virt(v, sr, gva, (void *)buf, len, 1);
}

/* ---------------------------------------------------------------------
 * Register dumps
 */

static void dump_frames(FILE *f, struct vcpu *v, const struct kvm_regs *r,
			const struct kvm_sregs *s);

static void dump_regs(FILE *f, struct vcpu *v, const struct kvm_regs *r,
		      const struct kvm_sregs *s)
{
	uint8_t code[16];
	size_t n, i;

	fprintf(f,
		"  RIP %016llx  RFLAGS %08llx  CS %04x  SS %04x\n"
		"  RAX %016llx  RBX %016llx  RCX %016llx\n"
		"  RDX %016llx  RSI %016llx  RDI %016llx\n"
		"  RBP %016llx  RSP %016llx  R8  %016llx\n"
		"  R9  %016llx  R10 %016llx  R11 %016llx\n"
		"  R12 %016llx  R13 %016llx  R14 %016llx\n"
		"  R15 %016llx\n"
		"  CR0 %08llx  CR2 %016llx  CR3 %016llx  CR4 %08llx  "
		"EFER %04llx\n",
		r->rip, r->rflags, s->cs.selector, s->ss.selector,
		r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi,
		r->rbp, r->rsp, r->r8, r->r9, r->r10, r->r11,
		r->r12, r->r13, r->r14, r->r15,
		s->cr0, s->cr2, s->cr3, s->cr4, s->efer);
	n = vcpu_read_virt(v, s, r->rip, code, sizeof(code));
	if (n) {
		fprintf(f, "  code at RIP:");
		for (i = 0; i < n; i++)
			fprintf(f, " %02x", code[i]);
		fprintf(f, "\n");
	}
	dump_frames(f, v, r, s);
}

/* The frames, in the kernel's crash-report format, which the launcher
 * resolves to function and line (two spaces: an exact address). */
static void dump_frames(FILE *f, struct vcpu *v, const struct kvm_regs *r,
			const struct kvm_sregs *s)
{
	uint64_t fp, prev, ret;
	int frame = 1;

	if (!(s->efer & 0x400))
		return;
	fprintf(f, "  #0  0x%016llx  in ??\n", r->rip);
	fp = r->rbp;
	prev = r->rsp - 8;
	while (frame < MAX_FRAMES && fp > prev && fp - prev < (1ULL << 20) &&
	       !(fp & 7)) {
		uint64_t pair[2];

		if (vcpu_read_virt(v, s, fp, pair, sizeof(pair)) !=
		    sizeof(pair))
			break;
		ret = pair[1];
		if (!ret)
			break;
		fprintf(f, "  #%-2d 0x%016llx in ??\n", frame++,
			(unsigned long long)ret);
		prev = fp;
		fp = pair[0];
	}
}

static int is_reset_state(const struct kvm_regs *r,
			  const struct kvm_sregs *s)
{
	return r->rip == 0xfff0 && s->cs.base == 0xffff0000ULL;
}

void vcpu_dump(struct vcpu *v, const char *why)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	console_flush();
	fprintf(stderr, "amphi-kvm: CPU %u: %s\n", v->idx, why);
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(stderr, "  (registers unavailable: %s)\n",
			strerror(errno));
		return;
	}
	if (is_reset_state(&r, &s)) {
		fprintf(stderr, "  The CPU reset its registers on the way "
			"out (AMD SVM does on a triple fault).\n");
		if (!v->have_last)
			return;
		fprintf(stderr, "  Registers at this CPU's last exit to the "
			"monitor:\n");
		dump_regs(stderr, v, &v->last_regs, &v->last_sregs);
		return;
	}
	dump_regs(stderr, v, &r, &s);
}

/* ---------------------------------------------------------------------
 * Running
 */

static void kick_handler(int sig)
{
	(void)sig;
}

void vcpu_kick(struct vcpu *v)
{
	if (!v->run || !v->thread)
		return;
	v->run->immediate_exit = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pthread_kill(v->thread, SIGUSR1);
}

void vm_kick_all(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->ncpus; i++)
		vcpu_kick(&vm->vcpus[i]);
}

/* Parks the calling vCPU thread for good (vm_stop). */
static void __attribute__((noreturn)) vcpu_park_for_good(struct vcpu *v)
{
	struct vm *vm = v->vm;

	pthread_mutex_lock(&vm->lock_stop);
	v->stopped = 1;
	vm->nstopped++;
	pthread_cond_broadcast(&vm->stopped);
	pthread_mutex_unlock(&vm->lock_stop);
	for (;;)
		pause();
}

void vm_stop(struct vm *vm)
{
	struct timespec until;
	unsigned int i;
	int r = 0;

	__atomic_store_n(&vm->stopping, 1, __ATOMIC_SEQ_CST);
	vm_kick_all(vm);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	pthread_mutex_lock(&vm->lock_stop);
	while (vm->nstopped < vm->ncpus && r == 0)
		r = pthread_cond_timedwait(&vm->stopped, &vm->lock_stop,
					   &until);
	pthread_mutex_unlock(&vm->lock_stop);
	for (i = 0; i < vm->ncpus; i++) {
		/* A vCPU still in KVM_RUN holds its lock: no ioctl. */
		if (__atomic_load_n(&vm->vcpus[i].stopped, __ATOMIC_ACQUIRE))
			vcpu_where(&vm->vcpus[i]);
		else
			fprintf(stderr, "  CPU %u: did not stop within a "
				"second\n", i);
	}
}

static uint32_t lapic_reg(const struct kvm_lapic_state *l, unsigned int off)
{
	uint32_t x;

	memcpy(&x, l->regs + off, sizeof(x));
	return x;
}

/* The vectors set in the 256-bit register at off (IRR, ISR), or "none". */
static void lapic_vectors(const struct kvm_lapic_state *l, unsigned int off,
			  char *buf, size_t size)
{
	unsigned int v;
	size_t n = 0;

	buf[0] = 0;
	for (v = 0; v < 256 && n + 8 < size; v++)
		if (lapic_reg(l, off + (v / 32) * 16) & (1U << (v % 32)))
			n += (size_t)snprintf(buf + n, size - n, "%s0x%02x",
					      n ? " " : "", v);
	if (!n)
		snprintf(buf, size, "none");
}

/* The in-kernel local APIC: a halted CPU with its timer stopped and
 * nothing pending waits for an IPI from another CPU. */
static void lapic_where(struct vcpu *v)
{
	struct kvm_lapic_state l;
	char irr[64], isr[64];

	if (ioctl(v->fd, KVM_GET_LAPIC, &l) < 0)
		return;
	lapic_vectors(&l, 0x200, irr, sizeof(irr));
	lapic_vectors(&l, 0x100, isr, sizeof(isr));
	fprintf(stderr, "  local APIC: timer %u of %u left (LVT 0x%x), "
		"pending %s, in service %s\n", lapic_reg(&l, 0x390),
		lapic_reg(&l, 0x380), lapic_reg(&l, 0x320), irr, isr);
}

void vcpu_where(struct vcpu *v)
{
	struct kvm_mp_state mp = { 0 };
	struct kvm_regs r;
	struct kvm_sregs s;
	const char *state;

	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0 ||
	    ioctl(v->fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return;
	switch (mp.mp_state) {
	case KVM_MP_STATE_UNINITIALIZED:
	case KVM_MP_STATE_INIT_RECEIVED:
		fprintf(stderr, "  CPU %u: not started\n", v->idx);
		return;
	case KVM_MP_STATE_HALTED:
		state = "halted";
		break;
	default:
		state = "running";
		break;
	}
	fprintf(stderr, "  CPU %u (%s) was at:\n", v->idx, state);
	dump_frames(stderr, v, &r, &s);
	lapic_where(v);
}

/* AMPHI_KVM_TRACE: which 2 MiB regions of guest RAM the run touched
 * (each costs a huge page's zeroing, or a nested page fault a page). */
static void trace_memory(struct vm *vm)
{
	uint64_t i, j, r, pages = 0;
	char regions[1024] = "";
	unsigned char *inc;
	size_t n = 0;

	if (!getenv("AMPHI_KVM_TRACE"))
		return;
	inc = malloc(vm->ram_size / 4096);
	if (!inc || mincore(vm->ram, vm->ram_size, inc) < 0) {
		free(inc);
		return;
	}
	for (i = 0; i < vm->ram_size / 4096; i++)
		pages += inc[i] & 1;
	for (i = 0; i < vm->ram_size >> 21 && n < sizeof(regions) - 24; i++) {
		for (j = 0, r = 0; j < 512; j++)
			r += inc[i * 512 + j] & 1;
		if (r)
			n += (size_t)snprintf(regions + n, sizeof(regions) - n,
					      " %lu:%lu", (unsigned long)i,
					      (unsigned long)r);
	}
	fprintf(stderr, "amphi-kvm: trace resident pages %lu; 2M regions "
		"(index:pages)%s\n", (unsigned long)pages, regions);
	free(inc);
}

void vm_end(struct vm *vm, int status)
{
	int stated = console_stated_status();

	pthread_mutex_lock(&vm->lock);
	if (!vm->ended) {
		vm->ended = 1;
		/* isa-debug-exit carries 7 bits: a larger status came by
		 * console (the kernel writes 126 then). */
		vm->status = status == 126 && stated >= 0 ? stated : status;
	}
	console_flush();
	if (vm->gdb)
		gdb_exited(vm->gdb, vm->status);
	trace_memory(vm);
	kvm_trace_report();
	exit(vm->status);
}

static void internal_error(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	static const char *const sub[] = {
		[KVM_INTERNAL_ERROR_EMULATION] = "KVM could not emulate "
			"an instruction (a nested or software KVM may lack "
			"some, SSE for one)",
		[KVM_INTERNAL_ERROR_SIMUL_EX] = "an exception while "
			"delivering an exception",
		[KVM_INTERNAL_ERROR_DELIVERY_EV] = "an exit while "
			"delivering an event",
		[KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON] = "an exit "
			"reason KVM did not expect",
	};
	uint32_t s = run->internal.suberror;
	char why[256];
	uint32_t i;

	snprintf(why, sizeof(why), "KVM internal error, suberror %u: %s", s,
		 s < sizeof(sub) / sizeof(sub[0]) && sub[s] ? sub[s] : "?");
	vcpu_dump(v, why);
	if (run->internal.ndata) {
		fprintf(stderr, "  data:");
		for (i = 0; i < run->internal.ndata && i < 16; i++)
			fprintf(stderr, " %llx",
				(unsigned long long)run->internal.data[i]);
		fprintf(stderr, "\n");
	}
	vm_end(v->vm, KVM_EXIT_GUEST);
}

static void system_event(struct vcpu *v)
{
	uint32_t type = v->run->system_event.type;

	if (type == KVM_SYSTEM_EVENT_SHUTDOWN) {
		console_flush();
		kvm_say("the guest powered off without an exit status");
	} else if (type == KVM_SYSTEM_EVENT_RESET) {
		vcpu_dump(v, "the guest asked for a reset");
	} else {
		char why[64];

		snprintf(why, sizeof(why), "system event %u", type);
		vcpu_dump(v, why);
	}
	vm_end(v->vm, KVM_EXIT_GUEST);
}

static void unhandled(struct vcpu *v)
{
	char why[128];

	snprintf(why, sizeof(why), "unhandled exit reason %u "
		 "(KVM_EXIT_%s): the guest stops here",
		 v->run->exit_reason, exit_name(v->run->exit_reason));
	vcpu_dump(v, why);
	vm_end(v->vm, KVM_EXIT_GUEST);
}

static void save_last(struct vcpu *v)
{
	/* Not the shutdown's own: AMD has reset the vCPU by then. */
	if (!v->vm->sync_regs || v->run->exit_reason == KVM_EXIT_SHUTDOWN)
		return;
	v->last_regs = v->run->s.regs.regs;
	v->last_sregs = v->run->s.regs.sregs;
	v->have_last = 1;
}

static void handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (v->vm->gdb && gdb_io_breakpoint(v))
			return;
		devices_io(v, run);
		return;
	case KVM_EXIT_MMIO:
		devices_mmio(v, run);
		return;
	case KVM_EXIT_INTR:
		return;
	case KVM_EXIT_DEBUG:
		if (v->vm->gdb) {
			v->dbg = run->debug.arch;
			gdb_vcpu_stopped(v, 5 /* SIGTRAP */);
			return;
		}
		break;
	case KVM_EXIT_SHUTDOWN:
		vcpu_dump(v, "triple fault (KVM_EXIT_SHUTDOWN): the guest "
			  "hit an exception it could not handle");
		vm_end(v->vm, KVM_EXIT_GUEST);
	case KVM_EXIT_INTERNAL_ERROR:
		internal_error(v);
		return;
	case KVM_EXIT_FAIL_ENTRY: {
		char why[128];

		snprintf(why, sizeof(why), "KVM could not enter the guest "
			 "(hardware entry failure reason 0x%llx)",
			 (unsigned long long)
			 run->fail_entry.hardware_entry_failure_reason);
		vcpu_dump(v, why);
		vm_end(v->vm, KVM_EXIT_GUEST);
	}
	case KVM_EXIT_SYSTEM_EVENT:
		system_event(v);
		return;
	}
	unhandled(v);
}

void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct gdb *g = v->vm->gdb;

	for (;;) {
		if (__atomic_load_n(&v->vm->stopping, __ATOMIC_ACQUIRE))
			vcpu_park_for_good(v);
		if (g && gdb_stop_pending(g))
			gdb_vcpu_stopped(v, 0);
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				v->run->immediate_exit = 0;
				continue;
			}
			vcpu_dump(v, "KVM_RUN failed");
			kvm_die(KVM_EXIT_GUEST, "KVM_RUN: %s",
				strerror(errno));
		}
		save_last(v);
		kvm_trace_exit(v->run->exit_reason);
		handle_exit(v);
	}
	return NULL;
}

void vm_start(struct vm *vm)
{
	struct sigaction sa;
	pthread_attr_t attr;
	unsigned int i;
	char name[16];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;	/* no SA_RESTART: KVM_RUN returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (i = 0; i < vm->ncpus; i++) {
		if (pthread_create(&vm->vcpus[i].thread, &attr, vcpu_thread,
				   &vm->vcpus[i]))
			kvm_die(KVM_EXIT_GUEST, "cannot start vCPU thread %u",
				i);
		snprintf(name, sizeof(name), "vcpu%u", i);
		pthread_setname_np(vm->vcpus[i].thread, name);
	}
	pthread_attr_destroy(&attr);
}
