#!/usr/bin/env python3
"""gdb on amphi-kvm's stub, as './amphi gdb APP --kvm-direct' drives it.

  gdb.py --build BUILD_DIR

Boots hello with 2 vCPUs on the monitor, waiting for gdb (natively, or
in the nested KVM test host: kvm-run.py decides and says), and runs gdb
in batch mode: a hardware breakpoint, a software one, a backtrace, an
argument, memory, a step over a call, a watchpoint on the console's
lock (a hardware one where the CPU honours the guest's debug registers),
a single step, registers, both vCPUs as threads, then the guest runs to
its exit.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
KVM_RUN = os.path.join(SRC, 'tools', 'kvm-run.py')
sys.path.insert(0, os.path.join(SRC, 'tools'))
from hostutil import free_port  # noqa: E402

EXPECT = [
    r'Thread 2 ',                          # both vCPUs, one thread each
    r'Breakpoint 1, ukplat_entry',         # hbreak
    r'Breakpoint 2, main \(argc=(argc@entry=)?2',  # break (int3)
    # main's own stack; the C library's start (musl's) lies between.
    r'#[1-9] +0x[0-9a-f]+ in main_entry .*core/boot/boot.c',
    r'\$1 = 2',                            # p argc
    r'"gdb-arg"',                          # x/s argv[1]
    r'^9\s+for \(i = 1',                   # next, over printf
    r'Breakpoint 3, ukplat_stream_write',  # the app's stdout
    r'atchpoint 4: console_lock',          # the lock taken
    r'New value = ',
    r'rip +0x[0-9a-f]+ +0x[0-9a-f]+ <',     # stepi, registers
    r'Hello from Amphi!',                  # the console, after continue
    r'exited normally',
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--gdb', default='gdb')
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='amphi-gdbtest-')
    try:
        return check(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check(args, tmp):
    """Runs the monitor and gdb with files in tmp; returns the exit
    status."""
    image = os.path.join(os.path.abspath(args.build), 'tools', 'hello')
    port = free_port()
    ready = os.path.join(tmp, 'ready')
    log = open(os.path.join(tmp, 'monitor.log'), 'w+')
    mon = subprocess.Popen([sys.executable, KVM_RUN, '-smp', '2',
                            '--gdb', str(port), '--gdb-ready', ready,
                            image, '--', 'gdb-arg'],
                           stdin=subprocess.DEVNULL, stdout=log,
                           stderr=subprocess.STDOUT)
    end = time.monotonic() + 240
    while not os.path.exists(ready) and mon.poll() is None and \
            time.monotonic() < end:
        time.sleep(0.05)
    if not os.path.exists(ready):
        mon.kill()
        mon.wait()
        log.seek(0)
        print(log.read())
        print('FAILED: the monitor did not get to wait for gdb')
        return 1
    log.seek(0)
    # Where the CPU ignores the guest's debug registers (the nested
    # host's emulated one), the stub says so and refuses watchpoints:
    # gdb's own (single steps) are checked instead.
    no_dr = 'no watchpoints' in log.read()
    cmds = ['set pagination off', 'set confirm off',
            'set backtrace past-main on',
            'target remote 127.0.0.1:%d' % port, 'info threads',
            'hbreak ukplat_entry', 'break main', 'continue', 'continue',
            'bt', 'p argc', 'x/s argv[1]', 'next',
            'break ukplat_stream_write', 'continue'] + \
        (['set can-use-hw-watchpoints 0'] if no_dr else []) + \
        ['watch console_lock', 'continue', 'stepi', 'info registers rip',
         'delete', 'continue']
    expect = EXPECT + ([r'^Watchpoint 4: console_lock'] if no_dr else
                       [r'Hardware watchpoint 4: console_lock'])
    if no_dr:
        print('note: this CPU ignores the guest\'s debug registers: '
              'hardware watchpoints are not checked here, software ones '
              'are')
    argv = [args.gdb, '-q', '-nx', '--batch']
    for c in cmds:
        argv += ['-ex', c]
    argv.append(image)
    try:
        res = subprocess.run(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             stdin=subprocess.DEVNULL, timeout=300)
        out = res.stdout
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode(errors='replace') + '\n(timed out)'
    try:
        mon.wait(timeout=60)
    except subprocess.TimeoutExpired:
        mon.terminate()
        mon.wait()
    log.seek(0)
    console = log.read()
    print(out)
    print('--- monitor and console\n' + console)
    both = out + '\n' + console
    missing = [rx for rx in expect if not re.search(rx, both, re.M)]
    if missing or mon.returncode != 0:
        print('FAILED:')
        for rx in missing:
            print('  - output does not match: ' + rx)
        if mon.returncode != 0:
            print('  - the run ended with status %d' % mon.returncode)
        return 1
    print('ok: gdb on amphi-kvm')
    return 0


if __name__ == '__main__':
    sys.exit(main())
