/*
 * netrx: a fuzzer of the network receive path (core/net, the lwIP glue
 * and lwIP itself), run as a sim (or QEMU) image.
 *
 *   fuzz-netrx [-n EXECUTIONS] [-s SEED] [CORPUS_DIR]
 *
 * A netdev of its own ("fuzz", 52:54:00:12:34:56, 10.0.2.15/24 by
 * kernel arguments) feeds the stack one frame an execution: a frame of
 * the corpus (CORPUS_DIR, default /corpus: files of hex, as
 * make-corpus.py writes them) mutated by bit flips, byte and word
 * overwrites with boundary values, truncation, extension, insertion,
 * deletion and splicing; half of the time the IPv4 header checksum and
 * the TCP/UDP checksums are fixed afterwards, so that the mutants get
 * past the checks into the protocols. The device also claims checksum
 * offload and marks frames DATA_VALID or PARTIAL_CSUM at random. A TCP
 * listener on port 80 (accepting, reading, closing) and a UDP socket on
 * port 7 give the frames somewhere to go. At the end a loopback TCP
 * exchange must still work. A crash is a find: the kernel's report and
 * a non-zero exit.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/init.h>
#include <uk/netdev.h>

#define FRAME_MAX	1514
#define SEEDS_MAX	256
#define QLEN		64

/* --- the device ------------------------------------------------------- */

struct frame {
	unsigned int len, flags;
	unsigned short csum_start, csum_offset;
	unsigned char data[FRAME_MAX];
};

static struct {
	struct uk_netdev dev;
	struct uk_netdev_rxqueue_conf rxc;
	struct frame q[QLEN];
	volatile unsigned int head, tail;
	unsigned long tx;
} fz;

static const struct uk_hwaddr fz_mac = {
	{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };

static void fz_info(struct uk_netdev *dev, struct uk_netdev_info *info)
{
	memset(info, 0, sizeof(*info));
	info->max_rx_queues = info->max_tx_queues = 1;
	info->max_mtu = 1500;
	info->features = UK_NETDEV_F_RXQ_INTR | UK_NETDEV_F_RX_CSUM |
			 UK_NETDEV_F_PARTIAL_CSUM;
}

static int fz_ok(struct uk_netdev *dev, const struct uk_netdev_conf *c)
{
	return 0;
}

static int fz_rxq(struct uk_netdev *dev, __u16 q, __u16 n,
		  struct uk_netdev_rxqueue_conf *c)
{
	fz.rxc = *c;
	return 0;
}

static int fz_txq(struct uk_netdev *dev, __u16 q, __u16 n,
		  struct uk_netdev_txqueue_conf *c)
{
	return 0;
}

static int fz_start(struct uk_netdev *dev)
{
	return 0;
}

static const struct uk_hwaddr *fz_hwaddr(struct uk_netdev *dev)
{
	return &fz_mac;
}

static int fz_intr_on(struct uk_netdev *dev, __u16 q)
{
	return fz.head != fz.tail ? UK_NETDEV_STATUS_MORE : 0;
}

static int fz_intr_off(struct uk_netdev *dev, __u16 q)
{
	return 0;
}

static int fz_rx_one(struct uk_netdev *dev, __u16 q, struct uk_netbuf **pkt)
{
	struct frame *f;
	struct uk_netbuf *nb;

	if (fz.head == fz.tail)
		return 0;
	if (!fz.rxc.alloc_rxpkts(fz.rxc.alloc_rxpkts_argp, &nb, 1))
		return UK_NETDEV_STATUS_UNDERRUN;
	f = &fz.q[fz.tail % QLEN];
	if (f->len > uk_netbuf_tailroom(nb))
		f->len = (unsigned int)uk_netbuf_tailroom(nb);
	memcpy(nb->data, f->data, f->len);
	nb->len = f->len;
	nb->flags = f->flags;
	nb->csum_start = f->csum_start;
	nb->csum_offset = f->csum_offset;
	__atomic_store_n(&fz.tail, fz.tail + 1, __ATOMIC_RELEASE);
	*pkt = nb;
	return UK_NETDEV_STATUS_SUCCESS | UK_NETDEV_STATUS_MORE;
}

static int fz_tx_one(struct uk_netdev *dev, __u16 q, struct uk_netbuf *pkt)
{
	fz.tx++;
	uk_netbuf_free(pkt);
	return UK_NETDEV_STATUS_SUCCESS;
}

static const struct uk_netdev_ops fz_ops = {
	.info_get = fz_info,
	.configure = fz_ok,
	.rxq_configure = fz_rxq,
	.txq_configure = fz_txq,
	.start = fz_start,
	.hwaddr_get = fz_hwaddr,
	.rxq_intr_enable = fz_intr_on,
	.rxq_intr_disable = fz_intr_off,
};

static int fz_register(struct uk_init_ctx *ctx)
{
	fz.dev.ops = &fz_ops;
	fz.dev.rx_one = fz_rx_one;
	fz.dev.tx_one = fz_tx_one;
	return uk_netdev_drv_register(&fz.dev, "fuzz") < 0 ? -EINVAL : 0;
}
uk_plat_initcall(fz_register, NULL);

/* --- the corpus and the mutations ---------------------------------- */

static struct frame seeds[SEEDS_MAX];
static int nseeds;
static unsigned long long rng = 88172645463325252ULL;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (unsigned int)(rng % n) : 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void load_seed(const char *path)
{
	char buf[2 * FRAME_MAX + 4];
	struct frame *f = &seeds[nseeds];
	int fd = open(path, O_RDONLY), hi, lo;
	ssize_t n;
	size_t i;

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	f->len = 0;
	for (i = 0; i + 1 < (size_t)n && f->len < FRAME_MAX; i += 2) {
		hi = hexval(buf[i]);
		lo = hexval(buf[i + 1]);
		if (hi < 0 || lo < 0)
			break;
		f->data[f->len++] = (unsigned char)(hi << 4 | lo);
	}
	if (f->len >= 14)
		nseeds++;
}

static void load_corpus(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) && nseeds < SEEDS_MAX) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		load_seed(path);
	}
	closedir(d);
}

