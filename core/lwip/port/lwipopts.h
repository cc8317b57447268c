/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwIP's options for Amphi (core/lwip/README.md explains the choices).
 * The socket layer is Amphi's own (core/inet) on lwIP's raw API: lwIP's
 * netconn and socket APIs are not built.
 */
#ifndef AMPHI_LWIPOPTS_H
#define AMPHI_LWIPOPTS_H

/* --- the system layer: threads, one core lock ------------------------ */
#define NO_SYS				0
#define LWIP_NETCONN			0
#define LWIP_SOCKET			0
/* Sockets call lwIP directly under the core lock instead of posting
 * messages to the tcpip thread and waiting for its reply. */
#define LWIP_TCPIP_CORE_LOCKING		1
#define LWIP_TCPIP_CORE_LOCKING_INPUT	1
#define LWIP_ASSERT_CORE_LOCKED()	lwip_port_assert_core_locked()
#define SYS_LIGHTWEIGHT_PROT		1
#define TCPIP_THREAD_NAME		"lwip"
#define TCPIP_THREAD_STACKSIZE		(64 * 1024)
#define TCPIP_MBOX_SIZE			4096
#define LWIP_TCPIP_TIMEOUT		0

/* --- memory: the kernel heap, no fixed pools -------------------------- */
/* Every pbuf and pcb comes from the kernel heap (its slabs), so there is
 * no pool to size for 10,000 connections: a connection costs its pcb
 * (~200 bytes) and the data it actually queues. */
#define MEM_LIBC_MALLOC			1
#define MEMP_MEM_MALLOC			1
/* Not the C library's malloc: that is the app's heap (core/alloc),
 * which the app writes to at will. */
#define mem_clib_malloc			lwip_port_malloc
#define mem_clib_calloc			lwip_port_calloc
#define mem_clib_free			lwip_port_free
#define MEM_ALIGNMENT			8
#define MEMP_NUM_TCP_PCB		10000
#define MEMP_NUM_TCP_PCB_LISTEN		1024
#define MEMP_NUM_UDP_PCB		1024
/* Room in front of every pbuf for a driver's header (virtio_net_hdr is
 * 12 bytes), so the Ethernet frame needs no second buffer. */
#define PBUF_LINK_ENCAPSULATION_HLEN	16
#define LWIP_PBUF_REF_T			u32_t
#define LWIP_SUPPORT_CUSTOM_PBUF	1

/* --- IP --------------------------------------------------------------- */
#define LWIP_IPV4			1
#define LWIP_IPV6			1
#define LWIP_IPV6_SCOPES		0
#define LWIP_IPV6_AUTOCONFIG		1
#define LWIP_IPV6_NUM_ADDRESSES		3
#define LWIP_IPV6_DHCP6			0
/* 64-bit pointers do not fit in the fragment header lwIP reuses. */
#define IPV6_FRAG_COPYHEADER		1
#define LWIP_ND6_NUM_NEIGHBORS		32
#define LWIP_ND6_NUM_DESTINATIONS	64
#define IP_REASSEMBLY			1
#define IP_FRAG				1
#define IP_REASS_MAX_PBUFS		128
#define LWIP_ICMP			1
#define LWIP_RAW			0
#define LWIP_IGMP			0
#define LWIP_ARP			1
#define ARP_TABLE_SIZE			64
#define ARP_QUEUEING			1
#define ETHARP_TRUST_IP_MAC		0
#define ETH_PAD_SIZE			0
#define IP_DEFAULT_TTL			64
#define SO_REUSE			1
#define LWIP_BROADCAST_PING		0

/* --- configuration: DHCP (and DNS servers from it) ------------------- */
#define LWIP_DHCP			1
#define DHCP_DOES_ARP_CHECK		0
#define LWIP_AUTOIP			0
/* The resolver is the C library's (over UDP); lwIP only keeps the DNS
 * servers DHCP hands out. */
#define LWIP_DNS			1
#define DNS_MAX_SERVERS			2
#define LWIP_NETIF_HOSTNAME		1
#define LWIP_NETIF_STATUS_CALLBACK	1
#define LWIP_NETIF_LINK_CALLBACK	1
#define LWIP_NETIF_EXT_STATUS_CALLBACK	1
#define LWIP_NUM_NETIF_CLIENT_DATA	1

/* --- loopback: 127.0.0.1 and ::1 with no device ----------------------- */
#define LWIP_NETIF_LOOPBACK		1
#define LWIP_HAVE_LOOPIF		1
#define LWIP_LOOPIF_MULTICAST		0
#define LWIP_LOOPBACK_MAX_PBUFS		0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 1
/* Checksums are per interface: the loopback computes none. */
#define LWIP_CHECKSUM_CTRL_PER_NETIF	1

/* --- UDP and TCP ------------------------------------------------------ */
#define LWIP_UDP			1
#define LWIP_UDPLITE			0
#define LWIP_TCP			1
#define TCP_MSS				1460
/* Window scaling with a 1 MiB window and send buffer: a 1 Gbit/s stream
 * over a 4 ms round trip needs 512 KiB in flight. The memory is only
 * used by connections that fill it. */
#define LWIP_WND_SCALE			1
#define TCP_RCV_SCALE			5
#define TCP_WND				(1024 * 1024)
#define TCP_SND_BUF			(1024 * 1024)
#define TCP_SND_QUEUELEN		((4 * TCP_SND_BUF) / TCP_MSS)
/* lwIP keeps this below 64 KiB - 4 MSS. */
#define TCP_SNDLOWAT			(0xffff - 4 * TCP_MSS - 1)
#define TCP_SNDQUEUELOWAT		(TCP_SND_QUEUELEN / 4)
#define TCP_OVERSIZE			TCP_MSS
#define TCP_QUEUE_OOSEQ			1
#define LWIP_TCP_SACK_OUT		1
#define TCP_LISTEN_BACKLOG		1
#define TCP_DEFAULT_LISTEN_BACKLOG	0xff
#define LWIP_TCP_KEEPALIVE		1
/* TIME_WAIT lasts 2 * TCP_MSL: 60 s, as Linux's (TCP_TIMEWAIT_LEN). */
#define TCP_MSL				30000UL
#define TCP_TTL				64
#define LWIP_TCP_TIMESTAMPS		0
#define LWIP_CALLBACK_API		1
/* One ext arg slot: core/inet learns when lwIP frees a pcb that went
 * from CLOSING to TIME_WAIT (no callback says either). */
#define LWIP_TCP_PCB_NUM_EXT_ARGS	1
#define LWIP_EVENT_API			0

/* --- diagnostics ------------------------------------------------------ */
#define LWIP_STATS			0
#define LWIP_STATS_DISPLAY		0
#define LWIP_DEBUG			0
#define LWIP_PERF			0

#endif /* AMPHI_LWIPOPTS_H */
