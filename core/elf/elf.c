/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ELF loader: validation, mapping, the initial stack.
 *
 * Nothing is trusted before it is checked: every offset and size of the
 * file is bounds-checked against its length with overflow in mind, the
 * program headers are checked as a whole (sorted, non-overlapping
 * loadable segments of sane sizes, an entry inside an executable one)
 * before the first page is mapped. Segments are mapped as anonymous
 * memory and filled by copying (there is no page cache to share), then
 * given their permissions; a page two segments share gets the union of
 * theirs, refused if that makes it writable and executable. Relocation
 * of a static-PIE is left to the program's own start code, as on Linux.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <uk/arch/ctx.h>
#include <uk/arch/paging.h>
#include <uk/arch/regs.h>
#include <uk/elf.h>
#include <uk/essentials.h>
#include <uk/plat/memory.h>
#include <uk/plat/syscall.h>
#include <uk/print.h>
#include <uk/random.h>
#include <uk/sched.h>
#include <uk/thread.h>
#include <uk/vfs.h>
#include <uk/vmem.h>

#if defined(__x86_64__)
#define ELF_MACHINE	EM_X86_64
#define ELF_PLATFORM	"x86_64"
#elif defined(__aarch64__)
#define ELF_MACHINE	EM_AARCH64
#define ELF_PLATFORM	"aarch64"
#endif

#define PG		4096UL
#define PG_DOWN(x)	((x) & ~(PG - 1))
#define PG_UP(x)	(((x) + PG - 1) & ~(PG - 1))

static int bad(const char **why, const char *msg)
{
	*why = msg;
	return -ENOEXEC;
}

static int header_check(const Elf64_Ehdr *eh, __sz len, const char **why)
{
	if (len < SELFMAG || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return bad(why, "not an ELF file");
	if (len < sizeof(*eh))
		return bad(why, "truncated ELF header");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return bad(why, "not a 64-bit ELF file");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return bad(why, "not a little-endian ELF file");
	if (eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return bad(why, "unknown ELF version");
	if (eh->e_machine != ELF_MACHINE)
		return bad(why, "an executable for another machine (not "
			   ELF_PLATFORM ")");
	if (eh->e_type == ET_REL)
		return bad(why, "an object file, not an executable");
	if (eh->e_type == ET_CORE)
		return bad(why, "a core dump, not an executable");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return bad(why, "not an executable (unknown ELF type)");
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return bad(why, "bad program header size");
	if (eh->e_phnum == 0)
		return bad(why, "no program headers");
	if (eh->e_phnum > UK_ELF_PHNUM_MAX)
		return bad(why, "too many program headers");
	if (eh->e_phoff > len ||
	    (__u64)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return bad(why, "program headers past the end of the file "
			   "(truncated?)");
	if (eh->e_phoff % 8)
		return bad(why, "misaligned program headers");
	return 0;
}

static int load_check(const Elf64_Phdr *ph, __sz len, const char **why)
{
	if (ph->p_filesz > ph->p_memsz)
		return bad(why, "a segment's file size exceeds its memory size");
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return bad(why, "a segment lies past the end of the file "
			   "(truncated?)");
	if (ph->p_memsz > UK_ELF_SPAN_MAX ||
	    ph->p_vaddr > (1UL << 47) ||
	    ph->p_vaddr + ph->p_memsz > (1UL << 47))
		return bad(why, "a segment of absurd size or address");
	if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)))
		return bad(why, "a segment's alignment is not a power of 2");
	if ((ph->p_vaddr - ph->p_offset) % PG)
		return bad(why, "a segment's address and file offset "
			   "disagree modulo the page size");
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
		return bad(why, "a segment is writable and executable "
			   "(W^X)");
	return 0;
}

