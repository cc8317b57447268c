/*
 * Terminal signals: what a program in the foreground of a terminal gets
 * from ^C, ^\, ^Z and a window resize. Without arguments it prints the
 * default dispositions; the modes wait for test/posix/tty-signals.py to
 * press the key (it runs Linux's build and Amphi's on a pseudo-terminal).
 *   handler  SIGINT to a handler (si_code SI_KERNEL), then to the default
 *            action: the program ends with status 130
 *   quit     the same with SIGQUIT: status 131 (a core dump on Linux)
 *   winch    SIGWINCH to a handler, then TIOCGWINSZ has the new size
 *   tstp     SIGTSTP to a handler, then the default: the program stops
 *            until SIGCONT, then reads a line (what was typed before the
 *            ^Z is gone: the key flushes the input) and ends
 *   raw      ISIG cleared: the keys are bytes like any other, read as
 *            they were typed
 *   flush    tcsetattr(TCSAFLUSH) once a line was typed: that line is
 *            gone, the next one is read
 *   enter    a line ended by the Enter key's CR: ICRNL makes it a NL
 *   echoctl  ECHO and ECHOCTL set: a typed line is echoed, its control
 *            characters as ^X
 *   lines N  N reads of a line (read(2), 64 bytes), each shown as
 *            "read COUNT [BYTES]": the erase, kill and EOF keys at work
 *   echoe    ECHO, ECHOE and ECHOCTL set, then one line after a
 *            prompt "> ": an erased character is rubbed out ("\b \b"),
 *            a tab by backspaces to its column, ^R shows the line again
 *   vmin1    ICANON and ECHO cleared, VMIN 1 VTIME 0: a read returns
 *            the first byte typed, no newline needed
 *   vmin0    VMIN 0 VTIME 0: a read returns 0 at once, then reads poll
 *            until a byte comes
 *   vtime    VMIN 0 VTIME 2: a read returns 0 after 0.2 s, or a byte
 *   rawecho  ICANON cleared, ECHO set: a byte is echoed; then ECHO
 *            cleared: the next is not
 *   flow [any]  IXON (and IXANY) set: writes a tick every 20 ms until a
 *            line comes, then says whether a write waited 0.5 s (the
 *            output stopped by ^S) and what was read
 *   fionread FIONREAD as lines are typed: only complete lines count,
 *            a ^D that ends one does not
 *   pollmin  ICANON cleared, VMIN 3 VTIME 0: poll says readable once 3
 *            bytes are there; with VTIME 1, once 1 is
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got, code;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got = sig;
	code = si->si_code;
}

static void catch(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void ready(const char *what)
{
	printf("ready for %s\n", what);
	fflush(stdout);
}

/* Waits for a handler to run, at most 60 s (no hang if it never does). */
static int wait_got(void)
{
	int i;

	for (i = 0; i < 6000 && !got; i++)
		usleep(10000);
	return got;
}

static void print_dispositions(void)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGWINCH };
	struct sigaction sa;
	struct winsize ws;
	unsigned int i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], NULL, &sa);
		printf("signal %d: %s\n", sigs[i],
		       sa.sa_handler == SIG_DFL ? "default" : "set");
	}
	errno = 0;
	if (ioctl(1, TIOCGWINSZ, &ws) < 0)
		printf("TIOCGWINSZ on stdout: %s\n",
		       errno == ENOTTY ? "ENOTTY" : strerror(errno));
	else
		printf("TIOCGWINSZ on stdout: a size\n");
}

/* sig to a handler, then to its default action, which ends the program. */
static int mode_handler(int sig, const char *name)
{
	char again[32];

	catch(sig);
	ready(name);
	if (!wait_got())
		return 1;
	printf("%s handled, si_code %s\n", name,
	       code == SI_KERNEL ? "SI_KERNEL" : "other");
	signal(sig, SIG_DFL);
	snprintf(again, sizeof(again), "%s again", name);
	ready(again);
	for (;;)
		pause();
}

static int mode_winch(void)
{
	struct winsize ws;

	catch(SIGWINCH);
	ready("SIGWINCH");
	if (!wait_got())
		return 1;
	if (ioctl(0, TIOCGWINSZ, &ws) < 0)
		return 2;
	printf("SIGWINCH handled, size %ux%u\n", ws.ws_row, ws.ws_col);
	return 0;
}

