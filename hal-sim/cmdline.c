/* SPDX-License-Identifier: BSD-3-Clause */
/* Command-line pieces shared by sim and the KVM monitor (cmdline.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uk/arch/types.h>
#include <uk/plat/console.h>
#include "cmdline.h"

int sim_parse_size(const char *s, size_t min, size_t max, size_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	case '\0': break;
	default: return -1;
	}
	if ((*end == 'i' || *end == 'B') && end[1] == '\0')
		end++;
	if (*end != '\0' || v < min || v > max)
		return -1;
	*out = (size_t)PAGE_ALIGN_UP(v);
	return 0;
}

int sim_parse_count(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end != '\0' || *s == '-' || v < 1 ||
	    v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int sim_take_smp(int argc, char *argv[], int *optind, const char **val)
{
	const char *a;

	if (*optind >= argc)
		return 0;
	a = argv[*optind];
	if (!strcmp(a, "-smp")) {
		*val = *optind + 1 < argc ? argv[*optind + 1] : NULL;
		*optind += *val ? 2 : 1;
		return 1;
	}
	if (!strncmp(a, "-smp=", 5)) {
		*val = a + 5;
		(*optind)++;
		return 1;
	}
	return 0;
}

char *sim_cmdline_append(char *buf, size_t *len, const char *arg)
{
	size_t need = *len + 2 * strlen(arg) + 4;
	char *p;

	buf = realloc(buf, need);
	if (!buf) {
		perror("amphi");
		exit(2);
	}
	p = buf + *len;
	if (*len)
		*p++ = ' ';
	if (!*arg) {
		*p++ = '"';
		*p++ = '"';
	}
	for (; *arg; arg++) {
		if (strchr(" \t\n\"'\\", *arg))
			*p++ = '\\';
		*p++ = *arg;
	}
	*p = '\0';
	*len = (size_t)(p - buf);
	return buf;
}

int sim_stream_kind(int fd, const struct stat *st)
{
	if (isatty(fd))
		return UKPLAT_STREAM_TTY;
	if (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode))
		return UKPLAT_STREAM_PIPE;
	if (S_ISREG(st->st_mode))
		return UKPLAT_STREAM_FILE;
	return UKPLAT_STREAM_DEV;
}
