#!/usr/bin/env python3
"""The system-call layer's costs on Amphi against the host's Linux.

  bench_syscall.py [--qemu RUNNER] [--scale X] [--runs N] IMAGE HOST

Runs app/main.c as the image IMAGE (in sim directly, on metal through
RUNNER, tools/qemu-run.py) with -smp 2 and as the Linux program HOST, N
times each (default 3), and prints per call the median of the runs'
medians in ns for both and their ratio (Amphi / Linux: below 1 is
faster). X scales the iteration counts (QEMU under TCG: 0.05). Never
fails on timing; exits non-zero only if a program fails.
"""
import argparse
import statistics
import subprocess
import sys

WHAT = [
    ('getppid', 'getppid (no-op call)'),
    ('write_devnull', 'write 1 B to /dev/null'),
    ('clock_gettime', 'clock_gettime(MONOTONIC)'),
    ('futex_wake', 'futex wake, no waiter'),
    ('create_join', 'pthread_create + join'),
    ('mutex', 'mutex lock+unlock'),
    ('mutex_contended', 'mutex, 2 threads contend'),
    ('malloc_free', 'malloc+free 16..4096 B'),
]


def figures(argv):
    res = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.exit('bench_syscall: %s failed (%d)' % (argv[0],
                                                    res.returncode))
    out = {}
    for line in res.stdout.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] in dict(WHAT):
            out[f[0]] = float(f[1])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--qemu')
    ap.add_argument('--scale', default='1')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('image')
    ap.add_argument('host')
    a = ap.parse_args()
    image = [a.image, '-q', '-smp', '2', '--', a.scale]
    where = 'sim'
    if a.qemu:
        image = [sys.executable, a.qemu, '-q', '-smp', '2', a.image,
                 '--', a.scale]
        where = 'QEMU'
    am, host = {}, {}
    for _ in range(a.runs):
        for k, v in figures(image).items():
            am.setdefault(k, []).append(v)
        for k, v in figures([a.host, a.scale]).items():
            host.setdefault(k, []).append(v)
    print('%-28s %12s %12s %9s' % ('ns per call (median of %d)' % a.runs,
                                   'Amphi ' + where, 'Linux', 'ratio'))
    for key, what in WHAT:
        if key not in am or key not in host:
            print('%-28s %12s' % (what, 'missing'))
            continue
        x, h = statistics.median(am[key]), statistics.median(host[key])
        print('%-28s %12.1f %12.1f %8.3fx' % (what, x, h,
                                               x / h if h > 0 else 0))


if __name__ == '__main__':
    main()