static int mode_tstp(void)
{
	char line[64];

	catch(SIGTSTP);
	ready("SIGTSTP");
	if (!wait_got())
		return 1;
	printf("SIGTSTP handled\n");
	signal(SIGTSTP, SIG_DFL);
	ready("SIGTSTP again");
	if (!fgets(line, sizeof(line), stdin))
		return 3;
	printf("continued, read %s", line);
	return 0;
}

static int mode_raw(void)
{
	unsigned char buf[64];
	struct termios tio;
	ssize_t n, i;

	if (tcgetattr(0, &tio) < 0)
		return 4;
	tio.c_lflag &= ~ISIG;
	if (tcsetattr(0, TCSANOW, &tio) < 0)
		return 4;
	ready("raw bytes");
	n = read(0, buf, sizeof(buf));
	if (n <= 0)
		return 3;
	printf("read");
	for (i = 0; i < n; i++)
		printf(" %02x", buf[i]);
	printf("\n");
	return 0;
}

static int mode_flush(void)
{
	struct termios tio;
	char line[64];
	int i, n = 0;

	ready("input to flush");
	for (i = 0; i < 6000 && n < 5; i++) {	/* "junk\n" */
		if (ioctl(0, FIONREAD, &n) < 0)
			return 4;
		if (n < 5)
			usleep(10000);
	}
	if (n < 5)
		return 1;
	if (tcgetattr(0, &tio) < 0 || tcsetattr(0, TCSAFLUSH, &tio) < 0)
		return 4;
	ready("a line after the flush");
	if (!fgets(line, sizeof(line), stdin))
		return 3;
	printf("read %s", line);
	return 0;
}

static int mode_enter(void)
{
	char line[64];

	ready("a line");
	if (!fgets(line, sizeof(line), stdin))
		return 3;
	printf("read %zu bytes, %s", strlen(line), line);
	return 0;
}

static int mode_echoctl(void)
{
	struct termios tio;
	char line[64];

	if (tcgetattr(0, &tio) < 0)
		return 4;
	tio.c_lflag |= ECHO | ECHOCTL;
	if (tcsetattr(0, TCSANOW, &tio) < 0)
		return 4;
	ready("an echoed line");
	if (!fgets(line, sizeof(line), stdin))
		return 3;
	printf("read %zu bytes\n", strlen(line));
	return 0;
}

/* Prints what one read returned, "\n" and control bytes escaped. */
static void show_read(ssize_t n, const char *buf)
{
	ssize_t i;

	printf("read %zd [", n);
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n')
			printf("\\n");
		else if ((unsigned char)buf[i] < 0x20)
			printf("^%c", buf[i] ^ 0x40);
		else
			putchar(buf[i]);
	}
	printf("]\n");
}

static int mode_lines(int n, const char *prompt)
{
	char buf[64];
	ssize_t got;

	while (n-- > 0) {
		ready("a line to read");
		printf("%s", prompt);
		got = read(0, buf, sizeof(buf));
		if (got < 0)
			return 3;
		show_read(got, buf);
	}
	return 0;
}

/* Sets and clears c_lflag bits, VMIN and VTIME on stdin. */
static int set_mode(tcflag_t on, tcflag_t off, int vmin, int vtime)
{
	struct termios tio;

	if (tcgetattr(0, &tio) < 0)
		return -1;
	tio.c_lflag = (tio.c_lflag | on) & ~off;
	tio.c_cc[VMIN] = vmin;
	tio.c_cc[VTIME] = vtime;
	return tcsetattr(0, TCSANOW, &tio);
}

static int mode_echoe(void)
{
	struct termios tio;

	if (tcgetattr(0, &tio) < 0 ||
	    set_mode(ECHO | ECHOE | ECHOCTL | ICANON, 0, tio.c_cc[VMIN],
		     tio.c_cc[VTIME]) < 0)
		return 4;
	return mode_lines(1, "> ");
}

static int mode_vmin(int vmin, int vtime, const char *what)
{
	struct timespec t0, t1;
	char buf[64];
	ssize_t n;
	int i;

	if (set_mode(0, ICANON | ECHO, vmin, vtime) < 0)
		return 4;
	if (!vmin) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		n = read(0, buf, sizeof(buf));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("first read %zd after %s 0.1 s\n", n,
		       (t1.tv_sec - t0.tv_sec) * 1000000000L +
		       (t1.tv_nsec - t0.tv_nsec) >= 100000000L ?
		       "at least" : "less than");
	}
	ready(what);
	for (i = 0; i < 6000; i++) {
		n = read(0, buf, sizeof(buf));
		if (n)
			break;
		usleep(10000);
	}
	if (n < 0)
		return 3;
	show_read(n, buf);
	return 0;
}

