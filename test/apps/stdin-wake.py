#!/usr/bin/env python3
"""A read blocked on a pipe's input wakes when a line comes, and the
machine ends cleanly.

  stdin-wake.py [--valgrind SUPP] [--lines N] IMAGE

Runs the cat app (`-r`: it reports each read's size on stderr) with
stdin a pipe and writes one line at a time, each once the read of the
one before has been reported: cat then waits in read (in sim the input
thread waits for the host fd) and must return the line alone. Then the
pipe closes: the read returns 0, cat ends with status 0. Under
memcheck (--valgrind) no error and nothing in use at exit.
"""
import argparse
import os
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'tools'))
from amphi import VALGRIND_FLAGS  # noqa: E402

TIMEOUT = 120


def wait_for(proc, out, text):
    """Reads proc's output into out (a bytearray) until text is there."""
    end = time.monotonic() + TIMEOUT
    while text not in out:
        left = end - time.monotonic()
        r, _, _ = select.select([proc.stdout], [], [], max(left, 0))
        chunk = os.read(proc.stdout.fileno(), 65536) if r else b''
        if not chunk:
            raise AssertionError('no %r in: %r' % (text, bytes(out)))
        out += chunk


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--valgrind')
    ap.add_argument('--lines', type=int, default=5)
    ap.add_argument('image')
    args = ap.parse_args()
    cmd = [args.image, '-q', '--', '-r']
    if args.valgrind:
        cmd = ['valgrind'] + VALGRIND_FLAGS + \
            ['--suppressions=' + args.valgrind] + cmd
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = bytearray()
    try:
        for i in range(args.lines):
            line = b'line %d\n' % i
            proc.stdin.write(line)
            proc.stdin.flush()
            # Its own read: the size of this line alone, then the line.
            wait_for(proc, out, b'read %d\n%s' % (len(line), line))
            # Let it block in the next read before the next line.
            time.sleep(0.05)
        proc.stdin.close()
        wait_for(proc, out, b'read 0\n')
        out += proc.stdout.read()
        proc.wait(timeout=TIMEOUT)
        if proc.returncode != 0:
            raise AssertionError('status %d' % proc.returncode)
        if args.valgrind:
            for want in (b'ERROR SUMMARY: 0 errors',
                         b'in use at exit: 0 bytes in 0 blocks'):
                if want not in out:
                    raise AssertionError('no %r' % want)
    except (AssertionError, subprocess.TimeoutExpired) as e:
        proc.kill()
        proc.wait()
        sys.stdout.write(out.decode(errors='replace'))
        print('FAIL: %s' % e)
        sys.exit(1)
    print('ok: %d lines, each read alone' % args.lines)


if __name__ == '__main__':
    main()
