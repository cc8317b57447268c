/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Into guest memory: the PVH ELF image (its PT_LOAD segments at their
 * physical addresses, the entry from the XEN_ELFNOTE_PHYS32_ENTRY note),
 * the initrd (at the top of RAM, the first PVH module), and what a PVH
 * loader hands the kernel: hvm_start_info with the memory map and the
 * command line, and ACPI tables (RSDP, XSDT, RSDT, MADT) naming one local
 * APIC per vCPU.
 *
 * Low memory, below the image (which the kernel never hands out):
 *   0x01000  hvm_start_info, module list, memory map
 *   0x02000  RSDP, XSDT, RSDT, MADT
 *   0x08000  (the kernel's AP trampoline)
 *   0x10000  the command line, up to 64 KiB
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm.h"

#define XEN_ELFNOTE_PHYS32_ENTRY	18
#define HVM_START_MAGIC		0x336ec578U
#define E820_RAM		1
#define E820_RESERVED		2

#define START_INFO_PA		0x1000UL
#define MODLIST_PA		0x1040UL
#define MEMMAP_PA		0x1080UL
#define RSDP_PA			0x2000UL
#define XSDT_PA			0x2040UL
#define RSDT_PA			0x2080UL
#define MADT_PA			0x2100UL
#define CMDLINE_PA		0x10000UL
#define CMDLINE_MAX		0x10000UL
#define LOW_END			0x20000UL	/* boot data ends here */
#define IMAGE_MIN_PA		0x100000UL
#define XAPIC_PA		0xfee00000U

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct acpi_rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t xchecksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[6];
	char oem_table[8];
	uint32_t oem_rev;
	char creator[4];
	uint32_t creator_rev;
} __attribute__((packed));

struct madt_lapic {
	uint8_t type;
	uint8_t length;
	uint8_t uid;
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));

/* The image and the initrd, read and checked before /dev/kvm is
 * opened (a bad file is the first thing to say), placed later. */
static struct {
	const char *path;
	uint8_t *f;
	size_t size;
	uint64_t end;		/* where it ends in guest memory */
	uint8_t *initrd;
	size_t initrd_len;
} img;

static void __attribute__((noreturn, format(printf, 1, 2)))
bad_image(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kvm_die(KVM_EXIT_USAGE, "image '%s': %s", img.path, msg);
}

/* Maps a file to read (only the loaded parts of an image are touched:
 * its debug information never is). */
static uint8_t *map_file(const char *path, const char *what, size_t max,
			 size_t *len)
{
	static uint8_t empty[1];
	struct stat st;
	uint8_t *p;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		kvm_die(KVM_EXIT_USAGE, "cannot open %s '%s': %s", what, path,
			strerror(errno));
	if (!S_ISREG(st.st_mode))
		kvm_die(KVM_EXIT_USAGE, "%s '%s' is not a regular file", what,
			path);
	if ((uint64_t)st.st_size > max)
		kvm_die(KVM_EXIT_USAGE, "%s '%s' (%llu bytes) does not fit in "
			"guest memory (%zu MiB, -m)", what, path,
			(unsigned long long)st.st_size, max >> 20);
	*len = (size_t)st.st_size;
	if (!*len) {
		close(fd);
		return empty;
	}
	p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		kvm_die(KVM_EXIT_USAGE, "cannot read %s '%s': %s", what, path,
			strerror(errno));
	close(fd);
	return p;
}

static void unmap_file(uint8_t *p, size_t len)
{
	if (len)
		munmap(p, len);
}

/* The PVH entry from a PT_NOTE segment, or 0. */
static uint64_t pvh_note(const uint8_t *f, size_t size, const Elf64_Phdr *ph)
{
	uint64_t off = ph->p_offset, end = off + ph->p_filesz;
	const Elf64_Nhdr *n;
	uint64_t name, desc, next;
	uint32_t e32;
	uint64_t e64;

	if (end < off || end > size)
		bad_image("a note segment lies past the end of the file "
			  "(truncated?)");
	while (off + sizeof(*n) <= end) {
		n = (const Elf64_Nhdr *)(f + off);
		name = off + sizeof(*n);
		desc = name + ((n->n_namesz + 3) & ~3U);
		next = desc + ((n->n_descsz + 3) & ~3ULL);
		if (next > end || next <= off)
			bad_image("a malformed ELF note");
		if (n->n_type == XEN_ELFNOTE_PHYS32_ENTRY &&
		    n->n_namesz == 4 && !memcmp(f + name, "Xen", 4)) {
			if (n->n_descsz == 4) {
				memcpy(&e32, f + desc, 4);
				return e32;
			}
			if (n->n_descsz == 8) {
				memcpy(&e64, f + desc, 8);
				return e64;
			}
			bad_image("a PVH entry note of %u bytes",
				  n->n_descsz);
		}
		off = next;
	}
	return 0;
}

