/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Starting lwIP: the tcpip thread, the loopback interface, one interface
 * per netdev, and their addresses. The first interface is configured by
 * the kernel parameters net.ip=ADDR/PREFIX, net.gw=ADDR and net.dns=ADDR
 * when net.ip is given, else by DHCP (whose lease the boot waits for, at
 * most net.dhcp_wait_ms); every interface gets an IPv6 link-local address
 * and SLAAC. The DNS servers go to /etc/resolv.conf for the C library's
 * resolver, and /etc/hosts names localhost (with no device too), unless
 * the initrd has them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <uk/errptr.h>
#include <uk/file.h>
#include <uk/init.h>
#include <uk/lwip.h>
#include <uk/mutex.h>
#include <uk/netdev.h>
#include <uk/nofault.h>
#include <uk/param.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/vfs.h>
#include <uk/plat/time.h>

#include "lwip/opt.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "lwip_impl.h"

static const char *param_ip, *param_gw, *param_dns;
static int dhcp_wait_ms = 5000;
UK_PARAM_STR("net.ip", param_ip,
	     "address/prefix of the first interface (no DHCP)");
UK_PARAM_STR("net.gw", param_gw, "default gateway (with net.ip)");
UK_PARAM_STR("net.dns", param_dns, "DNS server for /etc/resolv.conf");
UK_PARAM("net.dhcp_wait_ms", dhcp_wait_ms, 0, 600000,
	 "how long the boot waits for a DHCP lease, ms");

static int running;
static struct lwip_netdev *first;

int uk_lwip_running(void)
{
	return __atomic_load_n(&running, __ATOMIC_ACQUIRE);
}

/* "a.b.c.d/n" into addr and mask. -EINVAL if it is not one. */
static int parse_cidr(const char *s, ip4_addr_t *addr, ip4_addr_t *mask)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	long prefix = 24;
	char *end;

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!ip4addr_aton(buf, addr))
		return -EINVAL;
	if (slash) {
		prefix = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || prefix < 0 || prefix > 32)
			return -EINVAL;
	}
	ip4_addr_set_u32(mask, prefix ? lwip_htonl(~0U << (32 - prefix)) : 0);
	return 0;
}

static void static_config(struct netif *netif)
{
	ip4_addr_t ip, mask, gw;
	ip_addr_t dns;

	ip4_addr_set_zero(&gw);
	if (parse_cidr(param_ip, &ip, &mask)) {
		uk_pr_err("net.ip=%s: not ADDRESS/PREFIX\n", param_ip);
		return;
	}
	if (param_gw && !ip4addr_aton(param_gw, &gw))
		uk_pr_err("net.gw=%s: not an address\n", param_gw);
	netif_set_addr(netif, &ip, &mask, &gw);
	if (param_dns) {
		if (ipaddr_aton(param_dns, &dns))
			dns_setserver(0, &dns);
		else
			uk_pr_err("net.dns=%s: not an address\n", param_dns);
	}
}

static void netdevs_add(void)
{
	struct lwip_netdev *ln;
	unsigned int i;

	for (i = 0; i < uk_netdev_count(); i++) {
		ln = lwip_netdev_add(uk_netdev_get(i));
		if (!ln)
			continue;
		netif_create_ip6_linklocal_address(&ln->netif, 1);
		netif_set_ip6_autoconfig_enabled(&ln->netif, 1);
		if (!first) {
			first = ln;
			netif_set_default(&ln->netif);
			if (param_ip)
				static_config(&ln->netif);
		}
		netif_set_up(&ln->netif);
		netif_set_link_up(&ln->netif);
		if (ln == first && !param_ip)
			dhcp_start(&ln->netif);
	}
}

static void loopback_setup(void)
{
	struct netif *netif;

	/* Loopback packets never leave memory: no checksums. */
	NETIF_FOREACH(netif) {
		if (netif->name[0] == 'l' && netif->name[1] == 'o')
			NETIF_SET_CHECKSUM_CTRL(netif,
						NETIF_CHECKSUM_DISABLE_ALL);
	}
}

static void stack_start(void)
{
	tcpip_init(NULL, NULL);
	LOCK_TCPIP_CORE();
	loopback_setup();
	netdevs_add();
	UNLOCK_TCPIP_CORE();
	__atomic_store_n(&running, 1, __ATOMIC_RELEASE);
}

