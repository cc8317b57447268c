#!/usr/bin/env python3
"""Loaded Linux executables (core/elf) against the host running the same
file: a no-op system call (getppid through the syscall instruction),
busybox sha256sum of a 64 MiB file, start-up of busybox true (spawn to
exit). Medians of RUNS; prints "key value" lines and ratios.

  bench_elf.py ELF_IMAGE GETPPID_BINARY BUSYBOX [RUNS]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
MKCPIO = os.path.join(TOP, 'tools', 'mkcpio.py')


def initrd(tmp, name, files):
    root = os.path.join(tmp, name)
    os.makedirs(os.path.join(root, 'bin'), exist_ok=True)
    for src, dst in files:
        shutil.copy2(src, os.path.join(root, dst))
    out = os.path.join(tmp, name + '.cpio')
    subprocess.run([sys.executable, MKCPIO, root, out], check=True)
    return out


def timed(cmd, cwd=None):
    t = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, cwd=cwd, check=True)
    return time.perf_counter() - t, res.stdout.decode()


def per_call(out):
    for line in out.splitlines():
        if line.startswith('ns_per_call '):
            return float(line.split()[1])
    raise SystemExit('no ns_per_call in: ' + out)


def main():
    image, getppid, busybox = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    with tempfile.TemporaryDirectory(prefix='amphi-bench-elf-') as tmp:
        data = os.path.join(tmp, 'data')
        with open(data, 'wb') as f:
            f.write(os.urandom(64 << 20))
        small = initrd(tmp, 'small', [(getppid, 'bin/getppid'),
                                      (busybox, 'bin/busybox')])
        big = initrd(tmp, 'big', [(busybox, 'bin/busybox'),
                                  (data, 'data')])
        amphi = [image, '-q', '--initrd', small, '--']
        amphi_big = [image, '-q', '-m', '256M', '--initrd', big, '--']
        rows = []
        host = [per_call(timed([getppid, '200000'])[1])
                for _ in range(runs)]
        guest = [per_call(timed(amphi + ['/bin/getppid', '200000'])[1])
                 for _ in range(runs)]
        rows.append(('getppid_ns', host, guest))
        host = [timed([busybox, 'sha256sum', data])[0]
                for _ in range(runs)]
        guest = [timed(amphi_big + ['/bin/busybox', 'sha256sum',
                                    '/data'])[0]
                 for _ in range(runs)]
        rows.append(('sha256sum_64MiB_s', host, guest))
        host = [timed([busybox, 'true'])[0] * 1e3 for _ in range(runs)]
        guest = [timed(amphi + ['/bin/busybox', 'true'])[0] * 1e3
                 for _ in range(runs)]
        rows.append(('busybox_true_ms', host, guest))
    for key, h, g in rows:
        mh, mg = statistics.median(h), statistics.median(g)
        print('%s host %.4g amphi %.4g ratio %.2f' % (key, mh, mg, mg / mh))


if __name__ == '__main__':
    main()
