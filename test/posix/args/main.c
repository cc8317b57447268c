/*
 * A program's arguments and environment strings are its own to write
 * (C11 5.1.2.2.1, POSIX exec): programs rewrite them in place (Redis's
 * setproctitle cuts "NAME=VALUE" at the '=' and mends it again).
 */
#include <stdlib.h>
#include <string.h>
#include "../posix-check.h"

extern char **environ;

/* Reverses s in place. */
static void reverse(char *s)
{
	size_t i, n = strlen(s);
	char c;

	for (i = 0; i < n / 2; i++) {
		c = s[i];
		s[i] = s[n - 1 - i];
		s[n - 1 - i] = c;
	}
}

static void check_argv(int argc, char **argv)
{
	char saved[256];

	CHECK(argc >= 1 && argv[argc] == NULL);
	CHECK(strlen(argv[0]) < sizeof(saved));
	strcpy(saved, argv[0]);
	reverse(argv[0]);
	reverse(argv[0]);
	CHECK(!strcmp(saved, argv[0]));
	argv[0][0] = 'X';
	CHECK(argv[0][0] == 'X');
	argv[0][0] = saved[0];
}

static void check_environ(void)
{
	char *eq, *home;
	int i, n = 0;

	CHECK(setenv("ARGS_CHECK", "value", 1) == 0);
	CHECK(environ != NULL);
	for (i = 0; environ[i]; i++) {
		eq = strchr(environ[i], '=');
		if (!eq)
			continue;
		*eq = '\0';		/* as setproctitle does */
		n += strlen(environ[i]) > 0;
		*eq = '=';
	}
	CHECK(n >= 1);
	home = getenv("HOME");
	CHECK(home != NULL);
	if (home && *home) {
		home[0] ^= 1;
		home[0] ^= 1;
	}
	CHECK(!strcmp(getenv("ARGS_CHECK"), "value"));
}

int main(int argc, char **argv)
{
	check_argv(argc, argv);
	check_environ();
	return posix_check_summary();
}