int uk_lwip_start(void)
{
	static struct uk_mutex start_lock = UK_MUTEX_INITIALIZER(start_lock);

	if (uk_lwip_running())
		return 0;
	uk_mutex_lock(&start_lock);
	if (!uk_lwip_running())
		stack_start();
	uk_mutex_unlock(&start_lock);
	return 0;
}

/* With a network device the stack starts at boot (for its lease);
 * without, with the first AF_INET or AF_INET6 socket, so that an image
 * that never uses the network pays nothing for it. */
static int lwip_boot(struct uk_init_ctx *ctx __maybe_unused)
{
	if (uk_netdev_count())
		uk_lwip_start();
	return 0;
}
uk_sys_initcall(lwip_boot, NULL);

/* Writes text to path unless it exists (the initrd's wins). */
static void etc_write(const char *path, const char *text)
{
	struct iovec iov = { (void *)text, strlen(text) };
	struct uk_file *f;
	off_t off = 0;

	uk_vfs_mkdirat(AT_FDCWD, "/etc", 0755);
	f = uk_vfs_open_file(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL,
			     0644);
	if (PTRISERR(f))
		return;
	/* A kernel buffer into a file: not an app's (uk/nofault.h). */
	uk_kernel_buffers_begin();
	if (f->ops->write)
		f->ops->write(f, &iov, 1, &off, 0);
	uk_kernel_buffers_end();
	uk_file_put(f);
}

static void etc_hosts(void)
{
	etc_write("/etc/hosts", "127.0.0.1\tlocalhost\n"
		  "::1\tlocalhost ip6-localhost ip6-loopback\n");
}

static void etc_resolv_conf(void)
{
	char buf[160], addr[IPADDR_STRLEN_MAX];
	const ip_addr_t *dns;
	int n = 0, i;

	for (i = 0; i < DNS_MAX_SERVERS; i++) {
		dns = dns_getserver((u8_t)i);
		if (ip_addr_isany(dns))
			continue;
		ipaddr_ntoa_r(dns, addr, sizeof(addr));
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
			      "nameserver %s\n", addr);
	}
	if (n)
		etc_write("/etc/resolv.conf", buf);
}

static void report(struct lwip_netdev *ln)
{
	struct netif *netif = &ln->netif;
	char ip[16], gw[16];
	int quiet = 0, prefix = 0;
	u32_t mask = lwip_htonl(ip4_addr_get_u32(netif_ip4_netmask(netif)));

	while (mask & 0x80000000U) {
		prefix++;
		mask <<= 1;
	}
	ip4addr_ntoa_r(netif_ip4_addr(netif), ip, sizeof(ip));
	ip4addr_ntoa_r(netif_ip4_gw(netif), gw, sizeof(gw));
	uk_param_get("quiet", &quiet);
	if (!quiet)
		uk_printk_raw("net: netdev%u (%s) %s/%d gateway %s%s\n",
			      ln->dev->id, ln->dev->drv_name, ip, prefix, gw,
			      param_ip ? "" : " (DHCP)");
}

/* Before main(): /etc/hosts, the first interface's lease, then
 * /etc/resolv.conf. */
static int lwip_ready(struct uk_init_ctx *ctx __maybe_unused)
{
	__nsec until = ukplat_monotonic_clock() +
		       ukarch_time_msec_to_nsec(dhcp_wait_ms);
	int bound = 1;

	/* Without a device too: getaddrinfo("localhost") must not go to a
	 * DNS server (the C library's default, 127.0.0.1, has none). */
	etc_hosts();
	if (!uk_lwip_running())
		return 0;
	if (first && !param_ip) {
		for (;;) {
			LOCK_TCPIP_CORE();
			bound = dhcp_supplied_address(&first->netif);
			UNLOCK_TCPIP_CORE();
			if (bound || ukplat_monotonic_clock() >= until)
				break;
			uk_sched_thread_sleep(ukarch_time_msec_to_nsec(2));
		}
		if (!bound)
			uk_pr_warn("net: no DHCP lease after %d ms; going on "
				   "(the lease may come later)\n",
				   dhcp_wait_ms);
	}
	LOCK_TCPIP_CORE();
	if (first && bound)
		report(first);
	etc_resolv_conf();
	UNLOCK_TCPIP_CORE();
	return 0;
}
uk_late_initcall(lwip_ready, NULL);
