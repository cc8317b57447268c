#!/usr/bin/env python3
"""gdb on a metal image, as './amphi --platform arm64 gdb' runs it.

  gdb-metal.py GDB QEMU_RUN IMAGE [ARCH]

Starts IMAGE under tools/qemu-run.py waiting on QEMU's gdb stub, attaches
GDB (gdb-multiarch for arm64) with the image's symbols, breaks at main,
continues, prints the backtrace and lets the kernel finish. Passes if gdb
stopped in the app's main with main_entry (main's own stack) below it
and the app ran to its end with status 0.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), 'tools'))
from hostutil import free_port  # noqa: E402

TIMEOUT = 240


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    gdb, qemu_run, image = sys.argv[1:4]
    arch = sys.argv[4] if len(sys.argv) == 5 else None
    port = free_port()
    qemu = subprocess.Popen([sys.executable, qemu_run, '--gdb', str(port),
                             '-q', image, '--', 'x'],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    cmd = [gdb, '-q', '--batch', '-nx']
    if arch:
        cmd += ['-ex', 'set architecture ' + arch]
    cmd += ['-ex', 'set backtrace past-main on',
            '-ex', 'target remote 127.0.0.1:%d' % port,
            '-ex', 'break main', '-ex', 'continue', '-ex', 'bt',
            '-ex', 'continue', image]
    try:
        res = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             timeout=TIMEOUT)
        out, _ = qemu.communicate(timeout=TIMEOUT)
    finally:
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()
    out = out.decode(errors='replace')
    print(res.stdout)
    print(out)
    checks = [(res.stdout, r'Breakpoint 1, main \(argc'),
              (res.stdout, r'in main_entry .*core/boot/boot\.c'),
              (out, r'argv\[1\] = "x"')]
    bad = [rx for text, rx in checks if not re.search(rx, text)]
    if bad or qemu.returncode != 0:
        print('gdb-metal: missing %s; QEMU status %s' % (bad, qemu.returncode))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
