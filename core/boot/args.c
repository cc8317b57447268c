/* SPDX-License-Identifier: BSD-3-Clause */
/* Command-line splitting with shell-like quoting. */
#include <errno.h>
#include <uk/boot.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Copies one argument starting at *src into *dst, unquoting. */
static void copy_arg(const char **src, char **dst)
{
	const char *s = *src;
	char *d = *dst;
	char quote = 0;

	for (; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			else if (*s == '\\' && quote == '"' && s[1])
				*d++ = *++s;
			else
				*d++ = *s;
			continue;
		}
		if (is_space(*s))
			break;
		if (*s == '"' || *s == '\'')
			quote = *s;
		else if (*s == '\\' && s[1])
			*d++ = *++s;
		else
			*d++ = *s;
	}
	*d++ = '\0';
	*src = s;
	*dst = d;
}

int uk_boot_split_args(const char *cmdline, char *buf, char *argv[],
		       int max)
{
	int argc = 0;

	while (*cmdline) {
		if (is_space(*cmdline)) {
			cmdline++;
			continue;
		}
		if (argc >= max)
			return -E2BIG;
		argv[argc++] = buf;
		copy_arg(&cmdline, &buf);
	}
	if (argc < max)
		argv[argc] = NULL;
	return argc;
}
