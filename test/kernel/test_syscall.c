/* The system-call table: dispatch by number, ENOSYS, the full-frame
 * entry, clone, and the trace printer's decoding of each argument kind
 * (with bad pointers). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <uk/arch/regs.h>
#include <uk/futex.h>
#include <uk/plat/time.h>
#include <uk/process.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/test.h>
#include <uk/thread.h>
#include <uk/time.h>

static long sc(long n, long a1, long a2, long a3)
{
	return uk_syscall6(n, a1, a2, a3, 0, 0, 0);
}

UK_TESTCASE(syscall, dispatch_by_number)
{
	char buf[4] = "abc";
	int fds[2];

	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_getpid, 0, 0, 0), UK_PROCESS_PID);
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_getppid, 0, 0, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_gettid, 0, 0, 0),
			       (long)uk_thread_current()->id);
	UK_TEST_ASSERT(sc(__NR_pipe2, (long)fds, 0, 0) == 0);
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_write, fds[1], (long)buf, 3), 3);
	memset(buf, 0, sizeof(buf));
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_read, fds[0], (long)buf, 4), 3);
	UK_TEST_EXPECT_STR_EQ(buf, "abc");
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_close, fds[0], 0, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_close, fds[1], 0, 0), 0);
	/* Errors come back as -errno, never through errno. */
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_close, fds[1], 0, 0), -EBADF);
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_read, 12345, 0, 0), -EBADF);
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_pipe2, 16, 0, 0), -EFAULT);
}

UK_TESTCASE(syscall, names_and_numbers)
{
	UK_TEST_EXPECT_STR_EQ(uk_syscall_name(__NR_openat), "openat");
	UK_TEST_EXPECT_SNUM_EQ(uk_syscall_nr("openat"), __NR_openat);
	UK_TEST_EXPECT_SNUM_EQ(uk_syscall_nr("no_such_call"), -1);
	UK_TEST_EXPECT(uk_syscall_name(-1) == NULL);
	UK_TEST_EXPECT(uk_syscall_name(UK_SYSCALL_NR_MAX) == NULL);
	UK_TEST_EXPECT(uk_syscall_implemented(__NR_read));
	UK_TEST_EXPECT(!uk_syscall_implemented(-5));
	UK_TEST_EXPECT_STR_EQ(uk_syscall_errname(ENOENT), "ENOENT");
	UK_TEST_EXPECT_STR_EQ(uk_syscall_errname(EAGAIN), "EAGAIN");
	UK_TEST_EXPECT(uk_syscall_errname(0) == NULL);
	UK_TEST_EXPECT(uk_syscall_errname(4096) == NULL);
}

UK_TESTCASE(syscall, unknown_numbers_are_enosys)
{
	/* A real Linux call the kernel does not have, and numbers that are
	 * none: -ENOSYS every time (named on the console once). */
	UK_TEST_EXPECT(!uk_syscall_implemented(__NR_kexec_load));
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_kexec_load, 0, 0, 0), -ENOSYS);
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_kexec_load, 0, 0, 0), -ENOSYS);
	UK_TEST_EXPECT_SNUM_EQ(sc(UK_SYSCALL_NR_MAX, 0, 0, 0), -ENOSYS);
	UK_TEST_EXPECT_SNUM_EQ(sc(-1, 0, 0, 0), -ENOSYS);
	UK_TEST_EXPECT_SNUM_EQ(sc(1L << 40, 0, 0, 0), -ENOSYS);
#ifdef __NR_fork
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_fork, 0, 0, 0), -ENOSYS);
#endif
}

/* --- the printer ------------------------------------------------------ */

static char line[512];

static const char *fmt6(long n, long a1, long a2, long a3, long a4,
			long a5, long a6, long ret)
{
	long args[6] = { a1, a2, a3, a4, a5, a6 };

	uk_syscall_format(line, sizeof(line), n, args, ret,
			  UK_SYSCALL_TRACE_EXIT);
	return line;
}

#define FMT(n, a1, a2, a3, a4, ret) fmt6(n, a1, a2, a3, a4, 0, 0, ret)

