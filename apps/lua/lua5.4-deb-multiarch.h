/*
 * Debian's patch of luaconf.h includes this header, which Debian's build
 * writes; it names the folder of C modules (package.cpath). Amphi images
 * load no shared objects, so the name is only printed, never used.
 */
#ifndef LUA_DEB_MULTIARCH_H
#define LUA_DEB_MULTIARCH_H
#define DEB_HOST_MULTIARCH "amphi"
#endif