static void check_segment(uint64_t ram_size, size_t size,
			  const Elf64_Phdr *ph, unsigned int i)
{
	uint64_t pa = ph->p_paddr, end = pa + ph->p_memsz;

	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		bad_image("segment %u (%llu bytes at file offset %llu) lies "
			  "past the end of the file (%zu bytes): truncated?",
			  i, (unsigned long long)ph->p_filesz,
			  (unsigned long long)ph->p_offset, size);
	if (ph->p_filesz > ph->p_memsz)
		bad_image("segment %u has more file bytes than memory", i);
	if (end < pa || pa < IMAGE_MIN_PA || end > ram_size)
		bad_image("segment %u at 0x%llx-0x%llx lies outside guest "
			  "RAM (1 MiB to %lu MiB; more -m?)", i,
			  (unsigned long long)pa, (unsigned long long)end,
			  (unsigned long)(ram_size >> 20));
	if (end > img.end)
		img.end = end;
}

/* The initrd goes at the top of RAM, page-aligned, above the image. */
static uint64_t initrd_pa(uint64_t ram_size)
{
	return (ram_size - img.initrd_len) & ~0xfffULL;
}

static void initrd_read(const struct kvm_opts *o)
{
	img.initrd = map_file(o->initrd, "initrd", o->mem_size,
			      &img.initrd_len);
	if (img.initrd_len &&
	    initrd_pa(o->mem_size) < ((img.end + 0xfff) & ~0xfffULL))
		kvm_die(KVM_EXIT_USAGE, "initrd '%s' (%zu bytes) does not "
			"fit in guest memory above the image: give more -m",
			o->initrd, img.initrd_len);
}

static int place_initrd(struct vm *vm, struct hvm_modlist_entry *mod)
{
	uint64_t pa = initrd_pa(vm->ram_size);

	if (!img.initrd_len)
		return 0;		/* an empty file is no initrd */
	memcpy(vm_gpa(vm, pa, img.initrd_len), img.initrd, img.initrd_len);
	unmap_file(img.initrd, img.initrd_len);
	img.initrd = NULL;
	mod->paddr = pa;
	mod->size = img.initrd_len;
	return 1;
}

uint64_t image_read(const struct kvm_opts *o)
{
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	unsigned int i, loads = 0;
	uint64_t entry = 0, e;
	size_t size;
	uint8_t *f;

	img.path = o->image;
	f = map_file(o->image, "image", o->mem_size, &size);
	img.f = f;
	img.size = size;
	eh = (const Elf64_Ehdr *)f;
	if (size < EI_NIDENT || memcmp(f, ELFMAG, SELFMAG))
		bad_image("not an ELF file%s", size < SELFMAG ? " (it is "
			  "shorter than an ELF header)" : "");
	if (f[EI_CLASS] != ELFCLASS64)
		bad_image("a 32-bit ELF file; amphi-kvm boots 64-bit x86_64 "
			  "PVH images");
	if (size < sizeof(*eh))
		bad_image("truncated: %zu bytes, shorter than its ELF header",
			  size);
	if (f[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
		bad_image("built for another machine (e_machine %u), not "
			  "x86_64", eh->e_machine);
	if (eh->e_type != ET_EXEC)
		bad_image("not an executable (ELF type %u)", eh->e_type);
	if (eh->e_phentsize != sizeof(*ph) || !eh->e_phnum ||
	    eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(*ph) > size - eh->e_phoff)
		bad_image("its program headers lie past the end of the file "
			  "(%zu bytes): truncated?", size);
	ph = (const Elf64_Phdr *)(f + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_memsz) {
			check_segment(o->mem_size, size, &ph[i], i);
			loads++;
		} else if (ph[i].p_type == PT_NOTE && !entry) {
			e = pvh_note(f, size, &ph[i]);
			entry = e;
		}
	}
	if (!loads)
		bad_image("no loadable segment");
	if (!entry)
		bad_image("no PVH entry point (ELF note "
			  "XEN_ELFNOTE_PHYS32_ENTRY): not a PVH kernel; build "
			  "it with './amphi --platform x86_64 build'");
	if (entry < IMAGE_MIN_PA || entry >= img.end)
		bad_image("its PVH entry 0x%llx is outside the loaded image",
			  (unsigned long long)entry);
	if (o->initrd)
		initrd_read(o);
	if (strlen(o->cmdline) >= CMDLINE_MAX)
		kvm_die(KVM_EXIT_USAGE, "the kernel command line is too long "
			"(%zu bytes, at most %lu)", strlen(o->cmdline),
			CMDLINE_MAX - 1);
	return entry;
}

void image_place(struct vm *vm)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img.f;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img.f + eh->e_phoff);
	unsigned int i;

	/* Checked by image_read; the rest of each (bss) is the memfd's
	 * zeroes already. */
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_memsz)
			memcpy(vm_gpa(vm, ph[i].p_paddr, ph[i].p_memsz),
			       img.f + ph[i].p_offset, ph[i].p_filesz);
	unmap_file(img.f, img.size);
	img.f = NULL;
	kvm_trace("image copied");
}

