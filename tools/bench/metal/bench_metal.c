/*
 * Metal boot benchmark: wall time from starting QEMU to the app's main()
 * and to QEMU's exit, per machine and accelerator; the hello image's
 * sizes; and the least memory (-m, in MiB) hello boots in. The sim image
 * and a static host program are timed alongside for comparison.
 *
 *   bench-metal PYTHON QEMU_RUN HELLO BOOTBENCH HOST_STATIC [SIM_BOOTBENCH]
 *
 * QEMU's command comes from qemu-run.py --argv, so the benchmark boots
 * exactly what `./amphi run` boots, minus the Python wrapper. main() is
 * timestamped on the host when the app's marker line ("main-ns ...",
 * tools/bench/boot/app) comes out of the serial port: no guest clock is
 * involved. The sim image and the host program print their main() time
 * on the host's clock, which is used instead (glibc holds the host
 * program's line until exit). AMPHI_SIM_BOOTBENCH overrides the sim
 * image; BENCH_RUNS the number of runs (10). Only a boot that fails is
 * an error, never a time.
 *
 * arm64 images (qemu-run.py then runs qemu-system-aarch64) are timed on
 * -M virt under TCG, the only machine and accelerator they have here;
 * semihosting makes QEMU exit 0 for status 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/driver.h"
#include "../common/workload.h"

#define MAX_ARGS	64
#define BOOT_TIMEOUT_MS	60000	/* a timed boot; TCG takes ~0.1 s */
/* One bisection step: with too little RAM the boot hangs. */
#define PROBE_TIMEOUT_MS 10000
#define MEM_MAX_MIB	64	/* qemu-run.py's default -m */
#define MARKER		"main-ns "
#define HELLO_MARKER	"Hello from Amphi!"

extern char **environ;

static const char *python, *qemu_run;
/* The images are arm64 ones (the QEMU command is qemu-system-aarch64). */
static int arm64;
#define ARM64_MACHINE	"virt,gic-version=3"

/* The QEMU exit status of a clean exit 0: isa-debug-exit makes QEMU exit
 * (value << 1) | 1 on x86_64, value being the status + 1 (3 is status
 * 0); semihosting passes 0 through on arm64. */
static int ok_status(void)
{
	return arm64 ? 0 : 3;
}

/* A QEMU command line from qemu-run.py --argv, and what it said. */
struct qemu_cmd {
	char *argv[MAX_ARGS + 1];
	char text[4096];
	char note[512];		/* its "amphi: ..." lines, if any */
};

/* How one program is run and where its main() time comes from. */
struct target {
	char *const *argv;
	const char *marker;
	int host_clock;		/* the marker line carries a host time */
	int ok_status;		/* its exit status when the app's is 0 */
};

struct sample {
	double main_ms;
	double exit_ms;
};

/* Fills c with qemu-run.py's QEMU command for image; accel is "kvm",
 * "tcg" or NULL (qemu-run.py decides). Returns 0 or -1. */
static int qemu_cmd_get(struct qemu_cmd *c, const char *machine,
			const char *accel, int mem_mib, const char *image)
{
	char cmd[2048], line[512], mem[32] = "";
	size_t used = 0, len;
	int n = 0;
	FILE *f;

	if (mem_mib > 0)
		snprintf(mem, sizeof(mem), "-m %dM", mem_mib);
	snprintf(cmd, sizeof(cmd),
		 "'%s' '%s' --argv %s%s -M %s %s -q '%s' 2>&1", python,
		 qemu_run, accel ? "--" : "", accel ? accel : "", machine,
		 mem, image);
	c->note[0] = '\0';
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "amphi: ", 7)) {
			snprintf(c->note, sizeof(c->note), "%s", line + 7);
			continue;
		}
		len = strlen(line) + 1;
		if (n == MAX_ARGS || used + len > sizeof(c->text))
			break;
		c->argv[n++] = memcpy(c->text + used, line, len);
		used += len;
	}
	c->argv[n] = NULL;
	if (pclose(f) != 0 || n == 0) {
		fprintf(stderr, "bench-metal: '%s' failed: %s\n", cmd,
			c->note);
		return -1;
	}
	return 0;
}

