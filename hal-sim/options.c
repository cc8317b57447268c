/* SPDX-License-Identifier: BSD-3-Clause */
/* Command-line options of a sim kernel process. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uk/arch/types.h>
#include <uk/plat/lcpu.h>
#include "cmdline.h"
#include "sim.h"
#include "net/net.h"

#define MEM_DEFAULT	(64UL << 20)
#define MEM_MIN		(2UL << 20)
#define MEM_MAX		(64UL << 30)

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
"Usage: %s [OPTIONS] [--] [ARGS...]\n"
"\n"
"Boots the Amphi kernel with its app as a Linux process (the sim backend).\n"
"ARGS are passed to the app's main(); put them after -- if one starts\n"
"with '-'. The process exits with the app's exit status, or non-zero if\n"
"the kernel crashed (after printing the trap, registers and a backtrace).\n"
"\n"
"Options:\n"
"  -m, --memory SIZE     guest physical memory, in bytes or with a K, M or\n"
"                        G suffix (default 64M, from 2M to 64G)\n"
"  -smp N, --smp N      logical CPUs, one host thread each (default 1,\n"
"                        at most %d)\n"
"  -k, --kernel-arg ARG  pass a kernel argument; repeatable. Known:\n"
"                          loglevel=N  print messages up to level N\n"
"                                      (0 crit, 1 err, 2 warn, 3 info,\n"
"                                      4 debug; default 2)\n"
"                          quiet       do not print the banner\n"
"                          sched.timeslice_us=N  preempt a thread after\n"
"                                      N us while others wait for its\n"
"                                      CPU (default 10000; 0: cooperative)\n"
"                          vmem.fault_around=N  pages mapped per\n"
"                                      demand-paging fault (default 16)\n"
"                          net.ip=ADDR/PREFIX, net.gw=ADDR,\n"
"                          net.dns=ADDR  static network configuration\n"
"                                      (default: DHCP)\n"
"                          net.dhcp_wait_ms=N  how long the boot waits\n"
"                                      for a DHCP lease (default 5000)\n"
"                          main.stack_size=SIZE  main()'s stack (default\n"
"                                      8M; demand paged)\n"
"                          ramfs.size=SIZE  most file data in the root\n"
"                                      file system, e.g. 64M or 25%%\n"
"                                      (default 50%%: half of RAM)\n"
"  --initrd FILE         unpack FILE, a cpio archive (newc format, as\n"
"                        made by 'cpio -o -H newc'), into the root file\n"
"                        system before the app starts\n"
"  --net MODE            a network device: 'user' (libslirp's user-mode\n"
"                        network, rootless: the guest is 10.0.2.15 by\n"
"                        DHCP, the host is 10.0.2.2, DNS 10.0.2.3),\n"
"                        'tap' (a new TAP device amphiN, removed at exit,\n"
"                        host 10.0.(3+N).1/24, guest .2; needs\n"
"                        CAP_NET_ADMIN), 'tap:NAME' (an existing TAP\n"
"                        device, configured by you), or 'none' (the\n"
"                        default without -p; 127.0.0.1 works anyway)\n"
"  -p, --publish [tcp:|udp:][ADDR:]HOSTPORT:GUESTPORT\n"
"                        forward the host's ADDR:HOSTPORT (default\n"
"                        127.0.0.1) to the guest's port; repeatable;\n"
"                        implies --net user\n"
"  -q, --quiet           same as -k quiet\n"
"  --display-ctl SOCKET  once an app opens the display, listen on the Unix\n"
"                        socket SOCKET for lines that drive the window as\n"
"                        a user would (for tests): 'key CODE 1|0' (Linux\n"
"                        key code), 'motion X Y' (pixels), 'button N 1|0'\n"
"                        (1 left, 2 middle, 3 right), 'wheel N', each\n"
"                        pushed as an SDL event; 'dump FILE' writes the\n"
"                        frame as a PPM image. Each answers 'ok' or\n"
"                        'error: WHY'\n"
"  -h, --help            show this help and exit\n"
"\n"
"An image built by tools/amphi-cc (a program's own build system) takes\n"
"no options: every argument is the app's, the banner is off, and these\n"
"options come from the environment variable AMPHI_OPTIONS, separated by\n"
"blanks (AMPHI_OPTIONS='-m 256M -smp 2 -k loglevel=3').\n"
"\n"
"Display: the window is SDL2's. Without a window system (no DISPLAY or\n"
"WAYLAND_DISPLAY) the display draws offscreen; SDL_VIDEODRIVER=offscreen\n"
"(or dummy) asks for that explicitly. Display kernel arguments:\n"
"display.width=N, display.height=N (default 1280x720).\n"
"\n"
"Debugging: run the process under gdb (with 'handle SIGSEGV nostop\n"
"noprint pass', and the same for SIG36, the CPUs' interrupts), or\n"
"valgrind with\n"
"--vex-iropt-register-updates=allregs-at-mem-access (and for tools other\n"
"than memcheck, --vex-iropt-level=0); './amphi gdb' and\n"
"'./amphi valgrind' do this for you.\n",
		prog, UKPLAT_LCPU_MAXCOUNT);
}

static void set_ncpus(const char *prog, const char *arg,
		      struct sim_options *opt)
{
	if (!arg || sim_parse_count(arg, UKPLAT_LCPU_MAXCOUNT,
				    &opt->ncpus) < 0) {
		fprintf(stderr, "%s: invalid CPU count '%s' (-smp 1..%d)\n",
			prog, arg ? arg : "", UKPLAT_LCPU_MAXCOUNT);
		exit(2);
	}
}

/* Opens the initrd now, so that a missing or unreadable file is a usage
 * error before anything boots. */
