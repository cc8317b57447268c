#!/usr/bin/env python3
"""Run a program with its standard streams on a terminal, pipes, files or
/dev/null, on Linux (reference) and on Amphi, and compare.

  streams.py --mode MODE [--runner QEMU_RUN] HOST_EXE AMPHI_IMAGE

MODE: tty (fds 0-2 on a new pseudo-terminal, "one\\ntwo\\n" typed without
echo when the program prints "type two lines"), pipe (stdin a
pipe holding "one\\ntwo\\n", stdout and stderr pipes), file (stdin a file
holding the same, stdout and stderr files), null (all on /dev/null but
stdout, a pipe), closed (stdin closed, as "app <&-"; stdout a pipe,
stderr /dev/null). Both runs must exit 0 with the same output (stdout then
stderr, each as captured).
"""
import argparse
import os
import pty
import subprocess
import sys
import tempfile
import termios

INPUT = b'one\ntwo\n'
PROMPT = b'type two lines'
TIMEOUT = 120


def run_tty(cmd):
    master, slave = pty.openpty()
    # Typed ahead, not echoed (the echo's place in the output would
    # depend on timing).
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    out = b''
    typed = False
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:		# EIO: every slave fd is closed
            break
        if not chunk:
            break
        out += chunk
        # Typed once the program asks (a terminal's input before the
        # program runs may be another program's).
        if not typed and PROMPT in out:
            os.write(master, INPUT)
            typed = True
    os.close(master)
    return proc.wait(timeout=TIMEOUT), out


def run_pipe(cmd):
    res = subprocess.run(cmd, input=INPUT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=TIMEOUT)
    return res.returncode, res.stdout + b'--- stderr\n' + res.stderr


def run_file(cmd):
    with tempfile.TemporaryDirectory() as d:
        paths = [os.path.join(d, n) for n in ('in', 'out', 'err')]
        with open(paths[0], 'wb') as f:
            f.write(INPUT)
        with open(paths[0], 'rb', buffering=0) as i, \
                open(paths[1], 'wb', buffering=0) as o, \
                open(paths[2], 'wb') as e:
            rc = subprocess.run(cmd, stdin=i, stdout=o, stderr=e,
                                timeout=TIMEOUT).returncode
            # The offsets are shared with us, as with a shell's
            # "{ app; echo; } < in > out": what the program read is
            # gone, what we write goes after what it wrote.
            rest = i.read()
            o.write(b'after the program; %d bytes of stdin left\n' %
                    len(rest))
        out = open(paths[1], 'rb').read() + b'--- stderr\n' + \
            open(paths[2], 'rb').read()
    return rc, out


def run_null(cmd):
    res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         timeout=TIMEOUT)
    return res.returncode, res.stdout


def run_closed(cmd):
    # In sim, a host file the backend opens must not become fd 0.
    res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                         preexec_fn=lambda: os.close(0),
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         timeout=TIMEOUT)
    return res.returncode, res.stdout


MODES = {'tty': run_tty, 'pipe': run_pipe, 'file': run_file,
         'null': run_null, 'closed': run_closed}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mode', choices=sorted(MODES), required=True)
    ap.add_argument('--runner')
    ap.add_argument('host')
    ap.add_argument('image')
    args = ap.parse_args()
    runner = MODES[args.mode]
    hrc, hout = runner([args.host])
    print('--- Linux (exit %d)\n%s' % (hrc, hout.decode(errors='replace')))
    if hrc != 0:
        sys.exit('the test fails on Linux: fix the test first')
    if args.runner:
        cmd = [sys.executable, args.runner, '-q', args.image, '--']
    else:
        cmd = [args.image, '-q', '--']
    arc, aout = runner(cmd)
    if args.runner:	# the QEMU launcher's own notes (which accelerator)
        aout = b''.join(l for l in aout.splitlines(True)
                        if not l.startswith(b'amphi: '))
    print('--- Amphi (exit %d)\n%s' % (arc, aout.decode(errors='replace')))
    if arc != hrc:
        sys.exit('exit status differs: Linux %d, Amphi %d' % (hrc, arc))
    if aout != hout:
        sys.exit('output differs between Linux and Amphi')
    print('same behaviour on Linux and Amphi')


if __name__ == '__main__':
    main()
