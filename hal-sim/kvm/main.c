/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * amphi-kvm: boots an Amphi x86_64 image (the PVH ELF QEMU boots) on
 * /dev/kvm. Options, the kernel command line, signals, then the VM.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uk/plat/console.h>
#include <uk/plat/console_frame.h>
#include "../cmdline.h"
#include "kvm.h"

#define MEM_DEFAULT	(64UL << 20)

int kvm_verbose;
static struct vm the_vm;
static int tracing;
static struct timespec t_start;
static unsigned long exit_counts[64];

static double since_start_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t_start.tv_sec) * 1e3 +
	       (t.tv_nsec - t_start.tv_nsec) / 1e6;
}

void kvm_trace(const char *what)
{
	if (tracing)
		fprintf(stderr, "amphi-kvm: trace %8.3f ms  %s\n",
			since_start_ms(), what);
}

void kvm_trace_exit(unsigned int reason)
{
	if (tracing)
		__atomic_fetch_add(&exit_counts[reason & 63], 1,
				   __ATOMIC_RELAXED);
}

void kvm_trace_report(void)
{
	unsigned int i;

	if (!tracing)
		return;
	kvm_trace("end");
	for (i = 0; i < 64; i++)
		if (exit_counts[i])
			fprintf(stderr, "amphi-kvm: trace exits of reason %u: "
				"%lu\n", i, exit_counts[i]);
}

void kvm_say(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "amphi-kvm: %s\n", msg);
}

void kvm_die(int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	console_flush();
	fprintf(stderr, "amphi-kvm: %s\n", msg);
	exit(status);
}

static void usage(FILE *out)
{
	fprintf(out,
"Usage: amphi-kvm [OPTIONS] IMAGE [--] [ARGS...]\n"
"\n"
"Boots IMAGE, an Amphi x86_64 kernel (the PVH ELF image QEMU boots with\n"
"-kernel), on /dev/kvm: no QEMU, no firmware. ARGS go to the app's\n"
"main(). The console is a 16550 UART to the guest; the monitor's own\n"
"messages go to stderr, prefixed 'amphi-kvm:'.\n"
"\n"
"The app's fds 0-2 are the monitor's, as under tools/qemu-run.py: the\n"
"kernel is told what each is (console.stdin/stdout/stderr=pipe, file or\n"
"dev when it is not a terminal, unless given with -k), and the serial\n"
"line is then framed: the app's stderr comes out on stderr, and a stdin\n"
"that is not a terminal is read when the app first reads, then its end\n"
"is passed on (bytes such as 0x03 are data, not signals).\n"
"\n"
"A terminal on stdin (unless --gdb uses it) is made raw while the guest\n"
"runs, as tools/qemu-run.py has QEMU do: ^C, ^\\ and ^Z are bytes for the\n"
"kernel's line discipline, which makes them the app's SIGINT, SIGQUIT and\n"
"SIGTSTP (the kernel is told console.keys=1 and console.stop=1; a stop\n"
"stops the monitor as a job, until fg), and it echoes typed input\n"
"(console.echo=0 if the terminal did not). Its settings come back however\n"
"the monitor ends, but for SIGKILL. The escape, Ctrl-A, as QEMU's:\n"
"  Ctrl-A x              end the run (a stuck guest): every vCPU is\n"
"                        stopped and shown; exit status 130\n"
"  Ctrl-A Ctrl-A         send one Ctrl-A to the guest\n"
"  Ctrl-A h              list these\n"
"\n"
"Options:\n"
"  -m, --memory SIZE     guest RAM, e.g. 64M or 1G (default 64M, from 4M\n"
"                        to 3G)\n"
"  -smp N, --smp N       vCPUs, one host thread each (default 1, at most\n"
"                        %d); the kernel starts them with INIT/SIPI\n"
"  -k, --kernel-arg ARG  a kernel argument (repeatable): loglevel=N,\n"
"                        quiet, sched.timeslice_us=N, ...\n"
"  -q, --quiet           same as -k quiet (no banner)\n"
"  --initrd FILE         a cpio archive the kernel unpacks into its root\n"
"                        file system (the first PVH module)\n"
"  --gdb PORT|DEVICE     wait for gdb before the first instruction, on\n"
"                        127.0.0.1:PORT or on a serial DEVICE (a path);\n"
"                        then 'target remote' from gdb. Software and\n"
"                        hardware breakpoints, watchpoints, single steps,\n"
"                        registers and memory; one gdb thread per vCPU\n"
"  -v, --verbose         report the VM's setup and accesses to ports no\n"
"                        device serves\n"
"  -h, --help            show this help and exit\n"
"\n"
"The guest sees: RAM from 0 (a PVH memory map), ACPI tables with one\n"
"local APIC per vCPU, an in-kernel local APIC (x2APIC), the TSC and APIC\n"
"timer frequencies in CPUID leaf 0x40000010, COM1, isa-debug-exit at\n"
"port 0xf4 and the CMOS clock. No PIC, I/O APIC, PIT or PCI.\n"
"\n"
"Exit status: the app's; 1 if the guest died without one (a triple\n"
"fault, an exit the monitor does not handle: the registers are printed);\n"
"2 for a bad option or a missing, unreadable or corrupt image; 3 if\n"
"/dev/kvm is missing or lacks a capability (named); 128 + N when signal\n"
"N (SIGINT, SIGTERM, SIGHUP) ended it; 130 on Ctrl-A x.\n",
		KVM_MAX_CPUS);
}

