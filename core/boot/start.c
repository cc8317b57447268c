/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The app's start: what a Linux loader leaves on a new program's stack
 * (argv, the environment, the auxiliary vector), then musl's
 * __libc_start_main, which runs the app's constructors and main() and
 * exits with its result (exit_group: core/process).
 *
 * The environment comes from the kernel arguments env=NAME=VALUE (in sim
 * `-e NAME=VALUE`, which the launchers also use for the host's TERM),
 * with HOME=/ and PATH=/bin unless given.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/assert.h>
#include <uk/boot.h>
#include <uk/print.h>
#include <uk/random.h>
#include <uk/plat/bootinfo.h>

#define ENV_MAX		128

static const char *env[ENV_MAX + 1];
static int env_count;
static char **app_vec;		/* argv, envp and auxv of the app */

/* Defaults a program expects to find. */
static const char *const env_defaults[] = { "HOME=/", "PATH=/bin" };

int uk_boot_env_add(const char *name_value)
{
	const char *eq = strchr(name_value, '=');
	size_t keylen;
	int i;

	if (!eq || eq == name_value)
		return -EINVAL;
	keylen = (size_t)(eq - name_value) + 1;
	for (i = 0; i < env_count; i++) {
		if (!strncmp(env[i], name_value, keylen)) {
			env[i] = name_value;	/* the last one wins */
			return 0;
		}
	}
	if (env_count >= ENV_MAX)
		return -E2BIG;
	env[env_count++] = name_value;
	return 0;
}

static void env_defaults_add(void)
{
	unsigned int i;
	size_t keylen;
	int j, found;

	for (i = 0; i < ARRAY_SIZE(env_defaults); i++) {
		keylen = strchr(env_defaults[i], '=') - env_defaults[i] + 1;
		for (j = 0, found = 0; j < env_count && !found; j++)
			found = !strncmp(env[j], env_defaults[i], keylen);
		if (!found)
			uk_boot_env_add(env_defaults[i]);
	}
}

#if defined(__x86_64__)
#define AUX_PLATFORM	"x86_64"
#elif defined(__aarch64__)
#define AUX_PLATFORM	"aarch64"
#endif

#define AUX_MAX		20

int __libc_start_main(int (*main)(int, char **, char **), int argc,
		      char **argv, void (*init)(void), void (*fini)(void),
		      void (*ldso)(void));

/* main() as musl calls it: with the environment, which ours ignores. */
static int call_main(int argc, char **argv, char **envp)
{
	return main(argc, argv);
}

/* Copies s to *dst and moves *dst past it; returns the copy. */
static char *str_copy(char **dst, const char *s)
{
	size_t len = strlen(s) + 1;
	char *copy = *dst;

	memcpy(copy, s, len);
	*dst += len;
	return copy;
}

void __noreturn uk_boot_start_app(int argc, char **argv)
{
	struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	static unsigned char random_bytes[16];
	unsigned long aux[2 * AUX_MAX];
	char **vec, *str;
	size_t words, strs = 0;
	int i, n = 0, a = 0;

	env_defaults_add();
	uk_random_fill(random_bytes, sizeof(random_bytes));
#define AUX(k, v)	do { aux[a++] = (k); aux[a++] = (unsigned long)(v); } \
			while (0)
	if (bi && bi->phdr) {
		AUX(AT_PHDR, bi->phdr);
		AUX(AT_PHENT, bi->phent);
		AUX(AT_PHNUM, bi->phnum);
	}
	AUX(AT_PAGESZ, 4096);
	AUX(AT_CLKTCK, 100);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random_bytes);
	AUX(AT_PLATFORM, AUX_PLATFORM);
	if (argc > 0)
		AUX(AT_EXECFN, argv[0]);
	AUX(AT_NULL, 0);
#undef AUX
	/* argv, NULL, envp, NULL, auxv and the strings: one block, as on a
	 * process stack; it lives as long as the program. The strings are
	 * copies: a program may write to them (C11 5.1.2.2.1; Redis's
	 * setproctitle edits its environment in place). */
	words = argc + 1 + env_count + 1 + a;
	for (i = 0; i < argc; i++)
		strs += strlen(argv[i]) + 1;
	for (i = 0; i < env_count; i++)
		strs += strlen(env[i]) + 1;
	vec = app_vec = uk_calloc(uk_alloc_get_default(), 1,
				  words * sizeof(char *) + strs);
	if (!vec)
		UK_CRASH("out of memory for the program's arguments\n");
	str = (char *)&vec[words];
	for (i = 0; i < argc; i++)
		vec[n++] = str_copy(&str, argv[i]);
	vec[n++] = NULL;
	for (i = 0; i < env_count; i++)
		vec[n++] = str_copy(&str, env[i]);
	vec[n++] = NULL;
	memcpy(&vec[n], aux, a * sizeof(aux[0]));
	__libc_start_main(call_main, argc, vec, NULL, NULL, NULL);
	UK_CRASH("__libc_start_main returned\n");
}

void uk_boot_app_release(void)
{
	uk_free(uk_alloc_get_default(), app_vec);
	app_vec = NULL;
}
