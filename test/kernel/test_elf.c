/*
 * core/elf: the initial stack's layout (argc, argv, envp, the auxiliary
 * vector and the strings) and the validation of executables: a small
 * valid file is built in memory, then broken in every way the loader
 * must notice (truncated headers, overlapping segments, absurd sizes,
 * the entry outside any segment, W^X, a dynamic loader), and fuzzed.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <uk/arch/paging.h>
#include <uk/arch/valgrind.h>
#include <uk/elf.h>
#include <uk/test.h>
#include <uk/vmem.h>

#if defined(__x86_64__)
#define MACHINE		EM_X86_64
#define PLATFORM	"x86_64"
#else
#define MACHINE		EM_AARCH64
#define PLATFORM	"aarch64"
#endif

#define PG		4096UL
#define IMG_SIZE	(3 * PG)

/* A static-PIE: text at 0 (R X, the headers and the entry at 0x100),
 * data at 0x2000 (RW, 0x100 bytes in the file, 0x2000 in memory). */
struct image {
	union {
		unsigned char b[IMG_SIZE];
		Elf64_Ehdr eh;
	};
};

static Elf64_Phdr *phdrs(struct image *im)
{
	return (Elf64_Phdr *)(im->b + im->eh.e_phoff);
}

static void image_make(struct image *im, int type)
{
	Elf64_Ehdr *eh = &im->eh;
	Elf64_Phdr *ph;
	unsigned int i;

	memset(im, 0, sizeof(*im));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = type;
	eh->e_machine = MACHINE;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;
	eh->e_ehsize = sizeof(*eh);
	ph = phdrs(im);
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
			      .p_offset = 0, .p_vaddr = 0,
			      .p_filesz = PG, .p_memsz = PG, .p_align = PG };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
			      .p_offset = 2 * PG, .p_vaddr = 2 * PG,
			      .p_filesz = 0x100, .p_memsz = 2 * PG,
			      .p_align = PG };
	ph[2] = (Elf64_Phdr){ .p_type = PT_GNU_STACK,
			      .p_flags = PF_R | PF_W };
	eh->e_entry = 0x100;
	if (type == ET_EXEC) {
		eh->e_entry += 0x400000;
		ph[0].p_vaddr += 0x400000;
		ph[1].p_vaddr += 0x400000;
	}
	/* Recognisable bytes: the entry's and the data's. */
	for (i = 0; i < 16; i++) {
		im->b[0x100 + i] = (unsigned char)(0xa0 + i);
		im->b[2 * PG + i] = (unsigned char)(0x50 + i);
	}
}

static int parse(struct image *im, __sz len, const char **why)
{
	struct uk_elf_info info;

	*why = NULL;
	return uk_elf_parse(im->b, len, &info, why);
}

UK_TESTCASE(elf, valid_image)
{
	static struct image im;
	struct uk_elf_info info;
	const char *why = NULL;

	image_make(&im, ET_DYN);
	UK_TEST_ASSERT(uk_elf_parse(im.b, sizeof(im.b), &info, &why) == 0);
	UK_TEST_EXPECT_SNUM_EQ(info.type, ET_DYN);
	UK_TEST_EXPECT_UNUM_EQ(info.entry, 0x100);
	UK_TEST_EXPECT_UNUM_EQ(info.lo, 0);
	UK_TEST_EXPECT_UNUM_EQ(info.hi, 4 * PG);
	UK_TEST_EXPECT_UNUM_EQ(info.phdr, sizeof(Elf64_Ehdr));
	UK_TEST_EXPECT_UNUM_EQ(info.phnum, 3);
	UK_TEST_EXPECT_SNUM_EQ(info.exec_stack, 0);
}

/* Each case breaks one thing of a valid image; all must be refused
 * with a reason. */
