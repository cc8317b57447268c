/* SPDX-License-Identifier: BSD-3-Clause */
/* Terminal attributes (glibc's layout and Linux values); core/tty. */
#ifndef _TERMIOS_H
#define _TERMIOS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned char	cc_t;
typedef unsigned int	speed_t;
typedef unsigned int	tcflag_t;

#define NCCS	32

struct termios {
	tcflag_t c_iflag;
	tcflag_t c_oflag;
	tcflag_t c_cflag;
	tcflag_t c_lflag;
	cc_t c_line;
	cc_t c_cc[NCCS];
	speed_t c_ispeed;
	speed_t c_ospeed;
};

#define VINTR	0
#define VQUIT	1
#define VERASE	2
#define VKILL	3
#define VEOF	4
#define VTIME	5
#define VMIN	6

#define ICRNL	0000400
#define IXON	0002000
#define OPOST	0000001
#define ONLCR	0000004
#define CS8	0000060
#define CREAD	0000200
#define ISIG	0000001
#define ICANON	0000002
#define ECHO	0000010
#define ECHOE	0000020
#define ECHOK	0000040

#define B38400	0000017
#define B115200	0010002

#define TCSANOW		0
#define TCSADRAIN	1
#define TCSAFLUSH	2

/* Get / set fd's terminal attributes. Return 0 or -1 + errno (EBADF,
 * ENOTTY, EFAULT, EINVAL). Amphi's console keeps them but always reads
 * line by line. */
int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int when, const struct termios *t);

#ifdef __cplusplus
}
#endif

#endif /* _TERMIOS_H */
