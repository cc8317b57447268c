/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot sequence, identical on every backend:
 * bootinfo -> frame allocator -> heap -> init tables -> main() -> exit.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/assert.h>
#include <uk/boot.h>
#include <uk/falloc.h>
#include <uk/init.h>
#include <uk/linktab.h>
#include <uk/param.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/thread.h>
#include <uk/vmem.h>
#include <uk/arch/ctx.h>
#include <uk/arch/valgrind.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/bootstrap.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/paging.h>
#include <uk/plat/tls.h>

#define AMPHI_VERSION	"0.1.0"

static struct ukplat_bootinfo *bootinfo;
static int banner_quiet;

/* The command line, split in kernel memory (uk_boot_start_app copies
 * the app's arguments into its own heap). Freed at exit. */
static char *args_buf;
static char **args_vec;
static struct uk_init_ctx kernel_args;
static const char *app_name;

const char *uk_boot_app_name(void)
{
	return app_name;
}

struct ukplat_bootinfo *ukplat_bootinfo_get(void)
{
	return bootinfo;
}

/* Carves the allocator's state out of the first free region that fits,
 * then hands every free region to it (each keeps its metadata inside). */
static struct uk_falloc *falloc_setup(struct ukplat_bootinfo *bi)
{
	struct ukplat_memregion_desc *mrd;
	struct uk_falloc *fa = NULL;
	__sz fa_size = PAGE_ALIGN_UP(uk_fallocbuddy_size());
	unsigned int i;
	int rc;

	for (i = 0; i < bi->nr_mrds; i++) {
		mrd = &bi->mrds[i];
		if (mrd->type != UKPLAT_MEMRT_FREE || mrd->len <= fa_size)
			continue;
		if (!fa) {
			fa = uk_fallocbuddy_init((void *)mrd->vbase);
			mrd->vbase += fa_size;
			mrd->pbase += fa_size;
			mrd->len -= fa_size;
		}
		rc = uk_fallocbuddy_addmem_inplace(fa, mrd->pbase,
				mrd->len >> PAGE_SHIFT, bi->dm_off,
				!!(mrd->flags & UKPLAT_MEMRF_ZEROED));
		if (rc < 0)
			uk_pr_err("cannot add memory region %s: %d\n",
				  mrd->name, rc);
	}
	return fa;
}

static void print_regions(const struct ukplat_bootinfo *bi)
{
	const struct ukplat_memregion_desc *m;
	unsigned int i;

	for (i = 0; i < bi->nr_mrds; i++) {
		m = &bi->mrds[i];
		uk_pr_info("region %-10s v 0x%016lx-0x%016lx %c%c%c type 0x%x\n",
			   m->name, m->vbase, m->vbase + m->len,
			   (m->flags & UKPLAT_MEMRF_READ) ? 'r' : '-',
			   (m->flags & UKPLAT_MEMRF_WRITE) ? 'w' : '-',
			   (m->flags & UKPLAT_MEMRF_EXECUTE) ? 'x' : '-',
			   m->type);
	}
}

static void memory_setup(struct ukplat_bootinfo *bi)
{
	struct uk_falloc *fa = falloc_setup(bi);
	struct uk_alloc *heap;

	if (!fa || !fa->free_memory)
		UK_CRASH("no usable memory in the boot information\n");
	uk_falloc_set_default(fa);
	heap = uk_alloc_heap_init(fa, bi->dm_off);
	if (!heap)
		UK_CRASH("cannot set up the kernel heap\n");
	uk_alloc_set_default(heap);
}

UK_LINKTAB_DEFINE(const struct uk_param, uk_params, "param");
UK_LINKTAB_DEFINE(const struct uk_param_size, uk_params_size, "param_size");
UK_PARAM("quiet", banner_quiet, 0, 1, "no banner");

