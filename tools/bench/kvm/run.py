#!/usr/bin/env python3
"""amphi-kvm against the floor and against QEMU, side by side in one run.

  run.py --build BUILD_DIR [--runs N] [--native | --nested]

On this machine's /dev/kvm if it boots a test image, else inside the
nested KVM test host (tools/kvmhost.py), all in one boot:
  floor             kvm-floor: open /dev/kvm, a VM, one vCPU, one hlt
  amphi-kvm         the monitor booting hello: exec to main() (its first
                    line on stdout) and exec to exit
  qemu-microvm-kvm  QEMU -M microvm -accel kvm booting the same image
  port-exit, console-byte   inside the guest: a port read no device
                    serves, a one-byte console write (kvmbench)
  cross-ipi         an IPI to the other vCPU and its answer (lcpubench)
  trace             one traced start of the monitor: where its time goes
Times are medians of RUNS runs (QEMU: 3) on the clock of the machine they
ran on.
Goals: exec-to-exit within 1.5x the floor, 10x faster than QEMU.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(SRC, 'tools'))
import kvmhost  # noqa: E402


kvm_run = kvmhost.load_module(os.path.join(SRC, 'tools', 'kvm-run.py'))
QEMU = 'qemu-system-x86_64'
QEMU_FIRMWARE = ['bios-microvm.bin', 'pvh.bin']
# QEMU's start under the nested host takes seconds a run: fewer runs.
QEMU_RUNS = 3


def qemu_files():
    """QEMU with its libraries and the microvm firmware, at their own
    paths (for the nested host, which has no C library)."""
    qemu = shutil.which(QEMU)
    files = [(qemu, '/usr/bin/' + QEMU, False)]
    out = subprocess.run(['ldd', qemu], stdout=subprocess.PIPE,
                         text=True).stdout
    for line in out.splitlines():
        m = re.search(r'(/\S+) \(0x', line)
        if m:
            path = m.group(1)
            files.append((os.path.realpath(path), path, False))
    share = os.path.join(os.path.dirname(os.path.dirname(qemu)), 'share',
                         'qemu')
    for fw in QEMU_FIRMWARE:
        files.append((os.path.join(share, fw), '/usr/share/qemu/' + fw,
                      False))
    return files


def payload(runs, qemu):
    q = [qemu, '-M', 'microvm', '-m', '64M', '-smp', '1', '-nographic',
         '-nodefaults', '-no-reboot', '-serial', 'stdio', '-device',
         'isa-debug-exit,iobase=0xf4,iosize=4', '-kernel', 'hello',
         '-append', 'hello quiet --', '-accel', 'kvm', '-cpu', 'host']
    lines = [
        './kvm-spawn %d floor - 0 -- ./kvm-floor' % runs,
        "./kvm-spawn %d amphi-kvm 'Hello from Amphi!' 0 -- "
        './amphi-kvm -q hello' % runs,
        # isa-debug-exit: QEMU exits (1 << 1) | 1 for status 0.
        "./kvm-spawn %d qemu-microvm-kvm 'Hello from Amphi!' 3 -- %s" %
        (QEMU_RUNS, ' '.join(shlex.quote(a) for a in q)),
        './amphi-kvm -q kvmbench 3000 | grep -a "^[a-z-]* [0-9]"',
        './amphi-kvm -q -smp 2 lcpubench 2000 | grep -a "ipi\\|run-wait"',
        # Where a start's time goes (one run, traced).
        'AMPHI_KVM_TRACE=1 ./amphi-kvm -q hello 2>&1 >/dev/null | '
        'grep -a "trace"',
    ]
    return 'exec </dev/null\n' + '\n'.join(
        '%s || echo "failed: step %d"' % (l, i + 1)
        for i, l in enumerate(lines)) + '\n'


def summary(text):
    def med(label, what):
        m = re.search(r'^%s %s median ([0-9.]+) ms' % (label, what), text,
                      re.M)
        return float(m.group(1)) if m else None
    floor = med('floor', 'exec-to-exit')
    ours = med('amphi-kvm', 'exec-to-exit')
    qemu = med('qemu-microvm-kvm', 'exec-to-exit')
    out = []
    if floor and ours:
        out.append('amphi-kvm exec-to-exit / floor: %.2fx (goal <= 1.5x)'
                   % (ours / floor))
    if qemu and ours:
        out.append('qemu-microvm-kvm / amphi-kvm exec-to-exit: %.1fx '
                   '(goal >= 10x)' % (qemu / ours))
    return '\n'.join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--runs', type=int, default=20)
    ap.add_argument('--native', action='store_true')
    ap.add_argument('--nested', action='store_true')
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    monitor = os.path.join(build, 'hal-sim', 'kvm', 'amphi-kvm')
    bench = os.path.join(build, 'tools', 'bench', 'kvm')
    tools = os.path.join(build, 'tools')
    files = [(monitor, 'amphi-kvm'),
             (os.path.join(bench, 'kvm-floor'), 'kvm-floor'),
             (os.path.join(bench, 'kvm-spawn'), 'kvm-spawn')] + \
        [(os.path.join(tools, n), n) for n in ('hello', 'kvmbench',
                                               'lcpubench')]
    world = 'nested' if args.nested else 'native' if args.native else None
    if world is None:
        why = kvm_run.probe_native(monitor, os.path.join(tools, 'hello'))
        world = 'nested' if why else 'native'
        if why:
            print('amphi: /dev/kvm not usable here (%s): measuring inside '
                  'the nested KVM test host (QEMU TCG with an emulated '
                  'AMD-V CPU; every figure is that of the nested host)' %
                  why, flush=True)
    if world == 'native':
        with tempfile.TemporaryDirectory() as work:
            for src, dest in files:
                os.symlink(src, os.path.join(work, dest))
            res = subprocess.run(['sh', '-c', payload(args.runs, QEMU)],
                                 cwd=work, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
            text = res.stdout
    else:
        boot = kvmhost.Boot(files + qemu_files(),
                            payload(args.runs, '/usr/bin/' + QEMU),
                            mem='2048M')
        try:
            boot.start()
            data = b''
            for chunk in boot.chunks():
                data += chunk
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
            text = data.decode(errors='replace')
            boot.finish(timeout=60)
        except kvmhost.HostError as e:
            boot.kill()
            print('bench-kvm: %s' % e)
            return 1
    if world == 'native':
        print(text.rstrip())
    print(summary(text))
    return 0


if __name__ == '__main__':
    sys.exit(main())
