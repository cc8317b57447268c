/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The undefined-behaviour sanitizer's runtime, the kernel's own: with
 * -Dubsan=true the compiler checks guest code (-fsanitize=undefined) and
 * calls these handlers on a failed check. Each prints what went wrong and
 * the source line, then ends the kernel with a crash report (backtrace
 * from the faulty function, the threads), as UK_CRASH does: undefined
 * behaviour in a kernel is a bug to fix, not to run past.
 *
 * The structures are the compiler's ABI (GCC and Clang share it:
 * libsanitizer's ubsan_handlers.h). Only what GCC emits for C is here.
 */
#include <stdarg.h>
#include <uk/assert.h>
#include <uk/essentials.h>
#include <uk/print.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/bootstrap.h>

#define NOSAN	__attribute__((no_sanitize_undefined)) __used

struct src_loc {
	const char *file;
	__u32 line;
	__u32 column;
};

struct type_desc {
	__u16 kind;		/* 0 integer, 1 float, 0xffff unknown */
	__u16 info;		/* integer: bit 0 signed, >> 1 log2(bits) */
	char name[];
};

struct type_mismatch_data {
	struct src_loc loc;
	const struct type_desc *type;
	__u8 log_alignment;
	__u8 check_kind;
};

struct overflow_data {
	struct src_loc loc;
	const struct type_desc *type;
};

struct shift_data {
	struct src_loc loc;
	const struct type_desc *lhs_type;
	const struct type_desc *rhs_type;
};

struct out_of_bounds_data {
	struct src_loc loc;
	const struct type_desc *array_type;
	const struct type_desc *index_type;
};

struct loc_data {
	struct src_loc loc;
};

struct nonnull_arg_data {
	struct src_loc loc;
	struct src_loc attr_loc;
	int arg_index;
};

struct nonnull_return_data {
	struct src_loc attr_loc;
};

struct invalid_builtin_data {
	struct src_loc loc;
	__u8 kind;
};

struct float_cast_data {
	struct src_loc loc;
	const struct type_desc *from;
	const struct type_desc *to;
};

struct alignment_assumption_data {
	struct src_loc loc;
	struct src_loc assumption_loc;
	const struct type_desc *type;
};

static const char *const check_kinds[] = {
	"load of", "store to", "reference binding to",
	"member access within", "member call on", "constructor call on",
	"downcast of", "downcast of", "upcast of",
	"cast to virtual base of", "_Nonnull binding to",
	"dynamic operation on",
};

static int reporting;

/* "core/x.c", not "../../core/x.c": the compiler names files as it was
 * given them, from the build folder. */
static NOSAN const char *short_path(const char *f)
{
	if (!f)
		return "(unknown)";
	while (f[0] == '.' && f[1] == '.' && f[2] == '/')
		f += 3;
	return f;
}

/* Starts the report; a second report while one is printed (undefined
 * behaviour in the printing code) only ends the kernel. */
static NOSAN void report_begin(const struct src_loc *loc, const char *what)
{
	ukplat_lcpu_disable_irq();
	if (__atomic_exchange_n(&reporting, 1, __ATOMIC_SEQ_CST))
		ukplat_terminate(UKPLAT_CRASH, 1);
	uk_printk_raw("\n*** KERNEL CRASH at %s:%u:%u: undefined behaviour: "
		      "%s", short_path(loc ? loc->file : NULL),
		      loc ? loc->line : 0, loc ? loc->column : 0, what);
}

static NOSAN unsigned int type_bits(const struct type_desc *t)
{
	return 1U << (t->info >> 1);
}

static NOSAN int type_signed(const struct type_desc *t)
{
	return t->kind == 0 && (t->info & 1);
}

/* Prints an integer operand (values wider than a pointer are passed by
 * address; only the low 64 bits are shown). */