/* Parses "N" as a number in [min, max]; returns 0 or -EINVAL. */
static int parse_int(const char *val, int min, int max, int *out)
{
	char *end;
	long v = strtol(val, &end, 0);

	if (end == val || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* Nonzero if "key=value" (or "key") names name. */
static int names(const char *arg, const char *name)
{
	const char *eq = strchr(arg, '=');
	size_t keylen = eq ? (size_t)(eq - arg) : strlen(arg);

	return strlen(name) == keylen && !strncmp(arg, name, keylen);
}

/* The parameter "key=value" names, or NULL. */
static const struct uk_param *param_find(const char *arg)
{
	const struct uk_param *p;

	uk_linktab_foreach(p, uk_params)
		if (names(arg, p->name))
			return p;
	return NULL;
}

static const struct uk_param_size *param_size_find(const char *arg)
{
	const struct uk_param_size *p;

	uk_linktab_foreach(p, uk_params_size)
		if (names(arg, p->name))
			return p;
	return NULL;
}

int uk_param_parse_size(const char *val, unsigned long *out)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	unsigned long v, shift = 0;
	char *end;

	if (*val < '0' || *val > '9')
		return -EINVAL;
	v = strtoul(val, &end, 10);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case '%':
		if (end[1] || v > 100 || !fa)
			return -EINVAL;
		*out = fa->total_memory / 100 * v;
		return 0;
	}
	if (shift && *end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B')
		end++;
	if (*end || v > (~0UL >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

int uk_param_set(const char *arg)
{
	const struct uk_param *p = param_find(arg);
	const struct uk_param_size *ps;
	const char *eq = strchr(arg, '=');
	const char *val = eq ? eq + 1 : "1";
	unsigned long size;

	if (p && UK_PARAM_IS_TEXT(p)) {
		if (!eq)
			return -EINVAL;
		*p->str = eq + 1;
		return 0;
	}
	if (p)
		return parse_int(val, p->min, p->max, p->var);
	ps = param_size_find(arg);
	if (!ps)
		return -ENOENT;
	if (uk_param_parse_size(val, &size) < 0 || size > ps->max)
		return -EINVAL;
	*ps->var = size;
	return 0;
}

int uk_param_set_int(const char *name, int val)
{
	const struct uk_param *p = param_find(name);

	if (!p || strchr(name, '='))
		return -ENOENT;
	if (UK_PARAM_IS_TEXT(p) || val < p->min || val > p->max)
		return -EINVAL;
	*p->var = val;
	return 0;
}

int uk_param_get(const char *name, int *val)
{
	const struct uk_param *p = param_find(name);

	if (!p || strchr(name, '=') || UK_PARAM_IS_TEXT(p))
		return -ENOENT;
	*val = *p->var;
	return 0;
}

/* Applies one kernel argument ("key=value", or "key" for key=1;
 * env=NAME=VALUE adds to the app's environment). */
static void kernel_arg(const char *arg)
{
	const struct uk_param *p = param_find(arg);
	const struct uk_param_size *ps = param_size_find(arg);
	int rc;

	if (!strncmp(arg, "env=", 4)) {
		if (uk_boot_env_add(arg + 4) < 0)
			uk_pr_warn("%s ignored: env=NAME=VALUE, at most 128\n",
				   arg);
		return;
	}
	rc = uk_param_set(arg);
	if (rc == -ENOENT)
		uk_pr_warn("unknown kernel argument '%s' ignored\n", arg);
	else if (rc < 0 && p && UK_PARAM_IS_TEXT(p))
		uk_pr_warn("%s ignored: give a value (%s)\n", arg, p->help);
	else if (rc < 0 && p)
		uk_pr_warn("%s ignored: use %d .. %d (%s)\n", arg, p->min,
			   p->max, p->help);
	else if (rc < 0 && ps)
		uk_pr_warn("%s ignored: use a size like 64M or 50%% (%s)\n",
			   arg, ps->help);
}

/* Splits the command line; kernel arguments are handled and removed. */
static int args_setup(struct ukplat_bootinfo *bi, char ***argvp)
{
	const char *cmdline = bi->cmdline ? bi->cmdline : "";
	int argc, i, dashdash = -1;
	char **argv;

	args_buf = uk_malloc(uk_alloc_get_default(), strlen(cmdline) + 1);
	args_vec = uk_calloc(uk_alloc_get_default(), UK_BOOT_MAX_ARGS + 1,
			     sizeof(char *));
	if (!args_buf || !args_vec)
		UK_CRASH("out of memory for the command line\n");
	argc = uk_boot_split_args(cmdline, args_buf, args_vec,
				  UK_BOOT_MAX_ARGS);
	if (argc < 0)
		UK_CRASH("more than %d arguments on the command line\n",
			 UK_BOOT_MAX_ARGS);
	for (i = 1; i < argc; i++) {
		if (!strcmp(args_vec[i], "--")) {
			dashdash = i;
			break;
		}
	}
	argv = args_vec;
	kernel_args.argc = 0;
	kernel_args.argv = args_vec + 1;
	if (dashdash > 0) {
		for (i = 1; i < dashdash; i++)
			kernel_arg(args_vec[i]);
		kernel_args.argc = dashdash - 1;
		/* Keep argv[0], drop the kernel arguments and "--". */
		args_vec[dashdash] = args_vec[0];
		argv = &args_vec[dashdash];
		argc -= dashdash;
	}
	*argvp = argv;
	return argc;
}

#if defined(__aarch64__)
#define ARCH_NAME	"arm64"
#else
#define ARCH_NAME	"x86_64"
#endif

static void banner(struct ukplat_bootinfo *bi, const char *app)
{
	struct uk_falloc *fa = uk_falloc_get_default();

	if (banner_quiet)
		return;
	uk_printk_raw("Amphi " AMPHI_VERSION " on %s (" ARCH_NAME "), %u CPU%s, "
		      "%lu MiB free -- %s\n", bi->bootprotocol,
		      ukplat_lcpu_count(), ukplat_lcpu_count() > 1 ? "s" : "",
		      fa->free_memory >> 20, app ? app : "(no name)");
}

static void args_free(void)
{
	uk_free(uk_alloc_get_default(), args_vec);
	uk_free(uk_alloc_get_default(), args_buf);
	args_vec = NULL;
	args_buf = NULL;
}

/* The boot thread's TLS block, laid out from the image's PT_TLS as every
 * thread's (musl's layout: core/libc). */
static void tls_setup(struct ukplat_bootinfo *bi)
{
	size_t aux[AT_PHNUM + 1] = { 0 };

	aux[AT_PHDR] = bi->phdr;
	aux[AT_PHNUM] = bi->phnum;
	aux[AT_PHENT] = bi->phent;
	uk_libc_tls_setup(aux);
}

/*
 * main() runs on a stack of its own, the same in every world: a VMA of
 * main.stack_size bytes (default 8 MiB, Linux's RLIMIT_STACK) with guard
 * pages, demand paged below its top MAIN_STACK_HOT bytes (the page-fault
 * handler has a stack of its own on metal too). The boot stack (the host
 * process's in sim, a small one in the image on metal) is left behind.
 */
#define MAIN_STACK_HOT	(16UL << 10)

static unsigned long main_stack_size = 8UL << 20;
UK_PARAM_SIZE("main.stack_size", main_stack_size, 1UL << 36,
	      "main()'s stack (default 8M)");

/* The boot context, resumed at the end to give main's stack back. */
static struct ukarch_ctx boot_ctx;
static __vaddr_t main_vma;
static __sz main_vma_len;
static unsigned long main_vg_id;
static int exit_status;

/* The app's start (musl's __libc_start_main, then main()), on main's
 * stack. */
static void __noreturn main_entry(long argc, long argv)
{
	uk_boot_start_app((int)argc, (char **)argv);
}

/* Nonzero if this code runs on main()'s stack. */
static int on_main_stack(void)
{
	__vaddr_t sp = (__vaddr_t)__builtin_frame_address(0);

	return main_vma && sp >= main_vma && sp < main_vma + main_vma_len;
}

static void __noreturn terminate(void)
{
	if (main_vma) {
		if (main_vg_id)
			ukarch_valgrind_request(0, UK_VG_STACK_DEREGISTER,
						main_vg_id, 0, 0, 0, 0);
		uk_vma_unmap(uk_vas_get_active(), main_vma, main_vma_len, 0);
	}
	ukplat_terminate(UKPLAT_HALT, exit_status);
}

static void __noreturn run_main(int argc, char **argv)
{
	struct uk_thread *self = uk_thread_current();
	struct uk_vas *vas = uk_vas_get_active();
	__sz size = PAGE_ALIGN_UP(MAX(main_stack_size, MAIN_STACK_HOT));
	struct ukarch_ctx ctx;
	__vaddr_t vma = __VADDR_ANY;
	char *stack;

	if (!vas || uk_vma_map_stack(vas, &vma, size, UK_VMA_MAP_APP_MEM,
				     "main",
				     UK_VMA_STACK_GUARD_BOTTOM,
				     UK_VMA_STACK_GUARD_TOP) < 0)
		UK_CRASH("cannot map main()'s stack of %lu bytes\n",
			 (unsigned long)size);
	stack = (char *)(vma + UK_VMA_STACK_GUARD_BOTTOM * PAGE_SIZE);
	uk_vma_advise(vas, (__vaddr_t)stack + size - MAIN_STACK_HOT,
		      MAIN_STACK_HOT, UK_VMA_ADV_WILLNEED, 0);
	main_vg_id = ukarch_valgrind_request(0, UK_VG_STACK_REGISTER,
		(unsigned long)stack, (unsigned long)stack + size, 0, 0, 0);
	if (self) {
		self->stack = stack;
		self->stack_size = size;
		self->stack_vma = vma;
	}
	main_vma_len = size + (UK_VMA_STACK_GUARD_BOTTOM +
			       UK_VMA_STACK_GUARD_TOP) * PAGE_SIZE;
	main_vma = vma;
	ukarch_ctx_init_entry2(&ctx, (__uptr)stack + size, main_entry, argc,
			       (long)argv);
	ukarch_ctx_switch(&boot_ctx, &ctx);
	/* Back from uk_boot_exit, on the boot stack. */
	terminate();
}

void __uk_entry __noreturn ukplat_entry(struct ukplat_bootinfo *bi)
{
	char **argv;
	int argc, rc;

	/* Until the heap exists, a thread descriptor without TLS: enough
	 * for errno and the locale of the C library's functions. */
	ukplat_tlsp_set(uk_libc_tls_boot());
	if (!bi || bi->magic != UKPLAT_BOOTINFO_MAGIC)
		ukplat_terminate(UKPLAT_CRASH, 1);
	bootinfo = bi;
	memory_setup(bi);
	rc = ukplat_paging_init(bi, uk_falloc_get_default());
	if (rc < 0)
		UK_CRASH("cannot set up paging: %d\n", rc);
	tls_setup(bi);
	argc = args_setup(bi, &argv);
	app_name = argc > 0 ? argv[0] : NULL;
	print_regions(bi);
	uk_pr_info("%lu of %lu KiB free after boot allocations\n",
		   uk_falloc_get_default()->free_memory >> 10,
		   uk_falloc_get_default()->total_memory >> 10);
	banner(bi, argv[0]);

	rc = uk_inittab_run(&kernel_args);
	if (rc < 0)
		UK_CRASH("kernel initialisation failed: %d\n", rc);

	ukplat_lcpu_enable_irq();
	run_main(argc, argv);
}

/* A thread that calls exit while another one shuts the kernel down waits
 * for the end: the shutdown runs once. */
static void __noreturn wait_for_shutdown(void)
{
	struct uk_thread *self = uk_thread_current();

	for (;;) {
		if (self) {
			uk_thread_block_until(self, 0);
			uk_sched_yield();
		} else {
			ukplat_lcpu_halt_irq();
		}
	}
}

void __noreturn uk_boot_exit(int status)
{
	static int exiting;

	if (__atomic_exchange_n(&exiting, 1, __ATOMIC_ACQ_REL))
		wait_for_shutdown();
	/* Before the terms: what the boot holds goes first. */
	app_name = NULL;
	args_free();
	uk_libc_tls_teardown();
	uk_inittab_term();
	exit_status = status;
	/* main()'s stack goes last, from the boot stack. */
	if (on_main_stack()) {
		struct ukarch_ctx here;

		ukarch_ctx_switch(&here, &boot_ctx);
	}
	terminate();
}
