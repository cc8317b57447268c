/* SPDX-License-Identifier: BSD-3-Clause */
/* Network buffers: allocation, references, headers, checksums. */
#include <errno.h>
#include <string.h>
#include <uk/essentials.h>
#include <uk/netbuf.h>

struct uk_netbuf *uk_netbuf_alloc_buf(struct uk_alloc *a, __sz buflen,
				      __sz headroom, __sz priv_len)
{
	__sz hdr = ALIGN_UP(sizeof(struct uk_netbuf), 64);
	/* The private area holds structures: aligned as malloc's blocks
	 * (-Dubsan=true caught a struct at an odd buffer length). */
	__sz priv_off = hdr + ALIGN_UP(buflen, 16);
	struct uk_netbuf *nb;

	if (headroom > buflen)
		return NULL;
	nb = uk_malloc(a, priv_off + priv_len);
	if (!nb)
		return NULL;
	uk_netbuf_init_indir(nb, (char *)nb + hdr, buflen, headroom,
			     priv_len ? (char *)nb + priv_off : NULL, NULL);
	nb->_a = a;
	return nb;
}

void uk_netbuf_init_indir(struct uk_netbuf *nb, void *buf, __sz buflen,
			  __sz headroom, void *priv, uk_netbuf_dtor_t dtor)
{
	memset(nb, 0, sizeof(*nb));
	nb->buf = buf;
	nb->buflen = buflen;
	nb->data = (char *)buf + headroom;
	nb->refcount = 1;
	nb->priv = priv;
	nb->dtor = dtor;
}

void uk_netbuf_free(struct uk_netbuf *nb)
{
	struct uk_netbuf *next;

	for (; nb; nb = next) {
		next = nb->next;
		if (__atomic_sub_fetch(&nb->refcount, 1, __ATOMIC_ACQ_REL))
			continue;
		nb->next = NULL;
		if (nb->dtor)
			nb->dtor(nb);
		else if (nb->_a)
			uk_free(nb->_a, nb);
	}
}

int uk_netbuf_header(struct uk_netbuf *nb, long delta)
{
	__sz head = uk_netbuf_headroom(nb);

	if (delta > 0 && (__sz)delta > head)
		return -EINVAL;
	if (delta < 0 && (__sz)-delta > nb->len)
		return -EINVAL;
	nb->data = (char *)nb->data - delta;
	nb->len = (__u32)((long)nb->len + delta);
	return 0;
}

__u32 uk_netbuf_csum_add(__u32 sum, const void *p, __sz len)
{
	const __u8 *b = p;
	__u64 s = sum;

	for (; len >= 2; len -= 2, b += 2)
		s += (__u32)b[0] << 8 | b[1];
	if (len)
		s += (__u32)b[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffffULL) + (s >> 32);
	return (__u32)s;
}

__u16 uk_netbuf_csum_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

int uk_netbuf_csum_complete(struct uk_netbuf *nb)
{
	__u8 *p = nb->data, *c;
	__u32 sum;
	__u16 v;

	if (!(nb->flags & UK_NETBUF_F_PARTIAL_CSUM))
		return 0;
	if ((__u32)nb->csum_start + nb->csum_offset + 2 > nb->len)
		return -EINVAL;
	/* The field holds the pseudo header's sum, not inverted. */
	sum = uk_netbuf_csum_add(0, p + nb->csum_start,
				 nb->len - nb->csum_start);
	v = uk_netbuf_csum_fold(sum);
	c = p + nb->csum_start + nb->csum_offset;
	c[0] = (__u8)(v >> 8);
	c[1] = (__u8)v;
	nb->flags &= ~UK_NETBUF_F_PARTIAL_CSUM;
	return 0;
}

/* --- Ethernet frames: TCP and UDP checksums ------------------------------ */

#define ETH_HLEN	14
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86dd
#define PROTO_TCP	6
#define PROTO_UDP	17

/* Finds the TCP or UDP header of an IPv4 or IPv6 frame: its offset,
 * length (the IP header's, not the frame's: it may have padding),
 * protocol and the pseudo header's sum (not folded). 0, or -1 for other
 * frames (fragments, extension headers, short ones). */
static int l4_find(const __u8 *f, __u32 len, __u32 *off, __u32 *l4lenp,
		   __u8 *proto, __u32 *sum)
{
	const __u8 *ip = f + ETH_HLEN;
	__u16 type;
	__u32 ihl, l4len;

	if (len < ETH_HLEN)
		return -1;
	type = (__u16)(f[12] << 8 | f[13]);
	if (type == ETH_P_IP && len >= ETH_HLEN + 20) {
		ihl = (__u32)(ip[0] & 15) * 4;
		l4len = (__u32)(ip[2] << 8 | ip[3]);
		if ((ip[0] >> 4) != 4 || ihl < 20 || l4len < ihl ||
		    ETH_HLEN + l4len > len || (ip[6] & 0x3f) || ip[7])
			return -1;
		*proto = ip[9];
		l4len -= ihl;
		*off = ETH_HLEN + ihl;
		*sum = uk_netbuf_csum_add(0, ip + 12, 8);
	} else if (type == ETH_P_IPV6 && len >= ETH_HLEN + 40) {
		l4len = (__u32)(ip[4] << 8 | ip[5]);
		if (ETH_HLEN + 40 + l4len > len)
			return -1;
		*proto = ip[6];
		*off = ETH_HLEN + 40;
		*sum = uk_netbuf_csum_add(0, ip + 8, 32);
	} else {
		return -1;
	}
	if (*proto != PROTO_TCP && *proto != PROTO_UDP)
		return -1;
	if (l4len < (*proto == PROTO_TCP ? 20U : 8U))
		return -1;
	*sum += *proto + l4len;
	*l4lenp = l4len;
	return 0;
}

int uk_netbuf_csum_verify(const struct uk_netbuf *nb)
{
	const __u8 *f = nb->data;
	__u32 off, sum, l4len;
	__u8 proto;

	if (l4_find(f, nb->len, &off, &l4len, &proto, &sum))
		return -1;
	/* UDP over IPv4 may go without a checksum. */
	if (proto == PROTO_UDP && f[12] == 0x08 && !f[off + 6] &&
	    !f[off + 7])
		return -1;
	return uk_netbuf_csum_fold(uk_netbuf_csum_add(sum, f + off, l4len))
	       == 0;
}

int uk_netbuf_csum_partial(struct uk_netbuf *nb, int tcp_only)
{
	__u8 *f = nb->data, proto, *c;
	__u32 off, l4len, sum, v;

	if (l4_find(f, nb->len, &off, &l4len, &proto, &sum) ||
	    (tcp_only && proto != PROTO_TCP))
		return -EINVAL;
	v = ~uk_netbuf_csum_fold(sum) & 0xffff;	/* folded, not inverted */
	nb->csum_start = (__u16)off;
	nb->csum_offset = proto == PROTO_TCP ? 16 : 6;
	c = f + off + nb->csum_offset;
	c[0] = (__u8)(v >> 8);
	c[1] = (__u8)v;
	nb->flags |= UK_NETBUF_F_PARTIAL_CSUM;
	return 0;
}
