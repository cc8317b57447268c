/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Coverage-guided fuzzing in sim (-Dfuzz=true): libFuzzer drives an app
 * running in the booted kernel.
 *
 * The kernel is built with GCC's -fsanitize-coverage=trace-pc, as Linux
 * builds KCOV: every basic block calls __sanitizer_cov_trace_pc(), which
 * counts the edge (previous block, this block) in an AFL-style map of
 * 8-bit counters that libFuzzer reads as an "inline 8-bit counters"
 * module. It is fs-free: plain stores, no TLS; only ukplat_/ukarch_
 * functions get trampolines (tools/guest-link.py).
 *
 * libFuzzer does not own main: the kernel boots as always, and the app
 * (test/fuzz/syscalls -F) calls ukplat_fuzz_driver() from its main thread
 * (through a trampoline, with glibc's %fs). libFuzzer's loop then runs on
 * that kernel thread and calls back into the app, with the guest's %fs,
 * for each input. So the kernel boots once; an input costs a callback.
 * libFuzzer's own signal handlers stay off (-handle_*=0): the sim's
 * SIGSEGV handler is the kernel's page-fault path. Instead a kernel
 * crash or the app's end (ukplat_terminate) and a hang (the watchdog
 * thread) save the input here, with the command that replays it.
 *
 * Why not AFL++'s fork server or libFuzzer's -fork mode: forking the
 * booted kernel keeps only the forking thread (the sim's other CPUs,
 * timers and device threads are gone), and a fork per input costs more
 * than the input; in one process the kernel's state carries over, which
 * the harness bounds by putting back what an input changed.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uk/plat/bootstrap.h>
#include "cpu.h"
#include "sim.h"

#define MAP_SIZE	(1U << 16)

static uint8_t counters[MAP_SIZE];
static uintptr_t prev_loc;
static volatile int tracing;

void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
int LLVMFuzzerRunDriver(int *argc, char ***argv,
			int (*cb)(const uint8_t *data, size_t size));

__attribute__((constructor)) static void fuzz_counters_init(void)
{
	__sanitizer_cov_8bit_counters_init(counters, counters + MAP_SIZE);
}

/* fs-free: called from every basic block of the kernel, in any context. */
__attribute__((no_sanitize_coverage))
void __sanitizer_cov_trace_pc(void)
{
	uintptr_t pc = (uintptr_t)__builtin_return_address(0), loc;
	uint8_t *c;

	if (!tracing)
		return;
	loc = (pc ^ (pc >> 13)) * 0x9e3779b1U;
	loc = (loc >> 16) & (MAP_SIZE - 1);
	c = &counters[loc ^ prev_loc];
	if (*c != 0xff)
		(*c)++;
	prev_loc = loc >> 1;
}

static int (*guest_cb)(const uint8_t *data, size_t size);
static const uint8_t *cur_data;
static size_t cur_size;
static volatile time_t cur_start;
static char prefix[512] = "./";
/* An input running longer than this is a hang. */
#define HANG_SECS	20

/* Writes the input as PREFIX<kind>-<hash> and its replay command next to
 * it (.cmd), and prints both. */
static void save_input(const char *kind)
{
	char path[600], hex[3];
	uint64_t h = 1469598103934665603ULL;
	FILE *f;
	size_t i;

	for (i = 0; i < cur_size; i++)
		h = (h ^ cur_data[i]) * 1099511628211ULL;
	snprintf(path, sizeof(path), "%s%s-%016llx", prefix, kind,
		 (unsigned long long)h);
	f = fopen(path, "wb");
	if (f) {
		fwrite(cur_data, 1, cur_size, f);
		fclose(f);
	}
	fprintf(stderr, "\namphi-fuzz: %s; input saved as %s\n"
		"amphi-fuzz: replay it (-v prints each call):\n"
		"  ./amphi run test/fuzz/syscalls -- -v -x ", kind, path);
	strcat(path, ".cmd");
	f = fopen(path, "w");
	if (f)
		fputs("./amphi run test/fuzz/syscalls -- -v -x ", f);
	for (i = 0; i < cur_size; i++) {
		snprintf(hex, sizeof(hex), "%02x", cur_data[i]);
		fputs(hex, stderr);
		if (f)
			fputs(hex, f);
	}
	fputs("\n", stderr);
	if (f) {
		fputs("\n", f);
		fclose(f);
	}
	fprintf(stderr, "amphi-fuzz: (that command is in %s)\n", path);
}

/* Called by ukplat_terminate, with glibc's %fs: during an input, a
 * kernel crash, or the app's end (a signal's default action: a bug of
 * the harness or of the kernel's signals). */
void sim_fuzz_ended(enum ukplat_gstate request, int status)
{
	if (!cur_data)
		return;
	tracing = 0;
	if (request != UKPLAT_CRASH)
		fprintf(stderr, "\namphi-fuzz: the app ended (status %d) "
			"during an input\n", status);
	save_input(request == UKPLAT_CRASH ? "crash" : "exit");
}

static void *watchdog(void *arg)
{
	time_t t;

	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	sim_host_thread_attach();
	for (;;) {
		sleep(1);
		t = cur_start;
		if (t && time(NULL) - t > HANG_SECS) {
			tracing = 0;
			save_input("timeout");
			_exit(70);
		}
	}
	return NULL;
}

static int host_cb(const uint8_t *data, size_t size)
{
	unsigned long fs;
	int rc;

	cur_data = data;
	cur_size = size;
	cur_start = time(NULL);
	prev_loc = 0;
	fs = sim_guest_enter();
	tracing = 1;
	rc = guest_cb(data, size);
	tracing = 0;
	if (fs)
		sim_fs_write(fs);
	cur_start = 0;
	cur_data = NULL;
	return rc;
}

/* libFuzzer's signal handlers and its threads would meet the sim's: the
 * kernel's page faults are SIGSEGVs, its timers signals; a hang is the
 * watchdog's to find, a crash the kernel's to report. */
static char *defaults[] = {
	"-handle_segv=0", "-handle_bus=0", "-handle_abrt=0", "-handle_ill=0",
	"-handle_fpe=0", "-handle_int=0", "-handle_term=0", "-handle_xfsz=0",
	"-handle_usr1=0", "-handle_usr2=0", "-timeout=0", "-rss_limit_mb=0",
	"-malloc_limit_mb=0", "-max_len=512", "-len_control=20",
};
#define NDEFAULTS	(sizeof(defaults) / sizeof(defaults[0]))

/* Runs libFuzzer with argv (libFuzzer's flags and corpus folders);
 * cb runs one input in the guest. Returns libFuzzer's exit status. */
int ukplat_fuzz_driver(int argc, char **argv,
		    int (*cb)(const uint8_t *data, size_t size))
{
	pthread_t t;
	char **av;
	int i, ac;

	guest_cb = cb;
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "-artifact_prefix=", 17))
			snprintf(prefix, sizeof(prefix), "%s", argv[i] + 17);
	}
	if (pthread_create(&t, NULL, watchdog, NULL) == 0)
		pthread_detach(t);
	/* Ahead of the caller's flags (the last of a flag wins). */
	av = calloc((size_t)argc + NDEFAULTS + 1, sizeof(*av));
	if (!av)
		return 1;
	av[0] = argv[0];
	memcpy(av + 1, defaults, sizeof(defaults));
	memcpy(av + 1 + NDEFAULTS, argv + 1, (size_t)(argc - 1) * sizeof(*av));
	ac = argc + (int)NDEFAULTS;
	return LLVMFuzzerRunDriver(&ac, &av, host_cb);
}