/* Whether argv has option opt, with value val unless that is NULL. */
static int has_opt(char *const argv[], const char *opt, const char *val)
{
	int i;

	for (i = 0; argv[i] && argv[i + 1]; i++)
		if (!strcmp(argv[i], opt) &&
		    (!val || !strcmp(argv[i + 1], val)))
			return 1;
	return 0;
}

/* Why qemu-run.py chose TCG, from its "KVM not usable (WHY): using
 * TCG" note. */
static const char *kvm_reason(struct qemu_cmd *c)
{
	const char *head = "KVM not usable (", *tail = "): using TCG";
	size_t len = strlen(c->note), tl = strlen(tail);

	if (strncmp(c->note, head, strlen(head)) || len < strlen(head) + tl ||
	    strcmp(c->note + len - tl, tail))
		return c->note[0] ? c->note : "qemu-run.py chose TCG";
	c->note[len - tl] = '\0';
	return c->note + strlen(head);
}

static double ms_since(unsigned long long t0, unsigned long long t)
{
	return (double)(t - t0) / 1e6;
}

/* Waits for pid after killing it: the run took too long. */
static void kill_and_reap(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* Reads the child's output on fd until EOF, timestamping the marker;
 * returns 0, or -1 on a timeout. */
static int read_output(int fd, const struct target *t, int timeout_ms,
		       unsigned long long t0, unsigned long long *t_main,
		       char *buf, size_t size)
{
	unsigned long long now, deadline = t0 + timeout_ms * 1000000ULL;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;
	int rc;

	for (;;) {
		now = bench_now_ns();
		if (now >= deadline)
			return -1;
		rc = poll(&p, 1, (int)((deadline - now) / 1000000) + 1);
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc <= 0)
			continue;
		n = read(fd, buf + len, size - 1 - len);
		now = bench_now_ns();
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		len += n;
		buf[len] = '\0';
		if (!*t_main && strstr(buf, t->marker))
			*t_main = now;
		if (len > size / 2) {	/* keep the tail for messages */
			memmove(buf, buf + len - size / 4, size / 4);
			len = size / 4;
		}
	}
}

/* Runs t once, within timeout_ms; fills s. Returns 0, or -1 (said on
 * stderr unless quiet) if it failed, timed out or printed no marker. */
static int run_once(const struct target *t, int timeout_ms, int quiet,
		    struct sample *s)
{
	unsigned long long t0, t_main = 0, t_exit, guest_main;
	posix_spawn_file_actions_t fa;
	char buf[8192] = "";
	int pipefd[2], status, rc;
	const char *m;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
	t0 = bench_now_ns();
	rc = posix_spawnp(&pid, t->argv[0], &fa, NULL, t->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		fprintf(stderr, "bench-metal: cannot run %s: %s\n",
			t->argv[0], strerror(rc));
		return -1;
	}
	rc = read_output(pipefd[0], t, timeout_ms, t0, &t_main, buf,
			 sizeof(buf));
	close(pipefd[0]);
	if (rc < 0) {
		kill_and_reap(pid);
		if (!quiet)
			fprintf(stderr, "bench-metal: %s timed out: %s\n",
				t->argv[0], buf);
		return -1;
	}
	waitpid(pid, &status, 0);
	t_exit = bench_now_ns();
	m = strstr(buf, t->marker);
	if (t->host_clock && m &&
	    sscanf(m + strlen(t->marker), "%llu", &guest_main) == 1)
		t_main = guest_main;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != t->ok_status ||
	    !m || t_main < t0) {
		if (!quiet)
			fprintf(stderr, "bench-metal: %s failed (status %#x): "
				"%s\n", t->argv[0], status, buf);
		return -1;
	}
	s->main_ms = ms_since(t0, t_main);
	s->exit_ms = ms_since(t0, t_exit);
	return 0;
}

/* Medians over runs runs of t, after one unrecorded warm-up run. */
static int measure(const struct target *t, int runs, struct sample *med)
{
	double *m = calloc(runs, sizeof(double));
	double *e = calloc(runs, sizeof(double));
	struct sample s;
	int i, rc = -1;

	if (!m || !e || run_once(t, BOOT_TIMEOUT_MS, 0, &s) < 0)
		goto out;
	for (i = 0; i < runs; i++) {
		if (run_once(t, BOOT_TIMEOUT_MS, 0, &s) < 0)
			goto out;
		m[i] = s.main_ms;
		e[i] = s.exit_ms;
	}
	med->main_ms = bench_median(m, runs);
	med->exit_ms = bench_median(e, runs);
	rc = 0;
out:
	free(m);
	free(e);
	return rc;
}

