/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The serial console's framing: how one serial line carries the app's
 * fds 0-2 between the kernel (hal-qemu/common/serial.c) and the host
 * side (amphi-kvm's UART, hal-sim/kvm/devices.c; tools/qemu-run.py
 * keeps the same bytes in Python). Plain defines: host code includes it.
 *
 * The host side states what each stream is with the kernel arguments
 * console.stdin, console.stdout and console.stderr = tty, pipe, file or
 * dev (absent: tty). As soon as one of them is not a terminal the line
 * is framed, so that the host can tell them apart and the app can see
 * its input end:
 *   out: ESC ESC      a 0xff byte
 *        ESC STDOUT   what follows is stdout (and kernel messages)
 *        ESC STDERR   what follows is stderr
 *        ESC WANT_IN  send stdin now (once, at the first read: bytes
 *                     sent before the UART is set up would be lost)
 *   in (stdin not a terminal):
 *        ESC ESC      a 0xff byte
 *        ESC EOF      the end of input
 */
#ifndef __UK_PLAT_CONSOLE_FRAME_H__
#define __UK_PLAT_CONSOLE_FRAME_H__

#define CONSOLE_FRAME_ESC	0xff
#define CONSOLE_FRAME_STDOUT	0x01
#define CONSOLE_FRAME_STDERR	0x02
#define CONSOLE_FRAME_EOF	0x04
#define CONSOLE_FRAME_WANT_IN	0x06

/* The kernel arguments, and their values, indexed by UKPLAT_STREAM_*
 * (uk/plat/console.h). */
#define CONSOLE_ARG_STDIN	"console.stdin"
#define CONSOLE_ARG_STDOUT	"console.stdout"
#define CONSOLE_ARG_STDERR	"console.stderr"
#define CONSOLE_KIND_NAMES	{ "tty", "pipe", "file", "dev" }

#endif /* __UK_PLAT_CONSOLE_FRAME_H__ */
