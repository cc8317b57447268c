#!/usr/bin/env python3
"""Run a POSIX behaviour test on Linux (reference) and on Amphi.

  run-both.py [--amphi-arg=OPT]... HOST_EXE AMPHI_IMAGE [ARGS...]

Both must exit 0 and print the same output (the Amphi image runs with -q,
no banner, plus each --amphi-arg, e.g. --amphi-arg=-smp --amphi-arg=4).
Linux runs first: if the reference fails, the test is wrong.
"""
import subprocess
import sys


def run(cmd):
    res = subprocess.run(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=120,
                         stdin=subprocess.DEVNULL)
    return res.returncode, res.stdout


def main():
    argv = sys.argv[1:]
    image_opts = []
    while argv and argv[0].startswith('--amphi-arg='):
        image_opts.append(argv.pop(0)[len('--amphi-arg='):])
    host, image, args = argv[0], argv[1], argv[2:]
    hrc, hout = run([host] + args)
    print('--- Linux (exit %d)\n%s' % (hrc, hout))
    if hrc != 0:
        sys.exit('the test fails on Linux: fix the test first')
    arc, aout = run([image, '-q'] + image_opts + ['--'] + args)
    print('--- Amphi (exit %d)\n%s' % (arc, aout))
    if arc != hrc:
        sys.exit('exit status differs: Linux %d, Amphi %d' % (hrc, arc))
    if aout != hout:
        sys.exit('output differs between Linux and Amphi')
    print('same behaviour on Linux and Amphi')


if __name__ == '__main__':
    main()
