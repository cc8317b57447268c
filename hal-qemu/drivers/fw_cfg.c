/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw_cfg over x86 I/O ports (selector 0x510, data 0x511, DMA address
 * 0x514), as on pc, q35 and microvm. Multi-byte fields are big endian.
 */
#include <errno.h>
#include <string.h>
#include "fw_cfg.h"
#include "../x86_64/x86.h"

#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511
#define FW_CFG_PORT_DMA		0x514

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

static void read_bytes(__u16 select, void *buf, __sz len, int reselect)
{
	__u8 *p = buf;

	if (reselect)
		outw(FW_CFG_PORT_SEL, select);
	while (len--)
		*p++ = inb(FW_CFG_PORT_DATA);
}

static __u32 be32(__u32 v)
{
	return __builtin_bswap32(v);
}

static int fw_cfg_present(void)
{
	char sig[4];
	__u32 id;

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

/* The DMA descriptor lives in the image, whose virtual addresses are its
 * physical ones. */
static struct fw_cfg_dma dma;

int fw_cfg_write(__u16 select, __paddr_t buf_pa, __u32 len)
{
	__u64 pa = (__u64)(__uptr)&dma;

	dma.control = be32(((__u32)select << 16) | FW_CFG_DMA_SELECT |
			   FW_CFG_DMA_WRITE);
	dma.length = be32(len);
	dma.address = __builtin_bswap64(buf_pa);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	outl(FW_CFG_PORT_DMA, be32((__u32)(pa >> 32)));
	outl(FW_CFG_PORT_DMA + 4, be32((__u32)pa));
	while (be32(__atomic_load_n(&dma.control, __ATOMIC_SEQ_CST)) &
	       ~FW_CFG_DMA_ERROR)
		__asm__ __volatile__("pause");
	return be32(dma.control) & FW_CFG_DMA_ERROR ? -EIO : 0;
}
