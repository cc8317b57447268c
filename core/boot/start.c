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
#include <uk/thread.h>
#include <uk/plat/bootinfo.h>

#define ENV_MAX		128

static const char *env[ENV_MAX + 1];
static int env_count;

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

/* Bytes of the strings of v (n of them), with their NULs. */
static __sz strings_size(char *const *v, int n)
{
	__sz size = 0;
	int i;

	for (i = 0; i < n; i++)
		size += strlen(v[i]) + 1;
	return size;
}

/* Copies the strings of src (n) to *str, their addresses to dst. */
static void strings_copy(char **dst, char *const *src, int n, char **str)
{
	__sz len;
	int i;

	for (i = 0; i < n; i++) {
		len = strlen(src[i]) + 1;
		memcpy(*str, src[i], len);
		dst[i] = *str;
		*str += len;
	}
}

/* The boot thread's first TLS block, before the app's start: kernel
 * memory, for the kernel's own threads' errno until then. */
void *uk_boot_tls_alloc(__sz size)
{
	return uk_calloc(uk_alloc_get_default(), 1, size);
}

void uk_boot_tls_free(void *block)
{
	uk_free(uk_alloc_get_default(), block);
}

/* What the program's start puts on main()'s stack, as Linux's execve
 * does, must fit in a quarter of it (Linux's E2BIG limit). */
static void start_block_check(__sz size)
{
	struct uk_thread *self = uk_thread_current();

	if (self && self->stack_size && size > self->stack_size / 4)
		UK_CRASH("arguments and environment of %lu bytes: more than a "
			 "quarter of main()'s stack\n", (unsigned long)size);
}

void __noreturn uk_boot_start_app(int argc, char **argv)
{
	struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	unsigned long aux[2 * AUX_MAX];
	unsigned char *random_bytes;
	char **vec, *str, *platform;
	__sz size, tls_size;
	int n, a = 0;
	void *tls;

	env_defaults_add();
	/*
	 * The boot thread's TLS block, then argv, NULL, envp, NULL, auxv,
	 * the strings and AT_RANDOM's bytes go on main()'s stack, in this
	 * frame that never returns, as Linux's execve puts them on a new
	 * program's stack: app memory (errno and the app's __thread
	 * variables are buffers system calls accept; a program may write
	 * to its strings, C11 5.1.2.2.1, as Redis's setproctitle edits its
	 * environment in place) that the stack's VMA holds, not a heap.
	 * An app that writes over its heap's bookkeeping (a bad buffer
	 * address of a system call, say) thus leaves nothing the kernel
	 * frees at exit, nor a heap header it would trust.
	 */
	tls_size = uk_libc_tls_size();
	n = argc + 1 + env_count + 1 + 2 * AUX_MAX;
	size = n * sizeof(char *) + strings_size(argv, argc) +
	       strings_size((char *const *)env, env_count) +
	       sizeof(AUX_PLATFORM) + 16;
	start_block_check(tls_size + size);
	tls = __builtin_alloca(tls_size);
	memset(tls, 0, tls_size);
	uk_libc_tls_rehome(tls);
	vec = __builtin_alloca(size);
	str = (char *)(vec + n);
	random_bytes = (unsigned char *)str;
	uk_random_fill(random_bytes, 16);
	str += 16;
	platform = str;
	memcpy(platform, AUX_PLATFORM, sizeof(AUX_PLATFORM));
	str += sizeof(AUX_PLATFORM);
	strings_copy(vec, argv, argc, &str);
	vec[argc] = NULL;
	strings_copy(vec + argc + 1, (char *const *)env, env_count, &str);
	vec[argc + 1 + env_count] = NULL;
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
	AUX(AT_PLATFORM, platform);
	if (argc > 0)
		AUX(AT_EXECFN, vec[0]);
	AUX(AT_NULL, 0);
#undef AUX
	memcpy(&vec[argc + 1 + env_count + 1], aux, a * sizeof(aux[0]));
	__libc_start_main(call_main, argc, vec, NULL, NULL, NULL);
	UK_CRASH("__libc_start_main returned\n");
}
