/* SPDX-License-Identifier: BSD-3-Clause */
/* Character classes of the C locale (C11 7.4): ASCII only; bytes 128-255
 * belong to no class. Arguments are EOF or an unsigned char value. */
#ifndef _CTYPE_H
#define _CTYPE_H

#ifdef __cplusplus
extern "C" {
#endif

int isalnum(int c);
int isalpha(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int tolower(int c);
int toupper(int c);
/* POSIX (obsolescent): is c a 7-bit value; c truncated to 7 bits. */
int isascii(int c);
int toascii(int c);

#ifdef __cplusplus
}
#endif

#endif /* _CTYPE_H */
