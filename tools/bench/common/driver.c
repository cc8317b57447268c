/* Host side of the image-versus-host benchmarks: see driver.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

int bench_usage(int argc, char *argv[])
{
	if (argc == 3)
		return 0;
	fprintf(stderr, "usage: %s AMPHI_IMAGE HOST_PROGRAM\n", argv[0]);
	return 2;
}

int bench_run(struct bench_result *r, const char *fmt, ...)
{
	char cmd[4096], line[256];
	va_list ap;
	int status;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (r->n < BENCH_MAX_KEYS &&
		    sscanf(line, "%31s %lf", r->key[r->n],
			   &r->val[r->n]) == 2)
			r->n++;
		else
			fputs(line, stderr);
	}
	status = pclose(f);
	if (status != 0) {
		fprintf(stderr, "%s: '%s' failed (status %d)\n",
			program_invocation_short_name, cmd, status);
		return -1;
	}
	return 0;
}

int bench_run_same_cross(struct bench_result *am, struct bench_result *host,
			 char *argv[])
{
	if (bench_run(am, "'%s' -q -smp 1 -- same", argv[1]) < 0 ||
	    bench_run(am, "'%s' -q -smp 2 -- cross", argv[1]) < 0 ||
	    bench_run(host, "'%s' same cross", argv[2]) < 0)
		return -1;
	return 0;
}

double bench_get(const struct bench_result *r, const char *key)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->key[i], key))
			return r->val[i];
	return -1;
}

void bench_row(const char *what, int width, const char *unit, double a,
	       double h)
{
	printf("%-*s %10.1f %-2s %10.1f %-2s %8.2fx\n", width, what, a, unit,
	       h, unit, h > 0 ? a / h : 0);
}

void bench_row_key(const char *what, int width, const char *unit,
		   const char *key, const struct bench_result *am,
		   const struct bench_result *host)
{
	bench_row(what, width, unit, bench_get(am, key),
		  bench_get(host, key));
}