UK_TESTCASE(elf, corrupt_files_refused)
{
	static struct image im;
	const char *why;
	Elf64_Phdr *ph;
	int n;

#define REFUSED(setup, len, want)					\
	do {								\
		image_make(&im, ET_DYN);				\
		ph = phdrs(&im);					\
		(void)ph;						\
		setup;							\
		UK_TEST_EXPECT_SNUM_EQ(parse(&im, (len), &why), (want)); \
		UK_TEST_EXPECT(why != NULL);				\
	} while (0)

	/* truncated or not ELF */
	REFUSED((void)0, 0, -ENOEXEC);
	REFUSED((void)0, 3, -ENOEXEC);
	REFUSED((void)0, sizeof(Elf64_Ehdr) - 1, -ENOEXEC);
	REFUSED((void)0, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), -ENOEXEC);
	REFUSED((void)0, 2 * PG + 0x80, -ENOEXEC);	/* data cut */
	REFUSED(im.b[1] = 'X', IMG_SIZE, -ENOEXEC);
	/* not for this machine */
	REFUSED(im.eh.e_ident[EI_CLASS] = ELFCLASS32, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_ident[EI_DATA] = ELFDATA2MSB, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_machine = EM_386, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_version = 2, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_type = ET_REL, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_type = ET_CORE, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_type = 0x1234, IMG_SIZE, -ENOEXEC);
	/* program headers */
	REFUSED(im.eh.e_phentsize = 32, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_phnum = 0, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_phnum = 0xffff, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_phoff = IMG_SIZE - 96, IMG_SIZE, -ENOEXEC); /* past the end */
	REFUSED(im.eh.e_phoff = ~0UL - 8, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_phoff = IMG_SIZE, IMG_SIZE, -ENOEXEC);
	REFUSED(im.eh.e_phoff = 65, IMG_SIZE, -ENOEXEC);
	REFUSED(ph[0].p_type = PT_NOTE; ph[1].p_type = PT_NOTE, IMG_SIZE,
		-ENOEXEC);				/* nothing to load */
	/* segments */
	REFUSED(ph[1].p_filesz = 3 * PG, IMG_SIZE, -ENOEXEC);
	REFUSED(ph[1].p_offset = ~0UL - 0x10, IMG_SIZE, -ENOEXEC);
	REFUSED(ph[1].p_offset = IMG_SIZE, IMG_SIZE, -ENOEXEC);
	REFUSED(ph[1].p_memsz = 1UL << 46, IMG_SIZE, -ENOEXEC);
	REFUSED(ph[1].p_memsz = ~0UL - PG, IMG_SIZE, -ENOEXEC);
	REFUSED(ph[1].p_vaddr = ~0UL - PG; ph[1].p_offset = PG, IMG_SIZE,
		-ENOEXEC);
	REFUSED(ph[1].p_vaddr = 0, IMG_SIZE, -ENOEXEC);	/* overlap */
	REFUSED(ph[1].p_vaddr = 0x2080, IMG_SIZE, -ENOEXEC);	/* misaligned */
	REFUSED(ph[1].p_align = 3 * PG, IMG_SIZE, -ENOEXEC);
	REFUSED(ph[1].p_vaddr = 3UL << 32, IMG_SIZE, -ENOEXEC);	/* span */
	REFUSED(ph[1].p_flags |= PF_X, IMG_SIZE, -ENOEXEC);	/* W^X */
	/* the entry */
	REFUSED(im.eh.e_entry = 0x2010, IMG_SIZE, -ENOEXEC);	/* not X */
	REFUSED(im.eh.e_entry = 0x10000, IMG_SIZE, -ENOEXEC);
	REFUSED(ph[0].p_flags = PF_R, IMG_SIZE, -ENOEXEC);
	/* dynamic: named as such */
	REFUSED(ph[2].p_type = PT_INTERP, IMG_SIZE, -ENOTSUP);
	UK_TEST_EXPECT(why && strstr(why, "dynamic loader"));
	/* an executable in the null page */
	REFUSED(im.eh.e_type = ET_EXEC, IMG_SIZE, -ENOEXEC);
#undef REFUSED
	/* and the valid one still passes, at every length from its end */
	image_make(&im, ET_DYN);
	for (n = 0; n < (int)IMG_SIZE; n += 97)
		UK_TEST_EXPECT_SNUM_EQ(parse(&im, (__sz)n, &why),
				       n >= (int)(2 * PG + 0x100) ? 0
							      : -ENOEXEC);
}

/* Random damage to the headers: parsing must never read out of bounds
 * or crash, and what it accepts is consistent. */
UK_TESTCASE(elf, fuzz_headers)
{
	static struct image im;
	struct uk_elf_info info;
	const char *why;
	unsigned long seed = 12345, r;
	int i, j, ok = 0;

	for (i = 0; i < 20000; i++) {
		image_make(&im, i & 1 ? ET_DYN : ET_EXEC);
		for (j = 0; j < 1 + i % 4; j++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			r = seed >> 33;
			/* Mostly the headers, sometimes a whole word. */
			if (r & 1)
				im.b[(r >> 1) % (sizeof(Elf64_Ehdr) +
						 3 * sizeof(Elf64_Phdr))] ^=
					(unsigned char)(1 << ((r >> 20) & 7));
			else
				((unsigned long *)im.b)[(r >> 1) % 29] =
					seed;
		}
		if (uk_elf_parse(im.b, IMG_SIZE, &info, &why) == 0) {
			ok++;
			UK_TEST_ASSERT(info.lo < info.hi);
			UK_TEST_ASSERT(info.hi - info.lo <= UK_ELF_SPAN_MAX);
			UK_TEST_ASSERT(info.entry >= info.lo &&
				       info.entry < info.hi);
		} else {
			UK_TEST_ASSERT(why != NULL);
		}
	}
	/* Some mutations are harmless (padding): both sides were seen. */
	UK_TEST_EXPECT(ok > 0 && ok < 20000);
}

