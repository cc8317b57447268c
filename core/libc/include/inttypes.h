/* SPDX-License-Identifier: BSD-3-Clause */
/* Format macros and conversions of <stdint.h> types (C11 7.8), LP64. */
#ifndef _INTTYPES_H
#define _INTTYPES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct { intmax_t quot, rem; } imaxdiv_t;

intmax_t imaxabs(intmax_t i);
imaxdiv_t imaxdiv(intmax_t num, intmax_t den);
intmax_t strtoimax(const char *restrict s, char **restrict end, int base);
uintmax_t strtoumax(const char *restrict s, char **restrict end, int base);

#ifdef __cplusplus
}
#endif

#define __PRI64		"l"
#define __PRIPTR	"l"

#define PRId8		"d"
#define PRId16		"d"
#define PRId32		"d"
#define PRId64		__PRI64 "d"
#define PRIdLEAST8	"d"
#define PRIdLEAST16	"d"
#define PRIdLEAST32	"d"
#define PRIdLEAST64	__PRI64 "d"
#define PRIdFAST8	"d"
#define PRIdFAST16	__PRIPTR "d"
#define PRIdFAST32	__PRIPTR "d"
#define PRIdFAST64	__PRI64 "d"
#define PRIdMAX		"jd"
#define PRIdPTR		__PRIPTR "d"

#define PRIi8		"i"
#define PRIi16		"i"
#define PRIi32		"i"
#define PRIi64		__PRI64 "i"
#define PRIiLEAST8	"i"
#define PRIiLEAST16	"i"
#define PRIiLEAST32	"i"
#define PRIiLEAST64	__PRI64 "i"
#define PRIiFAST8	"i"
#define PRIiFAST16	__PRIPTR "i"
#define PRIiFAST32	__PRIPTR "i"
#define PRIiFAST64	__PRI64 "i"
#define PRIiMAX		"ji"
#define PRIiPTR		__PRIPTR "i"

#define PRIo8		"o"
#define PRIo16		"o"
#define PRIo32		"o"
#define PRIo64		__PRI64 "o"
#define PRIoLEAST8	"o"
#define PRIoLEAST16	"o"
#define PRIoLEAST32	"o"
#define PRIoLEAST64	__PRI64 "o"
#define PRIoFAST8	"o"
#define PRIoFAST16	__PRIPTR "o"
#define PRIoFAST32	__PRIPTR "o"
#define PRIoFAST64	__PRI64 "o"
#define PRIoMAX		"jo"
#define PRIoPTR		__PRIPTR "o"

#define PRIu8		"u"
#define PRIu16		"u"
#define PRIu32		"u"
#define PRIu64		__PRI64 "u"
#define PRIuLEAST8	"u"
#define PRIuLEAST16	"u"
#define PRIuLEAST32	"u"
#define PRIuLEAST64	__PRI64 "u"
#define PRIuFAST8	"u"
#define PRIuFAST16	__PRIPTR "u"
#define PRIuFAST32	__PRIPTR "u"
#define PRIuFAST64	__PRI64 "u"
#define PRIuMAX		"ju"
#define PRIuPTR		__PRIPTR "u"

#define PRIx8		"x"
#define PRIx16		"x"
#define PRIx32		"x"
#define PRIx64		__PRI64 "x"
#define PRIxLEAST8	"x"
#define PRIxLEAST16	"x"
#define PRIxLEAST32	"x"
#define PRIxLEAST64	__PRI64 "x"
#define PRIxFAST8	"x"
#define PRIxFAST16	__PRIPTR "x"
#define PRIxFAST32	__PRIPTR "x"
#define PRIxFAST64	__PRI64 "x"
#define PRIxMAX		"jx"
#define PRIxPTR		__PRIPTR "x"

#define PRIX8		"X"
#define PRIX16		"X"
#define PRIX32		"X"
#define PRIX64		__PRI64 "X"
#define PRIXLEAST8	"X"
#define PRIXLEAST16	"X"
#define PRIXLEAST32	"X"
#define PRIXLEAST64	__PRI64 "X"
#define PRIXFAST8	"X"
#define PRIXFAST16	__PRIPTR "X"
#define PRIXFAST32	__PRIPTR "X"
#define PRIXFAST64	__PRI64 "X"
#define PRIXMAX		"jX"
#define PRIXPTR		__PRIPTR "X"

/* scanf counterparts, for when scanf arrives. */
#define SCNd8		"hhd"
#define SCNd16		"hd"
#define SCNd32		"d"
#define SCNd64		__PRI64 "d"
#define SCNdMAX		"jd"
#define SCNdPTR		__PRIPTR "d"
#define SCNi8		"hhi"
#define SCNi16		"hi"
#define SCNi32		"i"
#define SCNi64		__PRI64 "i"
#define SCNiMAX		"ji"
#define SCNiPTR		__PRIPTR "i"
#define SCNo8		"hho"
#define SCNo16		"ho"
#define SCNo32		"o"
#define SCNo64		__PRI64 "o"
#define SCNoMAX		"jo"
#define SCNoPTR		__PRIPTR "o"
#define SCNu8		"hhu"
#define SCNu16		"hu"
#define SCNu32		"u"
#define SCNu64		__PRI64 "u"
#define SCNuMAX		"ju"
#define SCNuPTR		__PRIPTR "u"
#define SCNx8		"hhx"
#define SCNx16		"hx"
#define SCNx32		"x"
#define SCNx64		__PRI64 "x"
#define SCNxMAX		"jx"
#define SCNxPTR		__PRIPTR "x"

#endif /* _INTTYPES_H */
