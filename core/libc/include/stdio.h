/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Standard I/O (C11 7.21, POSIX): FILE streams over file descriptors
 * (core/libc/stdio) and the printf family. Errors set errno and the
 * stream's error flag; EOF and short counts follow glibc.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EOF		(-1)
#define BUFSIZ		8192
#define FILENAME_MAX	4096
#define FOPEN_MAX	16
#define L_tmpnam	20
#define TMP_MAX		238328
#define P_tmpdir	"/tmp"

/* setvbuf modes */
#define _IOFBF		0
#define _IOLBF		1
#define _IONBF		2

#ifndef SEEK_SET
#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#endif

typedef struct _FILE FILE;
typedef struct {
	off_t __pos;
} fpos_t;

extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;
#define stdin	stdin
#define stdout	stdout
#define stderr	stderr

#define __libc_printf(f, a)	__attribute__((format(printf, f, a)))

/*
 * Opening and closing. fopen modes: r w a, each with an optional + and
 * b, and the glibc letters x (O_EXCL) and e (O_CLOEXEC). Return the
 * stream or NULL + errno (EINVAL for a bad mode, ENOMEM, or open's).
 */
FILE *fopen(const char *restrict path, const char *restrict mode);
/* A stream over an open fd; the mode must fit the fd's access mode. */
FILE *fdopen(int fd, const char *mode);
/* Reopens f on path (NULL: only changes the mode, EBADF if it cannot);
 * on failure f is closed and NULL returned. */
FILE *freopen(const char *restrict path, const char *restrict mode,
	      FILE *restrict f);
/* Flushes, closes the fd and frees f. Returns 0 or EOF + errno. */
int fclose(FILE *f);
/* Writes out buffered output (NULL: of every stream); drops the read
 * buffer of an input stream, moving the fd back. 0 or EOF + errno. */
int fflush(FILE *f);
/* Buffering: mode _IOFBF, _IOLBF or _IONBF; buf (size bytes, or NULL for
 * one from malloc). Only before the first I/O. 0, or nonzero for a bad
 * mode. */
int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size);
void setbuf(FILE *restrict f, char *restrict buf);
void setbuffer(FILE *restrict f, char *restrict buf, size_t size);
void setlinebuf(FILE *f);
/* A new stream over an anonymous temporary file, "w+"; NULL + errno. */
FILE *tmpfile(void);
/* Streams over memory: fmemopen reads/writes buf (size bytes; NULL buf:
 * an internal one); open_memstream grows a malloc()ed buffer published
 * in *bufp and *sizep at each fflush and fclose. NULL + errno. */
FILE *fmemopen(void *restrict buf, size_t size, const char *restrict mode);
FILE *open_memstream(char **bufp, size_t *sizep);

/* Direct I/O: return the number of whole items moved; fewer on end of
 * file or error (see feof/ferror). */
size_t fread(void *restrict ptr, size_t size, size_t n, FILE *restrict f);
size_t fwrite(const void *restrict ptr, size_t size, size_t n,
	      FILE *restrict f);
size_t fread_unlocked(void *restrict ptr, size_t size, size_t n,
		      FILE *restrict f);
size_t fwrite_unlocked(const void *restrict ptr, size_t size, size_t n,
		       FILE *restrict f);

/* Characters: return the byte as unsigned char, or EOF. */
int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
int getc_unlocked(FILE *f);
int getchar_unlocked(void);
int fgetc_unlocked(FILE *f);
/* Pushes c back (at least 4 bytes deep); clears EOF. Returns c or EOF. */
int ungetc(int c, FILE *f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int putc_unlocked(int c, FILE *f);
int putchar_unlocked(int c);
int fputc_unlocked(int c, FILE *f);

/* Lines. fgets reads at most n-1 bytes up to a newline; returns s, or
 * NULL at end of file with nothing read or on error. */
char *fgets(char *restrict s, int n, FILE *restrict f);
/* Write s (puts adds a newline). Return a nonnegative value or EOF. */
int fputs(const char *restrict s, FILE *restrict f);
int puts(const char *s);
/* Reads a line (up to and including delim) into *lineptr, grown with
 * realloc (*n its size). Returns its length, or -1 at end of file or on
 * error (EINVAL for NULL pointers, ENOMEM). */
ssize_t getdelim(char **restrict lineptr, size_t *restrict n, int delim,
		 FILE *restrict f);
ssize_t getline(char **restrict lineptr, size_t *restrict n,
		FILE *restrict f);

/* Formatted output. Return the number of bytes written, or a negative
 * value on error. dprintf writes to an fd, unbuffered. */
int printf(const char *restrict fmt, ...) __libc_printf(1, 2);
int vprintf(const char *restrict fmt, va_list ap) __libc_printf(1, 0);
int fprintf(FILE *restrict f, const char *restrict fmt, ...)
	__libc_printf(2, 3);
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
	__libc_printf(2, 0);
int dprintf(int fd, const char *restrict fmt, ...) __libc_printf(2, 3);
int vdprintf(int fd, const char *restrict fmt, va_list ap)
	__libc_printf(2, 0);
int sprintf(char *restrict buf, const char *restrict fmt, ...)
	__libc_printf(2, 3);
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
	__libc_printf(2, 0);
/* Return the length the whole output would have had. */
int snprintf(char *restrict buf, size_t n, const char *restrict fmt, ...)
	__libc_printf(3, 4);
int vsnprintf(char *restrict buf, size_t n, const char *restrict fmt,
	      va_list ap) __libc_printf(3, 0);
/* Print into a buffer from malloc(), stored in *strp; -1 on failure. */
int asprintf(char **restrict strp, const char *restrict fmt, ...)
	__libc_printf(2, 3);
int vasprintf(char **restrict strp, const char *restrict fmt, va_list ap)
	__libc_printf(2, 0);

/* Positioning. fseek returns 0 or -1 + errno (EINVAL, ESPIPE, EBADF);
 * it clears EOF and drops pushed-back bytes. ftell returns the position
 * or -1 + errno. */
int fseek(FILE *f, long off, int whence);
int fseeko(FILE *f, off_t off, int whence);
long ftell(FILE *f);
off_t ftello(FILE *f);
void rewind(FILE *f);
int fgetpos(FILE *restrict f, fpos_t *restrict pos);
int fsetpos(FILE *f, const fpos_t *pos);

/* Stream state. */
int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);
int fileno(FILE *f);
int feof_unlocked(FILE *f);
int ferror_unlocked(FILE *f);
void clearerr_unlocked(FILE *f);
int fileno_unlocked(FILE *f);

/* The stream's lock (recursive): stdio calls take it, the *_unlocked
 * ones do not. ftrylockfile returns 0 if it got the lock. */
void flockfile(FILE *f);
void funlockfile(FILE *f);
int ftrylockfile(FILE *f);

/* Writes "s: strerror(errno)" (or only the message for NULL or "") and a
 * newline to stderr. */
void perror(const char *s);
/* Removes a file or an empty directory. 0 or -1 + errno. */
int remove(const char *path);
/* rename(2) (core/vfs). */
int rename(const char *oldpath, const char *newpath);
int renameat(int olddirfd, const char *oldpath, int newdirfd,
	     const char *newpath);
int renameat2(int olddirfd, const char *oldpath, int newdirfd,
	      const char *newpath, unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* _STDIO_H */
