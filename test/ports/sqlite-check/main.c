/*
 * SQLite as a program uses it, for a test whose output must equal the
 * same source built for Linux (test/ports), and for the insert
 * benchmark (tools/bench/ports).
 *
 *   sqlite-check check FILE   create, 10,000 inserts from two threads,
 *                             index, queries; in memory, then in FILE
 *                             (two connections, one per thread), then
 *                             FILE reopened, checked, written through a
 *                             write-ahead log
 *   sqlite-check bench FILE N inserts N rows into FILE in one
 *                             transaction; prints "insert_ns T" (N = 0:
 *                             the rest alone, a benchmark's baseline)
 *
 * Prints nothing that depends on timing or the order of the threads.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#define ROWS 10000
#define BATCH 500

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "sqlite-check: %s: %s\n", what,
		db ? sqlite3_errmsg(db) : "out of memory");
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sqlite-check: %s: %s\n", sql, err);
		exit(1);
	}
}

static sqlite3 *open_db(const char *name)
{
	sqlite3 *db;

	if (sqlite3_open(name, &db) != SQLITE_OK)
		die(db, name);
	sqlite3_busy_timeout(db, 60000);
	return db;
}

/* Prints every row of a query, columns separated by '|'. */
static int print_rows(void *label, int n, char **vals, char **cols)
{
	printf("%s:", (const char *)label);
	for (int i = 0; i < n; i++)
		printf("%s%s", i ? "|" : " ", vals[i] ? vals[i] : "NULL");
	printf("\n");
	return 0;
}

static void query(sqlite3 *db, const char *label, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, print_rows, (void *)label, &err) !=
	    SQLITE_OK) {
		fprintf(stderr, "sqlite-check: %s: %s\n", sql, err);
		exit(1);
	}
}

struct inserter {
	sqlite3 *db;		/* shared (serialized mode) or its own */
	const char *file;	/* open a connection of its own, if set */
	int first, count;
};

/*
 * Inserts rows first..first+count-1: on a connection of its own in
 * transactions of BATCH rows (the threads' transactions take turns
 * through the file's locks); on the shared connection one by one (a
 * transaction belongs to the connection, not to the thread).
 */
static void *insert_rows(void *arg)
{
	struct inserter *in = arg;
	sqlite3 *db = in->file ? open_db(in->file) : in->db;
	int last = in->first + in->count - 1;
	sqlite3_stmt *st;
	char text[32];

	if (sqlite3_prepare_v2(db, "INSERT INTO t(id, k, v) VALUES(?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		die(db, "prepare insert");
	for (int i = in->first; i <= last; i++) {
		if (in->file && (i - in->first) % BATCH == 0)
			exec(db, "BEGIN IMMEDIATE");
		snprintf(text, sizeof(text), "row-%05d", i);
		sqlite3_bind_int(st, 1, i);
		sqlite3_bind_int(st, 2, (int)((i * 7919L) % 10007));
		sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			die(db, "insert");
		sqlite3_reset(st);
		if (in->file && ((i - in->first) % BATCH == BATCH - 1 ||
				 i == last))
			exec(db, "COMMIT");
	}
	sqlite3_finalize(st);
	if (in->file)
		sqlite3_close(db);
	return NULL;
}

/* Two threads insert half of the rows each. */
static void fill(sqlite3 *db, const char *file)
{
	struct inserter in[2] = {
		{ db, file, 0, ROWS / 2 },
		{ db, file, ROWS / 2, ROWS - ROWS / 2 },
	};
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, insert_rows, &in[i]))
			die(NULL, "pthread_create");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}

