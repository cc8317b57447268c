/*
 * FILE streams over files and pipes, the same on Linux and on Amphi:
 * writing and reading back through the buffered calls, positions, append
 * and exclusive modes, buffering modes, end of file and errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../posix-check.h"

/* Every path is relative to a folder of this process's own (main): the
 * host runs this test twice at once (posix-stdio, posix-stdio-smp4). */
#define DIR_	"."
#define F1	DIR_ "/one.txt"
#define F2	DIR_ "/two.bin"
#define F3	DIR_ "/many.txt"

/* The whole content of path, through plain fds; its length in *len. */
static char *slurp(const char *path, size_t *len)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	*len = 0;
	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf + *len, sizeof(buf) - 1 - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	buf[*len] = '\0';
	return buf;
}

static void check_write_read(void)
{
	char line[64], *lp = NULL, buf[16];
	size_t cap = 0, len;
	ssize_t n;
	FILE *f;

	f = fopen(F1, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(fprintf(f, "alpha %d\n", 1) == 8);
	CHECK(fputs("beta 2\n", f) >= 0);
	CHECK(fwrite("gamma 3\nlast", 1, 12, f) == 12);
	CHECK(fputc('!', f) == '!');
	/* Buffered: nothing reached the file yet. */
	CHECK(slurp(F1, &len) && len == 0);
	CHECK(fflush(f) == 0);
	CHECK(slurp(F1, &len) && len == 28);
	CHECK(fclose(f) == 0);

	f = fopen(F1, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(fgets(line, sizeof(line), f) == line);
	CHECK(!strcmp(line, "alpha 1\n"));
	CHECK((n = getline(&lp, &cap, f)) == 7);
	CHECK(lp && !strcmp(lp, "beta 2\n") && cap >= 8);
	CHECK(fgetc(f) == 'g');
	CHECK(ungetc('G', f) == 'G');
	CHECK(fread(buf, 1, 8, f) == 8);
	CHECK(!memcmp(buf, "Gamma 3\n", 8));
	/* A short last line and then the end. */
	CHECK(fgets(line, 3, f) == line && !strcmp(line, "la"));
	CHECK(getline(&lp, &cap, f) == 3 && !strcmp(lp, "st!"));
	CHECK(getline(&lp, &cap, f) == -1);
	CHECK(feof(f) && !ferror(f));
	CHECK(fgetc(f) == EOF);
	CHECK(fgets(line, sizeof(line), f) == NULL);
	clearerr(f);
	CHECK(!feof(f));
	/* Positions. */
	CHECK(fseek(f, 6, SEEK_SET) == 0);
	CHECK(ftell(f) == 6);
	CHECK(fgetc(f) == '1');
	CHECK(ftell(f) == 7);
	CHECK(fseek(f, -3, SEEK_END) == 0 && fgetc(f) == 's');
	CHECK(fseek(f, -2, SEEK_CUR) == 0 && ftell(f) == 24);
	CHECK(fgetc(f) == 'a');
	rewind(f);
	CHECK(ftell(f) == 0 && fgetc(f) == 'a');
	CHECK(fseek(f, 0, 42) == -1 && errno == EINVAL);
	/* Writing to a read-only stream fails and sets the error flag
	 * (glibc also sets errno to EBADF, musl leaves it). */
	CHECK(fputc('x', f) == EOF && ferror(f));
	clearerr(f);
	CHECK(!ferror(f));
	CHECK(fileno(f) >= 3);
	free(lp);
	CHECK(fclose(f) == 0);
}

static void check_positions(void)
{
	char buf[32];
	fpos_t pos;
	FILE *f;

	f = fopen(F2, "w+");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(fwrite("0123456789", 1, 10, f) == 10);
	CHECK(ftell(f) == 10);
	CHECK(fgetpos(f, &pos) == 0);
	CHECK(fseek(f, 2, SEEK_SET) == 0);
	CHECK(fread(buf, 1, 3, f) == 3 && !memcmp(buf, "234", 3));
	/* Read to write needs a seek between them (C11 7.21.5.3). */
	CHECK(fseek(f, 0, SEEK_CUR) == 0);
	CHECK(fputs("ab", f) >= 0);
	CHECK(ftell(f) == 7);
	CHECK(fsetpos(f, &pos) == 0 && ftell(f) == 10);
	CHECK(fputs("XY", f) >= 0);
	rewind(f);
	memset(buf, 0, sizeof(buf));
	CHECK(fread(buf, 1, sizeof(buf), f) == 12);
	CHECK(!strcmp(buf, "01234ab789XY"));
	CHECK(feof(f));
	/* Past the end: a hole of zeros. */
	CHECK(fseek(f, 20, SEEK_SET) == 0 && fputc('Z', f) == 'Z');
	CHECK(fflush(f) == 0);
	{
		struct stat st;

		CHECK(fstat(fileno(f), &st) == 0 && st.st_size == 21);
	}
	CHECK(fseek(f, 15, SEEK_SET) == 0 && fgetc(f) == 0);
	CHECK(fclose(f) == 0);
}

static void check_modes(void)
{
	char buf[64];
	size_t len;
	FILE *f;
	char *s;

	/* Append: every write goes to the end, reads start at 0 (a+). */
	f = fopen(F1, "a");
	CHECK(f != NULL);
	if (f) {
		CHECK(fputs("+more\n", f) >= 0);
		CHECK(fclose(f) == 0);
	}
	s = slurp(F1, &len);
	CHECK(s && len == 34 && !strcmp(s + 28, "+more\n"));
	f = fopen(F1, "a+");
	CHECK(f != NULL);
	if (f) {
		CHECK(fgets(buf, sizeof(buf), f) && !strcmp(buf, "alpha 1\n"));
		CHECK(fseek(f, 0, SEEK_SET) == 0);
		CHECK(fputs("tail\n", f) >= 0);
		CHECK(fflush(f) == 0);
		CHECK(ftell(f) == 39);
		CHECK(fclose(f) == 0);
	}
	s = slurp(F1, &len);
	CHECK(s && len == 39 && !strcmp(s + 34, "tail\n"));

	/* r+ keeps the content, w truncates. */
	f = fopen(F1, "r+");
	CHECK(f != NULL);
	if (f) {
		CHECK(fputs("ALPHA", f) >= 0);
		CHECK(fclose(f) == 0);
	}
	s = slurp(F1, &len);
	CHECK(s && len == 39 && !strncmp(s, "ALPHA 1\n", 8));
	f = fopen(F1, "wb");
	CHECK(f && fclose(f) == 0);
	CHECK(slurp(F1, &len) && len == 0);

	/* x: exclusive creation; e: close on exec. */
	errno = 0;
	CHECK(fopen(F1, "wx") == NULL && errno == EEXIST);
	unlink(F3);
	f = fopen(F3, "w+xe");
	CHECK(f != NULL);
	if (f) {
		CHECK(fcntl(fileno(f), F_GETFD) == FD_CLOEXEC);
		CHECK(fclose(f) == 0);
	}
	/* Bad modes and missing files. */
	errno = 0;
	CHECK(fopen(F1, "q") == NULL && errno == EINVAL);
	errno = 0;
	CHECK(fopen(DIR_ "/missing", "r") == NULL && errno == ENOENT);
	errno = 0;
	CHECK(fopen(DIR_ "/no/such", "w") == NULL && errno == ENOENT);
	errno = 0;
	CHECK(fopen(DIR_, "w") == NULL && errno == EISDIR);
}

static void check_buffering(void)
{
	static char big[BUFSIZ * 3];
	char mybuf[256];
	size_t len, i;
	FILE *f;
	char *s;

	/* Unbuffered: each call reaches the file at once. */
	f = fopen(F1, "w");
	CHECK(f && setvbuf(f, NULL, _IONBF, 0) == 0);
	if (!f)
		return;
	CHECK(fputs("now", f) >= 0);
	CHECK(slurp(F1, &len) && len == 3);
	CHECK(fprintf(f, "%05d", 42) == 5);
	CHECK(slurp(F1, &len) && len == 8);
	CHECK(fclose(f) == 0);

	/* Line buffered: up to each newline. */
	f = fopen(F1, "w");
	CHECK(f && setvbuf(f, NULL, _IOLBF, 0) == 0);
	if (!f)
		return;
	CHECK(fputs("part", f) >= 0);
	CHECK(slurp(F1, &len) && len == 0);
	CHECK(fputs(" line\nnext", f) >= 0);
	s = slurp(F1, &len);
	CHECK(s && len >= 10 && !strncmp(s, "part line\n", 10));
	CHECK(fclose(f) == 0);
	CHECK(slurp(F1, &len) && len == 14);

	/* Fully buffered in the caller's buffer: flushed when full. */
	f = fopen(F1, "w");
	CHECK(f && setvbuf(f, mybuf, _IOFBF, sizeof(mybuf)) == 0);
	if (!f)
		return;
	CHECK(fputs("0123456789", f) >= 0);
	CHECK(slurp(F1, &len) && len == 0);
	for (i = 0; i < 400; i++)
		fputc('a' + i % 26, f);
	CHECK(slurp(F1, &len) && len > 0 && len < 410);
	CHECK(fclose(f) == 0);
	CHECK(slurp(F1, &len) && len == 410);
	/* A bad mode is refused. */
	f = fopen(F1, "r");
	CHECK(f && setvbuf(f, NULL, 7, 0) != 0);
	if (f)
		fclose(f);

	/* Writes larger than the buffer, and reads of them. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 3);
	f = fopen(F2, "w+");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(fwrite("<", 1, 1, f) == 1);
	CHECK(fwrite(big, 1, sizeof(big), f) == sizeof(big));
	CHECK(fwrite(">", 1, 1, f) == 1);
	rewind(f);
	CHECK(fgetc(f) == '<');
	memset(big + 1, 0, sizeof(big) - 1);
	CHECK(fread(big, 1, sizeof(big), f) == sizeof(big));
	for (i = 0; i < sizeof(big); i++)
		if (big[i] != (char)(i * 7 + 3))
			break;
	CHECK(i == sizeof(big));
	CHECK(fgetc(f) == '>' && fgetc(f) == EOF && feof(f));
	CHECK(fread(big, 4, 2, f) == 0);
	CHECK(fclose(f) == 0);
}

static void check_many_small(void)
{
	static char ref[40000];
	size_t len = 0, got;
	char *s;
	FILE *f;
	int i;

	f = fopen(F3, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	for (i = 0; i < 3000; i++) {
		if (i % 3 == 0)
			fprintf(f, "%d,", i);
		else if (i % 3 == 1)
			fputs("ab", f);
		else
			putc('\n', f);
		len += (size_t)(i % 3 == 0 ?
			snprintf(ref + len, sizeof(ref) - len, "%d,", i) :
			snprintf(ref + len, sizeof(ref) - len, "%s",
				 i % 3 == 1 ? "ab" : "\n"));
	}
	CHECK(fclose(f) == 0);
	s = slurp(F3, &got);
	CHECK(s && got == len && !memcmp(s, ref, len));

	/* And read back line by line with getdelim. */
	f = fopen(F3, "r");
	CHECK(f != NULL);
	if (f) {
		char *line = NULL;
		size_t cap = 0, total = 0;
		ssize_t n;
		int lines = 0;

		while ((n = getdelim(&line, &cap, '\n', f)) > 0) {
			total += (size_t)n;
			lines++;
		}
		CHECK(lines == 1000 && total == len);
		free(line);
		fclose(f);
	}
}

static void check_fdopen(void)
{
	char buf[32];
	int fds[2];
	FILE *r, *w;

	CHECK(pipe(fds) == 0);
	w = fdopen(fds[1], "w");
	r = fdopen(fds[0], "r");
	CHECK(w && r);
	if (!w || !r)
		return;
	CHECK(fprintf(w, "through %s\n", "the pipe") == 17);
	CHECK(fflush(w) == 0);
	CHECK(fgets(buf, sizeof(buf), r) && !strcmp(buf, "through the pipe\n"));
	CHECK(fputs("bye", w) >= 0);
	CHECK(fclose(w) == 0);
	CHECK(fgets(buf, sizeof(buf), r) && !strcmp(buf, "bye"));
	CHECK(fgetc(r) == EOF && feof(r));
	/* ftell on a pipe: ESPIPE. */
	errno = 0;
	CHECK(ftell(r) == -1 && errno == ESPIPE);
	CHECK(fclose(r) == 0);

	/* A mode the fd does not allow; a bad fd. POSIX lets fdopen
	 * check (glibc does: EINVAL, EBADF) or not (musl): then the first
	 * access fails. */
	CHECK(pipe(fds) == 0);
	errno = 0;
	w = fdopen(fds[0], "w");
	CHECK(w ? fputc('x', w) != EOF && fflush(w) == EOF : errno == EINVAL);
	if (w)
		fclose(w);
	else
		close(fds[0]);
	close(fds[1]);
	errno = 0;
	w = fdopen(99, "r");
	CHECK(w ? fgetc(w) == EOF && ferror(w) && errno == EBADF
		: errno == EBADF);
	if (w)
		fclose(w);
}

static void check_misc(void)
{
	FILE *f;
	char buf[8];

	/* remove: files and empty directories. */
	f = fopen(F1, "w");
	CHECK(f && fclose(f) == 0);
	CHECK(remove(F1) == 0);
	errno = 0;
	CHECK(remove(F1) == -1 && errno == ENOENT);
	CHECK(mkdir(DIR_ "/sub", 0755) == 0);
	CHECK(remove(DIR_ "/sub") == 0);
	/* tmpfile: read/write, nameless. */
	f = tmpfile();
	CHECK(f != NULL);
	if (f) {
		CHECK(fputs("temp", f) >= 0);
		rewind(f);
		CHECK(fread(buf, 1, sizeof(buf), f) == 4 &&
		      !memcmp(buf, "temp", 4));
		fclose(f);
	}
	/* dprintf goes straight to the fd. */
	f = fopen(F1, "w+");
	CHECK(f != NULL);
	if (f) {
		CHECK(dprintf(fileno(f), "%s=%d", "x", 5) == 3);
		rewind(f);
		CHECK(fread(buf, 1, sizeof(buf), f) == 3 &&
		      !memcmp(buf, "x=5", 3));
		fclose(f);
	}
	/* freopen keeps the stream. */
	f = fopen(F1, "r");
	CHECK(f != NULL);
	if (f) {
		CHECK(freopen(F3, "r", f) == f);
		CHECK(fgets(buf, sizeof(buf), f) && !strcmp(buf, "0,ab\n"));
		fclose(f);
	}
	/* freopen of stdout redirects it, keeping fd 1. */
	{
		int saved = dup(1);
		size_t len;
		char *s;

		CHECK(saved > 2);
		fflush(stdout);
		CHECK(freopen(F1, "w", stdout) == stdout);
		CHECK(fileno(stdout) == 1);
		printf("into the %s\n", "file");
		CHECK(fflush(stdout) == 0);
		CHECK(dup2(saved, 1) == 1);
		close(saved);
		s = slurp(F1, &len);
		CHECK(s && !strcmp(s, "into the file\n"));
	}
	/* The stream locks nest. */
	flockfile(stdout);
	flockfile(stdout);
	CHECK(ftrylockfile(stdout) == 0);
	funlockfile(stdout);
	funlockfile(stdout);
	funlockfile(stdout);
}

static void check_memstreams(void)
{
	char buf[16], text[] = "hello world";
	char *p = NULL;
	size_t size = 0;
	FILE *f;

	memset(buf, 'x', sizeof(buf));
	f = fmemopen(buf, sizeof(buf), "w");
	CHECK(f != NULL);
	if (f) {
		CHECK(fprintf(f, "%d-%s", 42, "ab") == 5);
		CHECK(fflush(f) == 0);
		CHECK(!strcmp(buf, "42-ab"));
		CHECK(ftell(f) == 5);
		CHECK(fclose(f) == 0);
	}
	f = fmemopen(text, strlen(text), "r");
	CHECK(f != NULL);
	if (f) {
		CHECK(fgets(buf, sizeof(buf), f) &&
		      !strcmp(buf, "hello world"));
		CHECK(fgetc(f) == EOF && feof(f));
		CHECK(fseek(f, 6, SEEK_SET) == 0);
		CHECK(fread(buf, 1, sizeof(buf), f) == 5 &&
		      !memcmp(buf, "world", 5));
		CHECK(fclose(f) == 0);
	}
	errno = 0;
	CHECK(fmemopen(buf, sizeof(buf), "z") == NULL && errno == EINVAL);

	f = open_memstream(&p, &size);
	CHECK(f != NULL);
	if (f) {
		CHECK(fprintf(f, "%s %d", "mem", 7) == 5);
		CHECK(fflush(f) == 0);
		CHECK(p && size == 5 && !strcmp(p, "mem 7"));
		CHECK(fputs(" more", f) >= 0);
		CHECK(fclose(f) == 0);
		CHECK(p && size == 10 && !strcmp(p, "mem 7 more"));
		free(p);
	}
}

#define WRITERS	4
#define LINES	500

static FILE *shared;

static void *writer(void *arg)
{
	long id = (long)arg;
	int i;

	for (i = 0; i < LINES; i++)
		fprintf(shared, "writer %ld line %03d of %s\n", id, i,
			"the shared stream");
	return NULL;
}

/* fprintf from several threads into one stream: whole lines, none lost. */
static void check_threads(void)
{
	pthread_t t[WRITERS];
	int count[WRITERS] = { 0 }, bad = 0, i;
	char line[128];
	long id;
	int n;

	shared = fopen(F3, "w+");
	CHECK(shared != NULL);
	if (!shared)
		return;
	for (id = 0; id < WRITERS; id++)
		CHECK(pthread_create(&t[id], NULL, writer, (void *)id) == 0);
	for (id = 0; id < WRITERS; id++)
		pthread_join(t[id], NULL);
	rewind(shared);
	while (fgets(line, sizeof(line), shared)) {
		id = line[7] - '0';
		n = atoi(line + 14);
		if (strlen(line) != 39 || id < 0 || id >= WRITERS ||
		    strcmp(line + 17, " of the shared stream\n") ||
		    n != count[id]) {
			bad++;
			continue;
		}
		count[id]++;
	}
	CHECK(bad == 0);
	for (i = 0; i < WRITERS; i++)
		CHECK(count[i] == LINES);
	CHECK(fclose(shared) == 0);
}

int main(void)
{
	char dir[64];

	mkdir("/tmp", 0777);
	snprintf(dir, sizeof(dir), "/tmp/amphi-stdio-%d", (int)getpid());
	CHECK(mkdir(dir, 0755) == 0 && chdir(dir) == 0);
	check_write_read();
	check_positions();
	check_modes();
	check_buffering();
	check_many_small();
	check_fdopen();
	check_misc();
	check_memstreams();
	check_threads();
	unlink(F1);
	unlink(F2);
	unlink(F3);
	CHECK(chdir("/") == 0 && rmdir(dir) == 0);
	/* A line without its end yet: stdout's buffer goes out at exit. */
	printf("stdio: ");
	return posix_check_summary();
}