int uk_elf_parse(const void *img, __sz len, struct uk_elf_info *info,
		 const char **why)
{
	const Elf64_Ehdr *eh = img;
	const Elf64_Phdr *ph, *prev = NULL;
	int rc, entry_ok = 0, i;

	memset(info, 0, sizeof(*info));
	rc = header_check(eh, len, why);
	if (rc)
		return rc;
	ph = (const Elf64_Phdr *)((const char *)img + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++, ph++) {
		switch (ph->p_type) {
		case PT_INTERP:
			*why = "a dynamic executable: it needs a dynamic "
			       "loader, which Amphi does not have (link it "
			       "with -static or -static-pie)";
			return -ENOTSUP;
		case PT_GNU_STACK:
			info->exec_stack = !!(ph->p_flags & PF_X);
			break;
		case PT_PHDR:
			info->phdr = ph->p_vaddr;
			break;
		case PT_LOAD:
			rc = load_check(ph, len, why);
			if (rc)
				return rc;
			if (!ph->p_memsz)
				break;
			if (prev && ph->p_vaddr < prev->p_vaddr + prev->p_memsz)
				return bad(why, "loadable segments overlap "
					   "or are out of order");
			if (!prev)
				info->lo = PG_DOWN(ph->p_vaddr);
			info->hi = PG_UP(ph->p_vaddr + ph->p_memsz);
			if (info->hi - info->lo > UK_ELF_SPAN_MAX)
				return bad(why, "loadable segments span an "
					   "absurd range");
			if ((ph->p_flags & PF_X) && eh->e_entry >= ph->p_vaddr &&
			    eh->e_entry < ph->p_vaddr + ph->p_memsz)
				entry_ok = 1;
			/* The program headers, if a segment loads them. */
			if (!info->phdr && eh->e_phoff >= ph->p_offset &&
			    eh->e_phoff + eh->e_phnum * sizeof(*ph) <=
			    ph->p_offset + ph->p_filesz)
				info->phdr = ph->p_vaddr + eh->e_phoff -
					     ph->p_offset;
			prev = ph;
			break;
		}
	}
	if (!prev)
		return bad(why, "no loadable segment");
	if (!entry_ok)
		return bad(why, "the entry point is outside every executable "
			   "segment");
	if (eh->e_type == ET_EXEC && info->lo < PG)
		return bad(why, "a fixed-address segment in the null page");
	if (info->phdr && (info->phdr < info->lo ||
			   info->phdr + eh->e_phnum * sizeof(*ph) > info->hi))
		return bad(why, "PT_PHDR outside the loaded segments");
	info->type = eh->e_type;
	info->entry = eh->e_entry;
	info->phnum = eh->e_phnum;
	return 0;
}

static unsigned long prot_of(const Elf64_Phdr *ph)
{
	return (ph->p_flags & PF_R ? PAGE_ATTR_PROT_READ : 0) |
	       (ph->p_flags & PF_W ? PAGE_ATTR_PROT_WRITE : 0) |
	       (ph->p_flags & PF_X ? PAGE_ATTR_PROT_EXEC : 0);
}

/* Gives each page of the span the permissions of the segments on it. */
static int protect(struct uk_vas *vas, const void *img,
		   const struct uk_elf_prog *p, const char **why)
{
	const Elf64_Ehdr *eh = img;
	const Elf64_Phdr *ph = (const void *)((const char *)img +
					      eh->e_phoff);
	__uptr s, e, done = p->start;
	unsigned long prot, prev_prot = 0;
	int i, rc;

	for (i = 0; i < eh->e_phnum; i++, ph++) {
		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		s = PG_DOWN(ph->p_vaddr) + p->base;
		e = PG_UP(ph->p_vaddr + ph->p_memsz) + p->base;
		prot = prot_of(ph);
		if (s < done) {
			/* Shares its first page with the previous one. */
			unsigned long u = prot | prev_prot;

			if ((u & PAGE_ATTR_PROT_WRITE) &&
			    (u & PAGE_ATTR_PROT_EXEC)) {
				*why = "two segments share a page that would "
				       "be writable and executable (W^X)";
				return -ENOEXEC;
			}
			rc = uk_vma_set_attr(vas, s, PG, u);
			if (rc < 0)
				goto err;
			s += PG;
		}
		if (s < e) {
			rc = uk_vma_set_attr(vas, s, e - s, prot);
			if (rc < 0)
				goto err;
		}
		done = e;
		prev_prot = prot;
	}
	return 0;
err:
	*why = "cannot set the segments' permissions";
	return rc;
}

/* Copies the file's bytes of each segment into place (the rest of the
 * span is zero: fresh anonymous memory). */
static void fill(const void *img, const struct uk_elf_prog *p)
{
	const Elf64_Ehdr *eh = img;
	const Elf64_Phdr *ph = (const void *)((const char *)img +
					      eh->e_phoff);
	int i;

	for (i = 0; i < eh->e_phnum; i++, ph++)
		if (ph->p_type == PT_LOAD && ph->p_filesz)
			memcpy((void *)(ph->p_vaddr + p->base),
			       (const char *)img + ph->p_offset, ph->p_filesz);
}

