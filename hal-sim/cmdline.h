/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command-line pieces shared by the host programs that boot a kernel:
 * the sim process (options.c, console.c) and the KVM monitor (kvm/).
 * Host code.
 */
#ifndef AMPHI_HAL_SIM_CMDLINE_H
#define AMPHI_HAL_SIM_CMDLINE_H

#include <stddef.h>
#include <sys/stat.h>

/* Parses a size ("64M", "1G", "4096", "2MiB") into *out, rounded up to
 * the page size. Returns 0, or -1 if it is not a size in [min, max]. */
int sim_parse_size(const char *s, size_t min, size_t max, size_t *out);

/* Parses a decimal count in [1, max] into *out. Returns 0 or -1. */
int sim_parse_count(const char *s, unsigned int max, unsigned int *out);

/* "-smp N" (QEMU's spelling) is one dash and a word, which getopt would
 * take for -s -m p: if argv[*optind] is "-smp" or "-smp=N", sets *val to
 * the count's text (NULL if it is missing), moves *optind past it and
 * returns 1; returns 0 otherwise. */
int sim_take_smp(int argc, char *argv[], int *optind, const char **val);

/* Appends arg to the kernel command line buf (*len bytes long, may be
 * NULL), escaping what the kernel's argument splitter would interpret
 * (whitespace, quotes, backslash; "" for an empty argument). Returns the
 * reallocated buffer; exits with a message if memory runs out. */
char *sim_cmdline_append(char *buf, size_t *len, const char *arg);

/* What host fd is (st: its fstat): UKPLAT_STREAM_TTY, _PIPE (a FIFO or
 * a socket), _FILE (a regular file) or _DEV (anything else). */
int sim_stream_kind(int fd, const struct stat *st);

#endif /* AMPHI_HAL_SIM_CMDLINE_H */
