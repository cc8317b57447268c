#!/usr/bin/env python3
"""Loaded Linux executables (core/elf) against the host running the same
file: a no-op system call (getppid through the syscall instruction)
beside a native Amphi app's getppid (a plain call; the syscallbench
image), busybox sha256sum of a 64 MiB file, start-up of busybox true
(spawn to exit). Medians of RUNS; prints "key value" lines and ratios.

  bench_elf.py [--qemu RUNNER] [--native SYSCALLBENCH] [--runs N]
               ELF_IMAGE GETPPID_BINARY BUSYBOX

With --qemu the images boot through RUNNER (tools/qemu-run.py; KVM or
TCG as it picks and says); busybox-static, a fixed-address executable,
runs there too.
"""
import argparse
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


def native_getppid(argv):
    """The syscallbench image's getppid figure (ns per call)."""
    res = subprocess.run(argv, stdout=subprocess.PIPE, text=True,
                         check=True)
    for line in res.stdout.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == 'getppid':
            return float(f[1])
    raise SystemExit('no getppid figure in: ' + res.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--qemu')
    ap.add_argument('--native')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('image')
    ap.add_argument('getppid')
    ap.add_argument('busybox')
    a = ap.parse_args()
    runs, metal = a.runs, bool(a.qemu)
    boot = [sys.executable, a.qemu] if metal else []

    def amphi(cpio, mem=None, image=a.image):
        opts = ['-q'] + (['-m', mem] if mem else []) + \
            (['--initrd', cpio] if cpio else [])
        if metal:
            return boot + opts + [image, '--']
        return [image] + opts + ['--']

    with tempfile.TemporaryDirectory(prefix='amphi-bench-elf-') as tmp:
        small = initrd(tmp, 'small', [(a.getppid, 'bin/getppid'),
                                      (a.busybox, 'bin/busybox')])
        rows = []
        host = [per_call(timed([a.getppid, '200000'])[1])
                for _ in range(runs)]
        guest = [per_call(timed(amphi(small) + ['/bin/getppid',
                                                '200000'])[1])
                 for _ in range(runs)]
        rows.append(('getppid_ns', host, guest))
        if a.native:
            # syscallbench's argument scales its counts (200000 calls).
            native = [native_getppid(amphi(None, image=a.native) +
                                     ['1'])
                      for _ in range(runs)]
            rows.append(('getppid_native_app_ns', host, native))
        data = os.path.join(tmp, 'data')
        with open(data, 'wb') as f:
            f.write(os.urandom(64 << 20))
        big = initrd(tmp, 'big', [(a.busybox, 'bin/busybox'),
                                  (data, 'data')])
        host = [timed([a.busybox, 'sha256sum', data])[0]
                for _ in range(runs)]
        # Metal: the initrd (64 MiB) is unpacked into ramfs.
        guest = [timed(amphi(big, '512M' if metal else '256M') +
                       ['/bin/busybox', 'sha256sum', '/data'])[0]
                 for _ in range(runs)]
        rows.append(('sha256sum_64MiB_s', host, guest))
        host = [timed([a.busybox, 'true'])[0] * 1e3
                for _ in range(runs)]
        guest = [timed(amphi(small) + ['/bin/busybox', 'true'])[0] *
                 1e3 for _ in range(runs)]
        rows.append(('busybox_true_ms', host, guest))
    for key, h, g in rows:
        mh, mg = statistics.median(h), statistics.median(g)
        print('%s host %.4g amphi %.4g ratio %.2f' % (key, mh, mg, mg / mh))


if __name__ == '__main__':
    main()