static const unsigned long *aux_find(const unsigned long *aux,
				     unsigned long key)
{
	for (; aux[0] != AT_NULL; aux += 2)
		if (aux[0] == key)
			return &aux[1];
	return NULL;
}

#define AUX_EQ(key, val)						\
	do {								\
		const unsigned long *v_ = aux_find(aux, (key));		\
		UK_TEST_EXPECT(v_ != NULL);				\
		if (v_)							\
			UK_TEST_EXPECT_UNUM_EQ(*v_, (unsigned long)(val)); \
	} while (0)

UK_TESTCASE(elf, initial_stack_layout)
{
	static char *const argv[] = { "prog", "", "two words", NULL };
	static char *const envp[] = { "HOME=/", "X=1", NULL };
	struct uk_elf_prog p;
	unsigned long *w, *aux;
	const unsigned long *v;
	char *buf;
	__uptr lo, hi, sp;
	int i;

	memset(&p, 0, sizeof(p));
	p.entry = 0x401234;
	p.phdr = 0x400040;
	p.phnum = 7;
	buf = malloc(16 * PG);
	UK_TEST_ASSERT(buf != NULL);
	lo = (__uptr)buf;
	hi = lo + 16 * PG - 3;		/* an unaligned top */
	UK_TEST_ASSERT(uk_elf_stack_build(lo, hi, &p, 3, argv, envp,
					  "/bin/prog", &sp) == 0);
	UK_TEST_EXPECT_UNUM_EQ(sp % 16, 0);
	UK_TEST_ASSERT(sp >= lo && sp < hi);
	w = (unsigned long *)sp;
	UK_TEST_EXPECT_UNUM_EQ(w[0], 3);
	for (i = 0; i < 3; i++) {
		UK_TEST_ASSERT(w[1 + i] > sp && w[1 + i] < hi);
		UK_TEST_EXPECT_STR_EQ((char *)w[1 + i], argv[i]);
	}
	UK_TEST_EXPECT_UNUM_EQ(w[4], 0);
	UK_TEST_EXPECT_STR_EQ((char *)w[5], "HOME=/");
	UK_TEST_EXPECT_STR_EQ((char *)w[6], "X=1");
	UK_TEST_EXPECT_UNUM_EQ(w[7], 0);
	aux = &w[8];
	AUX_EQ(AT_PHDR, 0x400040);
	AUX_EQ(AT_PHENT, sizeof(Elf64_Phdr));
	AUX_EQ(AT_PHNUM, 7);
	AUX_EQ(AT_ENTRY, 0x401234);
	AUX_EQ(AT_PAGESZ, 4096);
	AUX_EQ(AT_CLKTCK, 100);
	AUX_EQ(AT_SECURE, 0);
	AUX_EQ(AT_BASE, 0);
	AUX_EQ(AT_UID, 0);
	AUX_EQ(AT_EGID, 0);
	AUX_EQ(AT_HWCAP2, 0);
	UK_TEST_EXPECT(aux_find(aux, AT_HWCAP) != NULL);
	/* strings and the random bytes lie above the vectors */
	v = aux_find(aux, AT_EXECFN);
	UK_TEST_ASSERT(v && *v > sp && *v < hi);
	UK_TEST_EXPECT_STR_EQ((char *)*v, "/bin/prog");
	v = aux_find(aux, AT_PLATFORM);
	UK_TEST_ASSERT(v && *v > sp && *v < hi);
	UK_TEST_EXPECT_STR_EQ((char *)*v, PLATFORM);
	v = aux_find(aux, AT_RANDOM);
	UK_TEST_ASSERT(v && *v > sp && *v + 16 <= hi);
	/* the vector ends before the first string */
	for (i = 0; aux[2 * i] != AT_NULL; i++)
		;
	UK_TEST_EXPECT((__uptr)&aux[2 * i + 2] <= w[1]);
	/* too small a stack: refused, not overrun */
	UK_TEST_EXPECT_SNUM_EQ(uk_elf_stack_build(lo, lo + 200, &p, 3, argv,
						  envp, "/bin/prog", &sp),
			       -E2BIG);
	UK_TEST_EXPECT_SNUM_EQ(uk_elf_stack_build(lo, lo + 300, &p, 3, argv,
						  envp, "/bin/prog", &sp),
			       -E2BIG);
	free(buf);
}

