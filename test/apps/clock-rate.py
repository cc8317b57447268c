#!/usr/bin/env python3
"""Check that the guest's clocks follow the host's: boot the clocks app,
which prints CLOCK_MONOTONIC and CLOCK_REALTIME every INTERVAL ms, note
the host's monotonic time as each line arrives, and fit the guest's
clocks against it (least squares over the lines after the first, so a
line the host reads late moves the result little).

  clock-rate.py [--runner QEMU_RUN] [--lines N] [--interval MS]
                [--tolerance PERCENT] IMAGE

Fails if either guest clock runs faster or slower than the host's by
more than the tolerance (1 %), or if CLOCK_REALTIME is more than 2 s
away from the host's (the CMOS clock QEMU offers counts whole seconds).
"""
import argparse
import re
import subprocess
import sys
import time

LINE = re.compile(r'^clocks: (\d+) mono=(\d+) real=(\d+) cpu=(-?\d+)$')


def slope(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return sxy / sxx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runner')
    ap.add_argument('--lines', type=int, default=7)
    ap.add_argument('--interval', type=int, default=500)
    ap.add_argument('--tolerance', type=float, default=1.0)
    ap.add_argument('image')
    a = ap.parse_args()
    args = ['--', '-n', str(a.lines), '-i', str(a.interval)]
    if a.runner:
        cmd = [sys.executable, a.runner, '-q', a.image] + args
    else:
        cmd = [a.image, '-q'] + args
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    host, mono, real, wall = [], [], [], []
    out = []
    for line in proc.stdout:
        now, now_wall = time.monotonic(), time.time()
        out.append(line)
        m = LINE.match(line.strip())
        if not m:
            continue
        host.append(now)
        mono.append(int(m.group(2)) / 1e9)
        real.append(int(m.group(3)) / 1e9)
        wall.append(now_wall)
    rc = proc.wait()
    if rc != 0 or len(host) != a.lines + 1:
        sys.stdout.write(''.join(out))
        print('FAIL: exit status %d, %d lines of %d' %
              (rc, len(host), a.lines + 1))
        return 1
    # Line 0 follows the boot: the host may see it late.
    ok = True
    for name, ys in (('CLOCK_MONOTONIC', mono), ('CLOCK_REALTIME', real)):
        rate = slope(host[1:], ys[1:])
        off = abs(rate - 1) * 100
        verdict = 'ok' if off <= a.tolerance else 'FAIL'
        print('%s: %.4f s per host second (%.2f %% off, limit %.2f %%): %s'
              % (name, rate, off, a.tolerance, verdict))
        ok = ok and off <= a.tolerance
    gap = max(abs(r - w) for r, w in zip(real, wall))
    verdict = 'ok' if gap <= 2 else 'FAIL'
    print('CLOCK_REALTIME is %.3f s from the host\'s at most: %s'
          % (gap, verdict))
    return 0 if ok and gap <= 2 else 1


if __name__ == '__main__':
    sys.exit(main())
