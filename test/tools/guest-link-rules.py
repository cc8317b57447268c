#!/usr/bin/env python3
"""The guest link enforces the guest/host split.

  guest-link-rules.py GUEST_LINK LDS CC

CC is the compiler's command, words separated by spaces (as guest-link.py
takes it: "ccache cc" where meson found ccache).

Builds tiny guest archives and checks that tools/guest-link.py
  * accepts thread-local storage (musl's TLS blocks hold it), but refuses
    the general-dynamic model's __tls_get_addr without a C library that
    defines it (it would bind to glibc's),
  * rejects a symbol neither the guest nor the backend defines,
  * makes every guest symbol local except the exported entry points.
"""
import os
import subprocess
import sys
import tempfile

GUEST_LINK, LDS, CC = sys.argv[1:4]
failures = []
passed = []


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kw)


def archive(tmp, name, code, flags=()):
    src = os.path.join(tmp, name + '.c')
    obj = os.path.join(tmp, name + '.o')
    lib = os.path.join(tmp, 'lib' + name + '.a')
    with open(src, 'w') as f:
        f.write(code)
    for cmd in (CC.split() + ['-c', '-O2', '-ffreestanding', '-fPIC',
                              *flags, src, '-o', obj],
                ['ar', 'rcs', lib, obj]):
        res = sh(cmd)
        if res.returncode:
            sys.exit(res.stdout)
    return lib


def link(tmp, libs, exports, host):
    exp = os.path.join(tmp, 'exports.list')
    with open(exp, 'w') as f:
        f.write('\n'.join(exports) + '\n')
    out = os.path.join(tmp, 'guest.o')
    res = sh([sys.executable, GUEST_LINK, '--cc', CC, '--objcopy', 'objcopy',
              '--nm', 'nm', '--readelf', 'readelf', '--lds', LDS,
              '--exports', exp, '--imports-from', host, '-o', out] + libs)
    return res, out


def expect(cond, what, detail=''):
    print(('ok   ' if cond else 'FAIL ') + what)
    (passed if cond else failures).append(what)
    if not cond:
        print(detail)


with tempfile.TemporaryDirectory() as tmp:
    host = archive(tmp, 'host', 'int host_service(int x) { return x; }\n')

    tls_code = '__thread int counter;\nint entry(void) { return ++counter; }\n'
    tls = archive(tmp, 'tls', tls_code, ['-ftls-model=local-exec'])
    res, out = link(tmp, [tls], ['entry'], host)
    expect(res.returncode == 0, 'guest TLS links', res.stdout)
    if res.returncode == 0:
        sections = sh(['readelf', '-S', '-W', out]).stdout
        expect('.tbss' in sections, 'its variables stay thread-local',
               sections)
    gd = archive(tmp, 'tlsgd', tls_code)
    res, _ = link(tmp, [gd], ['entry'], host)
    expect(res.returncode != 0 and '__tls_get_addr' in res.stdout,
           'general-dynamic TLS without a C library is refused '
           '(__tls_get_addr would bind to glibc)', res.stdout)

    undef = archive(tmp, 'undef', 'int strdup_like(const char *);\n'
                    'int entry(void) { return strdup_like("x"); }\n')
    res, _ = link(tmp, [undef], ['entry'], host)
    expect(res.returncode != 0 and 'strdup_like' in res.stdout,
           'a symbol nobody defines is refused (it would bind to glibc)',
           res.stdout)

    good = archive(tmp, 'good',
                   'int host_service(int);\n'
                   'void *memcpy(void *d, const void *s, unsigned long n)\n'
                   '{ char *a = d; const char *b = s;\n'
                   '  while (n--) *a++ = *b++; return d; }\n'
                   'int helper(int x) { return x + 1; }\n'
                   'int entry(int x) { return host_service(helper(x)); }\n')
    res, out = link(tmp, [good], ['entry'], host)
    expect(res.returncode == 0, 'a clean guest links', res.stdout)
    if res.returncode == 0:
        syms = sh(['nm', '--format=posix', out]).stdout.split('\n')
        kinds = {l.split()[0]: l.split()[1] for l in syms if l.strip()}
        expect(kinds.get('entry') == 'T', 'the entry point stays global',
               str(kinds))
        expect(kinds.get('memcpy') == 't' and kinds.get('helper') == 't',
               'guest memcpy and helpers become local', str(kinds))
        expect(kinds.get('host_service') == 'U',
               'the backend import stays undefined', str(kinds))

print('%d passed, %d failed' % (len(passed), len(failures)))
sys.exit(1 if failures else 0)