UK_TESTCASE(syscall, trace_paths_flags_and_errors)
{
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_openat, -100, (long)"/etc/hosts",
				  0 | 02000000, 0, -ENOENT),
		"openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY|O_CLOEXEC, 0) "
		"= -2 ENOENT");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_openat, 3, (long)"a\tb\"c",
				  01 | 0100 | 01000, 0644, 4),
		"openat(3, \"a\\tb\\\"c\", O_WRONLY|O_CREAT|O_TRUNC, 0644) "
		"= 4");
	/* A bad pointer is printed as such, never read. */
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_openat, -100, 0x10, 2, 0, -EFAULT),
		"openat(AT_FDCWD, 0x10, O_RDWR, 0) = -14 EFAULT");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_chdir, 0, 0, 0, 0, -EFAULT),
		"chdir(NULL) = -14 EFAULT");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_close, 7, 0, 0, 0, -EBADF),
		"close(7) = -9 EBADF");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_getpid, 0, 0, 0, 0, 1), "getpid() = 1");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_unlinkat, -100, (long)"d", 0x200, 0,
				  0),
		"unlinkat(AT_FDCWD, \"d\", AT_REMOVEDIR) = 0");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_lseek, 3, -5, 2, 0, -EINVAL),
		"lseek(3, -5, SEEK_END) = -22 EINVAL");
}

/* The file calls real programs make (sendfile, splice, memfd_create,
 * ...) are implemented and print decoded under their names. */
UK_TESTCASE(syscall, trace_file_calls)
{
	static const char *const names[] = {
		"sendfile", "copy_file_range", "splice", "tee", "fallocate",
		"fadvise64", "readahead", "sync", "syncfs", "sync_file_range",
		"memfd_create", "preadv2", "pwritev2",
#ifdef __NR_utimes
		"utimes", "futimesat", "utime",
#endif
	};
	unsigned int i;
	long n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = uk_syscall_nr(names[i]);
		UK_TEST_EXPECT(n >= 0 && uk_syscall_implemented(n));
		UK_TEST_EXPECT(uk_syscall_arg_kinds(n) != NULL);
	}
	UK_TEST_EXPECT_STR_EQ(fmt6(__NR_splice, 3, 0, 4, 0, 4096, 2, 4096),
		"splice(3, NULL, 4, NULL, 4096, 0x2) = 4096");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_fallocate, 3, 3, 0, 4096, -EINVAL),
		"fallocate(3, 0x3, 0, 4096) = -22 EINVAL");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_memfd_create, (long)"m", 1, 0, 0, 5),
		"memfd_create(\"m\", 0x1) = 5");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_sendfile, 4, 3, 0, 100, 100),
		"sendfile(4, 3, NULL, 100) = 100");
}

UK_TESTCASE(syscall, trace_buffers_in_and_out)
{
	static char buf[64];

	UK_TEST_EXPECT_STR_EQ(FMT(__NR_write, 1, (long)"hi\n", 3, 0, 3),
		"write(1, \"hi\\n\", 3) = 3");
	/* An output buffer shows what the call wrote, on success only. */
	memcpy(buf, "xyz\001", 4);
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_read, 0, (long)buf, 64, 0, 4),
		"read(0, \"xyz\\x01\", 64) = 4");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_read, 0, (long)buf, 64, 0, -EAGAIN),
		fmt6(__NR_read, 0, (long)buf, 64, 0, 0, 0, -EAGAIN));
	UK_TEST_EXPECT(strstr(line, "= -11 EAGAIN") != NULL);
	UK_TEST_EXPECT(strstr(line, "\"") == NULL);
	/* Long buffers are cut at 32 bytes. */
	memset(buf, 'a', sizeof(buf));
	FMT(__NR_write, 1, (long)buf, 64, 0, 64);
	UK_TEST_EXPECT(strstr(line, "aaaa\"...") != NULL);
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_write, 1, 0x20, 5, 0, -EFAULT),
		"write(1, 0x20, 5) = -14 EFAULT");
}

UK_TESTCASE(syscall, trace_string_across_a_hole)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UK_TEST_ASSERT(p != MAP_FAILED);
	UK_TEST_ASSERT(munmap(p + 4096, 4096) == 0);
	/* No NUL before the unmapped page: the readable part, then "...". */
	memset(p + 4096 - 5, 'x', 5);
	FMT(__NR_chdir, (long)(p + 4096 - 5), 0, 0, 0, -ENOENT);
	UK_TEST_EXPECT_STR_EQ(line, "chdir(\"xxxxx\"...) = -2 ENOENT");
	munmap(p, 4096);
}

