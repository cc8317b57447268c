/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The gdb remote stub: gdb's remote serial protocol over a TCP
 * connection or a serial line, on KVM_SET_GUEST_DEBUG.
 *
 * All-stop: when one vCPU stops (a breakpoint, a watchpoint, a step) or
 * gdb interrupts (^C), every vCPU is kicked out of KVM_RUN and parks in
 * gdb_vcpu_stopped() until gdb resumes them; while they are parked this
 * thread reads and writes their registers and guest memory. A single
 * step runs the stepped vCPU alone (the others stay parked), a continue
 * runs them all. Each vCPU is one gdb thread (id = index + 1).
 *
 * Breakpoints: software ones are int3 bytes written into guest memory
 * through the page tables (and hidden from memory reads), caught with
 * KVM_GUESTDBG_USE_SW_BP; hardware breakpoints and watchpoints use the
 * debug registers (KVM_GUESTDBG_USE_HW_BP), four in all.
 *
 * Some CPUs do not honour either for a guest: QEMU's emulated AMD-V (the
 * nested test host) lets the guest take its int3 and ignores the guest's
 * DR7. A scratch VM tells at attach time (probe_breakpoints). There,
 * breakpoints (software and hardware) are planted as "in al,dx" (0xec),
 * a one-byte instruction that always exits to the monitor: an I/O exit
 * at a planted address is a breakpoint, its pending I/O is dropped, and
 * the vCPU stops as at an int3. Watchpoints are refused there: they need
 * the debug registers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "kvm.h"

#define PKT_MAX		16384
#define MAX_SW_BPS	256
#define MAX_HW_BPS	4
#define SIGINT_GDB	2
#define SIGTRAP_GDB	5

enum hw_type { HW_EXEC = 0, HW_WRITE = 1, HW_ACCESS = 3, HW_READ = 4 };

struct sw_bp {
	uint64_t addr;
	uint64_t gpa;
	uint8_t orig;
	int hw;			/* a Z1 planted as code (no debug regs) */
};

#define OP_INT3		0xcc
#define OP_IN_AL_DX	0xec

struct hw_bp {
	int used;
	enum hw_type type;
	uint64_t addr;
	unsigned int len;
};

struct gdb {
	struct vm *vm;
	int fd;
	int noack;
	int wake[2];			/* vCPU -> this thread: a stop */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop_pending;
	int event;			/* vCPU with the stop to report */
	int may_run[KVM_MAX_CPUS];
	int gthread, cthread;		/* Hg, Hc: vCPU index (-1: any) */
	struct sw_bp sw[MAX_SW_BPS];
	unsigned int nsw;
	uint8_t bp_op;			/* OP_INT3, or OP_IN_AL_DX */
	int have_debugregs;
	struct hw_bp hw[MAX_HW_BPS];
	pthread_mutex_t out_lock;
	unsigned char in[PKT_MAX];
	size_t in_len, in_pos;
	char pkt[PKT_MAX];
	char reply[PKT_MAX];
};

/* ---------------------------------------------------------------------
 * The vCPU side
 */

int gdb_stop_pending(struct gdb *g)
{
	return __atomic_load_n(&g->stop_pending, __ATOMIC_ACQUIRE);
}

static void request_stop_locked(struct gdb *g)
{
	if (g->stop_pending)
		return;
	__atomic_store_n(&g->stop_pending, 1, __ATOMIC_RELEASE);
	vm_kick_all(g->vm);
}

void gdb_vcpu_stopped(struct vcpu *v, int sig)
{
	struct gdb *g = v->vm->gdb;
	char c = 0;

	pthread_mutex_lock(&g->lock);
	if (sig)
		v->stop_sig = sig;
	for (;;) {
		/* An unreported stop of ours is reported first. */
		if (v->stop_sig && g->event < 0) {
			g->event = (int)v->idx;
			request_stop_locked(g);
			/* Full pipe: a wake-up is pending anyway. */
			(void)!write(g->wake[1], &c, 1);
		}
		if (!g->stop_pending && g->may_run[v->idx])
			break;
		v->parked = 1;
		pthread_cond_broadcast(&g->cond);
		pthread_cond_wait(&g->cond, &g->lock);
	}
	v->parked = 0;
	v->run->immediate_exit = 0;
	pthread_mutex_unlock(&g->lock);
}

/* Waits until every vCPU is parked; with g->lock held. */
static void wait_all_parked(struct gdb *g)
{
	unsigned int i;

	for (;;) {
		for (i = 0; i < g->vm->ncpus; i++)
			if (!g->vm->vcpus[i].parked)
				break;
		if (i == g->vm->ncpus)
			return;
		pthread_cond_wait(&g->cond, &g->lock);
	}
}

/* ---------------------------------------------------------------------
 * The connection and packets
 */

static int in_byte(struct gdb *g, int block)
{
	struct pollfd p = { .fd = g->fd, .events = POLLIN };
	ssize_t n;

	while (g->in_pos == g->in_len) {
		if (!block && poll(&p, 1, 0) <= 0)
			return -2;
		n = read(g->fd, g->in, sizeof(g->in));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		g->in_len = (size_t)n;
		g->in_pos = 0;
	}
	return g->in[g->in_pos++];
}

