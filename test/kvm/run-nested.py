#!/usr/bin/env python3
"""tools/kvm-run.py --nested passes the app its stdin as qemu-run.py
and sim do:
  pipe      it travels into the nested KVM host in its initramfs, whole;
            one over the limit is refused with a message
  terminal  (test/kvm/ptyrun.c) the keys are the app's: Enter's CR ends
            a line, Ctrl-A h is the monitor's, ^C the app's SIGINT, and
            the terminal is as it was at the end

  run-nested.py --build BUILD_DIR
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(SRC, 'tools'))
import cases  # noqa: E402
import kvmhost  # noqa: E402

kvm_run = kvmhost.load_module(os.path.join(SRC, 'tools', 'kvm-run.py'))


def run(build, data):
    argv = [sys.executable, os.path.join(SRC, 'tools', 'kvm-run.py'),
            '--nested', '-q', os.path.join(build, 'tools', 'cat')]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(data, timeout=300)
    except BrokenPipeError:         # it stopped reading: the limit
        out, err = proc.stdout.read(), proc.stderr.read()
        proc.wait()
    return proc.returncode, out, err


def run_tty(build):
    """cat on a terminal in the nested host: once its banner is out
    (the monitor has the line raw), 'hi' and Enter come back, echoed,
    then as its output; Ctrl-A h shows the escape's keys; ^C ends it
    (130)."""
    hexa = lambda b: b.hex()   # noqa: E731
    steps = ['raw', 'see:' + hexa(b'Amphi '), 'keys:' + hexa(b'hi\r'),
             'see:' + hexa(b'hi\r\nhi\r\n'), 'keys:' + hexa(b'\x01h'),
             'see:' + hexa(b'Ctrl-A x  end the run'), 'keys:03']
    argv = [os.path.join(build, 'test', 'kvm', 'kvm-ptyrun')] + steps + \
        ['--', sys.executable, os.path.join(SRC, 'tools', 'kvm-run.py'),
         '--nested', os.path.join(build, 'tools', 'cat')]
    res = subprocess.run(argv, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=300)
    return res.returncode, res.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    build = os.path.abspath(ap.parse_args().build)
    problems = []
    # The console's test input: 0xff and 0x03 are data.
    data = cases.STDIN_DATA * 3
    status, out, err = run(build, data)
    print('piped %r: status %d\n--- stdout\n%r\n--- stderr\n%s' %
          (data, status, out, err.decode(errors='replace')))
    if status != 0:
        problems.append('exit status %d, expected 0' % status)
    if out.replace(b'\r\n', b'\n') != data:
        problems.append('the app did not copy its piped input')
    big = kvm_run.NESTED_STDIN_MAX + 1
    status, out, err = run(build, b'x' * big)
    print('piped %d bytes: status %d\n--- stderr\n%s' %
          (big, status, err.decode(errors='replace')))
    if status != 2 or b'MiB of input cannot go into the nested' not in err:
        problems.append('input over the limit: no clear refusal')
    status, out = run_tty(build)
    text = out.decode('latin-1')
    print('on a terminal: ptyrun status %d\n%s' % (status, text))
    if status != 0 or not re.search(r'^ptyrun: status 130$', text, re.M):
        problems.append('on a terminal: ^C did not end the app (130)')
    if 'nested KVM host stopped' in text:
        problems.append('on a terminal: ^C ended the host, not the app')
    if not re.search(r'^ptyrun: settings restored$', text, re.M):
        problems.append('on a terminal: its settings were not restored')
    if problems:
        print('FAILED:\n  - ' + '\n  - '.join(problems))
        sys.exit(1)
    print('ok')


if __name__ == '__main__':
    main()
