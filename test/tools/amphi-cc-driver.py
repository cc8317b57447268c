#!/usr/bin/env python3
"""tools/amphi-cc as a build system sees it.

  amphi-cc-driver.py BUILD_DIR

Checks, on the sim build in BUILD_DIR, that amphi-cc
  * prints its manual (--help) and passes --version to gcc;
  * compiles with -c against musl's headers and links objects and a
    static library (ar, -L, -l) into an image that runs as the program:
    every argument is main's (also '-x' and '--'), the exit status is
    main's, kernel options come from $AMPHI_OPTIONS (./amphi run -k
    sets it, and gives a plain image file its options as arguments);
  * searches a library only for what the objects need (a second main in
    it is not an error) and lets the program define a kernel-internal
    name (timespec_to_ns);
  * refuses -shared, a -l with no static library and an undefined name,
    saying why, with a non-zero status.
"""
import os
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1])
CC = [os.path.join(TOP, 'tools', 'amphi-cc'), '--platform', 'sim',
      '--build-dir', BUILD]
failures = []


def sh(cmd, cwd, env=None):
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env)


def expect(what, ok, out=''):
    print('%s: %s' % ('ok' if ok else 'FAIL', what))
    if not ok:
        failures.append(what)
        print(out)


FILES = {
    'main.c': r'''
#include <stdio.h>
#include <string.h>
#include <math.h>
int twice(int);
long timespec_to_ns(long s) { return s * 1000; }   /* a kernel name */
int main(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		printf("[%s]", i ? argv[i] : "prog");
	printf(" %d %ld %.3f\n", twice(21), timespec_to_ns(2),
	       sqrt(2.0));
	return argc;
}
''',
    'twice.c': 'int twice(int x) { return 2 * x; }\n',
    'other.c': 'int main(void) { return 9; }\n',
    'undef.c': 'int nowhere(void);\nint main(void) { return nowhere(); }\n',
}


def main():
    with tempfile.TemporaryDirectory(prefix='amphi-cc-test-') as tmp:
        for name, text in FILES.items():
            with open(os.path.join(tmp, name), 'w') as f:
                f.write(text)
        res = sh(CC + ['--help'], tmp)
        expect('--help', res.returncode == 0 and 'SYNOPSIS' in res.stdout,
               res.stdout)
        res = sh(CC + ['--version'], tmp)
        expect('--version is gcc\'s', res.returncode == 0 and
               'Free Software Foundation' in res.stdout, res.stdout)
        os.mkdir(os.path.join(tmp, 'lib'))
        steps = [CC + ['-O2', '-c', 'main.c', '-o', 'main.o'],
                 CC + ['-O2', '-c', 'twice.c', '-o', 'twice.o'],
                 CC + ['-O2', '-c', 'other.c', '-o', 'other.o'],
                 ['ar', 'rcs', 'lib/libtw.a', 'twice.o', 'other.o'],
                 CC + ['-o', 'prog', 'main.o', '-Llib', '-ltw', '-lm',
                       '-lpthread', '-Wl,--as-needed']]
        for cmd in steps:
            res = sh(cmd, tmp)
            if res.returncode:
                expect(' '.join(cmd[3:]), False, res.stdout)
                return
        res = sh(['./prog', '-x', '--', 'a b'], tmp)
        expect('arguments and status', res.returncode == 4 and
               res.stdout == '[prog][-x][--][a b] 42 2000 1.414\n',
               res.stdout)
        env = dict(os.environ, AMPHI_OPTIONS='-k loglevel=3 -smp 2')
        res = sh(['./prog', 'x'], tmp, env)
        expect('$AMPHI_OPTIONS reaches the kernel',
               res.returncode == 2 and '[Info]' in res.stdout and
               '[prog][x] 42' in res.stdout, res.stdout)
        # ./amphi run passes its kernel options to either kind of image:
        # the program's through $AMPHI_OPTIONS, a plain image's on its
        # command line.
        amphi = [os.path.join(TOP, 'amphi'), '--build-dir', BUILD, 'run',
                 '-k', 'loglevel=3']
        res = sh(amphi + ['./prog', 'x'], tmp)
        expect('./amphi run -k, an amphi-cc program',
               res.returncode == 2 and '[Info]' in res.stdout and
               '[prog][x] 42' in res.stdout, res.stdout)
        res = sh(amphi + [os.path.join(BUILD, 'tools', 'hello')], tmp)
        expect('./amphi run -k, an image file',
               res.returncode == 0 and '[Info]' in res.stdout and
               'Hello from Amphi!' in res.stdout, res.stdout)
        res = sh(CC + ['-shared', '-o', 'x.so', 'twice.c'], tmp)
        expect('-shared refused', res.returncode == 1 and
               'no shared' in res.stdout, res.stdout)
        res = sh(CC + ['-o', 'y', 'main.c', 'twice.c', '-lnothere'], tmp)
        expect('-l without libNAME.a', res.returncode == 1 and
               'libnothere.a' in res.stdout, res.stdout)
        res = sh(CC + ['-o', 'z', 'undef.c'], tmp)
        expect('an undefined name', res.returncode != 0 and
               'nowhere' in res.stdout, res.stdout)
    if failures:
        sys.exit('%d failed' % len(failures))


if __name__ == '__main__':
    main()
