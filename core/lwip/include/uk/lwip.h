/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP/IP stack (lwIP 2.1.3, Debian's source) as the kernel runs it:
 * started at boot when there is a network device, else by the first
 * socket; the loopback interface (127.0.0.1, ::1) and one interface per
 * network device, configured by DHCP or by the kernel
 * parameters net.ip, net.gw and net.dns. Sockets are core/inet's.
 */
#ifndef __UK_LWIP_H__
#define __UK_LWIP_H__

/* Nonzero once the stack runs. */
int uk_lwip_running(void);
/* Starts the stack if it does not run yet (the first socket does, when
 * the image has no network device). Returns 0. */
int uk_lwip_start(void);

#endif /* __UK_LWIP_H__ */
