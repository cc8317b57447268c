/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading unmodified static Linux executables (ELF64, the machine's own
 * architecture): static-PIE (ET_DYN without PT_INTERP) anywhere in the
 * address space, classic static (ET_EXEC) at its fixed addresses. The
 * file is validated before anything is mapped; a bad, truncated or
 * hostile file is refused with a one-line reason, never a crash.
 *
 *   struct uk_elf_prog p;
 *   const char *why;
 *   rc = uk_elf_load(vas, buf, len, &p, &why);    // maps the segments
 *   rc = uk_elf_stack_build(lo, hi, &p, argc, argv, envp, argv[0], &sp);
 *   // start a thread at p.entry with stack pointer sp
 *
 * uk_elf_exec() does all of it and becomes the program.
 */
#ifndef __UK_ELF_H__
#define __UK_ELF_H__

#include <uk/arch/types.h>

struct uk_vas;

/* What the loader learned from a valid file (addresses as in the file:
 * add base for where they are in memory). */
struct uk_elf_info {
	int type;			/* ET_EXEC or ET_DYN */
	__u64 entry;
	__u64 lo, hi;			/* page-aligned span of PT_LOADs */
	__u64 phdr;			/* the program headers in memory, or 0 */
	__u16 phnum;
	int exec_stack;			/* PT_GNU_STACK asks for PF_X */
};

/* A program in memory. */
struct uk_elf_prog {
	struct uk_elf_info info;
	__uptr base;			/* load bias: 0 for ET_EXEC */
	__uptr entry;			/* where it starts */
	__uptr phdr;			/* AT_PHDR */
	__u16 phnum;			/* AT_PHNUM */
	__uptr start, end;		/* the mapped span */
};

/* Most program headers a file may have. */
#define UK_ELF_PHNUM_MAX	128
/* Largest span of loaded segments accepted. */
#define UK_ELF_SPAN_MAX		(4UL << 30)

/*
 * Validates the ELF file img (len bytes) and describes it in info.
 * Returns 0, or -ENOEXEC (not an executable for this machine, malformed:
 * *why says why) or -ENOTSUP (needs a dynamic loader: *why names it).
 * Reads nothing outside [img, img + len).
 */
int uk_elf_parse(const void *img, __sz len, struct uk_elf_info *info,
		 const char **why);

/*
 * Validates img and maps its PT_LOAD segments into vas with their
 * permissions (a writable and executable page is refused: W^X). Fills
 * p. Returns 0, the errors of uk_elf_parse, -EEXIST (an ET_EXEC's fixed
 * addresses are taken or outside the address space), -ENOMEM. On error
 * nothing stays mapped and *why says what failed.
 */
int uk_elf_load(struct uk_vas *vas, const void *img, __sz len,
		struct uk_elf_prog *p, const char **why);

/* Unmaps what uk_elf_load mapped. */
void uk_elf_unload(struct uk_vas *vas, struct uk_elf_prog *p);

/*
 * Writes the initial stack of Linux's ABI for p into [lo, hi) (memory of
 * the current address space): argc, argv, envp (NULL-terminated lists of
 * argc and any number of strings), the auxiliary vector (AT_PHDR,
 * AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE = 0, AT_FLAGS, AT_ENTRY,
 * AT_UID..AT_EGID, AT_SECURE = 0, AT_RANDOM, AT_HWCAP, AT_HWCAP2,
 * AT_CLKTCK, AT_PLATFORM, AT_EXECFN = execfn), then the strings and 16
 * random bytes above. *sp is the 16-byte aligned stack pointer at argc.
 * Returns 0 or -E2BIG (does not fit).
 */
int uk_elf_stack_build(__uptr lo, __uptr hi, const struct uk_elf_prog *p,
		       int argc, char *const argv[], char *const envp[],
		       const char *execfn, __uptr *sp);

/* Stack of a program started by uk_elf_exec (demand paged). */
#define UK_ELF_STACK_SIZE	(8UL << 20)

/*
 * Loads the executable img (len bytes, read from path, which becomes
 * AT_EXECFN) and makes the calling thread the program (argv[0..argc),
 * envp), as execve does in a fresh process. release (if not NULL) gets
 * img once it is loaded, before the program starts: nothing refers to
 * it then. Returns only on failure (img not released): a negative
 * errno, after printing why on the console.
 */
int uk_elf_exec(const void *img, __sz len, const char *path, int argc,
		char *const argv[], char *const envp[],
		void (*release)(void *img));

#endif /* __UK_ELF_H__ */