UK_TESTCASE(syscall, trace_small_structs)
{
	struct { long s, ns; } ts = { 3, 500 };
	struct { unsigned short fam; char path[20]; } un = { 1, "/tmp/s" };
	struct stat st;
	int fds[2] = { 5, 6 };

	UK_TEST_EXPECT_STR_EQ(FMT(__NR_nanosleep, (long)&ts, 0, 0, 0, 0),
		"nanosleep({tv_sec=3, tv_nsec=500}, NULL) = 0");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_nanosleep, 8, 0, 0, 0, -EFAULT),
		"nanosleep(0x8, NULL) = -14 EFAULT");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_connect, 3, (long)&un,
				  2 + 7, 0, 0),
		"connect(3, {sa_family=AF_UNIX, sun_path=\"/tmp/s\"}, 9) = 0");
	memset(&st, 0, sizeof(st));
	st.st_mode = 0100644;
	st.st_size = 42;
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_fstat, 3, (long)&st, 0, 0, 0),
		"fstat(3, {st_mode=S_IFREG|0644, st_size=42}) = 0");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_pipe2, (long)fds, 02000000, 0, 0, 0),
		"pipe2([5, 6], O_RDONLY|O_CLOEXEC) = 0");
	UK_TEST_EXPECT_STR_EQ(fmt6(__NR_mmap, 0, 4096, 3, 0x22, -1, 0,
				   0x7f0000001000L),
		"mmap(NULL, 4096, PROT_READ|PROT_WRITE, "
		"MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_futex, 0x1000, 0x80 | 1, 1, 0, 0),
		"futex(0x1000, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) = 0");
	UK_TEST_EXPECT_STR_EQ(FMT(__NR_kill, 1, 15, 0, 0, 0),
		"kill(1, SIGTERM) = 0");
}

UK_TESTCASE(syscall, trace_spec)
{
	UK_TEST_EXPECT_SNUM_EQ(uk_syscall_trace_set("openat,read"), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_syscall_trace_set("openat,bogus"), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_syscall_trace_set("0"), 0);
	/* Calls still work with tracing off again. */
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_getppid, 0, 0, 0), 0);
}

/* --- the full-frame entry and clone ----------------------------------- */

#if defined(__x86_64__)
/* Calls uk_syscall_entry as musl's assembly does, and checks that every
 * register but rax, rcx and r11 comes back unchanged. */
static long entry_call(long n, long a1, int *kept)
{
	long ret, rbx_out, r12_out, rdi_out;

	__asm__ __volatile__(
		"movq $0x1234, %%rbx\n\t"
		"movq $0x5678, %%r12\n\t"
		"call uk_syscall_entry\n\t"
		"movq %%rbx, %1\n\t"
		"movq %%r12, %2\n\t"
		"movq %%rdi, %3\n\t"
		: "=a"(ret), "=&r"(rbx_out), "=&r"(r12_out), "=&r"(rdi_out)
		: "a"(n), "D"(a1)
		: "rbx", "r12", "rcx", "r11", "rsi", "rdx", "r8", "r9",
		  "r10", "memory");
	*kept = rbx_out == 0x1234 && r12_out == 0x5678 && rdi_out == a1;
	return ret;
}
#elif defined(__aarch64__)
/* Calls uk_syscall_entry as musl's assembly does, and checks that the
 * registers it must keep (all but x0, x16, x17 and x30) come back
 * unchanged: the number, an argument register, callee-saved ones. */
static long entry_call(long n, long a1, int *kept)
{
	register long x0 __asm__("x0") = a1;
	register long x8 __asm__("x8") = n;
	long x19_out, x20_out, x1_out, x8_out;

	__asm__ __volatile__(
		"mov x19, #0x1234\n\t"
		"mov x20, #0x5678\n\t"
		"mov x1, #0x77\n\t"
		"bl uk_syscall_entry\n\t"
		"mov %1, x19\n\t"
		"mov %2, x20\n\t"
		"mov %3, x1\n\t"
		"mov %4, x8\n\t"
		: "+r"(x0), "=&r"(x19_out), "=&r"(x20_out), "=&r"(x1_out),
		  "=&r"(x8_out)
		: "r"(x8)
		: "x1", "x19", "x20", "x16", "x17", "x30", "memory", "cc");
	*kept = x19_out == 0x1234 && x20_out == 0x5678 && x1_out == 0x77 &&
		x8_out == n;
	return x0;
}
#endif