static void out_raw(struct gdb *g, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n) {
		w = write(g->fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

static void put_packet(struct gdb *g, const char *data)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(data), i;
	unsigned char sum = 0;
	char *buf = malloc(n + 5);
	int c;

	if (!buf)
		return;
	buf[0] = '$';
	for (i = 0; i < n; i++)
		sum += (unsigned char)data[i];
	memcpy(buf + 1, data, n);
	buf[n + 1] = '#';
	buf[n + 2] = hex[sum >> 4];
	buf[n + 3] = hex[sum & 15];
	pthread_mutex_lock(&g->out_lock);
	for (;;) {
		out_raw(g, buf, n + 4);
		if (g->noack)
			break;
		c = in_byte(g, 1);
		if (c != '-')
			break;		/* '+', or gone */
	}
	pthread_mutex_unlock(&g->out_lock);
	free(buf);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads one packet into g->pkt (unescaped, NUL-terminated). Returns its
 * length, -1 if the connection is gone, or -3 for a ^C. */
static int get_packet(struct gdb *g)
{
	unsigned char sum;
	size_t n;
	int c, c1, c2;

	for (;;) {
		c = in_byte(g, 1);
		if (c < 0)
			return -1;
		if (c == 3)
			return -3;
		if (c != '$')
			continue;	/* acks and noise */
		sum = 0;
		n = 0;
		for (;;) {
			c = in_byte(g, 1);
			if (c < 0)
				return -1;
			if (c == '#')
				break;
			sum += (unsigned char)c;
			if (c == '}') {
				c = in_byte(g, 1);
				if (c < 0)
					return -1;
				sum += (unsigned char)c;
				c ^= 0x20;
			}
			if (n < sizeof(g->pkt) - 1)
				g->pkt[n++] = (char)c;
		}
		c1 = hexval(in_byte(g, 1));
		c2 = hexval(in_byte(g, 1));
		g->pkt[n] = '\0';
		if (g->noack)
			return (int)n;
		if (c1 < 0 || c2 < 0 || ((c1 << 4) | c2) != sum) {
			out_raw(g, "-", 1);
			continue;
		}
		out_raw(g, "+", 1);
		return (int)n;
	}
}

static char *put_hex(char *p, const void *data, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *d = data;
	size_t i;

	for (i = 0; i < n; i++) {
		*p++ = hex[d[i] >> 4];
		*p++ = hex[d[i] & 15];
	}
	*p = '\0';
	return p;
}

static int get_hex(const char *s, void *data, size_t n)
{
	uint8_t *d = data;
	int hi, lo;
	size_t i;

	for (i = 0; i < n; i++) {
		hi = hexval(s[2 * i]);
		lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);
		if (lo < 0)
			return -1;
		d[i] = (uint8_t)((hi << 4) | lo);
	}
	return 0;
}

static uint64_t parse_num(const char **s)
{
	uint64_t v = 0;
	int d;

	while ((d = hexval(**s)) >= 0) {
		v = (v << 4) | (uint64_t)d;
		(*s)++;
	}
	return v;
}

/* ---------------------------------------------------------------------
 * Registers: the layout of the target description below.
 */

static const char target_xml[] =
"<?xml version=\"1.0\"?>\n"
"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
"<target version=\"1.0\">\n"
"<architecture>i386:x86-64</architecture>\n"
"<feature name=\"org.gnu.gdb.i386.core\">\n"
"<flags id=\"i386_eflags\" size=\"4\">\n"
"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" "
"end=\"1\"/><field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" "
"start=\"4\" end=\"4\"/><field name=\"ZF\" start=\"6\" end=\"6\"/><field "
"name=\"SF\" start=\"7\" end=\"7\"/><field name=\"TF\" start=\"8\" "
"end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/><field name=\"DF\" "
"start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" "
"start=\"16\" end=\"16\"/><field name=\"VM\" start=\"17\" end=\"17\"/>"
"<field name=\"AC\" start=\"18\" end=\"18\"/><field name=\"VIF\" "
"start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
"<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
"</flags>\n"
"<reg name=\"rax\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
"<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
"<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>\n"
"<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>\n"
"<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"</feature>\n"
"<feature name=\"org.gnu.gdb.i386.sse\">\n"
"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
"<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" "
"type=\"v16i8\"/><field name=\"v8_int16\" type=\"v8i16\"/><field "
"name=\"v4_int32\" type=\"v4i32\"/><field name=\"v2_int64\" "
"type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/></union>\n"
"<flags id=\"i386_mxcsr\" size=\"4\"><field name=\"IE\" start=\"0\" "
"end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/><field name=\"ZE\" "
"start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/><field "
"name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" "
"end=\"5\"/><field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" "
"start=\"7\" end=\"7\"/><field name=\"DM\" start=\"8\" end=\"8\"/><field "
"name=\"ZM\" start=\"9\" end=\"9\"/><field name=\"OM\" start=\"10\" "
"end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/><field "
"name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" "
"end=\"15\"/></flags>\n"
"<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm8\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm9\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm10\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm11\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm12\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm13\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm14\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"mxcsr\" bitsize=\"32\" type=\"i386_mxcsr\" "
"group=\"vector\"/>\n"
"</feature>\n"
"<feature name=\"org.gnu.gdb.i386.segments\">\n"
"<reg name=\"fs_base\" bitsize=\"64\" type=\"int\"/>\n"
"<reg name=\"gs_base\" bitsize=\"64\" type=\"int\"/>\n"
"</feature>\n"
"<feature name=\"org.amphi.kvm.sys\">\n"
"<reg name=\"cr0\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
"<reg name=\"cr2\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
"<reg name=\"cr3\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
"<reg name=\"cr4\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
"<reg name=\"efer\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
"</feature>\n"
"</target>\n";

#define NREGS	64

static unsigned int reg_size(unsigned int n)
{
	if (n <= 16)
		return 8;		/* GPRs, rip */
	if (n <= 23)
		return 4;		/* eflags, segments */
	if (n <= 31)
		return 10;		/* st0-7 */
	if (n <= 39)
		return 4;		/* x87 control */
	if (n <= 55)
		return 16;		/* xmm */
	if (n == 56)
		return 4;		/* mxcsr */
	return 8;			/* fs_base .. efer */
}

struct regset {
	struct kvm_regs r;
	struct kvm_sregs s;
	struct kvm_fpu f;
};

static int regs_get(struct vcpu *v, struct regset *rs)
{
	if (ioctl(v->fd, KVM_GET_REGS, &rs->r) < 0 ||
	    ioctl(v->fd, KVM_GET_SREGS, &rs->s) < 0 ||
	    ioctl(v->fd, KVM_GET_FPU, &rs->f) < 0)
		return -1;
	return 0;
}

static int regs_set(struct vcpu *v, struct regset *rs)
{
	if (ioctl(v->fd, KVM_SET_REGS, &rs->r) < 0 ||
	    ioctl(v->fd, KVM_SET_SREGS, &rs->s) < 0 ||
	    ioctl(v->fd, KVM_SET_FPU, &rs->f) < 0)
		return -1;
	return 0;
}

/* A pointer to register n's bytes in rs (or into tmp for the derived
 * ones); *derived says whether a write must go through tmp. */
static void *reg_ptr(struct regset *rs, unsigned int n, uint8_t *tmp)
{
	__u64 *gpr[] = {
		&rs->r.rax, &rs->r.rbx, &rs->r.rcx, &rs->r.rdx, &rs->r.rsi,
		&rs->r.rdi, &rs->r.rbp, &rs->r.rsp, &rs->r.r8, &rs->r.r9,
		&rs->r.r10, &rs->r.r11, &rs->r.r12, &rs->r.r13, &rs->r.r14,
		&rs->r.r15, &rs->r.rip,
	};
	uint32_t v32 = 0;
	unsigned int i;

	if (n <= 16)
		return gpr[n];
	memset(tmp, 0, 16);
	switch (n) {
	case 17: v32 = (uint32_t)rs->r.rflags; break;
	case 18: v32 = rs->s.cs.selector; break;
	case 19: v32 = rs->s.ss.selector; break;
	case 20: v32 = rs->s.ds.selector; break;
	case 21: v32 = rs->s.es.selector; break;
	case 22: v32 = rs->s.fs.selector; break;
	case 23: v32 = rs->s.gs.selector; break;
	case 32: v32 = rs->f.fcw; break;
	case 33: v32 = rs->f.fsw; break;
	case 34:
		/* The abridged tag: empty (11) or valid (00) per register. */
		for (i = 0; i < 8; i++)
			if (!(rs->f.ftwx & (1U << i)))
				v32 |= 3U << (2 * i);
		break;
	case 36: v32 = (uint32_t)rs->f.last_ip; break;
	case 38: v32 = (uint32_t)rs->f.last_dp; break;
	case 39: v32 = rs->f.last_opcode; break;
	case 56: v32 = rs->f.mxcsr; break;
	case 57: memcpy(tmp, &rs->s.fs.base, 8); return tmp;
	case 58: memcpy(tmp, &rs->s.gs.base, 8); return tmp;
	case 59: memcpy(tmp, &rs->s.cr0, 8); return tmp;
	case 60: memcpy(tmp, &rs->s.cr2, 8); return tmp;
	case 61: memcpy(tmp, &rs->s.cr3, 8); return tmp;
	case 62: memcpy(tmp, &rs->s.cr4, 8); return tmp;
	case 63: memcpy(tmp, &rs->s.efer, 8); return tmp;
	default:
		if (n >= 24 && n <= 31)
			return rs->f.fpr[n - 24];
		if (n >= 40 && n <= 55)
			return rs->f.xmm[n - 40];
		break;
	}
	memcpy(tmp, &v32, 4);
	return tmp;
}

/* Stores register n's new value (val, reg_size(n) bytes) into rs. */
static void reg_store(struct regset *rs, unsigned int n, const uint8_t *val)
{
	uint8_t tmp[16];
	uint32_t v32;
	uint64_t v64;

	if (n <= 16 || (n >= 24 && n <= 31) || (n >= 40 && n <= 55)) {
		memcpy(reg_ptr(rs, n, tmp), val, reg_size(n));
		return;
	}
	memcpy(&v32, val, 4);
	memcpy(&v64, val, 8 <= reg_size(n) ? 8 : 4);
	switch (n) {
	case 17: rs->r.rflags = v32; break;
	case 32: rs->f.fcw = (uint16_t)v32; break;
	case 33: rs->f.fsw = (uint16_t)v32; break;
	case 56: rs->f.mxcsr = v32; break;
	case 57: rs->s.fs.base = v64; break;
	case 58: rs->s.gs.base = v64; break;
	case 59: rs->s.cr0 = v64; break;
	case 60: rs->s.cr2 = v64; break;
	case 61: rs->s.cr3 = v64; break;
	case 62: rs->s.cr4 = v64; break;
	case 63: rs->s.efer = v64; break;
	default: break;		/* selectors, tags: left as they are */
	}
}

/* ---------------------------------------------------------------------
 * Debug state of the vCPUs
 */

static void apply_debug(struct gdb *g, struct vcpu *v, int step)
{
	struct kvm_guest_debug dbg;
	unsigned int i;
	int hw = 0;
	static const int len_code[9] = { 0, 0, 1, 0, 3, 0, 0, 0, 2 };

	memset(&dbg, 0, sizeof(dbg));
	dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
	dbg.arch.debugreg[7] = 0x0600;
	for (i = 0; i < MAX_HW_BPS; i++) {
		struct hw_bp *b = &g->hw[i];
		unsigned int rw;

		if (!b->used)
			continue;
		hw = 1;
		rw = b->type == HW_EXEC ? 0 : b->type == HW_WRITE ? 1 : 3;
		dbg.arch.debugreg[i] = b->addr;
		dbg.arch.debugreg[7] |= (2ULL << (i * 2)) |
			((uint64_t)rw << (16 + i * 4)) |
			((uint64_t)(b->type == HW_EXEC ? 0 :
				    len_code[b->len]) << (18 + i * 4));
	}
	if (hw)
		dbg.control |= KVM_GUESTDBG_USE_HW_BP;
	if (step) {
		dbg.control |= KVM_GUESTDBG_SINGLESTEP;
		/* No stepping into the timer's interrupt handler. */
		if (g->vm->debug_caps & KVM_GUESTDBG_BLOCKIRQ)
			dbg.control |= KVM_GUESTDBG_BLOCKIRQ;
	}
	if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		kvm_say("KVM_SET_GUEST_DEBUG on CPU %u: %s", v->idx,
			strerror(errno));
}

/* Resumes vCPU step (stepping it alone) or, if step < 0, all of them;
 * with g->lock held, every vCPU parked. */
static void resume(struct gdb *g, int step)
{
	unsigned int i;

	for (i = 0; i < g->vm->ncpus; i++) {
		apply_debug(g, &g->vm->vcpus[i], (int)i == step);
		g->may_run[i] = step < 0 || (int)i == step;
	}
	if (g->event >= 0)
		g->vm->vcpus[g->event].stop_sig = 0;
	g->event = -1;
	__atomic_store_n(&g->stop_pending, 0, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&g->cond);
}

/* ---------------------------------------------------------------------
 * Memory
 */

static struct vcpu *cur(struct gdb *g, int which)
{
	int idx = which < 0 ? (g->event >= 0 ? g->event : 0) : which;

	return &g->vm->vcpus[idx];
}

static int sregs_of(struct vcpu *v, struct kvm_sregs *s)
{
	return ioctl(v->fd, KVM_GET_SREGS, s);
}

/* Reads guest memory with our int3s replaced by what they cover. */
static size_t mem_read(struct gdb *g, uint64_t addr, uint8_t *buf,
		       size_t len)
{
	struct vcpu *v = cur(g, g->gthread);
	struct kvm_sregs s;
	size_t n, i;

	if (sregs_of(v, &s) < 0)
		return 0;
	n = vcpu_read_virt(v, &s, addr, buf, len);
	for (i = 0; i < g->nsw; i++)
		if (g->sw[i].addr >= addr && g->sw[i].addr < addr + n)
			buf[g->sw[i].addr - addr] = g->sw[i].orig;
	return n;
}

static size_t mem_write(struct gdb *g, uint64_t addr, const uint8_t *buf,
			size_t len)
{
	struct vcpu *v = cur(g, g->gthread);
	struct kvm_sregs s;
	uint8_t cc = g->bp_op;
	size_t n, i;

	if (sregs_of(v, &s) < 0)
		return 0;
	n = vcpu_write_virt(v, &s, addr, buf, len);
	/* Breakpoints stay in: the new bytes become what they cover. */
	for (i = 0; i < g->nsw; i++)
		if (g->sw[i].addr >= addr && g->sw[i].addr < addr + n) {
			g->sw[i].orig = buf[g->sw[i].addr - addr];
			vcpu_write_virt(v, &s, g->sw[i].addr, &cc, 1);
		}
	return n;
}

static int sw_insert(struct gdb *g, uint64_t addr, int hw)
{
	struct vcpu *v = cur(g, g->gthread);
	struct kvm_sregs s;
	uint64_t gpa, room;
	uint8_t *p;
	unsigned int i;

	for (i = 0; i < g->nsw; i++)
		if (g->sw[i].addr == addr)
			return 0;
	if (g->nsw == MAX_SW_BPS || sregs_of(v, &s) < 0 ||
	    vcpu_translate(v, &s, addr, &gpa, &room) < 0)
		return -1;
	p = vm_gpa(g->vm, gpa, 1);
	if (!p)
		return -1;
	g->sw[g->nsw] = (struct sw_bp) { addr, gpa, *p, hw };
	g->nsw++;
	*p = g->bp_op;
	return 0;
}

static int sw_remove(struct gdb *g, uint64_t addr)
{
	unsigned int i;
	uint8_t *p;

	for (i = 0; i < g->nsw; i++) {
		if (g->sw[i].addr != addr)
			continue;
		p = vm_gpa(g->vm, g->sw[i].gpa, 1);
		if (p && *p == g->bp_op)
			*p = g->sw[i].orig;
		g->sw[i] = g->sw[--g->nsw];
		return 0;
	}
	return -1;
}

static int hw_insert(struct gdb *g, enum hw_type t, uint64_t addr,
		     unsigned int len)
{
	unsigned int i;

	if (t != HW_EXEC && (len != 1 && len != 2 && len != 4 && len != 8))
		return -1;
	if (t != HW_EXEC && (addr & (len - 1)))
		return -1;	/* the debug registers need alignment */
	if (t == HW_READ)
		t = HW_ACCESS;	/* x86 has no read-only watchpoints */
	for (i = 0; i < MAX_HW_BPS; i++)
		if (!g->hw[i].used) {
			g->hw[i] = (struct hw_bp) { 1, t, addr, len };
			return 0;
		}
	return -1;
}

static int hw_remove(struct gdb *g, enum hw_type t, uint64_t addr)
{
	unsigned int i;

	if (t == HW_READ)
		t = HW_ACCESS;
	for (i = 0; i < MAX_HW_BPS; i++)
		if (g->hw[i].used && g->hw[i].type == t &&
		    g->hw[i].addr == addr) {
			g->hw[i].used = 0;
			return 0;
		}
	return -1;
}

/* ---------------------------------------------------------------------
 * Commands
 */

static void stop_reply(struct gdb *g, char *out, size_t size)
{
	struct vcpu *v = cur(g, g->event);
	int sig = g->event >= 0 ? v->stop_sig : SIGINT_GDB;
	size_t n;
	unsigned int i;

	n = (size_t)snprintf(out, size, "T%02xthread:%x;", sig, v->idx + 1);
	if (g->event < 0 || sig != SIGTRAP_GDB)
		return;
	if (v->dbg.exception == 3) {
		for (i = 0; i < g->nsw; i++)
			if (g->sw[i].addr == v->dbg.pc && g->sw[i].hw) {
				snprintf(out + n, size - n, "hwbreak:;");
				return;
			}
		snprintf(out + n, size - n, "swbreak:;");
		return;
	}
	for (i = 0; i < MAX_HW_BPS; i++) {
		if (!(v->dbg.dr6 & (1ULL << i)) || !g->hw[i].used)
			continue;
		if (g->hw[i].type == HW_EXEC)
			snprintf(out + n, size - n, "hwbreak:;");
		else
			snprintf(out + n, size - n, "%swatch:%llx;",
				 g->hw[i].type == HW_WRITE ? "" : "a",
				 (unsigned long long)g->hw[i].addr);
		return;
	}
}

static int thread_of(const char *s)
{
	long t;

	if (s[0] == '-' && s[1] == '1')
		return -1;
	t = strtol(s, NULL, 16);
	return t <= 0 ? -1 : (int)t - 1;
}

static int thread_ok(struct gdb *g, int t)
{
	return t >= -1 && t < (int)g->vm->ncpus;
}

static void cmd_regs_read(struct gdb *g, char *out)
{
	struct regset rs;
	uint8_t tmp[16];
	unsigned int n;
	char *p = out;

	if (regs_get(cur(g, g->gthread), &rs) < 0) {
		strcpy(out, "E01");
		return;
	}
	for (n = 0; n < NREGS; n++)
		p = put_hex(p, reg_ptr(&rs, n, tmp), reg_size(n));
}

static void cmd_regs_write(struct gdb *g, const char *in, char *out)
{
	struct vcpu *v = cur(g, g->gthread);
	struct regset rs;
	uint8_t val[16];
	unsigned int n;

	if (regs_get(v, &rs) < 0) {
		strcpy(out, "E01");
		return;
	}
	for (n = 0; n < NREGS && *in; n++) {
		if (get_hex(in, val, reg_size(n)) < 0)
			break;
		reg_store(&rs, n, val);
		in += 2 * reg_size(n);
	}
	strcpy(out, regs_set(v, &rs) < 0 ? "E01" : "OK");
}

static void cmd_reg_one(struct gdb *g, const char *in, char *out, int write)
{
	struct vcpu *v = cur(g, g->gthread);
	unsigned int n = (unsigned int)parse_num(&in);
	struct regset rs;
	uint8_t tmp[16], val[16];

	if (n >= NREGS || regs_get(v, &rs) < 0) {
		strcpy(out, "E01");
		return;
	}
	if (!write) {
		put_hex(out, reg_ptr(&rs, n, tmp), reg_size(n));
		return;
	}
	if (*in++ != '=' || get_hex(in, val, reg_size(n)) < 0) {
		strcpy(out, "E01");
		return;
	}
	reg_store(&rs, n, val);
	strcpy(out, regs_set(v, &rs) < 0 ? "E01" : "OK");
}

static void cmd_mem_read(struct gdb *g, const char *in, char *out)
{
	uint64_t addr = parse_num(&in), len;
	uint8_t buf[PKT_MAX / 2 - 16];
	size_t n;

	if (*in++ != ',') {
		strcpy(out, "E01");
		return;
	}
	len = parse_num(&in);
	if (len > sizeof(buf))
		len = sizeof(buf);
	n = mem_read(g, addr, buf, len);
	if (!n && len) {
		strcpy(out, "E14");	/* EFAULT */
		return;
	}
	put_hex(out, buf, n);
}

static void cmd_mem_write(struct gdb *g, const char *in, char *out,
			  int binary, int len_pkt)
{
	const char *start = in;
	uint64_t addr = parse_num(&in), len;
	uint8_t buf[PKT_MAX];

	if (*in++ != ',') {
		strcpy(out, "E01");
		return;
	}
	len = parse_num(&in);
	if (*in++ != ':' || len > sizeof(buf)) {
		strcpy(out, "E01");
		return;
	}
	if (binary) {
		if ((size_t)(len_pkt - (in - start)) < len) {
			strcpy(out, "E01");
			return;
		}
		memcpy(buf, in, len);
	} else if (get_hex(in, buf, len) < 0) {
		strcpy(out, "E01");
		return;
	}
	strcpy(out, mem_write(g, addr, buf, len) == len ? "OK" : "E14");
}

static void cmd_breakpoint(struct gdb *g, const char *in, char *out,
			   int insert)
{
	int type = *in - '0';
	uint64_t addr, kind;
	int r;

	in++;
	if (*in++ != ',') {
		strcpy(out, "E01");
		return;
	}
	addr = parse_num(&in);
	if (*in++ != ',') {
		strcpy(out, "E01");
		return;
	}
	kind = parse_num(&in);
	switch (type) {
	case 0:
		r = insert ? sw_insert(g, addr, 0) : sw_remove(g, addr);
		break;
	case 1:
		if (!g->have_debugregs)
			r = insert ? sw_insert(g, addr, 1) :
				     sw_remove(g, addr);
		else
			r = insert ? hw_insert(g, HW_EXEC, addr, 1) :
				     hw_remove(g, HW_EXEC, addr);
		break;
	case 2:
	case 3:
	case 4: {
		if (!g->have_debugregs) {
			strcpy(out, "E95");	/* EOPNOTSUPP */
			return;
		}
		enum hw_type t = type == 2 ? HW_WRITE : type == 3 ? HW_READ :
				 HW_ACCESS;

		r = insert ? hw_insert(g, t, addr, (unsigned int)kind) :
			     hw_remove(g, t, addr);
		break;
	}
	default:
		out[0] = '\0';		/* not supported */
		return;
	}
	strcpy(out, r < 0 ? "E22" : "OK");
}

static void cmd_threads(struct gdb *g, char *out)
{
	unsigned int i;
	size_t n = 1;

	out[0] = 'm';
	for (i = 0; i < g->vm->ncpus; i++)
		n += (size_t)snprintf(out + n, PKT_MAX - n, "%s%x",
				      i ? "," : "", i + 1);
}

static void cmd_xfer(const char *in, char *out)
{
	const char *p = in + strlen("qXfer:features:read:target.xml:");
	uint64_t off, len, total = sizeof(target_xml) - 1;

	off = parse_num(&p);
	if (*p++ != ',') {
		strcpy(out, "E01");
		return;
	}
	len = parse_num(&p);
	if (len > PKT_MAX - 8)
		len = PKT_MAX - 8;
	if (off >= total) {
		strcpy(out, "l");
		return;
	}
	if (len > total - off)
		len = total - off;
	out[0] = off + len < total ? 'm' : 'l';
	memcpy(out + 1, target_xml + off, len);
	out[len + 1] = '\0';
}

/* vCont;ACTION[:THREAD]...: the stepped thread, or -1 to run all.
 * Returns -2 for a malformed packet. */
static int vcont_step(struct gdb *g, const char *in)
{
	int step = -1, t;

	while (*in == ';') {
		in++;
		if (*in == 's' || *in == 'S') {
			const char *colon = strchr(in, ':');

			t = colon && colon < strchrnul(in, ';') ?
			    thread_of(colon + 1) : g->cthread;
			if (!thread_ok(g, t))
				return -2;
			step = t < 0 ? (g->event >= 0 ? g->event : 0) : t;
		} else if (*in != 'c' && *in != 'C') {
			return -2;
		}
		in = strchrnul(in, ';');
	}
	return step;
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Handles one packet while the vCPUs are parked. Returns 1 when they
 * were resumed (the reply comes with the next stop), 0 otherwise. */
static int command(struct gdb *g, const char *p, int len, char *out)
{
	int t;

	out[0] = '\0';
	switch (p[0]) {
	case '?':
		stop_reply(g, out, PKT_MAX);
		return 0;
	case 'g':
		cmd_regs_read(g, out);
		return 0;
	case 'G':
		cmd_regs_write(g, p + 1, out);
		return 0;
	case 'p':
		cmd_reg_one(g, p + 1, out, 0);
		return 0;
	case 'P':
		cmd_reg_one(g, p + 1, out, 1);
		return 0;
	case 'm':
		cmd_mem_read(g, p + 1, out);
		return 0;
	case 'M':
		cmd_mem_write(g, p + 1, out, 0, len - 1);
		return 0;
	case 'X':
		cmd_mem_write(g, p + 1, out, 1, len - 1);
		return 0;
	case 'Z':
	case 'z':
		cmd_breakpoint(g, p + 1, out, p[0] == 'Z');
		return 0;
	case 'H':
		t = thread_of(p + 2);
		if (!thread_ok(g, t) || (p[1] != 'g' && p[1] != 'c')) {
			strcpy(out, "E01");
			return 0;
		}
		if (p[1] == 'g')
			g->gthread = t;
		else
			g->cthread = t;
		strcpy(out, "OK");
		return 0;
	case 'T':
		t = thread_of(p + 1);
		strcpy(out, t >= 0 && t < (int)g->vm->ncpus ? "OK" : "E01");
		return 0;
	case 'c':
	case 'C':
		resume(g, -1);
		return 1;
	case 's':
	case 'S':
		t = g->cthread >= 0 ? g->cthread :
		    g->event >= 0 ? g->event : 0;
		resume(g, t);
		return 1;
	case 'k':
		kvm_say("killed by gdb");
		vm_end(g->vm, KVM_EXIT_GUEST);
	}
	if (!strcmp(p, "vCont?")) {
		strcpy(out, "vCont;c;C;s;S");
	} else if (starts(p, "vCont;")) {
		t = vcont_step(g, p + 5);
		if (t == -2) {
			strcpy(out, "E01");
			return 0;
		}
		resume(g, t);
		return 1;
	} else if (starts(p, "qSupported")) {
		snprintf(out, PKT_MAX, "PacketSize=%x;qXfer:features:read+;"
			 "swbreak+;hwbreak+;QStartNoAckMode+;vContSupported+",
			 PKT_MAX - 16);
	} else if (!strcmp(p, "QStartNoAckMode")) {
		strcpy(out, "OK");
		put_packet(g, out);
		g->noack = 1;
		out[0] = '\0';
		return -1;
	} else if (starts(p, "qXfer:features:read:target.xml:")) {
		cmd_xfer(p, out);
	} else if (!strcmp(p, "qfThreadInfo")) {
		cmd_threads(g, out);
	} else if (!strcmp(p, "qsThreadInfo")) {
		strcpy(out, "l");
	} else if (!strcmp(p, "qC")) {
		snprintf(out, PKT_MAX, "QC%x", cur(g, g->gthread)->idx + 1);
	} else if (!strcmp(p, "qAttached")) {
		strcpy(out, "1");
	} else if (starts(p, "qThreadExtraInfo,")) {
		char text[32];

		t = thread_of(p + 17);
		snprintf(text, sizeof(text), "CPU %d", t < 0 ? 0 : t);
		put_hex(out, text, strlen(text));
	} else if (starts(p, "qSymbol")) {
		strcpy(out, "OK");
	}
	return 0;
}

/* Detach: our int3s out of memory, the debug state off, everyone on. */
static void detach(struct gdb *g)
{
	struct kvm_guest_debug off;
	unsigned int i;

	while (g->nsw)
		sw_remove(g, g->sw[0].addr);
	memset(g->hw, 0, sizeof(g->hw));
	memset(&off, 0, sizeof(off));
	for (i = 0; i < g->vm->ncpus; i++) {
		ioctl(g->vm->vcpus[i].fd, KVM_SET_GUEST_DEBUG, &off);
		g->may_run[i] = 1;
	}
	g->event = -1;
	g->vm->gdb = NULL;
	__atomic_store_n(&g->stop_pending, 0, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&g->cond);
}

/* While the vCPUs run: waits for a stop (or a ^C from gdb). Returns
 * -1 if the connection is gone. */
static int wait_stop(struct gdb *g)
{
	struct pollfd p[2] = {
		{ .fd = g->fd, .events = POLLIN },
		{ .fd = g->wake[0], .events = POLLIN },
	};
	char junk[64];
	int c;

	for (;;) {
		pthread_mutex_lock(&g->lock);
		if (g->stop_pending) {
			wait_all_parked(g);
			pthread_mutex_unlock(&g->lock);
			(void)!read(g->wake[0], junk, sizeof(junk));
			return 0;
		}
		pthread_mutex_unlock(&g->lock);
		while ((c = in_byte(g, 0)) >= 0) {
			if (c == 3) {
				pthread_mutex_lock(&g->lock);
				request_stop_locked(g);
				pthread_mutex_unlock(&g->lock);
			}
		}
		if (c == -1)
			return -1;
		if (g->stop_pending)
			continue;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -1;
	}
}

void gdb_serve(struct gdb *g)
{
	int n, resumed;

	for (;;) {
		if (wait_stop(g) < 0)
			break;
		pthread_mutex_lock(&g->lock);
		if (g->event >= 0)
			g->gthread = g->cthread = g->event;
		stop_reply(g, g->reply, sizeof(g->reply));
		pthread_mutex_unlock(&g->lock);
		put_packet(g, g->reply);
		for (resumed = 0; !resumed;) {
			n = get_packet(g);
			if (n == -3)
				continue;	/* ^C while stopped */
			if (n < 0)
				goto gone;
			pthread_mutex_lock(&g->lock);
			if (g->pkt[0] == 'D') {
				detach(g);
				pthread_mutex_unlock(&g->lock);
				put_packet(g, "OK");
				kvm_say("gdb detached: the guest runs on");
				return;
			}
			resumed = command(g, g->pkt, n, g->reply);
			pthread_mutex_unlock(&g->lock);
			if (resumed == 0)
				put_packet(g, g->reply);
			resumed = resumed > 0;
		}
	}
gone:
	pthread_mutex_lock(&g->lock);
	detach(g);
	pthread_mutex_unlock(&g->lock);
	kvm_say("gdb went away: the guest runs on");
}

static void *gdb_thread(void *arg)
{
	gdb_serve(arg);
	return NULL;
}

/* ---------------------------------------------------------------------
 * Breakpoints planted as I/O instructions (see the top)
 */

int gdb_io_breakpoint(struct vcpu *v)
{
	struct gdb *g = v->vm->gdb;
	struct kvm_regs r;
	uint64_t rip;
	unsigned int i;

	if (g->bp_op != OP_IN_AL_DX || v->run->io.direction != KVM_EXIT_IO_IN
	    || v->run->io.size != 1 || !g->nsw)
		return 0;
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0)
		return 0;
	rip = r.rip;
	for (i = 0; i < g->nsw && g->sw[i].addr != rip; i++)
		;
	if (i == g->nsw)
		return 0;
	/* KVM drops a pending I/O whose instruction pointer moved: move it,
	 * enter with immediate_exit (the I/O is dropped, nothing runs),
	 * then put it back at the breakpoint. */
	r.rip = rip + 1;
	ioctl(v->fd, KVM_SET_REGS, &r);
	v->run->immediate_exit = 1;
	ioctl(v->fd, KVM_RUN, 0);
	v->run->immediate_exit = 0;
	r.rip = rip;
	ioctl(v->fd, KVM_SET_REGS, &r);
	memset(&v->dbg, 0, sizeof(v->dbg));
	v->dbg.exception = 3;
	v->dbg.pc = rip;
	gdb_vcpu_stopped(v, SIGTRAP_GDB);
	return 1;
}

/* Whether this KVM stops a guest at an int3 and at a debug-register
 * breakpoint: tried in real mode on a scratch VM. Returns 1 for int3,
 * 2 for the debug registers, or both. */
static int probe_breakpoints(struct vm *vm)
{
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_guest_debug dbg;
	struct kvm_sregs sr;
	struct kvm_regs r;
	struct kvm_run *run;
	uint8_t *mem;
	int vmfd, cpufd, result = 0, t, n;

	vmfd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	mem = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vmfd < 0 || mem == MAP_FAILED)
		return 3;
	region.memory_size = 0x2000;
	region.userspace_addr = (uint64_t)(uintptr_t)mem;
	ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, &region);
	ioctl(vmfd, KVM_SET_TSS_ADDR, 0xfffbd000UL);
	cpufd = ioctl(vmfd, KVM_CREATE_VCPU, 0);
	run = cpufd < 0 ? MAP_FAILED : mmap(NULL, vm->run_size,
		PROT_READ | PROT_WRITE, MAP_SHARED, cpufd, 0);
	if (run == MAP_FAILED)
		goto out;
	/* #DB and #BP lead to a hlt at 0x1010; nop, int3, hlt at 0x1000. */
	mem[0x04] = mem[0x0c] = 0x10;
	mem[0x05] = mem[0x0d] = 0x10;
	memcpy(mem + 0x1000, "\x90\xcc\xf4", 3);
	mem[0x1010] = 0xf4;
	for (t = 0; t < 2; t++) {
		ioctl(cpufd, KVM_GET_SREGS, &sr);
		sr.cs.base = 0;
		sr.cs.selector = 0;
		ioctl(cpufd, KVM_SET_SREGS, &sr);
		memset(&r, 0, sizeof(r));
		r.rflags = 2;
		r.rip = t ? 0x1001 : 0x1000;
		ioctl(cpufd, KVM_SET_REGS, &r);
		memset(&dbg, 0, sizeof(dbg));
		dbg.control = KVM_GUESTDBG_ENABLE | (t ? KVM_GUESTDBG_USE_SW_BP :
						     KVM_GUESTDBG_USE_HW_BP);
		dbg.arch.debugreg[0] = 0x1000;
		dbg.arch.debugreg[7] = t ? 0 : 0x602;
		ioctl(cpufd, KVM_SET_GUEST_DEBUG, &dbg);
		for (n = 0; n < 4; n++) {
			if (ioctl(cpufd, KVM_RUN, 0) < 0 && errno != EINTR)
				break;
			if (run->exit_reason == KVM_EXIT_DEBUG) {
				if (run->debug.arch.exception == (t ? 3 : 1))
					result |= t ? 1 : 2;
				break;
			}
			if (run->exit_reason == KVM_EXIT_HLT ||
			    run->exit_reason == KVM_EXIT_SHUTDOWN ||
			    run->exit_reason == KVM_EXIT_INTERNAL_ERROR ||
			    run->exit_reason == KVM_EXIT_FAIL_ENTRY)
				break;
		}
	}
	munmap(run, vm->run_size);