static void __attribute__((noreturn)) bad_usage(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "amphi-kvm: %s\nTry 'amphi-kvm --help'.\n", msg);
	exit(KVM_EXIT_USAGE);
}

static const char *const stream_args[3] = {
	CONSOLE_ARG_STDIN, CONSOLE_ARG_STDOUT, CONSOLE_ARG_STDERR
};
static const char *const kind_names[] = CONSOLE_KIND_NAMES;

static const char *const term_args[3] = {
	"console.stop=1", "console.keys=1", "console.echo=0"
};

/* Whether kargs name the parameter of arg ("NAME=VALUE"). */
static int given_arg(char **kargs, int nkargs, const char *arg)
{
	size_t len = strcspn(arg, "=") + 1;
	int i;

	for (i = 0; i < nkargs; i++)
		if (!strncmp(kargs[i], arg, len))
			return 1;
	return 0;
}

/* The kind kargs give stream fd (the last console.std...=KIND; an
 * unknown KIND is a pipe to the kernel), or -1 if they do not. */
static int given_kind(char **kargs, int nkargs, int fd)
{
	size_t len = strlen(stream_args[fd]);
	int i, k, kind = -1;

	for (i = 0; i < nkargs; i++) {
		if (strncmp(kargs[i], stream_args[fd], len) ||
		    kargs[i][len] != '=')
			continue;
		kind = UKPLAT_STREAM_PIPE;
		for (k = 0; k < (int)(sizeof(kind_names) /
				      sizeof(kind_names[0])); k++)
			if (!strcmp(kargs[i] + len + 1, kind_names[k]))
				kind = k;
	}
	return kind;
}

static int host_kind(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return UKPLAT_STREAM_DEV;	/* closed: as qemu-run.py */
	return sim_stream_kind(fd, &st);
}

/* Settles what fds 0-2 are to the kernel: what kargs say, else the
 * host's; appends console.std...=KIND for those that are not a terminal
 * and that kargs do not name. Returns how many it appended. */
static int stream_cmdline(struct kvm_opts *o, char **kargs, int nkargs,
			  size_t *len)
{
	char arg[64];
	int fd, kind, n = 0;

	for (fd = 0; fd < 3; fd++) {
		kind = given_kind(kargs, nkargs, fd);
		o->stream_kind[fd] = kind;
		if (kind >= 0)
			continue;
		o->stream_kind[fd] = kind = host_kind(fd);
		if (kind == UKPLAT_STREAM_TTY)
			continue;
		snprintf(arg, sizeof(arg), "%s=%s", stream_args[fd],
			 kind_names[kind]);
		o->cmdline = sim_cmdline_append(o->cmdline, len, arg);
		n++;
	}
	if (o->stream_kind[0] != UKPLAT_STREAM_TTY || !term_usable(o))
		return n;
	/* The terminal will be raw (term.c): its keys come over the line,
	 * the kernel echoes them unless the terminal did not, and we stop
	 * on the kernel's word (^Z), as under qemu-run.py. */
	for (fd = 0; fd < 3; fd++) {
		if (given_arg(kargs, nkargs, term_args[fd]) ||
		    (fd == 2 && term_echoes()))
			continue;
		o->cmdline = sim_cmdline_append(o->cmdline, len,
						term_args[fd]);
		n++;
	}
	return n;
}

static void set_ncpus(struct kvm_opts *o, const char *arg)
{
	if (!arg || sim_parse_count(arg, KVM_MAX_CPUS, &o->ncpus) < 0)
		bad_usage("invalid CPU count '%s' (-smp 1..%d)",
			  arg ? arg : "", KVM_MAX_CPUS);
}

static int take_smp(int argc, char *argv[], struct kvm_opts *o)
{
	const char *val;

	if (!sim_take_smp(argc, argv, &optind, &val))
		return 0;
	set_ncpus(o, val);
	return 1;
}