static void open_initrd(const char *prog, const char *path,
			struct sim_options *opt)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "%s: cannot open initrd '%s': %s\n", prog,
			path, strerror(errno));
		exit(2);
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)MEM_MAX) {
		fprintf(stderr, "%s: initrd '%s' is not a regular file of "
			"at most 64G\n", prog, path);
		exit(2);
	}
	if (opt->initrd_fd >= 0)
		close(opt->initrd_fd);
	opt->initrd_fd = -1;
	opt->initrd_len = (size_t)st.st_size;
	opt->initrd = path;
	/* An empty file is no initrd. */
	if (opt->initrd_len)
		opt->initrd_fd = fd;
	else
		close(fd);
}

static void net_mode(const char *prog, const char *arg,
		     struct sim_options *opt)
{
	if (!strcmp(arg, "user") || !strcmp(arg, "slirp")) {
		opt->net_mode = SIM_NET_USER;
	} else if (!strcmp(arg, "tap")) {
		opt->net_mode = SIM_NET_TAP;
		opt->net_ifname = NULL;
	} else if (!strncmp(arg, "tap:", 4) && arg[4] &&
		   strlen(arg + 4) < 16) {
		opt->net_mode = SIM_NET_TAP;
		opt->net_ifname = arg + 4;
	} else if (!strcmp(arg, "none")) {
		opt->net_mode = SIM_NET_NONE;
	} else {
		fprintf(stderr, "%s: --net %s: use user, tap, tap:NAME or "
			"none\n", prog, arg);
		exit(2);
	}
}

static int parse_port(const char *s, int *port)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

/* [tcp:|udp:][ADDR:]HOSTPORT:GUESTPORT[/tcp|/udp] */
static void publish(const char *prog, const char *arg,
		    struct sim_options *opt)
{
	struct sim_net_fwd *f;
	char buf[128], *parts[4], *p, *slash;
	int n = 0;

	if (opt->nfwd >= SIM_NET_FWD_MAX || strlen(arg) >= sizeof(buf))
		goto bad;
	f = &opt->fwd[opt->nfwd];
	memset(f, 0, sizeof(*f));
	strcpy(buf, arg);
	p = buf;
	if (!strncmp(p, "tcp:", 4) || !strncmp(p, "udp:", 4)) {
		f->udp = p[0] == 'u';
		p += 4;
	}
	slash = strchr(p, '/');
	if (slash) {
		if (strcmp(slash, "/udp") && strcmp(slash, "/tcp"))
			goto bad;
		f->udp = slash[1] == 'u';
		*slash = '\0';
	}
	for (parts[n++] = p; (p = strchr(p, ':')) && n < 4; parts[n++] = p)
		*p++ = '\0';
	if (p || n < 2)
		goto bad;
	if (n == 3) {
		if (strlen(parts[0]) >= sizeof(f->host_addr))
			goto bad;
		strcpy(f->host_addr, parts[0]);
	}
	if (parse_port(parts[n - 2], &f->host_port) ||
	    parse_port(parts[n - 1], &f->guest_port))
		goto bad;
	opt->nfwd++;
	if (opt->net_mode == SIM_NET_NONE)
		opt->net_mode = SIM_NET_USER;
	return;
bad:
	fprintf(stderr, "%s: -p %s: use [tcp:|udp:][ADDR:]HOSTPORT:GUESTPORT "
		"(at most %d)\n", prog, arg, SIM_NET_FWD_MAX);
	exit(2);
}

static int take_smp(int argc, char *argv[], const char *prog,
		    struct sim_options *opt)
{
	const char *val;

	if (!sim_take_smp(argc, argv, &optind, &val))
		return 0;
	set_ncpus(prog, val, opt);
	return 1;
}

