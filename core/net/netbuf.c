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
	struct uk_netbuf *nb;

	if (headroom > buflen)
		return NULL;
	nb = uk_malloc(a, hdr + buflen + priv_len);
	if (!nb)
		return NULL;
	uk_netbuf_init_indir(nb, (char *)nb + hdr, buflen, headroom,
			     priv_len ? (char *)nb + hdr + buflen : NULL,
			     NULL);
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