static int mode_rawecho(void)
{
	char c;

	if (set_mode(ECHO, ICANON, 1, 0) < 0)
		return 4;
	ready("an echoed byte");
	if (read(0, &c, 1) != 1)
		return 3;
	show_read(1, &c);
	if (set_mode(0, ICANON | ECHO, 1, 0) < 0)
		return 4;
	ready("a hidden byte");
	if (read(0, &c, 1) != 1)
		return 3;
	show_read(1, &c);
	return 0;
}

static long ns_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000000L +
	       (t1.tv_nsec - t0->tv_nsec);
}

static int mode_flow(int any)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	struct termios tio;
	struct timespec t0;
	long ns, longest = 0;
	char buf[64];
	ssize_t n;
	int i;

	if (tcgetattr(0, &tio) < 0)
		return 4;
	tio.c_iflag = (tio.c_iflag | IXON) & ~IXANY;
	if (any)
		tio.c_iflag |= IXANY;
	if (tcsetattr(0, TCSANOW, &tio) < 0)
		return 4;
	ready("ticks");
	for (i = 0; i < 3000 && poll(&pfd, 1, 20) == 0; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		printf("tick\n");
		ns = ns_since(&t0);
		if (ns > longest)
			longest = ns;
	}
	n = read(0, buf, sizeof(buf));
	if (n < 0)
		return 3;
	printf("a write waited %s 0.5 s\n",
	       longest >= 500000000L ? "at least" : "less than");
	show_read(n, buf);
	return 0;
}

/* Echo on, IXON: what is typed while ^S stops the output is echoed
 * once ^Q restarts it. */
static int mode_echoheld(void)
{
	struct termios tio;

	if (tcgetattr(0, &tio) < 0)
		return 4;
	tio.c_lflag |= ECHO | ICANON;
	tio.c_iflag = (tio.c_iflag | IXON) & ~IXANY;
	if (tcsetattr(0, TCSANOW, &tio) < 0)
		return 4;
	return mode_lines(1, "");
}

/* ECHOPRT: erased characters are shown between "\\" and "/". */
static int mode_echoprt(void)
{
	struct termios tio;

	if (tcgetattr(0, &tio) < 0 ||
	    set_mode(ECHO | ECHOPRT | ECHOE | ICANON, 0, tio.c_cc[VMIN],
		     tio.c_cc[VTIME]) < 0)
		return 4;
	return mode_lines(2, "");
}

static void output_on(int sig)
{
	(void)sig;
	tcflow(0, TCOON);
}

/* tcflow: TCOOFF stops the output (a write waits) until TCOON (from a
 * SIGALRM handler 0.5 s later); TCIOFF and TCION send ^S and ^Q. */
static int mode_tcflow(void)
{
	struct itimerval it = { .it_value = { .tv_usec = 500000 } };
	struct sigaction sa;
	struct timespec t0;
	long ns;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = output_on;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return 4;
	ready("tcflow");
	if (tcflow(0, TCOOFF) < 0)
		return 4;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		return 4;
	printf("written after TCOON\n");
	ns = ns_since(&t0);
	printf("a write waited %s 0.4 s\n",
	       ns >= 400000000L ? "at least" : "less than");
	if (tcflow(0, TCIOFF) < 0 || tcflow(0, TCION) < 0)
		return 4;
	printf("sent VSTOP and VSTART\n");
	return tcflow(0, 99) < 0 && errno == EINVAL ? 0 : 5;
}

/* Polls FIONREAD until it is not last (60 s at most), then once more
 * 0.2 s later (what came with it has arrived) and shows it. */
static int show_fionread(int last)
{
	int i, n = last;

	for (i = 0; i < 6000 && n == last; i++) {
		if (ioctl(0, FIONREAD, &n) < 0)
			return -1;
		if (n == last)
			usleep(10000);
	}
	usleep(200000);
	if (ioctl(0, FIONREAD, &n) < 0)
		return -1;
	printf("FIONREAD %d\n", n);
	return n;
}