static NOSAN void print_value(const struct type_desc *t, unsigned long v)
{
	unsigned int bits = type_bits(t);
	__u64 x;

	if (t->kind != 0) {
		uk_printk_raw("(value of %s)", t->name);
		return;
	}
	x = bits > 64 ? *(const __u64 *)v : (__u64)v;
	if (type_signed(t)) {
		if (bits < 64 && (x & (1ULL << (bits - 1))))
			x |= ~0ULL << bits;
		uk_printk_raw("%lld", (long long)x);
	} else {
		uk_printk_raw("%llu", (unsigned long long)x);
	}
}

/* Ends the report: the backtrace starts at the function that did the
 * undefined thing (the handler's caller: one frame below the finish). */
#define report_end()							\
	do {								\
		uk_printk_raw("\n");					\
		uk_crash_finish(NULL, 1);				\
	} while (0)

/* Each handler exists in the recoverable and the _abort flavour
 * (-fno-sanitize-recover); both crash. */
#define HANDLER(name, params)						\
	NOSAN void __noreturn __ubsan_handle_##name##_abort params	\
		__attribute__((alias("__ubsan_handle_" #name)));	\
	NOSAN void __noreturn __ubsan_handle_##name params

HANDLER(type_mismatch_v1, (struct type_mismatch_data *d, unsigned long p))
{
	const char *kind = d->check_kind < ARRAY_SIZE(check_kinds) ?
			   check_kinds[d->check_kind] : "access to";
	unsigned long align = 1UL << d->log_alignment;

	if (!p) {
		report_begin(&d->loc, "");
		uk_printk_raw("%s null pointer of type %s", kind,
			      d->type->name);
	} else if (d->log_alignment && (p & (align - 1))) {
		report_begin(&d->loc, "");
		uk_printk_raw("%s misaligned address 0x%lx for type %s, "
			      "which needs %lu-byte alignment", kind, p,
			      d->type->name, align);
	} else {
		report_begin(&d->loc, "");
		uk_printk_raw("%s address 0x%lx with too little space for "
			      "type %s", kind, p, d->type->name);
	}
	report_end();
}

static inline __attribute__((always_inline)) NOSAN void __noreturn
arith(struct overflow_data *d,
				   unsigned long a, unsigned long b,
				   char op)
{
	report_begin(&d->loc, type_signed(d->type) ?
		     "signed integer overflow: " :
		     "unsigned integer overflow: ");
	print_value(d->type, a);
	uk_printk_raw(" %c ", op);
	print_value(d->type, b);
	uk_printk_raw(" cannot be represented in type %s", d->type->name);
	report_end();
}

HANDLER(add_overflow, (struct overflow_data *d, unsigned long a,
		       unsigned long b))
{
	arith(d, a, b, '+');
}

HANDLER(sub_overflow, (struct overflow_data *d, unsigned long a,
		       unsigned long b))
{
	arith(d, a, b, '-');
}

HANDLER(mul_overflow, (struct overflow_data *d, unsigned long a,
		       unsigned long b))
{
	arith(d, a, b, '*');
}

HANDLER(negate_overflow, (struct overflow_data *d, unsigned long a))
{
	report_begin(&d->loc, "negation of ");
	print_value(d->type, a);
	uk_printk_raw(" cannot be represented in type %s", d->type->name);
	report_end();
}

HANDLER(divrem_overflow, (struct overflow_data *d, unsigned long a,
			  unsigned long b))
{
	if (d->type->kind == 0 && !b) {
		report_begin(&d->loc, "division by zero");
	} else {
		report_begin(&d->loc, "division of ");
		print_value(d->type, a);
		uk_printk_raw(" by -1 cannot be represented in type %s",
			      d->type->name);
	}
	report_end();
}

HANDLER(shift_out_of_bounds, (struct shift_data *d, unsigned long a,
			      unsigned long b))
{
	unsigned int bits = type_bits(d->lhs_type);

	report_begin(&d->loc, "shift: ");
	if (type_signed(d->rhs_type) && (long)b < 0) {
		uk_printk_raw("shift exponent ");
		print_value(d->rhs_type, b);
		uk_printk_raw(" is negative");
	} else if (b >= bits) {
		uk_printk_raw("shift exponent ");
		print_value(d->rhs_type, b);
		uk_printk_raw(" is too large for %u-bit type %s", bits,
			      d->lhs_type->name);
	} else if (type_signed(d->lhs_type) && (long)a < 0) {
		uk_printk_raw("left shift of negative value ");
		print_value(d->lhs_type, a);
	} else {
		uk_printk_raw("left shift of ");
		print_value(d->lhs_type, a);
		uk_printk_raw(" by ");
		print_value(d->rhs_type, b);
		uk_printk_raw(" places cannot be represented in type %s",
			      d->lhs_type->name);
	}
	report_end();
}

HANDLER(out_of_bounds, (struct out_of_bounds_data *d, unsigned long i))
{
	report_begin(&d->loc, "index ");
	print_value(d->index_type, i);
	uk_printk_raw(" out of bounds for type %s", d->array_type->name);
	report_end();
}

HANDLER(pointer_overflow, (struct loc_data *d, unsigned long base,
			   unsigned long result))
{
	report_begin(&d->loc, "");
	if (!base && !result)
		uk_printk_raw("applying zero offset to null pointer");
	else if (!base)
		uk_printk_raw("applying non-zero offset 0x%lx to null "
			      "pointer", result);
	else if (!result)
		uk_printk_raw("applying non-zero offset to non-null pointer "
			      "0x%lx produced null pointer", base);
	else
		uk_printk_raw("pointer arithmetic on 0x%lx overflowed to "
			      "0x%lx", base, result);
	report_end();
}

HANDLER(builtin_unreachable, (struct loc_data *d))
{
	report_begin(&d->loc, "execution reached a "
		     "__builtin_unreachable() call");
	report_end();
}

HANDLER(vla_bound_not_positive, (struct overflow_data *d, unsigned long b))
{
	report_begin(&d->loc, "variable length array bound evaluates to "
		     "non-positive value ");
	print_value(d->type, b);
	report_end();
}

HANDLER(load_invalid_value, (struct overflow_data *d, unsigned long v))
{
	report_begin(&d->loc, "load of value ");
	print_value(d->type, v);
	uk_printk_raw(", which is not a valid value for type %s",
		      d->type->name);
	report_end();
}

HANDLER(nonnull_arg, (struct nonnull_arg_data *d))
{
	report_begin(&d->loc, "");
	uk_printk_raw("null pointer passed as argument %d, which is "
		      "declared to never be null (%s:%u)", d->arg_index,
		      short_path(d->attr_loc.file), d->attr_loc.line);
	report_end();
}

HANDLER(nonnull_return_v1, (struct nonnull_return_data *d,
			    struct src_loc *loc))
{
	report_begin(loc, "");
	uk_printk_raw("null pointer returned from function declared to "
		      "never return null (%s:%u)",
		      short_path(d->attr_loc.file), d->attr_loc.line);
	report_end();
}

HANDLER(invalid_builtin, (struct invalid_builtin_data *d))
{
	report_begin(&d->loc, "passing zero to ");
	uk_printk_raw("%s, which is not a valid argument",
		      d->kind ? "clz()" : "ctz()");
	report_end();
}

HANDLER(float_cast_overflow, (struct float_cast_data *d, unsigned long v))
{
	report_begin(&d->loc, "");
	uk_printk_raw("value of type %s is outside the range of "
		      "representable values of type %s", d->from->name,
		      d->to->name);
	report_end();
}

HANDLER(alignment_assumption, (struct alignment_assumption_data *d,
			       unsigned long p, unsigned long align,
			       unsigned long off))
{
	report_begin(&d->loc, "");
	uk_printk_raw("assumption of %lu-byte alignment for pointer 0x%lx "
		      "of type %s failed", align, p - off, d->type->name);
	report_end();
}