static unsigned int csum_add(unsigned int s, const unsigned char *p,
			     unsigned int n)
{
	for (; n >= 2; n -= 2, p += 2)
		s += (unsigned int)(p[0] << 8 | p[1]);
	if (n)
		s += (unsigned int)p[0] << 8;
	return s;
}

static unsigned short csum_fold(unsigned int s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (unsigned short)~s;
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* Makes the checksums of a mutant right again, where they can be. */
static void fix_checksums(struct frame *f)
{
	unsigned char *ip = f->data + 14, *l4;
	unsigned int ihl, tot, l4len, s, proto, off;

	if (f->len < 34)
		return;
	if (f->data[12] == 0x08 && f->data[13] == 0x00) {
		ihl = (ip[0] & 15u) * 4;
		if (ihl < 20 || 14 + ihl > f->len)
			return;
		put16(ip + 10, 0);
		put16(ip + 10, csum_fold(csum_add(0, ip, ihl)));
		tot = (unsigned int)(ip[2] << 8 | ip[3]);
		if (tot < ihl || 14 + tot > f->len || (ip[6] & 0x3f) || ip[7])
			return;
		proto = ip[9];
		l4len = tot - ihl;
		s = csum_add(0, ip + 12, 8) + proto + l4len;
		l4 = ip + ihl;
	} else if (f->data[12] == 0x86 && f->data[13] == 0xdd &&
		   f->len >= 54) {
		l4len = (unsigned int)(ip[4] << 8 | ip[5]);
		if (54 + l4len > f->len)
			return;
		proto = ip[6];
		s = csum_add(0, ip + 8, 32) + proto + l4len;
		l4 = ip + 40;
	} else {
		return;
	}
	off = proto == 6 ? 16 : proto == 17 ? 6 : proto == 58 ? 2 : 0;
	if (!off || l4len < off + 2 || (proto == 58 && f->data[12] != 0x86))
		return;
	if (proto == 1)
		return;
	put16(l4 + off, 0);
	put16(l4 + off, csum_fold(csum_add(s, l4, l4len)));
}

static const unsigned char interesting8[] = { 0, 1, 0x7f, 0x80, 0xff };
static const unsigned int interesting16[] = { 0, 1, 0x7fff, 0x8000, 0xffff,
					      20, 40, 1500, 65535 - 20 };

static void mutate(struct frame *f)
{
	unsigned int ops = 1 + rnd(8), i, pos;
	const struct frame *other;

	for (i = 0; i < ops; i++) {
		pos = f->len ? rnd(f->len) : 0;
		switch (rnd(9)) {
		case 0:
			if (f->len)
				f->data[pos] ^= (unsigned char)(1u << rnd(8));
			break;
		case 1:
			if (f->len)
				f->data[pos] = (unsigned char)rnd(256);
			break;
		case 2:
			if (f->len)
				f->data[pos] = interesting8[rnd(5)];
			break;
		case 3:
			if (pos + 1 < f->len)
				put16(f->data + pos, interesting16[rnd(9)]);
			break;
		case 4:
			f->len = rnd(f->len + 1);
			break;
		case 5:
			while (f->len < FRAME_MAX && rnd(4))
				f->data[f->len++] = (unsigned char)rnd(256);
			break;
		case 6:
			if (f->len < FRAME_MAX) {
				memmove(f->data + pos + 1, f->data + pos,
					f->len - pos);
				f->data[pos] = (unsigned char)rnd(256);
				f->len++;
			}
			break;
		case 7:
			if (f->len) {
				memmove(f->data + pos, f->data + pos + 1,
					f->len - pos - 1);
				f->len--;
			}
			break;
		default:
			other = &seeds[rnd((unsigned int)nseeds)];
			if (pos < other->len) {
				memcpy(f->data + pos, other->data + pos,
				       other->len - pos);
				f->len = other->len;
			}
		}
	}
}

static void make_frame(struct frame *f)
{
	*f = seeds[rnd((unsigned int)nseeds)];
	f->flags = 0;
	if (rnd(16))
		mutate(f);
	if (rnd(2))
		fix_checksums(f);
	switch (rnd(8)) {
	case 0:
		f->flags = UK_NETBUF_F_DATA_VALID;
		break;
	case 1:
		f->flags = UK_NETBUF_F_PARTIAL_CSUM;
		f->csum_start = (unsigned short)rnd(f->len + 8);
		f->csum_offset = (unsigned short)rnd(24);
		break;
	}
}

/* --- driving it -------------------------------------------------------- */

static int lfd, ufd;

static void service_sockets(void)
{
	char buf[2048];
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (rnd(2))
			send(fd, "HTTP/1.1 200 OK\r\n\r\n", 19,
			     MSG_DONTWAIT | MSG_NOSIGNAL);
		close(fd);
	}
	while (recv(ufd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

static void inject(const struct frame *f)
{
	while (fz.head - __atomic_load_n(&fz.tail, __ATOMIC_ACQUIRE) >= QLEN)
		sched_yield();
	fz.q[fz.head % QLEN] = *f;
	__atomic_store_n(&fz.head, fz.head + 1, __ATOMIC_RELEASE);
	if (fz.rxc.callback)
		fz.rxc.callback(&fz.dev, 0, fz.rxc.callback_cookie);
}

static int listen_on(int type, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, type | SOCK_NONBLOCK, 0);

	a.sin_port = htons((unsigned short)port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 64) < 0)) {
		perror("netrx: socket");
		exit(1);
	}
	return fd;
}