int uk_elf_load(struct uk_vas *vas, const void *img, __sz len,
		struct uk_elf_prog *p, const char **why)
{
	struct uk_elf_info *info = &p->info;
	__vaddr_t va;
	__sz span;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = uk_elf_parse(img, len, info, why);
	if (rc)
		return rc;
	span = info->hi - info->lo;
	if (!vas) {
		*why = "no address space";
		return -ENOMEM;
	}
	if (info->type == ET_EXEC) {
		va = info->lo;
		if (va < vas->start || va + span > vas->end) {
			*why = "its fixed addresses lie outside the address "
			       "space of this kernel (a static-PIE build "
			       "loads anywhere)";
			return -EEXIST;
		}
	} else {
		va = __VADDR_ANY;
	}
	/* The binary's own memory: its mprotect (RELRO) and munmap may
	 * change it. */
	rc = uk_vma_map_anon(vas, &va, span, PAGE_ATTR_PROT_RW,
			     UK_VMA_MAP_APP, "elf");
	if (rc == -EEXIST) {
		*why = "its fixed addresses are taken by the kernel's own "
		       "mappings (a static-PIE build loads anywhere)";
		return rc;
	}
	if (rc < 0) {
		*why = "no room or memory for its segments";
		return rc;
	}
	p->base = info->type == ET_EXEC ? 0 : va - info->lo;
	p->start = va;
	p->end = va + span;
	fill(img, p);
	rc = protect(vas, img, p, why);
	if (rc < 0) {
		uk_elf_unload(vas, p);
		return rc;
	}
	p->entry = info->entry + p->base;
	p->phdr = info->phdr ? info->phdr + p->base : 0;
	p->phnum = info->phnum;
	return 0;
}

void uk_elf_unload(struct uk_vas *vas, struct uk_elf_prog *p)
{
	if (p->end > p->start)
		uk_vma_unmap(vas, p->start, p->end - p->start, 0);
	p->start = p->end = 0;
}

static unsigned long hwcap(void)
{
#if defined(__x86_64__)
	/* Linux's AT_HWCAP on x86: CPUID leaf 1, EDX. */
	unsigned int a = 1, b, c = 0, d;

	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d;
#else
	return 0;
#endif
}

#define AUX_WORDS	(2 * 20)

/* Copies each string of v (n of them) to *str, upwards, storing its
 * address in *w++. */
static void strings_put(unsigned long **w, char **str, char *const v[],
			__sz n)
{
	__sz i, l;

	for (i = 0; i < n; i++) {
		l = strlen(v[i]) + 1;
		memcpy(*str, v[i], l);
		*(*w)++ = (unsigned long)*str;
		*str += l;
	}
	*(*w)++ = 0;
}

int uk_elf_stack_build(__uptr lo, __uptr hi, const struct uk_elf_prog *p,
		       int argc, char *const argv[], char *const envp[],
		       const char *execfn, __uptr *sp)
{
	unsigned long aux[AUX_WORDS], *w;
	__sz envc = 0, strs = 0, words, i;
	__uptr top, s_execfn, s_plat, s_rnd, s_str;
	char *str;
	int a = 0;

	if (argc < 0 || hi <= lo || hi - lo < 256)
		return -E2BIG;
	while (envp && envp[envc])
		envc++;
	for (i = 0; i < (__sz)argc; i++)
		strs += strlen(argv[i]) + 1;
	for (i = 0; i < envc; i++)
		strs += strlen(envp[i]) + 1;
	/* From the top down, as Linux: AT_EXECFN's string, the argument
	 * and environment strings, the platform name, 16 random bytes,
	 * then the vectors at a 16-byte aligned stack pointer. */
	top = ALIGN_DOWN(hi, 16) - 8;
	if (top - lo < strlen(execfn) + 1 + strs + 256)
		return -E2BIG;
	top -= strlen(execfn) + 1;
	s_execfn = top;
	memcpy((void *)s_execfn, execfn, strlen(execfn) + 1);
	top -= strs;
	s_str = top;
	top -= sizeof(ELF_PLATFORM);
	s_plat = top;
	memcpy((void *)s_plat, ELF_PLATFORM, sizeof(ELF_PLATFORM));
	top = ALIGN_DOWN(top, 16) - 16;
	s_rnd = top;
	uk_random_fill((void *)s_rnd, 16);
#define AUX(k, v) do { aux[a++] = (k); aux[a++] = (unsigned long)(v); } \
		  while (0)
	AUX(AT_HWCAP, hwcap());
	AUX(AT_PAGESZ, PG);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, p->phdr);
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, p->phnum);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, p->entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, s_rnd);
	AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, s_execfn);
	AUX(AT_PLATFORM, s_plat);
	AUX(AT_NULL, 0);
