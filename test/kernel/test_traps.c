/*
 * The trap path: a fault raises the trap event, a handler fixes the
 * registers, and the faulting code resumes. Same on every backend.
 */
#include <uk/arch/traps.h>
#include <uk/event.h>
#include <uk/test.h>

/* Armed by a test: where to resume, and what the handler saw. */
static volatile unsigned long resume_ip;
static volatile unsigned long seen_addr;
static volatile int seen_trap = -1;

static int fixup_handler(void *data)
{
	struct ukarch_trap_ctx *ctx = data;

	if (!resume_ip)
		return UK_EVENT_NOT_HANDLED;
	seen_trap = ctx->trapnr;
	seen_addr = ctx->fault_addr;
	ukarch_regs_ip(ctx->regs) = resume_ip;
	resume_ip = 0;
	return UK_EVENT_HANDLED;
}

UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_PAGE_FAULT, fixup_handler, 0);
UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_INVALID_OP, fixup_handler, 0);

UK_TESTCASE(traps, page_fault_resumes)
{
	unsigned long value = 7;

	seen_trap = -1;
#if defined(__x86_64__)
	__asm__ __volatile__(
		"leaq 1f(%%rip), %%rdx\n\t"
		"movq %%rdx, %[ip]\n\t"
		"movq (%[addr]), %[val]\n\t"
		"1:\n\t"
		: [val] "+r" (value), [ip] "=m" (resume_ip)
		: [addr] "r" (16UL)
		: "rdx", "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__(
		"adr x2, 1f\n\t"
		"str x2, %[ip]\n\t"
		"ldr %[val], [%[addr]]\n\t"
		"1:\n\t"
		: [val] "+r" (value), [ip] "=m" (resume_ip)
		: [addr] "r" (16UL)
		: "x2", "memory");
#endif
	UK_TEST_EXPECT_SNUM_EQ(seen_trap, UKARCH_TRAP_NR_PAGE_FAULT);
	UK_TEST_EXPECT_UNUM_EQ(seen_addr, 16);
	UK_TEST_EXPECT_UNUM_EQ(value, 7);
}

UK_TESTCASE(traps, invalid_opcode_resumes)
{
	seen_trap = -1;
#if defined(__x86_64__)
	__asm__ __volatile__(
		"leaq 1f(%%rip), %%rdx\n\t"
		"movq %%rdx, %[ip]\n\t"
		"ud2\n\t"
		"1:\n\t"
		: [ip] "=m" (resume_ip) : : "rdx", "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__(
		"adr x2, 1f\n\t"
		"str x2, %[ip]\n\t"
		"udf #0\n\t"
		"1:\n\t"
		: [ip] "=m" (resume_ip) : : "x2", "memory");
#endif
	UK_TEST_EXPECT_SNUM_EQ(seen_trap, UKARCH_TRAP_NR_INVALID_OP);
}

UK_TESTCASE(traps, names)
{
	UK_TEST_EXPECT_STR_EQ(ukarch_trap_name(UKARCH_TRAP_NR_PAGE_FAULT),
			      "page fault");
	UK_TEST_EXPECT_STR_EQ(ukarch_trap_name(UKARCH_TRAP_NR_COUNT),
			      "unknown trap");
}