static void queries(sqlite3 *db, const char *label)
{
	printf("-- %s\n", label);
	query(db, "count", "SELECT count(*), sum(k), min(v), max(v) FROM t");
	query(db, "plan", "EXPLAIN QUERY PLAN "
	      "SELECT v FROM t WHERE k BETWEEN 100 AND 200");
	query(db, "range", "SELECT count(*), sum(id), group_concat(v, ',') "
	      "FROM (SELECT id, v FROM t WHERE k BETWEEN 100 AND 110 "
	      "ORDER BY k)");
	query(db, "join", "SELECT a.id, b.id FROM t a JOIN t b "
	      "ON b.k = a.id WHERE a.id < 5 ORDER BY a.id");
	query(db, "group", "SELECT k % 7, count(*), avg(id) FROM t "
	      "GROUP BY 1 ORDER BY 1");
	query(db, "update", "UPDATE t SET v = upper(v) WHERE k < 50 "
	      "RETURNING id");
	query(db, "deleted", "DELETE FROM t WHERE id % 1000 = 0 "
	      "RETURNING id");
	query(db, "after", "SELECT count(*), total(k), "
	      "(SELECT v FROM t WHERE k = 1) FROM t");
	query(db, "integrity", "PRAGMA integrity_check");
}

static void schema(sqlite3 *db)
{
	exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, "
	     "v TEXT NOT NULL)");
}

static int check(const char *file)
{
	sqlite3 *db, *db2;

	printf("sqlite %s\n", sqlite3_libversion());
	/* In memory: one connection, used by both threads. */
	db = open_db(":memory:");
	schema(db);
	fill(db, NULL);
	exec(db, "CREATE INDEX t_k ON t(k)");
	queries(db, "memory");
	sqlite3_close(db);

	/* In a file: a connection per thread, a rollback journal, the
	 * file's locks between them. */
	unlink(file);
	db = open_db(file);
	query(db, "journal", "PRAGMA journal_mode");
	schema(db);
	fill(NULL, file);
	exec(db, "CREATE INDEX t_k ON t(k)");
	queries(db, "file");
	sqlite3_close(db);

	/* What the file holds once closed and opened again; then a
	 * write-ahead log in the normal (shared) locking mode: its index
	 * is the -shm file, mapped MAP_SHARED by each connection, and a
	 * second connection reads what the first one wrote to the log. */
	db = open_db(file);
	query(db, "reopened", "SELECT count(*), sum(k) FROM t");
	query(db, "index", "SELECT name FROM sqlite_schema "
	      "WHERE type = 'index' ORDER BY name");
	query(db, "journal", "PRAGMA journal_mode = WAL");
	exec(db, "UPDATE t SET k = k + 1 WHERE id % 2 = 0");
	db2 = open_db(file);
	query(db2, "wal-reader", "SELECT count(*), sum(k) FROM t");
	sqlite3_close(db2);
	query(db, "checkpoint", "PRAGMA wal_checkpoint(TRUNCATE)");
	query(db, "journal", "PRAGMA journal_mode = DELETE");
	query(db, "wal", "SELECT count(*), sum(k) FROM t");
	query(db, "integrity", "PRAGMA integrity_check");
	sqlite3_close(db);
	unlink(file);
	return 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int bench(const char *file, long rows)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char text[32];
	int64_t t0;

	unlink(file);
	db = open_db(file);
	schema(db);
	if (sqlite3_prepare_v2(db, "INSERT INTO t(id, k, v) VALUES(?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		die(db, "prepare insert");
	t0 = now_ns();
	exec(db, "BEGIN");
	for (long i = 0; i < rows; i++) {
		snprintf(text, sizeof(text), "row-%08ld", i);
		sqlite3_bind_int64(st, 1, i);
		sqlite3_bind_int64(st, 2, (i * 7919) % 100003);
		sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			die(db, "insert");
		sqlite3_reset(st);
	}
	exec(db, "COMMIT");
	printf("insert_ns %lld\n", (long long)(now_ns() - t0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	unlink(file);
	return 0;
}

int main(int argc, char **argv)
{
	char *end;
	long rows;

	if (argc == 3 && !strcmp(argv[1], "check"))
		return check(argv[2]);
	rows = argc == 4 ? strtol(argv[3], &end, 10) : -1;
	if (argc == 4 && !strcmp(argv[1], "bench") && rows >= 0 &&
	    end != argv[3] && !*end)
		return bench(argv[2], rows);
	fprintf(stderr, "usage: sqlite-check check FILE\n"
		"       sqlite-check bench FILE ROWS\n");
	return 2;
}