out:
	if (cpufd >= 0)
		close(cpufd);
	close(vmfd);
	munmap(mem, 0x2000);
	return result;
}

/* ---------------------------------------------------------------------
 * Setup
 */

static int listen_tcp(const char *where)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char *end;
	long port = strtol(where, &end, 10);
	int s, c, one = 1;

	if (*end || port <= 0 || port > 65535)
		kvm_die(KVM_EXIT_USAGE, "--gdb %s: neither a TCP port nor a "
			"device path", where);
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		kvm_die(KVM_EXIT_GUEST, "gdb socket: %s", strerror(errno));
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s, 1) < 0)
		kvm_die(KVM_EXIT_USAGE, "--gdb %ld: 127.0.0.1:%ld: %s", port,
			port, strerror(errno));
	kvm_say("waiting for gdb on 127.0.0.1:%ld (target remote :%ld)",
		port, port);
	do {
		c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	} while (c < 0 && errno == EINTR);
	if (c < 0)
		kvm_die(KVM_EXIT_GUEST, "gdb accept: %s", strerror(errno));
	close(s);
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return c;
}

static int open_serial(const char *path)
{
	struct termios t;
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		kvm_die(KVM_EXIT_USAGE, "--gdb %s: %s", path,
			strerror(errno));
	if (isatty(fd) && tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetspeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
		tcflush(fd, TCIOFLUSH);
	}
	kvm_say("waiting for gdb on %s", path);
	return fd;
}

