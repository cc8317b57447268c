/*
 * Host side of the benchmarks that compare an Amphi sim image with a host
 * program running the same workload: runs each, collects the "key value"
 * lines it prints (common/workload.h) and prints the comparison rows.
 */
#ifndef BENCH_DRIVER_H
#define BENCH_DRIVER_H

#define BENCH_MAX_KEYS	8

/* The figures one or more runs printed, in order. Zero it before use. */
struct bench_result {
	int n;
	char key[BENCH_MAX_KEYS][32];
	double val[BENCH_MAX_KEYS];
};

/* Checks the command line AMPHI_IMAGE HOST_PROGRAM. Returns 0, or 2 after
 * printing the usage. */
int bench_usage(int argc, char *argv[]);

/* Runs the shell command printf(fmt, ...) and adds its "key value" lines
 * to r; other lines, and keys beyond BENCH_MAX_KEYS, go to stderr.
 * Returns 0, or -1 (said on stderr) if it cannot start or exits non-zero. */
int bench_run(struct bench_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* For workloads with "same" and "cross" groups (common/pinned.h): runs
 * the image argv[1] with -smp 1 for "same" and -smp 2 for "cross" into
 * am, and the host program argv[2] with both into host. Returns 0 or -1
 * as bench_run(). */
int bench_run_same_cross(struct bench_result *am, struct bench_result *host,
			 char *argv[]);

/* The value of key in r, or -1 if no run printed it. */
double bench_get(const struct bench_result *r, const char *key);

/* Prints a row: what (padded to width), the Amphi figure a and the host
 * figure h in unit (two letters), and a / h (0 if h is not positive). */
void bench_row(const char *what, int width, const char *unit, double a,
	       double h);

/* bench_row() of the figure key in am against the one in host. */
void bench_row_key(const char *what, int width, const char *unit,
		   const char *key, const struct bench_result *am,
		   const struct bench_result *host);

#endif /* BENCH_DRIVER_H */
