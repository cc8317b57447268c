/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The processors, from the ACPI MADT: one logical CPU per enabled local
 * APIC (or x2APIC) entry, the boot CPU first; and the I/O APICs. Without ACPI tables the
 * machine has the boot CPU only. Tables are read through the early
 * identity map, before the frame allocator may reuse their memory.
 */
#include <string.h>
#include <uk/print.h>
#include "x86.h"

struct acpi_rsdp {
	char sig[8];
	__u8 checksum;
	char oem[6];
	__u8 revision;
	__u32 rsdt;
	__u32 length;
	__u64 xsdt;
	__u8 xchecksum;
	__u8 reserved[3];
} __packed;

struct acpi_header {
	char sig[4];
	__u32 length;
	__u8 revision;
	__u8 checksum;
	char oem[6];
	char oem_table[8];
	__u32 oem_rev;
	__u32 creator;
	__u32 creator_rev;
} __packed;

#define MADT_LAPIC	0
#define MADT_IOAPIC	1
#define MADT_X2APIC	9
#define MADT_ENABLED	0x1

static int checksum_ok(const void *p, __sz len)
{
	const __u8 *b = p;
	__u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum == 0;
}

static const struct acpi_rsdp *rsdp_scan(__paddr_t lo, __paddr_t hi)
{
	const struct acpi_rsdp *r;

	for (; lo + sizeof(*r) <= hi; lo += 16) {
		r = (const struct acpi_rsdp *)lo;
		if (!memcmp(r->sig, "RSD PTR ", 8) && checksum_ok(r, 20))
			return r;
	}
	return NULL;
}

static const struct acpi_rsdp *rsdp_find(__paddr_t hint)
{
	const struct acpi_rsdp *r;
	__uptr ebda_ptr = 0x40e;
	__paddr_t ebda;

	if (hint)
		return (const struct acpi_rsdp *)hint;
	/* The BIOS data area's EBDA segment (volatile: address 0x40e is
	 * no object the compiler knows). */
	__asm__("" : "+r"(ebda_ptr));
	ebda = (__paddr_t)(*(const volatile __u16 *)ebda_ptr) << 4;
	if (ebda >= 0x80000 && ebda < 0xa0000) {
		r = rsdp_scan(ebda, ebda + 1024);
		if (r)
			return r;
	}
	return rsdp_scan(0xe0000, 0x100000);
}

static const struct acpi_header *table_find(const struct acpi_rsdp *r,
					    const char *sig)
{
	const struct acpi_header *root, *t;
	unsigned int i, n, xsdt = r->revision >= 2 && r->xsdt;
	__paddr_t pa;
	__u32 pa32;

	root = (const struct acpi_header *)(xsdt ? (__paddr_t)r->xsdt
						 : (__paddr_t)r->rsdt);
	if (!root || root->length < sizeof(*root))
		return NULL;
	n = (root->length - sizeof(*root)) / (xsdt ? 8 : 4);
	for (i = 0; i < n; i++) {
		/* Entries need not be aligned (q35's RSDT is not). */
		if (xsdt) {
			memcpy(&pa, (const char *)(root + 1) + i * 8, 8);
		} else {
			memcpy(&pa32, (const char *)(root + 1) + i * 4, 4);
			pa = pa32;
		}
		t = (const struct acpi_header *)pa;
		if (pa && pa < (4UL << 30) && !memcmp(t->sig, sig, 4))
			return t;
	}
	return NULL;
}

static void add_cpu(__u32 apic_id, __u32 boot_id)
{
	if (apic_id == boot_id)
		return;			/* already CPU 0 */
	if (x86_cpu_count >= UKPLAT_LCPU_MAXCOUNT) {
		uk_pr_warn("ACPI: CPU with APIC id %u ignored: at most %d\n",
			   apic_id, UKPLAT_LCPU_MAXCOUNT);
		return;
	}
	x86_cpus[x86_cpu_count].idx = x86_cpu_count;
	x86_cpus[x86_cpu_count].apic_id = apic_id;
	x86_cpu_count++;
}

struct x86_ioapic x86_ioapics[X86_IOAPIC_MAX];
unsigned int x86_ioapic_count;

static void add_ioapic(const __u8 *p)
{
	struct x86_ioapic *io;

	if (x86_ioapic_count >= X86_IOAPIC_MAX)
		return;
	io = &x86_ioapics[x86_ioapic_count++];
	memcpy(&io->paddr, p + 4, 4);
	memcpy(&io->gsi_base, p + 8, 4);
}

void x86_acpi_init(__paddr_t rsdp_pa)
{
	const struct acpi_rsdp *r = rsdp_find(rsdp_pa);
	const struct acpi_header *madt;
	const __u8 *p, *end;
	__u32 boot_id, a, b, c, d, id, flags;

	cpuid(1, 0, &a, &b, &c, &d);
	boot_id = b >> 24;
	if (c & (1U << 21)) {
		cpuid(0xb, 0, &a, &b, &c, &d);
		boot_id = d;		/* the full x2APIC id */
	}
	x86_cpus[0].apic_id = boot_id;
	x86_cpu_count = 1;
	if (!r) {
		uk_pr_info("ACPI: no RSDP, one CPU\n");
		return;
	}
	madt = table_find(r, "APIC");
	if (!madt) {
		uk_pr_info("ACPI: no MADT, one CPU\n");
		return;
	}
	p = (const __u8 *)madt + sizeof(*madt) + 8;
	end = (const __u8 *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2; p += p[1]) {
		if (p[0] == MADT_IOAPIC && p[1] >= 12) {
			add_ioapic(p);
			continue;
		}
		if (p[0] == MADT_LAPIC && p[1] >= 8) {
			memcpy(&flags, p + 4, 4);
			id = p[3];
		} else if (p[0] == MADT_X2APIC && p[1] >= 16) {
			memcpy(&id, p + 4, 4);
			memcpy(&flags, p + 8, 4);
		} else {
			continue;
		}
		if (flags & MADT_ENABLED)
			add_cpu(id, boot_id);
	}
}
