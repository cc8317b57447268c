#!/usr/bin/env python3
"""Builds an app's Linux reference with musl instead of glibc.

  musl_build.py MUSL_GCC OUT [FLAG...] {--flags [FLAG...] --sources FILE...}

Compiles the .c FILEs of each group with MUSL_GCC, the common FLAGs and
the group's (through ccache when it is there, as meson does), then
links them statically into OUT with libm and threads. Files that are
not .c (generated headers) are there only to be built first. The
benchmark's third column (bench_ports.py): the same source and flags as
NAME-linux, glibc swapped for the C library the apps use on Amphi.
"""
import os
import shutil
import subprocess
import sys


def groups(argv):
    """[(flags, sources)] of the --flags ... --sources ... groups."""
    out = []
    while argv:
        if argv[0] != '--flags' or '--sources' not in argv:
            sys.exit(__doc__)
        mid = argv.index('--sources')
        end = argv.index('--flags', mid) if '--flags' in argv[mid:] \
            else len(argv)
        out.append((argv[1:mid], argv[mid + 1:end]))
        argv = argv[end:]
    return out


def main():
    argv = sys.argv[1:]
    if len(argv) < 2 or '--flags' not in argv:
        sys.exit(__doc__)
    cc, out = argv[0], argv[1]
    first = argv.index('--flags')
    common = argv[2:first]
    cc = ([shutil.which('ccache')] if shutil.which('ccache') else []) + [cc]
    objdir = out + '.p'
    os.makedirs(objdir, exist_ok=True)
    objs = []
    for flags, sources in groups(argv[first:]):
        for src in (s for s in sources if s.endswith('.c')):
            # Sources of two folders may share a name (a main.c each).
            obj = os.path.join(objdir, '%d-%s.o' %
                               (len(objs), os.path.basename(src)))
            subprocess.run(cc + common + flags + ['-c', src, '-o', obj],
                           check=True)
            objs.append(obj)
    subprocess.run(cc[-1:] + ['-static', '-pthread', '-o', out] + objs +
                   ['-lm'], check=True)


if __name__ == '__main__':
    main()