struct gdb *gdb_open(struct vm *vm, const char *where)
{
	struct gdb *g = calloc(1, sizeof(*g));
	pthread_t t;
	int n;

	if (!g || pipe2(g->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		kvm_die(KVM_EXIT_GUEST, "gdb stub: %s", strerror(errno));
	g->vm = vm;
	pthread_mutex_init(&g->lock, NULL);
	pthread_mutex_init(&g->out_lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->gthread = g->cthread = -1;
	/* Stopped before the first instruction, as if by a step. */
	g->stop_pending = 1;
	g->event = 0;
	vm->vcpus[0].stop_sig = SIGTRAP_GDB;
	n = probe_breakpoints(vm);
	g->bp_op = (n & 1) ? OP_INT3 : OP_IN_AL_DX;
	g->have_debugregs = !!(n & 2);
	if (n != 3)
		kvm_say("this KVM does not stop the guest at %s%s%s (an "
			"emulated CPU?): breakpoints are planted as I/O "
			"instructions%s", n & 1 ? "" : "int3",
			n == 0 ? " nor at " : "", n & 2 ? "" :
			"debug-register breakpoints",
			n & 2 ? "" : "; no watchpoints");
	g->fd = strchr(where, '/') ? open_serial(where) : listen_tcp(where);
	if (pthread_create(&t, NULL, gdb_thread, g))
		kvm_die(KVM_EXIT_GUEST, "cannot start the gdb thread");
	return g;
}

void gdb_exited(struct gdb *g, int status)
{
	static const char hex[] = "0123456789abcdef";
	char msg[16];
	unsigned char sum = 'W';

	/* No wait for gdb's ack: the process ends right after. */
	sum += (unsigned char)hex[(status >> 4) & 15];
	sum += (unsigned char)hex[status & 15];
	snprintf(msg, sizeof(msg), "$W%c%c#%c%c", hex[(status >> 4) & 15],
		 hex[status & 15], hex[sum >> 4], hex[sum & 15]);
	out_raw(g, msg, strlen(msg));
}