static void print_row(const char *what, const struct sample *s,
		      const struct sample *sim)
{
	printf("  %-28s %9.2f ms %9.2f ms", what, s->main_ms, s->exit_ms);
	if (sim && sim->main_ms > 0)
		printf(" %9.1fx", s->main_ms / sim->main_ms);
	printf("\n");
}

/* Times the bootbench image on machine with accel; prints its row. */
static int bench_qemu(const char *what, const char *machine,
		      const char *accel, const char *image, int runs,
		      const struct sample *sim)
{
	struct target t = { .marker = MARKER, .ok_status = ok_status() };
	struct qemu_cmd c;
	struct sample s;

	if (qemu_cmd_get(&c, machine, accel, 0, image) < 0)
		return -1;
	t.argv = c.argv;
	if (measure(&t, runs, &s) < 0)
		return -1;
	print_row(what, &s, sim);
	if (!arm64 && strcmp(machine, "microvm") &&
	    !has_opt(c.argv, "-bios", NULL))
		printf("    (no qboot.rom here: that was SeaBIOS)\n");
	return 0;
}

/* Whether hello boots and exits 0 on machine (TCG) with mib MiB. */
static int boots_in(const char *machine, const char *hello, int mib)
{
	struct target t = { .marker = HELLO_MARKER,
			    .ok_status = ok_status() };
	struct qemu_cmd c;
	struct sample s;

	if (qemu_cmd_get(&c, machine, "tcg", mib, hello) < 0)
		return -1;
	t.argv = c.argv;
	return run_once(&t, PROBE_TIMEOUT_MS, 1, &s) == 0;
}

/* Bisects the least -m (MiB) hello boots in on machine; prints it. */
static int bench_min_mem(const char *what, const char *machine,
			 const char *hello)
{
	int lo = 0, hi = MEM_MAX_MIB, mid, ok;

	ok = boots_in(machine, hello, hi);
	if (ok <= 0) {
		fprintf(stderr, "bench-metal: hello does not boot in %d MiB\n",
			hi);
		return -1;
	}
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		ok = boots_in(machine, hello, mid);
		if (ok < 0)
			return -1;
		if (ok)
			hi = mid;
		else
			lo = mid;
	}
	printf("  %-28s %6d MiB", what, hi);
	if (lo > 0)
		printf("   (%d MiB does not boot)", lo);
	printf("\n");
	return 0;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The hello image's file sizes and its text/data/bss (binutils size). */
static void bench_sizes(const char *hello)
{
	struct bench_result r = { 0 };

	const char *tools = arm64 ? "aarch64-linux-gnu-" : "";
	char raw[4096];

	printf("  %-28s %9ld B\n", "file, with debug info", file_size(hello));
	snprintf(raw, sizeof(raw), "%s.img", hello);
	if (arm64)
		printf("  %-28s %9ld B\n", "raw Image (what QEMU boots)",
		       file_size(raw));
	if (bench_run(&r, "t=$(mktemp) && %sstrip -o \"$t\" '%s' && "
		      "echo stripped $(stat -c %%s \"$t\"); rm -f \"$t\"; "
		      "%ssize '%s' | awk 'NR == 2 { print \"text\", $1; "
		      "print \"data\", $2; print \"bss\", $3 }'",
		      tools, hello, tools, hello) < 0)
		return;
	printf("  %-28s %9.0f B\n", "file, stripped",
	       bench_get(&r, "stripped"));
	printf("  %-28s %9.0f B\n", "text (code + read-only)",
	       bench_get(&r, "text"));
	printf("  %-28s %9.0f B\n", "data", bench_get(&r, "data"));
	printf("  %-28s %9.0f B\n", "bss", bench_get(&r, "bss"));
}