/*
 * Defined (as an absolute symbol) by the link of tools/amphi-cc: the image
 * is a program built by its own build system, which runs it as it runs
 * any program (bc's build runs 'fbc -c ...'). Every argument is then the
 * app's; the kernel's options come from $AMPHI_OPTIONS, and the banner
 * is off.
 */
extern const char __amphi_cc_program[] __attribute__((weak));

#define PROGRAM_OPTIONS "AMPHI_OPTIONS"

/* argv as the options parser takes it: "-q", $AMPHI_OPTIONS split at
 * blanks, "--", then the program's arguments. */
static char **program_argv(int *argc, char *argv[])
{
	const char *env = getenv(PROGRAM_OPTIONS);
	char *opts = strdup(env ? env : "");
	char **nargv = calloc(strlen(opts) + (size_t)*argc + 4,
			      sizeof(char *));
	char *tok, *save = NULL;
	int n = 0, i;

	if (!opts || !nargv) {
		perror("amphi");
		exit(2);
	}
	nargv[n++] = argv[0];
	nargv[n++] = "-q";
	for (tok = strtok_r(opts, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		nargv[n++] = tok;
	nargv[n++] = "--";
	for (i = 1; i < *argc; i++)
		nargv[n++] = argv[i];
	*argc = n;
	return nargv;
}

void sim_parse_options(int argc, char *argv[], struct sim_options *opt)
{
	static const struct option longopts[] = {
		{ "memory", required_argument, NULL, 'm' },
		{ "kernel-arg", required_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "smp", required_argument, NULL, 'S' },
		{ "initrd", required_argument, NULL, 'I' },
		{ "display-ctl", required_argument, NULL, 'D' },
		{ "net", required_argument, NULL, 'N' },
		{ "publish", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = basename(argv[0]);
	/* Room for the network's own (sim_net_init). */
	char **kargs = calloc((size_t)argc + 3, sizeof(char *));
	static struct sim_net_fwd fwd[SIM_NET_FWD_MAX];
	int nkargs = 0, c, i;
	size_t len = 0;
	char *cmdline = NULL;

	if (__amphi_cc_program) {
		free(kargs);
		argv = program_argv(&argc, argv);
		kargs = calloc((size_t)argc + 3, sizeof(char *));
	}
	if (!kargs) {
		perror("amphi");
		exit(2);
	}
	opt->mem_size = MEM_DEFAULT;
	opt->ncpus = 1;
	opt->name = prog;
	opt->initrd_fd = -1;
	opt->initrd_len = 0;
	opt->initrd = NULL;
	opt->net_mode = SIM_NET_NONE;
	opt->net_ifname = NULL;
	opt->fwd = fwd;
	opt->nfwd = 0;
	/* '+': stop at the first non-option, it belongs to the app. */
	for (;;) {
		if (take_smp(argc, argv, prog, opt))
			continue;
		c = getopt_long(argc, argv, "+m:k:p:qh", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'S':
			set_ncpus(prog, optarg, opt);
			break;
		case 'I':
			open_initrd(prog, optarg, opt);
			break;
		case 'D':
			sim_display_ctl_path = optarg;
			break;
		case 'N':
			net_mode(prog, optarg, opt);
			break;
		case 'p':
			publish(prog, optarg, opt);
			break;
		case 'm':
			if (sim_parse_size(optarg, MEM_MIN, MEM_MAX,
					   &opt->mem_size) < 0) {
				fprintf(stderr, "%s: invalid memory size '%s' "
					"(use e.g. 64M; 2M..64G)\n", prog,
					optarg);
				exit(2);
			}
			break;
		case 'k':
			kargs[nkargs++] = optarg;
			break;
		case 'q':
			kargs[nkargs++] = "quiet";
			break;
		case 'h':
			usage(stdout, prog);
			exit(0);
		default:
			fprintf(stderr, "Try '%s --help'.\n", prog);
			exit(2);
		}
	}
	if (opt->nfwd && opt->net_mode != SIM_NET_USER) {
		fprintf(stderr, "%s: -p forwards ports of --net user only "
			"(a TAP device is reached directly)\n", prog);
		exit(2);
	}
	sim_net_init(opt, kargs, &nkargs);
	cmdline = sim_cmdline_append(cmdline, &len, prog);
	for (i = 0; i < nkargs; i++)
		cmdline = sim_cmdline_append(cmdline, &len, kargs[i]);
	if (nkargs)
		cmdline = sim_cmdline_append(cmdline, &len, "--");
	else if (optind < argc)
		/* An app argument "--" must not be taken for the separator. */
		cmdline = sim_cmdline_append(cmdline, &len, "--");
	for (i = optind; i < argc; i++)
		cmdline = sim_cmdline_append(cmdline, &len, argv[i]);
	free(kargs);
	opt->cmdline = cmdline;
}
