/*
 * Times a program from exec to a marker on its stdout and to its exit,
 * RUNS times; prints the medians in ms (and p10/p90):
 *
 *   kvm-spawn RUNS LABEL MARKER|- STATUS -- PROGRAM [ARGS...]
 *
 * MARKER "-": exit only. STATUS: the exit status a good run has. The
 * clock is the one of the machine it runs on (the nested host's, there):
 * no guest clock is involved. Built static for the nested host.
 * KVM_SPAWN_TRACE=1 prints the spawn, EOF and reaping times on stderr.
 */
#include <errno.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS	200

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void put(const char *label, const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("%s %s median %.2f ms (p10 %.2f, p90 %.2f, n %d)\n", label,
	       what, n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2,
	       v[n / 10], v[n * 9 / 10], n);
}

/* One run: returns 0 and the times, or -1. */
static int one(char **argv, const char *marker, int ok, double *t_main,
	       double *t_exit)
{
	posix_spawn_file_actions_t fa;
	char buf[65536];
	size_t have = 0;
	int p[2], status;
	double t0;
	ssize_t n;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	t0 = now_ms();
	if (getenv("KVM_SPAWN_TRACE"))
		fprintf(stderr, "kvm-spawn: spawn at %.3f ms\n", t0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ)) {
		perror(argv[0]);
		return -1;
	}
	close(p[1]);
	*t_main = -1;
	while ((n = read(p[0], buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += (size_t)n;
		buf[have] = '\0';
		if (*t_main < 0 && marker && strstr(buf, marker))
			*t_main = now_ms() - t0;
		if (have > sizeof(buf) / 2) {	/* keep the tail */
			memmove(buf, buf + have - 1024, 1024);
			have = 1024;
		}
	}
	close(p[0]);
	if (getenv("KVM_SPAWN_TRACE"))
		fprintf(stderr, "kvm-spawn: EOF at %.3f ms\n", now_ms());
	waitpid(pid, &status, 0);
	*t_exit = now_ms() - t0;
	if (getenv("KVM_SPAWN_TRACE"))
		fprintf(stderr, "kvm-spawn: reaped at %.3f ms\n", now_ms());
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != ok) {
		fprintf(stderr, "%s: exit status %d, not %d\n", argv[0],
			WIFEXITED(status) ? WEXITSTATUS(status) : -1, ok);
		return -1;
	}
	if (marker && *t_main < 0) {
		fprintf(stderr, "%s: no '%s' in its output\n", argv[0], marker);
		return -1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	static double mains[MAX_RUNS], exits[MAX_RUNS];
	const char *marker;
	int runs, ok, i;

	if (argc < 7 || strcmp(argv[5], "--")) {
		fprintf(stderr, "usage: kvm-spawn RUNS LABEL MARKER|- STATUS "
			"-- PROGRAM [ARGS...]\n");
		return 2;
	}
	runs = atoi(argv[1]);
	if (runs < 1 || runs > MAX_RUNS)
		runs = 10;
	marker = strcmp(argv[3], "-") ? argv[3] : NULL;
	ok = atoi(argv[4]);
	for (i = 0; i < runs; i++)
		if (one(argv + 6, marker, ok, &mains[i], &exits[i]) < 0)
			return 1;
	if (marker)
		put(argv[2], "exec-to-main", mains, runs);
	put(argv[2], "exec-to-exit", exits, runs);
	return 0;
}