/* The stack still works: a TCP exchange over loopback. */
static int loopback_alive(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c, s;
	char buf[8];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len))
		return 0;
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)))
		return 0;
	s = accept(l, NULL, NULL);
	if (s < 0 || send(c, "alive", 5, 0) != 5 ||
	    recv(s, buf, 5, MSG_WAITALL) != 5 || memcmp(buf, "alive", 5))
		return 0;
	close(c);
	close(s);
	close(l);
	return 1;
}

int main(int argc, char *argv[])
{
	static struct frame f;
	const char *dir = "/corpus";
	unsigned long n = 100000, i;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-n") && a + 1 < argc)
			n = strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "-s") && a + 1 < argc)
			rng = (strtoull(argv[++a], NULL, 10) + 1) *
			      0x9e3779b97f4a7c15ULL | 1;
		else
			dir = argv[a];
	}
	load_corpus(dir);
	if (!nseeds) {
		fprintf(stderr, "netrx: no corpus in %s\n", dir);
		return 2;
	}
	lfd = listen_on(SOCK_STREAM, 80);
	ufd = listen_on(SOCK_DGRAM, 7);
	for (i = 0; i < n; i++) {
		make_frame(&f);
		inject(&f);
		if (!(i % 64)) {
			service_sockets();
			sched_yield();
		}
	}
	while (fz.head != __atomic_load_n(&fz.tail, __ATOMIC_ACQUIRE))
		sched_yield();
	service_sockets();
	if (!loopback_alive()) {
		printf("netrx: the stack no longer works after %lu frames\n",
		       n);
		return 1;
	}
	printf("netrx: %lu executions from %d seeds, %lu frames sent back, "
	       "no crash, stack alive\n", n, nseeds, fz.tx);
	return 0;
}