UK_TESTCASE(elf, load_maps_with_permissions)
{
	static struct image im;
	struct uk_vas *vas = uk_vas_get_active();
	const struct uk_vma *vma;
	struct uk_elf_prog p;
	const char *why = NULL;
	unsigned char *text, *data;

	UK_TEST_ASSERT(vas != NULL);
	image_make(&im, ET_DYN);
	UK_TEST_ASSERT(uk_elf_load(vas, im.b, IMG_SIZE, &p, &why) == 0);
	UK_TEST_EXPECT_UNUM_EQ(p.start % PG, 0);
	UK_TEST_EXPECT_UNUM_EQ(p.end - p.start, 4 * PG);
	UK_TEST_EXPECT_UNUM_EQ(p.entry, p.base + 0x100);
	UK_TEST_EXPECT_UNUM_EQ(p.phdr, p.base + sizeof(Elf64_Ehdr));
	text = (unsigned char *)p.base;
	data = (unsigned char *)p.base + 2 * PG;
	UK_TEST_EXPECT_UNUM_EQ(text[0x100], 0xa0);
	UK_TEST_EXPECT_UNUM_EQ(text[0x10f], 0xaf);
	UK_TEST_EXPECT_UNUM_EQ(data[0], 0x50);
	UK_TEST_EXPECT_UNUM_EQ(data[0x100], 0);		/* bss */
	UK_TEST_EXPECT_UNUM_EQ(data[2 * PG - 1], 0);
	vma = uk_vma_find(vas, (__vaddr_t)text);
	UK_TEST_ASSERT(vma != NULL);
	UK_TEST_EXPECT_UNUM_EQ(vma->attr & PAGE_ATTR_PROT_MASK,
			       PAGE_ATTR_PROT_READ | PAGE_ATTR_PROT_EXEC);
	vma = uk_vma_find(vas, (__vaddr_t)data);
	UK_TEST_ASSERT(vma != NULL);
	UK_TEST_EXPECT_UNUM_EQ(vma->attr & PAGE_ATTR_PROT_MASK,
			       PAGE_ATTR_PROT_RW);
	uk_elf_unload(vas, &p);
	UK_TEST_EXPECT_NULL(uk_vma_find(vas, (__vaddr_t)text));
	/* Two segments on one page that would be W and X: refused and
	 * nothing left mapped. */
	image_make(&im, ET_DYN);
	phdrs(&im)[1].p_vaddr = PG + 0x800;
	phdrs(&im)[1].p_offset = 2 * PG + 0x800;
	phdrs(&im)[0].p_memsz = PG + 0x100;
	phdrs(&im)[0].p_filesz = PG + 0x100;
	phdrs(&im)[1].p_filesz = 0x10;
	UK_TEST_EXPECT_SNUM_EQ(uk_elf_load(vas, im.b, IMG_SIZE, &p, &why),
			       -ENOEXEC);
	UK_TEST_EXPECT(why && strstr(why, "W^X"));
}

#if defined(__x86_64__) && !defined(__AMPHI_PLAT_SIM__)
#include <sys/syscall.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/thread.h>

struct trapped {
	long ret;
	unsigned long rcx, r11, expect_rip, expect_flags, red_zone;
	unsigned long rdi, rsi, rdx, r10, r8, r9;
};

/* getppid through the "syscall" instruction, as a binary makes it:
 * what comes back in every register, and a word of the red zone. */
static void __noinline trap_getppid(struct trapped *t)
{
	register unsigned long r10 __asm__("r10") = 0x1010;
	register unsigned long r8 __asm__("r8") = 0x0808;
	register unsigned long r9 __asm__("r9") = 0x0909;
	register unsigned long r11 __asm__("r11");
	unsigned long rdi = 0xd1d1, rsi = 0x5151, rdx = 0xd0d0;
	unsigned long rcx, rip, flags, mark = 0x5afe5afe5afe5afeUL;
	long ret = SYS_getppid;

	__asm__ __volatile__(
		"movq %[mark], -64(%%rsp)\n\t"
		"leaq 1f(%%rip), %[rip]\n\t"
		"pushfq\n\t"
		"popq %[flags]\n\t"
		"syscall\n"
		"1:\tmovq -64(%%rsp), %[mark]\n\t"
		: "+a"(ret), "=c"(rcx), "=r"(r11), [rip] "=&r"(rip),
		  [flags] "=&r"(flags), [mark] "+r"(mark), "+D"(rdi),
		  "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
		: : "memory", "cc");
	t->ret = ret;
	t->rcx = rcx;
	t->r11 = r11;
	t->expect_rip = rip;
	t->expect_flags = flags;
	t->red_zone = mark;
	t->rdi = rdi;
	t->rsi = rsi;
	t->rdx = rdx;
	t->r10 = r10;
	t->r8 = r8;
	t->r9 = r9;
}