#undef AUX
	words = 1 + (__sz)argc + 1 + envc + 1 + (__sz)a;
	if (top - lo < words * 8 + 16)
		return -E2BIG;
	top = ALIGN_DOWN(top - words * 8, 16);
	w = (unsigned long *)top;
	*w++ = (unsigned long)argc;
	str = (char *)s_str;
	strings_put(&w, &str, argv, (__sz)argc);
	strings_put(&w, &str, envp, envc);
	memcpy(w, aux, (__sz)a * sizeof(aux[0]));
	*sp = top;
	return 0;
}

/* The registers a program starts with: all zero but the entry, the
 * stack and the flags (%rdx = 0: no exit function from a loader). */
static void start_regs(struct __regs *r, __uptr entry, __uptr sp)
{
	memset(r, 0, sizeof(*r));
#if defined(__x86_64__)
	r->rip = entry;
	r->rsp = sp;
	r->eflags = 0x202;
#elif defined(__aarch64__)
	r->pc = entry;
	r->sp = sp;
#endif
}

static int stack_map(struct uk_vas *vas, __uptr *lo, __uptr *hi)
{
	const struct uk_vma *vma;
	__vaddr_t va = __VADDR_ANY;
	int rc;

	rc = uk_vma_map_stack(vas, &va, UK_ELF_STACK_SIZE, UK_VMA_MAP_APP,
			      "elf-stack",
			      UK_VMA_STACK_GUARD_BOTTOM,
			      UK_VMA_STACK_GUARD_TOP);
	if (rc < 0)
		return rc;
	vma = uk_vma_find(vas, va);
	*lo = uk_vma_stack_base(vma);
	*hi = uk_vma_stack_top(vma);
#if !UKPLAT_STACK_FAULTS_OK
	/* No fault can be taken on the stack in use: back it now. */
	rc = uk_vma_advise(vas, *lo, *hi - *lo, UK_VMA_ADV_WILLNEED, 0);
	if (rc < 0) {
		uk_vma_unmap(vas, vma->start, vma->end - vma->start, 0);
		return rc;
	}
#endif
	return 0;
}

int uk_elf_exec(const void *img, __sz len, const char *path, int argc,
		char *const argv[], char *const envp[],
		void (*release)(void *img))
{
	struct uk_vas *vas = uk_vas_get_active();
	struct uk_elf_prog p;
	struct __regs regs;
	const char *why = NULL;
	__uptr lo, hi, sp;
	int rc;

	rc = uk_elf_load(vas, img, len, &p, &why);
	if (rc < 0)
		goto err;
	if (p.info.exec_stack) {
		why = "it asks for an executable stack (PT_GNU_STACK), "
		      "which W^X refuses";
		rc = -ENOEXEC;
		goto err_unload;
	}
	rc = ukplat_syscall_trap_enable(p.start, p.end, &why);
	if (rc < 0)
		goto err_unload;
	if (uk_thread_current() &&
	    uk_thread_syscall_stack(uk_thread_current()) < 0) {
		why = "no memory for its system-call stack";
		rc = -ENOMEM;
		goto err_unload;
	}
	/* Its system calls run kernel code on this thread's own thread
	 * pointer, whatever the binary sets (core/syscall). */
	if (uk_thread_current())
		uk_thread_current()->ktlsp = ukplat_tlsp_get();
	rc = stack_map(vas, &lo, &hi);
	if (rc < 0) {
		why = "no memory for its stack";
		goto err_unload;
	}
	rc = uk_elf_stack_build(lo, hi, &p, argc, argv, envp, path, &sp);
	if (rc < 0) {
		why = "its arguments and environment do not fit its stack";
		goto err_unload;
	}
	/* The program is what /proc/self/exe names now (glibc's static
	 * start code reads it, and wants an absolute path). */
	if (path[0] == '/') {
		uk_vfs_unlinkat(AT_FDCWD, "/proc/self/exe", 0);
		uk_vfs_symlinkat(path, AT_FDCWD, "/proc/self/exe");
	}
	uk_pr_debug("elf: %s at 0x%lx-0x%lx, entry 0x%lx, sp 0x%lx\n", path,
		    p.start, p.end, p.entry, sp);
	start_regs(&regs, p.entry, sp);
	/* Its loops get time slices, kills and signals as the app's own. */
	uk_sched_loaded_code(p.start, p.end);
	if (release)
		release((void *)img);
	ukarch_regs_resume(&regs);
err_unload:
	uk_elf_unload(vas, &p);
err:
	uk_pr_err("%s: cannot run: %s\n", path, why ? why : "error");
	return rc;
}