UK_TESTCASE(syscall, full_frame_entry)
{
	int kept = 0;

	UK_TEST_EXPECT_SNUM_EQ(entry_call(__NR_getpid, 77, &kept),
			       UK_PROCESS_PID);
	UK_TEST_EXPECT(kept);
	UK_TEST_EXPECT_SNUM_EQ(entry_call(__NR_close, 9999, &kept), -EBADF);
	UK_TEST_EXPECT(kept);
	UK_TEST_EXPECT(uk_syscall_regs() == NULL);
}

static volatile int child_ran;
static volatile long child_tid_seen;

/* The child's first C code, on its new stack (musl's clone.s does the
 * same: the function and its argument come from the registers). */
static int clone_child(void *arg)
{
	child_ran = (int)(long)arg;
	child_tid_seen = uk_syscall6(__NR_gettid, 0, 0, 0, 0, 0, 0);
	return 0;
}

#if defined(__x86_64__)
/* musl's x86_64 clone, calling uk_syscall_entry instead of "syscall". */
__asm__(
"	.text\n"
"	.type test_clone, @function\n"
"test_clone:\n"
"	xor %eax,%eax\n"
"	mov $56,%al\n"
"	mov %rdi,%r11\n"
"	mov %rdx,%rdi\n"
"	mov %r8,%rdx\n"
"	mov %r9,%r8\n"
"	mov 8(%rsp),%r10\n"
"	mov %r11,%r9\n"
"	and $-16,%rsi\n"
"	sub $8,%rsi\n"
"	mov %rcx,(%rsi)\n"
"	call uk_syscall_entry\n"
"	test %eax,%eax\n"
"	jnz 1f\n"
"	xor %ebp,%ebp\n"
"	pop %rdi\n"
"	call *%r9\n"
"	mov %eax,%edi\n"
"	xor %eax,%eax\n"
"	mov $60,%al\n"
"	call uk_syscall_entry\n"
"	hlt\n"
"1:	ret\n"
"	.size test_clone, . - test_clone\n");
#elif defined(__aarch64__)
/* musl's aarch64 clone, calling uk_syscall_entry instead of "svc" (as
 * core/libc/arch/arm64/clone.S). */
__asm__(
"	.text\n"
"	.type test_clone, %function\n"
"test_clone:\n"
"	bti c\n"
"	and x1, x1, #-16\n"
"	stp x0, x3, [x1, #-16]!\n"
"	uxtw x0, w2\n"
"	mov x2, x4\n"
"	mov x3, x5\n"
"	mov x4, x6\n"
"	mov x8, #220\n"
"	mov x9, x30\n"
"	bl uk_syscall_entry\n"
"	cbz x0, 1f\n"
"	mov x30, x9\n"
"	ret\n"
"1:	mov x29, xzr\n"
"	mov x30, xzr\n"
"	ldp x1, x0, [sp], #16\n"
"	blr x1\n"
"	mov x8, #93\n"
"	bl uk_syscall_entry\n"
"	brk #0\n"
"	.size test_clone, . - test_clone\n");
#endif
int test_clone(int (*fn)(void *), void *stack, int flags, void *arg,
	       int *ptid, void *tls, int *ctid);

#define CLONE_THREAD_FLAGS	(0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | \
				 0x40000 | 0x100000 | 0x200000)

UK_TESTCASE(syscall, clone_makes_a_thread)
{
	char *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static int ptid, ctid;
	__u32 *word = (__u32 *)&ctid;
	__nsec deadline = ukplat_monotonic_clock() + 5000000000ULL;
	int tid;

	UK_TEST_ASSERT(stack != MAP_FAILED);
	child_ran = 0;
	ctid = -1;
	tid = test_clone(clone_child, stack + 65536, CLONE_THREAD_FLAGS,
			 (void *)42L, &ptid, NULL, &ctid);
	UK_TEST_ASSERT(tid > 1);
	UK_TEST_EXPECT_SNUM_EQ(ptid, tid);
	/* The child clears ctid and wakes it once off its stack, as
	 * pthread_join expects. */
	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) != 0 &&
	       ukplat_monotonic_clock() < deadline)
		uk_syscall6(__NR_futex, (long)word, 0, -1, 0, 0, 0);
	UK_TEST_EXPECT_SNUM_EQ(ctid, 0);
	UK_TEST_EXPECT_SNUM_EQ(child_ran, 42);
	UK_TEST_EXPECT_SNUM_EQ(child_tid_seen, tid);
	/* Its id is free once it is released (right after the wake). */
	while (uk_thread_find_id(tid) && ukplat_monotonic_clock() < deadline)
		uk_sched_yield();
	UK_TEST_EXPECT(uk_thread_find_id(tid) == NULL);
	munmap(stack, 65536);
}