static void parse_options(int argc, char *argv[], struct kvm_opts *o)
{
	static const struct option longopts[] = {
		{ "memory", required_argument, NULL, 'm' },
		{ "kernel-arg", required_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "smp", required_argument, NULL, 'S' },
		{ "initrd", required_argument, NULL, 'I' },
		{ "gdb", required_argument, NULL, 'G' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char **kargs = calloc((size_t)argc + 1, sizeof(char *));
	char *name, *copy;
	int nkargs = 0, nstreams, c, i;
	size_t len = 0;

	if (!kargs)
		bad_usage("out of memory");
	o->mem_size = MEM_DEFAULT;
	o->ncpus = 1;
	for (;;) {
		if (take_smp(argc, argv, o))
			continue;
		c = getopt_long(argc, argv, "+m:k:qvh", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'S':
			set_ncpus(o, optarg);
			break;
		case 'm':
			if (sim_parse_size(optarg, KVM_MEM_MIN, KVM_MEM_MAX,
					   &o->mem_size) < 0)
				bad_usage("invalid memory size '%s' (e.g. "
					  "64M; 4M..3G)", optarg);
			break;
		case 'k':
			kargs[nkargs++] = optarg;
			break;
		case 'q':
			kargs[nkargs++] = "quiet";
			o->quiet = 1;
			break;
		case 'I':
			o->initrd = optarg;
			break;
		case 'G':
			o->gdb = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "Try 'amphi-kvm --help'.\n");
			exit(KVM_EXIT_USAGE);
		}
	}
	if (optind >= argc)
		bad_usage("no image given");
	o->image = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	/* The kernel's command line, as sim makes it: NAME [KARGS --]
	 * ARGS, the streams' first among KARGS (as qemu-run.py). */
	copy = strdup(o->image);
	name = basename(copy);
	o->cmdline = sim_cmdline_append(NULL, &len, name);
	free(copy);
	nstreams = stream_cmdline(o, kargs, nkargs, &len);
	for (i = 0; i < nkargs; i++)
		o->cmdline = sim_cmdline_append(o->cmdline, &len, kargs[i]);
	if (nstreams || nkargs || optind < argc)
		o->cmdline = sim_cmdline_append(o->cmdline, &len, "--");
	for (i = optind; i < argc; i++)
		o->cmdline = sim_cmdline_append(o->cmdline, &len, argv[i]);
	free(kargs);
}

/* Ends the run: every vCPU stopped and where each was printed. */
static void __attribute__((noreturn)) stop_run(const char *why, int status)
{
	struct vm *vm = &the_vm;

	console_flush();
	kvm_say("%s: guest stopped", why);
	if (!vm->gdb)
		vm_stop(vm);
	pthread_mutex_lock(&vm->lock);
	exit(status);
}

void kvm_quit(const char *why)
{
	stop_run(why, 128 + SIGINT);
}

/* The main thread: ^C, SIGTERM, SIGHUP, SIGTSTP and SIGCONT (blocked in
 * every thread, read from a signalfd) and the console's input and
 * timer. */
static void __attribute__((noreturn)) main_loop(int sigfd)
{
	struct signalfd_siginfo si;
	struct pollfd p[4];
	int n, sig;

	for (;;) {
		p[0] = (struct pollfd) { .fd = sigfd, .events = POLLIN };
		n = console_pollfds(p + 1);
		if (poll(p, (nfds_t)n + 1, -1) < 0 && errno != EINTR)
			kvm_die(KVM_EXIT_GUEST, "poll: %s", strerror(errno));
		console_poll(p + 1, n);
		if (!(p[0].revents & POLLIN) ||
		    read(sigfd, &si, sizeof(si)) != sizeof(si))
			continue;
		sig = (int)si.ssi_signo;
		if (sig == SIGTSTP) {
			term_stop(0);
			continue;
		}
		if (sig == SIGCONT) {
			term_resume();	/* the shell may have reset it */
			continue;
		}
		stop_run(sig == SIGINT ? "interrupted (Ctrl-C)" :
			 strsignal(sig), 128 + sig);
	}
}

static void ending_signal(int sig)
{
	(void)sig;
}

int main(int argc, char *argv[])
{
	static struct kvm_opts opts;
	struct vm *vm = &the_vm;
	struct sigaction sa;
	sigset_t set;
	int sigfd;

	clock_gettime(CLOCK_MONOTONIC, &t_start);
	tracing = getenv("AMPHI_KVM_TRACE") != NULL;
	if (tracing)
		fprintf(stderr, "amphi-kvm: trace main() at %.3f ms of the "
			"monotonic clock\n", t_start.tv_sec * 1e3 +
			t_start.tv_nsec / 1e6);
	parse_options(argc, argv, &opts);
	kvm_verbose = opts.verbose;
	/* Signals that end the run go to the main thread's loop.
	 * A handler of our own: a shell starts background jobs with SIGINT
	 * ignored, and ^C or kill -INT must still stop the guest. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ending_signal;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* A stop gives the terminal its settings back first. */
	sigaddset(&set, SIGTSTP);
	sigaddset(&set, SIGCONT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sigfd < 0)
		kvm_die(KVM_EXIT_GUEST, "signalfd: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);

	vm->entry = image_read(&opts);
	kvm_trace("image read");
	vm_open(vm, &opts);
	kvm_trace("VM, memory and irqchip made");
	image_place(vm);
	load_boot_info(vm);
	kvm_trace("image and boot information placed");
	vm_create_vcpus(vm);
	kvm_trace("vCPUs made");
	devices_init(vm);
	if (opts.gdb)
		vm->gdb = gdb_open(vm, opts.gdb);
	term_setup(&opts);
	vm_start(vm);
	kvm_trace("vCPU threads started");
	main_loop(sigfd);
}
