#!/usr/bin/env python3
"""tools/kvm-run.py --nested passes a piped stdin to the app, as
qemu-run.py and sim do (it travels into the nested KVM host in its
initramfs), and refuses one over its limit with a message.

  run-stdin.py --build BUILD_DIR
"""
import argparse
import os
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
    if problems:
        print('FAILED:\n  - ' + '\n  - '.join(problems))
        sys.exit(1)
    print('ok')


if __name__ == '__main__':
    main()