UK_TESTCASE(syscall, clone_refuses_what_it_cannot_do)
{
	char *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UK_TEST_ASSERT(stack != MAP_FAILED);
	/* A new process (fork-like), and unknown flags. */
	UK_TEST_EXPECT_SNUM_EQ(test_clone(clone_child, stack + 65536, 17,
					  NULL, NULL, NULL, NULL), -ENOSYS);
	UK_TEST_EXPECT_SNUM_EQ(test_clone(clone_child, stack + 65536,
					  CLONE_THREAD_FLAGS | 0x2000000,
					  NULL, NULL, NULL, NULL), -EINVAL);
	/* Called as a plain function, clone has no frame to copy. */
	UK_TEST_EXPECT_SNUM_EQ(uk_syscall6(__NR_clone, CLONE_THREAD_FLAGS,
					   (long)stack + 65536, 0, 0, 0, 0),
			       -ENOSYS);
	munmap(stack, 65536);
}

#if defined(__x86_64__)
/* --- a binary's thread pointer ------------------------------------------
 * A loaded binary's trapped call (uk_syscall_entry_trapped, which both
 * worlds' trap entries call) runs kernel code on the thread's own thread
 * pointer: musl's errno, written by kernel code, lands in the kernel's
 * area, not in the binary's thread block. The block here is laid out as
 * glibc's: its self pointers first, and where musl keeps errno (tp + 52)
 * glibc keeps its pointer guard. tuxcall (which Linux does not have
 * either) is this test's probe: kernel code that sets errno.
 */
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define POISON		0xa5a5a5a5a5a5a5a5UL
#define TCB_WORDS	64

static __uptr binary_tcb[TCB_WORDS] __align(64);
static __uptr probe_tp;

static long tp_probe(long a1, long a2, long a3,
		     long a4, long a5, long a6)
{
	probe_tp = ukplat_tlsp_get();
	errno = EDOM;
	return 0;
}
UK_SYSCALL_ENTRY(__NR_tuxcall, tp_probe);

static long trapped(long n, long a1, long a2)
{
	struct __regs r;

	memset(&r, 0, sizeof(r));
	r.orig_rax = n;
	r.rdi = a1;
	r.rsi = a2;
	uk_syscall_entry_trapped(&r, NULL);
	return (long)r.rax;
}

UK_TESTCASE(syscall, trapped_call_runs_on_the_kernel_thread_pointer)
{
	struct uk_thread *t = uk_thread_current();
	__uptr k = ukplat_tlsp_get(), saved_k = t->ktlsp, got = 0;
	__uptr tp = (__uptr)binary_tcb, tp2 = (__uptr)&binary_tcb[16];
	__uptr in_call, after_set;
	long rc_probe, rc_get, rc_set;
	int i, kept = 1;

	for (i = 0; i < TCB_WORDS; i++)
		binary_tcb[i] = POISON;
	binary_tcb[0] = tp;			/* tcbhead_t.tcb */
	binary_tcb[2] = tp;			/* tcbhead_t.self */
	binary_tcb[16] = tp2;
	binary_tcb[18] = tp2;
	/* As a binary's thread: from here to the end, only the calls and
	 * this function's own code run on the binary's thread pointer. */
	t->ktlsp = k;
	ukplat_tlsp_set(tp);
	rc_probe = trapped(__NR_tuxcall, 0, 0);
	in_call = probe_tp;
	rc_get = trapped(__NR_arch_prctl, ARCH_GET_FS, (long)&got);
	rc_set = trapped(__NR_arch_prctl, ARCH_SET_FS, (long)tp2);
	after_set = ukplat_tlsp_get();
	ukplat_tlsp_set(k);
	t->ktlsp = saved_k;

	for (i = 0; i < TCB_WORDS; i++)
		if (i != 0 && i != 2 && i != 16 && i != 18 &&
		    binary_tcb[i] != POISON)
			kept = 0;
	UK_TEST_EXPECT_SNUM_EQ(rc_probe, 0);
	UK_TEST_EXPECT(in_call == k);
	UK_TEST_EXPECT(kept);
	UK_TEST_EXPECT(errno == EDOM);
	UK_TEST_EXPECT_SNUM_EQ(rc_get, 0);
	UK_TEST_EXPECT(got == tp);
	UK_TEST_EXPECT_SNUM_EQ(rc_set, 0);
	UK_TEST_EXPECT(after_set == tp2);
	UK_TEST_EXPECT(ukplat_tlsp_get() == k);
}
#endif /* __x86_64__ */