#define CHECK_TRAPPED(t) do {						\
	UK_TEST_EXPECT_SNUM_EQ((t).ret, getppid());			\
	UK_TEST_EXPECT_UNUM_EQ((t).rcx, (t).expect_rip);		\
	UK_TEST_EXPECT_UNUM_EQ((t).r11, (t).expect_flags);		\
	UK_TEST_EXPECT_UNUM_EQ((t).red_zone, 0x5afe5afe5afe5afeUL);	\
	UK_TEST_EXPECT_UNUM_EQ((t).rdi, 0xd1d1);			\
	UK_TEST_EXPECT_UNUM_EQ((t).rsi, 0x5151);			\
	UK_TEST_EXPECT_UNUM_EQ((t).rdx, 0xd0d0);			\
	UK_TEST_EXPECT_UNUM_EQ((t).r10, 0x1010);			\
	UK_TEST_EXPECT_UNUM_EQ((t).r8, 0x0808);				\
	UK_TEST_EXPECT_UNUM_EQ((t).r9, 0x0909);				\
} while (0)

/* Metal's LSTAR entry: on the thread's system-call stack, and (a thread
 * without one) below the caller's red zone; Linux's register contract
 * both ways: all but rax, rcx and r11 kept, rcx = the return address,
 * r11 = the flags. */
UK_TESTCASE(elf, syscall_instruction_entry)
{
	struct uk_thread *self = uk_thread_current();
	struct trapped t;
	int had = self->syscall_stack_block != NULL;

	memset(&t, 0, sizeof(t));
	trap_getppid(&t);
	CHECK_TRAPPED(t);
	UK_TEST_ASSERT(uk_thread_syscall_stack(self) == 0);
	UK_TEST_EXPECT(self->syscall_stack.top != 0);
	memset(&t, 0, sizeof(t));
	trap_getppid(&t);
	CHECK_TRAPPED(t);
	UK_TEST_EXPECT_UNUM_EQ(self->syscall_stack.depth, 0);
	if (!had) {
		self->syscall_stack.top = 0;
		uk_free(uk_alloc_get_default(), self->syscall_stack_block);
		self->syscall_stack_block = NULL;
	}
}
#endif

#if defined(__x86_64__)
/* A binary's leaf functions keep data in the 128 bytes below the stack
 * pointer: a page fault (demand paging) taken there must leave them. */
UK_TESTCASE(elf, fault_keeps_red_zone)
{
	volatile char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long a = 0x1111222233334444UL, b = 0x5555666677778888UL;
	unsigned long c = 0x9999aaaabbbbccccUL;

	/*
	 * Not under valgrind: there a call injected on return from a trap
	 * (preemption, a signal) goes right at the interrupted rsp, not
	 * below the red zone (ukarch_regs_inject_call_on: memcheck takes
	 * stores below a skipped red zone for errors, and valgrind runs no
	 * Linux binary, the only code with a red zone).
	 */
	if (uk_valgrind_running()) {
		munmap((void *)p, 2 * PG);
		return;
	}
	UK_TEST_ASSERT(p != MAP_FAILED);
	__asm__ __volatile__(
		"movq %[a], -8(%%rsp)\n\t"
		"movq %[b], -64(%%rsp)\n\t"
		"movq %[c], -128(%%rsp)\n\t"
		"movb $1, (%[p])\n\t"
		"movb $2, 4096(%[p])\n\t"
		"movq -8(%%rsp), %[a]\n\t"
		"movq -64(%%rsp), %[b]\n\t"
		"movq -128(%%rsp), %[c]\n\t"
		: [a] "+r"(a), [b] "+r"(b), [c] "+r"(c)
		: [p] "r"(p) : "memory");
	UK_TEST_EXPECT_UNUM_EQ(a, 0x1111222233334444UL);
	UK_TEST_EXPECT_UNUM_EQ(b, 0x5555666677778888UL);
	UK_TEST_EXPECT_UNUM_EQ(c, 0x9999aaaabbbbccccUL);
	UK_TEST_EXPECT_SNUM_EQ(p[0] + p[4096], 3);
	munmap((void *)p, 2 * PG);
}
#endif
