/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Network buffers (Unikraft's uk_netbuf): one packet (or a piece of one)
 * in a buffer with headroom in front, so that each layer can prepend its
 * header without copying. A netbuf is reference counted; the last
 * uk_netbuf_free() calls its destructor, or frees it to its allocator.
 *
 * Partial checksum offload (both ways): UK_NETBUF_F_PARTIAL_CSUM says the
 * checksum at data + csum_start + csum_offset holds only the pseudo
 * header's sum, and the one's complement sum of everything from
 * csum_start to the end must still be folded into it (by the device, or
 * by uk_netbuf_csum_complete()). UK_NETBUF_F_DATA_VALID on a received
 * packet says the device checked its checksums.
 */
#ifndef __UK_NETBUF_H__
#define __UK_NETBUF_H__

#include <uk/alloc.h>
#include <uk/arch/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UK_NETBUF_F_DATA_VALID		0x01
#define UK_NETBUF_F_PARTIAL_CSUM	0x02

struct uk_netbuf;
typedef void (*uk_netbuf_dtor_t)(struct uk_netbuf *nb);

struct uk_netbuf {
	struct uk_netbuf *next;		/* a driver's or a queue's */
	void *data;			/* the packet's first byte */
	__u32 len;			/* bytes at data */
	__u32 flags;			/* UK_NETBUF_F_* */
	__u16 csum_start, csum_offset;	/* with UK_NETBUF_F_PARTIAL_CSUM */
	void *buf;			/* the buffer: data is inside it */
	__sz buflen;
	long refcount;
	void *priv;			/* the owner's */
	uk_netbuf_dtor_t dtor;		/* or NULL: freed to _a */
	struct uk_alloc *_a;
};

/* A netbuf and its buffer in one block of a: buflen bytes, data at
 * headroom (len 0), priv_len bytes for priv after the buffer. Returns it
 * (one reference) or NULL. */
struct uk_netbuf *uk_netbuf_alloc_buf(struct uk_alloc *a, __sz buflen,
				      __sz headroom, __sz priv_len);
/* Makes nb (caller's memory) describe buf: data at headroom, no
 * allocator, one reference. */
void uk_netbuf_init_indir(struct uk_netbuf *nb, void *buf, __sz buflen,
			  __sz headroom, void *priv, uk_netbuf_dtor_t dtor);

static inline struct uk_netbuf *uk_netbuf_get(struct uk_netbuf *nb)
{
	__atomic_add_fetch(&nb->refcount, 1, __ATOMIC_RELAXED);
	return nb;
}
/* Drops one reference to nb and to each netbuf of its next chain; the
 * last one destroys it. */
void uk_netbuf_free(struct uk_netbuf *nb);

/* Bytes in front of data / behind data + len. */
static inline __sz uk_netbuf_headroom(const struct uk_netbuf *nb)
{
	return (__sz)((char *)nb->data - (char *)nb->buf);
}

static inline __sz uk_netbuf_tailroom(const struct uk_netbuf *nb)
{
	return nb->buflen - uk_netbuf_headroom(nb) - nb->len;
}

/* Moves data by -delta (delta > 0: a header in front, < 0: strips one).
 * Returns 0, or -EINVAL if that leaves the buffer. */
int uk_netbuf_header(struct uk_netbuf *nb, long delta);

/* The one's complement sum of len bytes at p, added to sum (not folded,
 * not inverted). */
__u32 uk_netbuf_csum_add(__u32 sum, const void *p, __sz len);
/* Folds a sum to 16 bits and inverts it: the checksum to store. */
__u16 uk_netbuf_csum_fold(__u32 sum);
/* For an Ethernet frame with IPv4 or IPv6 and TCP (or UDP, unless
 * tcp_only): puts the pseudo header's sum in the checksum field, sets
 * csum_start/csum_offset and UK_NETBUF_F_PARTIAL_CSUM, for a device to
 * finish. -EINVAL for other frames (fragments, extension headers). */
int uk_netbuf_csum_partial(struct uk_netbuf *nb, int tcp_only);
/* Checks the TCP/UDP checksum of an Ethernet frame in software: 1 right,
 * 0 wrong, -1 nothing to check (not TCP/UDP over IP, a fragment, IPv4
 * UDP without a checksum). */
int uk_netbuf_csum_verify(const struct uk_netbuf *nb);
/* Does in software what a device does for UK_NETBUF_F_PARTIAL_CSUM:
 * finishes the checksum and clears the flag. -EINVAL if the offsets are
 * outside the packet. */
int uk_netbuf_csum_complete(struct uk_netbuf *nb);

#ifdef __cplusplus
}
#endif

#endif /* __UK_NETBUF_H__ */