/* Linux's struct timex's head and size (64-bit ABIs). */
struct timex_head {
	unsigned int modes;
	long offset, freq, maxerror, esterror;
	int status;
	long constant, precision, tolerance;
	long time_sec, time_usec;
	long tick;
	char rest[208 - 104];
};

/* The app is root: clock_settime and settimeofday step CLOCK_REALTIME
 * (later reads, gettimeofday and absolute REALTIME sleeps follow it),
 * never the monotonic clock; the posix test clock-set checks the errors
 * (its Linux run may not set the host's clock). */
UK_TESTCASE(syscall, clock_settime_steps_the_wall_clock)
{
	const long day = 86400;
	struct uk_timespec ts, now, mono0, mono1;
	struct { long sec, usec; } tv;
	struct timex_head tx;
	__nsec t0, t1, m0 = ukplat_monotonic_clock();
	__nsec wall0 = ukplat_wall_clock();

	sc(__NR_clock_gettime, UK_CLOCK_MONOTONIC, (long)&mono0, 0);
	uk_ns_to_timespec(&ts, wall0 + day * UK_NSEC_PER_SEC);
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_clock_settime, UK_CLOCK_REALTIME,
				  (long)&ts, 0), 0);
	sc(__NR_clock_gettime, UK_CLOCK_REALTIME, (long)&now, 0);
	UK_TEST_EXPECT(now.tv_sec >= ts.tv_sec && now.tv_sec <= ts.tv_sec + 5);
	sc(__NR_clock_gettime, UK_CLOCK_MONOTONIC, (long)&mono1, 0);
	UK_TEST_EXPECT(mono1.tv_sec - mono0.tv_sec < 5);
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_gettimeofday, (long)&tv, 0, 0), 0);
	UK_TEST_EXPECT(tv.sec >= ts.tv_sec && tv.sec <= ts.tv_sec + 5);
	/* An absolute sleep until 20 ms past the new time ends then. */
	sc(__NR_clock_gettime, UK_CLOCK_REALTIME, (long)&now, 0);
	uk_ns_to_timespec(&ts, now.tv_sec * UK_NSEC_PER_SEC + now.tv_nsec +
			  20000000);
	t0 = ukplat_monotonic_clock();
	UK_TEST_EXPECT_SNUM_EQ(uk_syscall6(__NR_clock_nanosleep,
					   UK_CLOCK_REALTIME, 1, (long)&ts,
					   0, 0, 0), 0);
	t1 = ukplat_monotonic_clock();
	UK_TEST_EXPECT(t1 - t0 >= 19000000 && t1 - t0 < 2 * UK_NSEC_PER_SEC);
	/* adjtimex reports the new time. */
	memset(&tx, 0, sizeof(tx));
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_adjtimex, (long)&tx, 0, 0), 5);
	UK_TEST_EXPECT(tx.time_sec >= ts.tv_sec - 1);
	tx.modes = 1;	/* ADJ_OFFSET: not done */
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_adjtimex, (long)&tx, 0, 0),
			       -EOPNOTSUPP);
	/* settimeofday back to a day less; then where it was. */
	tv.sec = (long)(ukplat_wall_clock() / UK_NSEC_PER_SEC) - day;
	tv.usec = 0;
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_settimeofday, (long)&tv, 0, 0), 0);
	UK_TEST_EXPECT((long)(ukplat_wall_clock() / UK_NSEC_PER_SEC) -
		       tv.sec < 5);
	/* The monotonic clock's zero is the earliest time allowed. */
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	UK_TEST_EXPECT_SNUM_EQ(sc(__NR_clock_settime, UK_CLOCK_REALTIME,
				  (long)&ts, 0), -EINVAL);
	/* Back to the true time. */
	ukplat_wall_clock_set(wall0 + (ukplat_monotonic_clock() - m0));
}
