/*
 * Boot benchmark: time from process start (spawn) to main() and to exit,
 * for an Amphi sim image and for a static host program doing the same,
 * and their sizes. Prints medians of RUNS runs and the ratios.
 *
 *   bench-boot AMPHI_IMAGE HOST_STATIC_BINARY [RUNS]
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/workload.h"

extern char **environ;

struct sample {
	double to_main_us;
	double to_exit_us;
};

static int run_once(char *const argv[], struct sample *s)
{
	posix_spawn_file_actions_t fa;
	unsigned long long t0, t_main = 0, t_exit;
	char buf[256];
	int pipefd[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	t0 = bench_now_ns();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		return -1;
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	waitpid(pid, &status, 0);
	t_exit = bench_now_ns();
	close(pipefd[0]);
	posix_spawn_file_actions_destroy(&fa);
	buf[len] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    sscanf(buf, "main-ns %llu", &t_main) != 1) {
		fprintf(stderr, "bench-boot: %s failed: %s\n", argv[0], buf);
		return -1;
	}
	s->to_main_us = (t_main - t0) / 1e3;
	s->to_exit_us = (t_exit - t0) / 1e3;
	return 0;
}

static int measure(char *const argv[], int runs, double *main_us,
		   double *exit_us)
{
	double *m = calloc(runs, sizeof(double));
	double *e = calloc(runs, sizeof(double));
	struct sample s;
	int i;

	for (i = 0; i < runs; i++) {
		if (run_once(argv, &s) < 0)
			return -1;
		m[i] = s.to_main_us;
		e[i] = s.to_exit_us;
	}
	*main_us = bench_median(m, runs);
	*exit_us = bench_median(e, runs);
	free(m);
	free(e);
	return 0;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(int argc, char *argv[])
{
	int runs = argc > 3 ? atoi(argv[3]) : 50;
	char *amphi[] = { argv[1], "-q", NULL };
	char *host[] = { argv[2], NULL };
	double am, ae, hm, he;
	long asz, hsz;

	if (argc < 3 || runs < 1) {
		fprintf(stderr, "usage: %s AMPHI_IMAGE HOST_BINARY [RUNS]\n",
			argv[0]);
		return 2;
	}
	if (measure(amphi, runs, &am, &ae) < 0 ||
	    measure(host, runs, &hm, &he) < 0)
		return 1;
	asz = file_size(argv[1]);
	hsz = file_size(argv[2]);
	printf("boot (median of %d runs)     amphi-sim    host-static   ratio\n",
	       runs);
	printf("  spawn -> main()         %9.0f us  %9.0f us  %6.2f\n",
	       am, hm, am / hm);
	printf("  spawn -> exit           %9.0f us  %9.0f us  %6.2f\n",
	       ae, he, ae / he);
	printf("  file size               %9ld B   %9ld B   %6.2f\n",
	       asz, hsz, (double)asz / hsz);
	return 0;
}
