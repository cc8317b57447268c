/*
 * Named pipes (mkfifo): opening rules, data, end of file, unlink while
 * open. Runs on Linux first (the reference), then on Amphi.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../posix-check.h"

#define DIR	"/tmp/amphi-posix-fifo"
#define FIFO	DIR "/f"
#define BIG	(100 * 1024)

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

static void *big_writer(void *arg)
{
	static unsigned char buf[BIG];
	size_t i;
	int fd;

	(void)arg;
	for (i = 0; i < BIG; i++)
		buf[i] = pattern(i);
	fd = open(FIFO, O_WRONLY);	/* waits for the reader */
	if (fd < 0)
		return (void *)1;
	if (write(fd, buf, BIG) != BIG)
		return (void *)2;
	close(fd);
	return NULL;
}

static void test_blocking_opens_meet(void)
{
	static unsigned char buf[BIG];
	pthread_t t;
	size_t got = 0, i, bad = 0;
	void *ret = (void *)9;
	ssize_t n;
	int fd;

	CHECK(pthread_create(&t, NULL, big_writer, NULL) == 0);
	fd = open(FIFO, O_RDONLY);	/* waits for the writer */
	CHECK(fd >= 0);
	while ((n = read(fd, buf + got, BIG - got)) > 0)
		got += n;
	CHECK(n == 0);
	CHECK(got == BIG);
	for (i = 0; i < got; i++)
		bad += buf[i] != pattern(i);
	CHECK(bad == 0);
	CHECK(pthread_join(t, &ret) == 0);
	CHECK(ret == NULL);
	close(fd);
}

static void test_nonblocking_opens(void)
{
	char buf[16];
	struct stat st;
	int rd, wr;

	errno = 0;
	CHECK(open(FIFO, O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO);
	rd = open(FIFO, O_RDONLY | O_NONBLOCK);
	CHECK(rd >= 0);
	/* No writer has come yet: a read finds nothing, and says EOF. */
	CHECK(read(rd, buf, sizeof(buf)) == 0);
	wr = open(FIFO, O_WRONLY | O_NONBLOCK);
	CHECK(wr >= 0);
	CHECK(fstat(wr, &st) == 0 && S_ISFIFO(st.st_mode));
	errno = 0;
	CHECK(lseek(wr, 0, SEEK_SET) == -1 && errno == ESPIPE);
	errno = 0;
	CHECK(read(rd, buf, sizeof(buf)) == -1 && errno == EAGAIN);
	CHECK(write(wr, "hello", 5) == 5);
	CHECK(read(rd, buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5));
	CHECK(close(wr) == 0);
	CHECK(read(rd, buf, sizeof(buf)) == 0);
	close(rd);
}

static void test_unlink_while_open(void)
{
	char buf[8];
	int rd, wr;

	rd = open(FIFO, O_RDONLY | O_NONBLOCK);
	wr = open(FIFO, O_WRONLY | O_NONBLOCK);
	CHECK(rd >= 0 && wr >= 0);
	CHECK(unlink(FIFO) == 0);
	errno = 0;
	CHECK(open(FIFO, O_RDONLY | O_NONBLOCK) == -1 && errno == ENOENT);
	CHECK(write(wr, "abc", 3) == 3);
	CHECK(read(rd, buf, sizeof(buf)) == 3 && !memcmp(buf, "abc", 3));
	close(wr);
	close(rd);
}

int main(void)
{
	struct stat st;

	mkdir("/tmp", 01777);
	unlink(FIFO);
	rmdir(DIR);
	CHECK(mkdir(DIR, 0700) == 0);
	CHECK(mkfifo(FIFO, 0640) == 0);
	CHECK(stat(FIFO, &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK(st.st_size == 0);
	errno = 0;
	CHECK(mkfifo(FIFO, 0600) == -1 && errno == EEXIST);
	errno = 0;
	CHECK(mkfifo(DIR "/nodir/f", 0600) == -1 && errno == ENOENT);

	test_nonblocking_opens();
	test_blocking_opens_meet();
	test_blocking_opens_meet();	/* a FIFO is reusable */
	test_unlink_while_open();
	CHECK(rmdir(DIR) == 0);
	return posix_check_summary();
}
