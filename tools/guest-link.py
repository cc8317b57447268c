#!/usr/bin/env python3
"""Link guest objects (core, libc, hal/ shared code, app) into one object.

  guest-link.py --cc CC --objcopy OBJCOPY --nm NM --readelf READELF \
      --lds SCRIPT [--exports LIST --imports-from HOSTLIB ...] \
      [--prefix PFX] -o OUT ARCHIVE...

Steps: a relocatable link of every archive (whole) with libgcc, then the
rules of the guest/host split are checked:

  * no guest object may use thread-local storage (it would live in the
    host's TLS in sim, and there is none on metal);
  * every symbol the guest leaves undefined must be provided by the
    backend (--imports-from); anything else would silently bind to the
    host's C library in sim;
  * with --exports, every symbol but the listed HAL-facing entry points is
    made local, so guest memcpy/malloc/printf never meet glibc's.

With --prefix (host unit tests), every symbol is renamed PFX+name instead,
so a test can call the guest's snprintf next to glibc's.
"""
import argparse
import os
import subprocess
import sys
import tempfile

# Names the final link itself provides.
LINKER_PROVIDED = {'_GLOBAL_OFFSET_TABLE_', '__ehdr_start', '_DYNAMIC'}


def run(cmd):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        sys.exit('guest-link: command failed: ' + ' '.join(cmd))
    return res.stdout


def symbols(nm, path, *flags):
    """Set of symbol names nm lists for PATH with FLAGS."""
    out = run([nm, '--format=posix', *flags, path])
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 2 and not fields[0].endswith(':'):
            names.add(fields[0])
    return names


def check_no_tls(readelf, path, archives):
    out = run([readelf, '-SW', path])
    tls = [l.split()[1] for l in out.splitlines()
           if '] ' in l and ' T' in l.split(']', 1)[1][-12:]]
    syms = run([readelf, '-sW', path])
    tls_syms = [l.split()[-1] for l in syms.splitlines() if ' TLS ' in l]
    if not tls and not tls_syms:
        return
    culprits = []
    for a in archives:
        if ' TLS ' in run([readelf, '-sW', a]):
            culprits.append(os.path.basename(a))
    sys.exit('guest-link: guest code must not use thread-local storage '
             '(__thread / _Thread_local): sections %s symbols %s in %s' %
             (tls, tls_syms, ', '.join(culprits) or path))


def check_imports(nm, path, hostlibs):
    undef = symbols(nm, path, '-u')
    provided = set(LINKER_PROVIDED)
    for lib in hostlibs:
        provided |= symbols(nm, lib, '-g', '--defined-only')
    missing = sorted(undef - provided)
    if not missing:
        return
    msg = ['guest-link: guest code uses symbols that no guest library '
           'defines and the backend does not provide:']
    for name in missing:
        hint = ''
        if name == 'main':
            hint = '  (the app has no main function)'
        msg.append('  ' + name + hint)
    msg.append('In sim these would bind to the host C library; implement '
               'them in core/ or declare them in the HAL.')
    sys.exit('\n'.join(msg))


def read_list(path):
    with open(path) as f:
        return [l.split('#', 1)[0].strip() for l in f
                if l.split('#', 1)[0].strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cc', required=True)
    ap.add_argument('--objcopy', required=True)
    ap.add_argument('--nm', required=True)
    ap.add_argument('--readelf', required=True)
    ap.add_argument('--lds', required=True)
    ap.add_argument('--exports')
    ap.add_argument('--imports-from', action='append', default=[])
    ap.add_argument('--prefix')
    ap.add_argument('-o', dest='out', required=True)
    ap.add_argument('archives', nargs='+')
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        merged = os.path.join(tmp, 'guest-r.o')
        run([*args.cc.split(), '-nostdlib', '-r', '-Wl,-T,' + args.lds,
             '-o', merged, '-Wl,--whole-archive', *args.archives,
             '-Wl,--no-whole-archive', '-lgcc'])
        check_no_tls(args.readelf, merged, args.archives)
        if args.prefix:
            run([args.objcopy, '--prefix-symbols=' + args.prefix, merged,
                 args.out])
            return
        if args.imports_from:
            check_imports(args.nm, merged, args.imports_from)
        exports = read_list(args.exports) if args.exports else []
        defined = symbols(args.nm, merged, '-g', '--defined-only')
        absent = [e for e in exports if e not in defined]
        if absent:
            sys.exit('guest-link: HAL entry points not defined by the '
                     'guest: ' + ', '.join(absent))
        keep = os.path.join(tmp, 'keep.list')
        with open(keep, 'w') as f:
            f.write('\n'.join(exports) + '\n')
        run([args.objcopy, '--keep-global-symbols=' + keep, merged,
             args.out])
        leaked = symbols(args.nm, args.out, '-g', '--defined-only') - \
            set(exports)
        if leaked:
            sys.exit('guest-link: guest exports symbols outside the allowed '
                     'list: ' + ', '.join(sorted(leaked)))


if __name__ == '__main__':
    main()
