#!/usr/bin/env python3
"""Run a kernel image and check what it did, from the outside.

  expect.py [--status N | --nonzero] [--match RE]... [--absent RE]...
            [--valgrind SUPP] -- IMAGE [ARGS...]

--status N: the exit status must be N (default 0); --nonzero: any but 0.
A program that a signal ends has status 128 + the signal, as a shell
shows it (the Linux reference of a test that ends by a signal).
--match RE: stdout+stderr must match RE (Python regex, MULTILINE).
--absent RE: ... must not match RE.
--valgrind SUPP: run under memcheck (with the flags the fault path needs);
valgrind exits 99 on an error or a leak, and with the expected status 0
the summary must say 0 errors.
On failure prints the output and what was wrong, exits 1.
"""
import argparse
import os
import re
import subprocess
import sys

# The same memcheck flags './amphi valgrind' uses.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'tools'))
from amphi import VALGRIND_FLAGS  # noqa: E402

VALGRIND = ['valgrind'] + VALGRIND_FLAGS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--status', type=int, default=0)
    ap.add_argument('--nonzero', action='store_true')
    ap.add_argument('--match', action='append', default=[])
    ap.add_argument('--absent', action='append', default=[])
    ap.add_argument('--valgrind')
    ap.add_argument('--timeout', type=float, default=60)
    ap.add_argument('--stdin', help='text fed to standard input')
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == '--' else args.cmd
    if args.valgrind:
        cmd = VALGRIND + ['--suppressions=' + args.valgrind] + cmd
    res = subprocess.run(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True,
                         timeout=args.timeout,
                         **({'input': args.stdin} if args.stdin is not None
                            else {'stdin': subprocess.DEVNULL}))
    out = res.stdout
    status = res.returncode if res.returncode >= 0 else 128 - res.returncode
    problems = []
    if args.nonzero and status == 0:
        problems.append('exit status 0, expected non-zero')
    elif not args.nonzero and status != args.status:
        problems.append('exit status %d, expected %d' %
                        (status, args.status))
    for rx in args.match:
        if not re.search(rx, out, re.MULTILINE):
            problems.append('output does not match: ' + rx)
    for rx in args.absent:
        if re.search(rx, out, re.MULTILINE):
            problems.append('output matches (it must not): ' + rx)
    if args.valgrind and args.status == 0 and not args.nonzero:
        if not re.search(r'ERROR SUMMARY: 0 errors', out):
            problems.append('valgrind reported errors')
    print(out)
    if problems:
        print('FAILED: ' + ' '.join(cmd))
        for p in problems:
            print('  - ' + p)
        sys.exit(1)
    print('ok: ' + ' '.join(cmd))


if __name__ == '__main__':
    main()
