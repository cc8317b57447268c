/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * QEMU's fw_cfg (docs/specs/fw_cfg.rst): over x86 I/O ports (selector
 * 0x510, data 0x511, DMA address 0x514) on pc, q35 and microvm, or memory
 * mapped (data +0, selector +8, DMA address +16) where qemu/bus.h finds
 * it (arm64 virt: the device tree). Multi-byte fields are big endian,
 * and so is the memory-mapped selector.
 */
#include <errno.h>
#include <string.h>
#include <uk/arch/atomic.h>
#include <qemu/bus.h>
#include "fw_cfg.h"
#if defined(__x86_64__)
#include "../x86_64/x86.h"
#endif

#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511
#define FW_CFG_PORT_DMA		0x514

#define FW_CFG_MMIO_DATA	0x00
#define FW_CFG_MMIO_SEL		0x08
#define FW_CFG_MMIO_DMA		0x10

#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_FILE_DIR		0x19
#define FW_CFG_ID_DMA		0x02

#define FW_CFG_DMA_ERROR	0x01
#define FW_CFG_DMA_SELECT	0x08
#define FW_CFG_DMA_WRITE	0x10

struct fw_cfg_dma {
	__u32 control;
	__u32 length;
	__u64 address;
} __attribute__((packed, aligned(16)));

/* The registers where memory mapped; NULL: I/O ports (x86). */
static volatile __u8 *regs;
static int located;

static __u32 be32(__u32 v)
{
	return __builtin_bswap32(v);
}

/* 0 if there is a fw_cfg to talk to. */
static int locate(void)
{
	if (!located) {
		regs = qemu_fw_cfg_mmio();
		located = 1;
	}
#if defined(__x86_64__)
	return 0;
#else
	return regs ? 0 : -ENODEV;
#endif
}

static void select_item(__u16 select)
{
	if (regs) {
		*(volatile __u16 *)(regs + FW_CFG_MMIO_SEL) =
			__builtin_bswap16(select);
		return;
	}
#if defined(__x86_64__)
	outw(FW_CFG_PORT_SEL, select);
#endif
}

static __u8 data_byte(void)
{
	if (regs)
		return regs[FW_CFG_MMIO_DATA];
#if defined(__x86_64__)
	return inb(FW_CFG_PORT_DATA);
#else
	return 0;
#endif
}

/* Starts a DMA transfer of the descriptor at pa (its address, big
 * endian, high word first: the low word's write starts it). */
static void dma_start(__u64 pa)
{
	if (regs) {
		*(volatile __u32 *)(regs + FW_CFG_MMIO_DMA) =
			be32((__u32)(pa >> 32));
		*(volatile __u32 *)(regs + FW_CFG_MMIO_DMA + 4) =
			be32((__u32)pa);
		return;
	}
#if defined(__x86_64__)
	outl(FW_CFG_PORT_DMA, be32((__u32)(pa >> 32)));
	outl(FW_CFG_PORT_DMA + 4, be32((__u32)pa));
#endif
}

static void read_bytes(__u16 select, void *buf, __sz len, int reselect)
{
	__u8 *p = buf;

	if (reselect)
		select_item(select);
	while (len--)
		*p++ = data_byte();
}

static int fw_cfg_present(void)
{
	char sig[4];
	__u32 id;

	if (locate() < 0)
		return 0;
	read_bytes(FW_CFG_SIGNATURE, sig, 4, 1);
	if (memcmp(sig, "QEMU", 4))
		return 0;
	read_bytes(FW_CFG_ID, &id, 4, 1);
	return !!(id & FW_CFG_ID_DMA);	/* little endian, this one */
}

int fw_cfg_find(const char *name, __u16 *select, __u32 *size)
{
	struct {
		__u32 size;
		__u16 select;
		__u16 reserved;
		char name[56];
	} f;
	__u32 count, i;

	if (!fw_cfg_present())
		return -ENODEV;
	read_bytes(FW_CFG_FILE_DIR, &count, 4, 1);
	count = be32(count);
	for (i = 0; i < count; i++) {
		read_bytes(0, &f, sizeof(f), 0);
		if (strncmp(f.name, name, sizeof(f.name)))
			continue;
		*select = __builtin_bswap16(f.select);
		*size = be32(f.size);
		return 0;
	}
	return -ENOENT;
}

/* The DMA descriptor lives in the image (qemu_dma_addr: identity). */
static struct fw_cfg_dma dma;

int fw_cfg_write(__u16 select, __paddr_t buf_pa, __u32 len)
{
	if (locate() < 0)
		return -ENODEV;
	dma.control = be32(((__u32)select << 16) | FW_CFG_DMA_SELECT |
			   FW_CFG_DMA_WRITE);
	dma.length = be32(len);
	dma.address = __builtin_bswap64(buf_pa);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	dma_start(qemu_dma_addr(&dma));
	while (be32(__atomic_load_n(&dma.control, __ATOMIC_SEQ_CST)) &
	       ~FW_CFG_DMA_ERROR)
		ukarch_spinwait();
	return be32(dma.control) & FW_CFG_DMA_ERROR ? -EIO : 0;
}