/* The sim image's row, the reference the others are compared with. */
static int bench_sim(const char *image, int runs, struct sample *sim)
{
	char *argv[] = { (char *)image, "-q", NULL };
	struct target t = { argv, MARKER, 1, 0 };

	if (!image || access(image, X_OK) != 0) {
		printf("  sim: no sim bootbench image%s%s (build one with "
		       "./amphi build, or set AMPHI_SIM_BOOTBENCH)\n",
		       image ? " at " : "", image ? image : "");
		return 0;
	}
	if (measure(&t, runs, sim) < 0)
		return -1;
	print_row("sim (tools/bench/boot app)", sim, NULL);
	return 0;
}

/* The arm64 rows: virt under TCG, the host program, sizes, least -m. */
static int bench_arm64(const char *hello, const char *bootbench,
		       struct target host_t, int runs, const char *sim_image)
{
	struct sample sim = { 0 }, s;
	char title[64];

	snprintf(title, sizeof(title), "metal boot, median of %d runs", runs);
	printf("%-30s %12s %12s %10s\n", title, "start->main", "start->exit",
	       "main/sim");
	if (bench_sim(sim_image, runs, &sim) < 0 ||
	    bench_qemu("arm64 virt + TCG", ARM64_MACHINE, "tcg", bootbench,
		       runs, &sim) < 0 ||
	    measure(&host_t, runs, &s) < 0)
		return 1;
	print_row("host static hello", &s, &sim);
	printf("hello image, arm64\n");
	bench_sizes(hello);
	printf("least -m hello boots in (TCG)\n");
	return bench_min_mem("arm64 virt", ARM64_MACHINE, hello) < 0;
}

int main(int argc, char *argv[])
{
	const char *hello, *bootbench, *sim_image;
	char *host[] = { NULL, NULL };
	struct target host_t = { host, MARKER, 1, 0 };
	struct sample sim = { 0 }, s;
	const char *env = getenv("BENCH_RUNS");
	int runs = env ? atoi(env) : 10, kvm;
	struct qemu_cmd probe;
	char title[64];

	if (argc < 6 || argc > 7 || runs < 1) {
		fprintf(stderr, "usage: %s PYTHON QEMU_RUN HELLO BOOTBENCH "
			"HOST_STATIC [SIM_BOOTBENCH]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);	/* rows show as they come */
	python = argv[1];
	qemu_run = argv[2];
	hello = argv[3];
	bootbench = argv[4];
	host[0] = argv[5];
	sim_image = getenv("AMPHI_SIM_BOOTBENCH");
	if (!sim_image && argc == 7)
		sim_image = argv[6];

	/* qemu-run.py's own choice tells whether its KVM probe passed. */
	if (qemu_cmd_get(&probe, "microvm", NULL, 0, bootbench) < 0)
		return 1;
	arm64 = strstr(probe.argv[0], "aarch64") != NULL;
	kvm = has_opt(probe.argv, "-accel", "kvm");
	if (arm64)
		return bench_arm64(hello, bootbench, host_t, runs, sim_image);

	snprintf(title, sizeof(title), "metal boot, median of %d runs", runs);
	printf("%-30s %12s %12s %10s\n", title, "start->main", "start->exit",
	       "main/sim");
	if (bench_sim(sim_image, runs, &sim) < 0 ||
	    bench_qemu("microvm + TCG", "microvm", "tcg", bootbench, runs,
		       &sim) < 0 ||
	    bench_qemu("q35 + qboot + TCG", "q35", "tcg", bootbench, runs,
		       &sim) < 0)
		return 1;
	if (kvm) {
		if (bench_qemu("microvm + KVM", "microvm", "kvm", bootbench,
			       runs, &sim) < 0 ||
		    bench_qemu("q35 + qboot + KVM", "q35", "kvm", bootbench,
			       runs, &sim) < 0)
			return 1;
	} else {
		printf("  KVM: not usable here (%s)\n", kvm_reason(&probe));
	}
	if (measure(&host_t, runs, &s) < 0)
		return 1;
	print_row("host static hello", &s, &sim);

	printf("hello image, x86_64\n");
	bench_sizes(hello);
	printf("least -m hello boots in (TCG)\n");
	if (bench_min_mem("microvm", "microvm", hello) < 0 ||
	    bench_min_mem("q35 + qboot", "q35", hello) < 0)
		return 1;
	return 0;
}