static int read_show(void)
{
	char buf[64];
	ssize_t n = read(0, buf, sizeof(buf));

	if (n < 0)
		return -1;
	show_read(n, buf);
	return 0;
}

static int mode_fionread(void)
{
	int n;

	ready("lines to count");			/* "ab\ncd" */
	n = show_fionread(0);
	ready("the line's end");			/* "\n" */
	if (n < 0 || show_fionread(n) < 0 || read_show() < 0)
		return 3;
	if (show_fionread(-1) < 0 || read_show() < 0)
		return 3;
	ready("a line ended by ^D");			/* "ef^D" */
	if (show_fionread(0) < 0 || read_show() < 0)
		return 3;
	return 0;
}

/* Waits for FIONREAD to reach n, then says what poll says at once. */
static int poll_after(int n)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	int i, got = 0;

	for (i = 0; i < 6000 && got < n; i++) {
		if (ioctl(0, FIONREAD, &got) < 0)
			return -1;
		if (got < n)
			usleep(10000);
	}
	printf("%d bytes: poll %d\n", got, poll(&pfd, 1, 0));
	return 0;
}

static int mode_pollmin(void)
{
	if (set_mode(0, ICANON | ECHO, 3, 0) < 0)
		return 4;
	ready("2 bytes of VMIN 3");			/* "ab" */
	if (poll_after(2) < 0)
		return 3;
	ready("the third");				/* "c" */
	if (poll_after(3) < 0 || read_show() < 0)
		return 3;
	if (set_mode(0, ICANON | ECHO, 3, 1) < 0)
		return 4;
	ready("1 byte of VMIN 3 VTIME 1");		/* "d" */
	if (poll_after(1) < 0 || read_show() < 0)
		return 3;
	return 0;
}

/* Raw, no echo: each byte read is written back at once as a line (a
 * launcher may hold back a line's start a moment), so the other side
 * measures how long a blocked read takes to wake; "q" ends it. */
static int mode_wake(void)
{
	char line[2] = { 0, '\n' };

	if (set_mode(0, ICANON | ECHO, 1, 0) < 0)
		return 4;
	ready("bytes to send back");
	for (;;) {
		if (read(0, line, 1) != 1)
			return 3;
		if (write(1, line, 2) != 2)
			return 3;
		if (line[0] == 'q')
			return 0;
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_dispositions();
		return 0;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(argv[1], "handler"))
		return mode_handler(SIGINT, "SIGINT");
	if (!strcmp(argv[1], "quit"))
		return mode_handler(SIGQUIT, "SIGQUIT");
	if (!strcmp(argv[1], "winch"))
		return mode_winch();
	if (!strcmp(argv[1], "tstp"))
		return mode_tstp();
	if (!strcmp(argv[1], "raw"))
		return mode_raw();
	if (!strcmp(argv[1], "flush"))
		return mode_flush();
	if (!strcmp(argv[1], "enter"))
		return mode_enter();
	if (!strcmp(argv[1], "echoctl"))
		return mode_echoctl();
	if (!strcmp(argv[1], "lines") && argc > 2)
		return mode_lines(atoi(argv[2]), "");
	if (!strcmp(argv[1], "echoe"))
		return mode_echoe();
	if (!strcmp(argv[1], "vmin1"))
		return mode_vmin(1, 0, "a byte");
	if (!strcmp(argv[1], "vmin0"))
		return mode_vmin(0, 0, "a polled byte");
	if (!strcmp(argv[1], "vtime"))
		return mode_vmin(0, 2, "a timed byte");
	if (!strcmp(argv[1], "rawecho"))
		return mode_rawecho();
	if (!strcmp(argv[1], "flow"))
		return mode_flow(argc > 2 && !strcmp(argv[2], "any"));
	if (!strcmp(argv[1], "echoheld"))
		return mode_echoheld();
	if (!strcmp(argv[1], "echoprt"))
		return mode_echoprt();
	if (!strcmp(argv[1], "tcflow"))
		return mode_tcflow();
	if (!strcmp(argv[1], "fionread"))
		return mode_fionread();
	if (!strcmp(argv[1], "pollmin"))
		return mode_pollmin();
	if (!strcmp(argv[1], "wake"))
		return mode_wake();
	fprintf(stderr, "unknown mode %s\n", argv[1]);
	return 2;
}
