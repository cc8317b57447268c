/* Oniguruma's src/config.h (its [libonig] in app.ini): what its configure
 * finds on Linux (Debian 12, LP64) for the names its code tests; jq's own
 * code includes no config.h. */
#define PACKAGE "onig"
#define VERSION "6.9.8"
#define STDC_HEADERS 1
#define HAVE_STDINT_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_SYS_TIMES_H 1
#define HAVE_UNISTD_H 1
#define HAVE_ALLOCA 1
#define HAVE_ALLOCA_H 1
#define SIZEOF_INT 4
#define SIZEOF_LONG 8
#define SIZEOF_LONG_LONG 8
#define SIZEOF_VOIDP 8