static void checksum(void *table, size_t len, uint8_t *field)
{
	uint8_t sum = 0, *p = table;
	size_t i;

	*field = 0;
	for (i = 0; i < len; i++)
		sum += p[i];
	*field = (uint8_t)-sum;
}

static void acpi_header(struct acpi_header *h, const char *sig,
			uint32_t len, uint8_t rev)
{
	memcpy(h->sig, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem, "AMPHI ", 6);
	memcpy(h->oem_table, "AMPHIKVM", 8);
	h->oem_rev = 1;
	memcpy(h->creator, "AMPH", 4);
	h->creator_rev = 1;
}

/* RSDP -> XSDT (and RSDT) -> MADT: one enabled local APIC per vCPU, APIC
 * id = vCPU index. No I/O APIC: devices do not interrupt (yet). */
static void acpi_tables(struct vm *vm)
{
	uint32_t madt_len = sizeof(struct acpi_header) + 8 +
			    vm->ncpus * sizeof(struct madt_lapic);
	struct acpi_rsdp *rsdp = vm_gpa(vm, RSDP_PA, sizeof(*rsdp));
	struct acpi_header *xsdt = vm_gpa(vm, XSDT_PA, 44);
	struct acpi_header *rsdt = vm_gpa(vm, RSDT_PA, 40);
	struct acpi_header *madt = vm_gpa(vm, MADT_PA, madt_len);
	uint8_t *body = (uint8_t *)(madt + 1);
	struct madt_lapic *l = (struct madt_lapic *)(body + 8);
	uint32_t lapic = XAPIC_PA, flags = 0, rsdt_entry = MADT_PA;
	uint64_t xsdt_entry = MADT_PA;
	unsigned int i;

	memcpy(body, &lapic, 4);
	memcpy(body + 4, &flags, 4);
	for (i = 0; i < vm->ncpus; i++) {
		l[i] = (struct madt_lapic) { .type = 0, .length = 8,
			.uid = (uint8_t)i, .apic_id = (uint8_t)i,
			.flags = 1 };
	}
	acpi_header(madt, "APIC", madt_len, 4);
	checksum(madt, madt_len, &madt->checksum);

	acpi_header(xsdt, "XSDT", 44, 1);
	memcpy(xsdt + 1, &xsdt_entry, 8);
	checksum(xsdt, 44, &xsdt->checksum);
	acpi_header(rsdt, "RSDT", 40, 1);
	memcpy(rsdt + 1, &rsdt_entry, 4);
	checksum(rsdt, 40, &rsdt->checksum);

	memcpy(rsdp->sig, "RSD PTR ", 8);
	memcpy(rsdp->oem, "AMPHI ", 6);
	rsdp->revision = 2;
	rsdp->rsdt = RSDT_PA;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt = XSDT_PA;
	checksum(rsdp, 20, &rsdp->checksum);
	checksum(rsdp, sizeof(*rsdp), &rsdp->xchecksum);
}

void load_boot_info(struct vm *vm)
{
	struct hvm_start_info *si = vm_gpa(vm, START_INFO_PA, sizeof(*si));
	struct hvm_memmap_entry *mm = vm_gpa(vm, MEMMAP_PA, 4 * sizeof(*mm));
	struct hvm_modlist_entry *mod = vm_gpa(vm, MODLIST_PA, sizeof(*mod));
	const char *cmdline = vm->opts->cmdline;
	size_t len = strlen(cmdline);

	memcpy(vm_gpa(vm, CMDLINE_PA, len + 1), cmdline, len + 1);
	acpi_tables(vm);
	/* RAM below the boot data, the boot data, low RAM, RAM from 1 MiB
	 * (the image, the initrd: the kernel reserves them itself). */
	mm[0] = (struct hvm_memmap_entry) { 0, START_INFO_PA, E820_RAM, 0 };
	mm[1] = (struct hvm_memmap_entry) { START_INFO_PA,
		LOW_END - START_INFO_PA, E820_RESERVED, 0 };
	mm[2] = (struct hvm_memmap_entry) { LOW_END, 0xa0000 - LOW_END,
		E820_RAM, 0 };
	mm[3] = (struct hvm_memmap_entry) { IMAGE_MIN_PA,
		vm->ram_size - IMAGE_MIN_PA, E820_RAM, 0 };
	*si = (struct hvm_start_info) {
		.magic = HVM_START_MAGIC,
		.version = 1,
		.cmdline_paddr = CMDLINE_PA,
		.rsdp_paddr = RSDP_PA,
		.memmap_paddr = MEMMAP_PA,
		.memmap_entries = 4,
	};
	if (place_initrd(vm, mod)) {
		si->nr_modules = 1;
		si->modlist_paddr = MODLIST_PA;
	}
	vm->start_info = START_INFO_PA;
}
