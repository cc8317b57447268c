#!/usr/bin/env python3
"""Run the system-call fuzzer image (test/fuzz/syscalls) for some seeds.

  syscalls.py [--runner QEMU_RUN] [-m SIZE] [-n CALLS] [--seeds FIRST:COUNT]
              IMAGE
  syscalls.py [--runner QEMU_RUN] [-m SIZE] --inputs DIR IMAGE

Each seed is one boot, with SIZE of RAM (default 256M; "default": the
launcher's). Passes if every boot ends with status 0 and the
fuzzer's "kernel alive" line; a failed seed prints the command that
replays it (add -v, or -k syscall.trace=1, to see each call). With
--inputs, each file of DIR is one boot instead: an input of the
coverage-guided fuzzer (./amphi fuzz), replayed with -x.
"""
import os
import argparse
import re
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runner')
    ap.add_argument('-m', '--memory', default='256M')
    ap.add_argument('-n', type=int, default=10000)
    ap.add_argument('--seeds', default='1:1')
    ap.add_argument('--timeout', type=int, default=300)
    ap.add_argument('--inputs')
    ap.add_argument('image')
    args = ap.parse_args()
    first, count = (int(x) for x in args.seeds.split(':'))
    runs = [(seed, ['-n', str(args.n), '-s', str(seed)],
             r'fuzz-syscalls: seed %d: %d calls .*kernel alive' % (
                 seed, args.n))
            for seed in range(first, first + count)]
    if args.inputs:
        runs = []
        for name in sorted(os.listdir(args.inputs)):
            with open(os.path.join(args.inputs, name), 'rb') as f:
                data = f.read()
            runs.append((name, ['-x', data.hex()],
                         r'fuzz-syscalls: input of %d bytes: .*kernel '
                         'alive' % len(data)))
    failed = []
    for seed, app_args, want in runs:
        opts = ['-q']
        if args.memory != 'default':
            opts += ['-m', args.memory]
        app = ['--'] + app_args
        if args.runner:
            cmd = [sys.executable, args.runner] + opts + [args.image] + app
        else:
            cmd = [args.image] + opts + app
        t0 = time.monotonic()
        try:
            res = subprocess.run(cmd, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True,
                                 errors='replace', timeout=args.timeout)
            out, status = res.stdout, res.returncode
        except subprocess.TimeoutExpired as e:
            out = e.stdout or ''
            if isinstance(out, bytes):
                out = out.decode(errors='replace')
            status = 'timeout'
        secs = time.monotonic() - t0
        if status != 0 or not re.search(want, out):
            print(out[-6000:])
            print('FAIL: %s: status %s; replay: %s' %
                  (seed, status, ' '.join(cmd)))
            failed.append(seed)
        else:
            line = re.search(want, out).group(0)
            print('%s (%.1f s)' % (line, secs))
    if failed:
        sys.exit('FAIL: %s' % ' '.join(map(str, failed)))
    print('passed')


if __name__ == '__main__':
    main()
