#!/usr/bin/env python3
"""Run the system-call fuzzer image (test/fuzz/syscalls) for some seeds.

  syscalls.py [--runner QEMU_RUN] [-n CALLS] [--seeds FIRST:COUNT] IMAGE

Each seed is one boot. Passes if every boot ends with status 0 and the
fuzzer's "kernel alive" line; a failed seed prints the command that
replays it (add -v, or -k syscall.trace=1, to see each call).
"""
import argparse
import re
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runner')
    ap.add_argument('-n', type=int, default=10000)
    ap.add_argument('--seeds', default='1:1')
    ap.add_argument('--timeout', type=int, default=300)
    ap.add_argument('image')
    args = ap.parse_args()
    first, count = (int(x) for x in args.seeds.split(':'))
    failed = []
    for seed in range(first, first + count):
        opts = ['-q', '-m', '256M']
        app = ['--', '-n', str(args.n), '-s', str(seed)]
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
        want = r'fuzz-syscalls: seed %d: %d calls .*kernel alive' % (
            seed, args.n)
        if status != 0 or not re.search(want, out):
            print(out[-6000:])
            print('FAIL: seed %d: status %s; replay: %s' %
                  (seed, status, ' '.join(cmd)))
            failed.append(seed)
        else:
            line = re.search(want, out).group(0)
            print('%s (%.1f s)' % (line, secs))
    if failed:
        sys.exit('FAIL: seeds %s' % ' '.join(map(str, failed)))
    print('passed')


if __name__ == '__main__':
    main()
