/*
 * Netbufs (core/net) from inside the kernel: headroom and headers,
 * references and destructors, and the checksum helpers the offloads rely
 * on, against checksums computed here the plain way: a TCP/IPv4 and a
 * UDP/IPv6 frame checked right and wrong, made partial (pseudo header
 * only) and finished again to the same value, fragments and short frames
 * refused.
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/netbuf.h>
#include <uk/test.h>

static int dtor_calls;

static void count_dtor(struct uk_netbuf *nb)
{
	dtor_calls++;
}

UK_TESTCASE(net, netbuf_headroom_and_refs)
{
	struct uk_netbuf *nb, ind;
	char buf[64];

	nb = uk_netbuf_alloc_buf(uk_alloc_get_default(), 256, 32, 16);
	UK_TEST_ASSERT(nb != NULL);
	UK_TEST_EXPECT_UNUM_EQ(uk_netbuf_headroom(nb), 32);
	UK_TEST_EXPECT_UNUM_EQ(uk_netbuf_tailroom(nb), 224);
	UK_TEST_EXPECT(nb->priv != NULL);
	nb->len = 100;
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_header(nb, 12), 0);
	UK_TEST_EXPECT_UNUM_EQ(nb->len, 112);
	UK_TEST_EXPECT_UNUM_EQ(uk_netbuf_headroom(nb), 20);
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_header(nb, 21), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_header(nb, -113), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_header(nb, -12), 0);
	uk_netbuf_get(nb);
	uk_netbuf_free(nb);		/* one reference left */
	UK_TEST_EXPECT_SNUM_EQ(nb->refcount, 1);
	uk_netbuf_free(nb);

	uk_netbuf_init_indir(&ind, buf, sizeof(buf), 8, NULL, count_dtor);
	dtor_calls = 0;
	uk_netbuf_free(&ind);
	UK_TEST_EXPECT_SNUM_EQ(dtor_calls, 1);
}

/* The Internet checksum, the plain way. */
static unsigned short plain_sum(const unsigned char *p, unsigned int n,
				unsigned int s)
{
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2)
		s += (unsigned int)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (unsigned int)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (unsigned short)~s;
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* Ethernet + IPv4 + TCP with len payload bytes; the TCP checksum right. */
static unsigned int tcp4_frame(unsigned char *f, unsigned int len)
{
	unsigned char *ip = f + 14, *tcp = ip + 20, pseudo[12];
	unsigned int i, tl = 20 + len, sum = 0;

	memset(f, 0, 14 + 20 + tl);
	f[12] = 0x08;
	ip[0] = 0x45;
	put16(ip + 2, 20 + tl);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x00\x02\x02\x0a\x00\x02\x0f", 8);
	put16(tcp, 40000);
	put16(tcp + 2, 80);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18;
	for (i = 0; i < len; i++)
		tcp[20 + i] = (unsigned char)(i * 31 + 7);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	put16(pseudo + 10, tl);
	for (i = 0; i < 12; i += 2)
		sum += (unsigned int)(pseudo[i] << 8 | pseudo[i + 1]);
	put16(tcp + 16, plain_sum(tcp, tl, sum));
	return 14 + 20 + tl;
}

/* Ethernet + IPv6 + UDP with len payload bytes; the checksum right. */
static unsigned int udp6_frame(unsigned char *f, unsigned int len)
{
	unsigned char *ip = f + 14, *udp = ip + 40;
	unsigned int i, ul = 8 + len, sum = 0;

	memset(f, 0, 14 + 40 + ul);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip[0] = 0x60;
	put16(ip + 4, ul);
	ip[6] = 17;
	ip[7] = 64;
	for (i = 0; i < 32; i++)
		ip[8 + i] = (unsigned char)(i * 11 + 1);
	put16(udp, 5000);
	put16(udp + 2, 7);
	put16(udp + 4, ul);
	for (i = 0; i < len; i++)
		udp[8 + i] = (unsigned char)(i ^ 0x5a);
	for (i = 0; i < 32; i += 2)
		sum += (unsigned int)(ip[8 + i] << 8 | ip[9 + i]);
	sum += 17 + ul;
	put16(udp + 6, plain_sum(udp, ul, sum));
	return 14 + 40 + ul;
}

static void check_roundtrip(unsigned char *f, unsigned int len,
			    unsigned int field, int tcp_only)
{
	struct uk_netbuf nb;
	unsigned char good[2];

	uk_netbuf_init_indir(&nb, f, 2048, 0, NULL, NULL);
	nb.len = len;
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_csum_verify(&nb), 1);
	f[len - 1] ^= 0x40;
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_csum_verify(&nb), 0);
	f[len - 1] ^= 0x40;
	memcpy(good, f + field, 2);
	memset(f + field, 0, 2);
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_csum_partial(&nb, tcp_only), 0);
	UK_TEST_EXPECT(nb.flags & UK_NETBUF_F_PARTIAL_CSUM);
	UK_TEST_EXPECT_UNUM_EQ((unsigned int)nb.csum_start +
			       nb.csum_offset, field);
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_csum_complete(&nb), 0);
	UK_TEST_EXPECT(!(nb.flags & UK_NETBUF_F_PARTIAL_CSUM));
	UK_TEST_EXPECT(!memcmp(f + field, good, 2));
}

UK_TESTCASE(net, checksum_offload_helpers)
{
	static unsigned char f[2048];
	struct uk_netbuf nb;
	unsigned int len;

	len = tcp4_frame(f, 1001);	/* an odd length */
	check_roundtrip(f, len, 14 + 20 + 16, 1);
	len = tcp4_frame(f, 0);
	check_roundtrip(f, len, 14 + 20 + 16, 1);
	len = udp6_frame(f, 333);
	check_roundtrip(f, len, 14 + 40 + 6, 0);

	uk_netbuf_init_indir(&nb, f, sizeof(f), 0, NULL, NULL);
	/* UDP is left alone when only TCP is asked for. */
	nb.len = udp6_frame(f, 10);
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_csum_partial(&nb, 1), -EINVAL);
	/* A fragment has no checksum to finish. */
	nb.len = tcp4_frame(f, 100);
	f[14 + 6] = 0x20;		/* more fragments */
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_csum_partial(&nb, 1), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_csum_verify(&nb), -1);
	/* Lengths past the frame and short frames are refused. */
	nb.len = tcp4_frame(f, 100) - 1;
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_csum_verify(&nb), -1);
	nb.len = 20;
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_csum_verify(&nb), -1);
	/* A partial checksum pointing outside the packet is an error. */
	nb.len = 60;
	nb.flags = UK_NETBUF_F_PARTIAL_CSUM;
	nb.csum_start = 50;
	nb.csum_offset = 16;
	UK_TEST_EXPECT_SNUM_EQ(uk_netbuf_csum_complete(&nb), -EINVAL);
}
