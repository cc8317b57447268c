#!/usr/bin/env python3
"""The nested KVM test host: a real /dev/kvm on any machine.

  kvmhost.py [--smp N] [--mem SIZE] [--file SRC[:DEST]]...
             [--] COMMAND...

Boots Debian's cloud kernel under QEMU TCG with an emulated AMD CPU that
has SVM and nested paging (-cpu qemu64,+svm,+npt); inside, its kvm-amd
module gives a working /dev/kvm. The initramfs holds busybox, the kvm
modules and the given files (under /work; ELF files are stripped of
debug information on the way in), and an /init that mounts proc, sys
and devtmpfs, loads irqbypass, kvm and kvm-amd, runs COMMAND in /work
(a shell command line) and powers off. The exit status is COMMAND's.

Used by tools/kvm-run.py (runs and gdb sessions on machines without a
usable /dev/kvm), test/kvm/check.py (many monitor runs in one boot) and
the KVM benchmark. The kernel and busybox come from Debian's packages
linux-image-cloud-amd64 and busybox-static through tools/thirdparty.py
(fetched by './amphi setup', cached outside the tree).

The console is the host's serial port: byte for byte (no \\r added), the
host's boot noise hidden unless something fails. Booting costs 2-4 s.

The host has one CPU by default (guests with more vCPUs share it): with
two, QEMU 7.2's multi-threaded TCG now and then corrupts a nested
guest's state (measured: a vCPU of a 4-vCPU guest found running at an
address of the host's kvm-amd module, about one batch of test runs in
six); with one it has not.
"""
import argparse
import glob
import os
import re
import select
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, 'tools'))
import mkcpio  # noqa: E402
from childproc import die_with_parent  # noqa: E402

THIRDPARTY = os.path.join(TOP, 'tools', 'thirdparty.py')
KERNEL_PKG = 'linux-image-cloud-amd64'
BUSYBOX_PKG = 'busybox-static'
MODULES = ['irqbypass', 'kvm', 'kvm-amd']
QEMU = 'qemu-system-x86_64'
APPLETS = ['sh', 'mount', 'mkdir', 'insmod', 'echo', 'cat', 'stty', 'wc',
           'sleep', 'kill', 'poweroff', 'timeout', 'rm', 'ls', 'true',
           'false', 'test', '[', 'dmesg', 'head', 'tail', 'grep', 'env',
           'uname', 'date', 'chmod', 'ln', 'cp', 'mv', 'uptime', 'ps',
           'cut']
READY = b'@@amphi-host-ready'
# /init ends the payload's output with it: an escape sequence, so that
# it needs no line of its own (the output may not end with a newline)
# and only an escape in the output is ever held back waiting for more.
DONE = b'\x1b[amphi-host-done '
FAIL_RE = re.compile(rb'^@@amphi-host-fail (.*)$')

INIT = r'''#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
stty -F /dev/console -opost 2>/dev/null
fail() { echo "@@amphi-host-fail $*"; poweroff -f; }
for m in %(modules)s; do
	insmod /lib/modules/$m.ko || fail "insmod $m.ko failed"
done
[ -c /dev/kvm ] || fail "no /dev/kvm after loading kvm-amd"
# Huge pages for the monitor's memfd: fewer nested page faults.
echo advise > /sys/kernel/mm/transparent_hugepage/shmem_enabled
%(serial)s
cd /work
echo "@@amphi-host-ready"
sh /payload
printf '\033[amphi-host-done %%d]\n' $?
poweroff -f
'''


class HostError(Exception):
    pass


class HostSilent(HostError):
    """The host printed nothing for longer than the caller allows."""


def load_module(path):
    """A Python file as a module, whatever its name (qemu-run.py)."""
    import importlib.util
    name = os.path.basename(path)[:-3].replace('-', '_')
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def package_tree(pkg, fetch=True):
    """The cached contents of a Debian binary package, fetched if need
    be (and allowed)."""
    res = subprocess.run([sys.executable, THIRDPARTY, 'path', 'binary',
                          pkg], stdout=subprocess.PIPE, text=True)
    if res.returncode == 0:
        return res.stdout.strip()
    if not fetch:
        raise HostError("Debian package %s is not fetched: run "
                        "'./amphi setup'" % pkg)
    print('amphi: fetching Debian package %s for the nested KVM host' %
          pkg, file=sys.stderr, flush=True)
    res = subprocess.run([sys.executable, THIRDPARTY, 'binary', pkg],
                         stdout=subprocess.PIPE, text=True)
    if res.returncode != 0:
        raise HostError('cannot fetch Debian package %s' % pkg)
    return res.stdout.strip()


def kernel_files():
    """(vmlinuz, {module: path}) of Debian's cloud kernel."""
    tree = package_tree(KERNEL_PKG)
    kernels = sorted(glob.glob(os.path.join(tree, 'boot', 'vmlinuz-*')))
    if not kernels:
        raise HostError('no vmlinuz in %s' % tree)
    mods = {}
    for m in MODULES:
        found = glob.glob(os.path.join(tree, 'lib', 'modules', '*',
                                       'kernel', '**', m + '.ko'),
                          recursive=True)
        if not found:
            raise HostError('no %s.ko in %s' % (m, tree))
        mods[m] = found[0]
    return kernels[-1], mods


def busybox():
    path = os.path.join(package_tree(BUSYBOX_PKG), 'bin', 'busybox')
    if not os.path.exists(path):
        raise HostError('no busybox in the %s package' % BUSYBOX_PKG)
    return path


class Entry:
    """A stat-like record for mkcpio.Writer."""
    def __init__(self, mode, rdev=0):
        self.st_mode = mode
        self.st_uid = self.st_gid = 0
        self.st_mtime = 0
        self.st_rdev = rdev


def is_elf(path):
    with open(path, 'rb') as f:
        return f.read(4) == b'\x7fELF'


def file_data(src, tmp, strip):
    """src's bytes; with strip, an ELF file without its debug information
    (the host side resolves addresses against the original)."""
    if strip and is_elf(src):
        out = os.path.join(tmp, 'stripped')
        res = subprocess.run(['objcopy', '--strip-debug', src, out],
                             stderr=subprocess.PIPE, text=True)
        if res.returncode == 0:
            with open(out, 'rb') as f:
                return f.read()
    with open(src, 'rb') as f:
        return f.read()


def build_initramfs(out_path, files, payload, serial_setup=''):
    """Writes the host's initramfs: files is [(src, dest under /work[,
    strip])] (ELF files are stripped unless strip is False), payload the
    shell script /init runs."""
    vmlinuz, mods = kernel_files()
    box = busybox()
    init = INIT % {'modules': ' '.join(MODULES), 'serial': serial_setup}
    ino = [0]

    def add(w, name, mode, data=b''):
        ino[0] += 1
        nlink = 2 if stat.S_ISDIR(mode) else 1
        w.entry(name, Entry(mode), data, ('x', ino[0]), nlink)

    with tempfile.TemporaryDirectory() as tmp, open(out_path, 'wb') as f:
        w = mkcpio.Writer(f, False, False)
        for d in ['bin', 'dev', 'proc', 'sys', 'tmp', 'lib',
                  'lib/modules', 'work']:
            add(w, d, stat.S_IFDIR | 0o755)
        ino[0] += 1
        w.entry('dev/console', Entry(stat.S_IFCHR | 0o600,
                                     os.makedev(5, 1)), b'',
                ('x', ino[0]), 1)
        with open(box, 'rb') as b:
            add(w, 'bin/busybox', stat.S_IFREG | 0o755, b.read())
        for a in APPLETS:
            add(w, 'bin/' + a, stat.S_IFLNK | 0o777, b'busybox')
        for m, path in mods.items():
            with open(path, 'rb') as mf:
                add(w, 'lib/modules/%s.ko' % m, stat.S_IFREG | 0o644,
                    mf.read())
        made = {'bin', 'dev', 'proc', 'sys', 'tmp', 'lib', 'lib/modules',
                'work'}
        for entry in files:
            src, dest = entry[:2]
            strip = entry[2] if len(entry) > 2 else True
            # Relative: under /work; absolute: where it says.
            name = dest[1:] if dest.startswith('/') else 'work/' + dest
            parts = name.split('/')[:-1]
            for i in range(1, len(parts) + 1):
                d = '/'.join(parts[:i])
                if d not in made:
                    made.add(d)
                    add(w, d, stat.S_IFDIR | 0o755)
            add(w, name, stat.S_IFREG | 0o755, file_data(src, tmp, strip))
        add(w, 'init', stat.S_IFREG | 0o755, init.encode())
        add(w, 'payload', stat.S_IFREG | 0o755, payload.encode())
        w.trailer()
    return vmlinuz


def qemu_argv(vmlinuz, initramfs, smp=1, mem='1536M', extra=(),
              keys=False):
    # keys: a terminal's ^C, ^\ and ^Z are bytes for the host's serial
    # line (the monitor there makes it raw), not signals that end QEMU.
    serial = ['-chardev', 'stdio,id=serial0,signal=off', '-serial',
              'chardev:serial0'] if keys else ['-serial', 'stdio']
    return [QEMU, '-accel', 'tcg', '-machine', 'q35',
            '-cpu', 'qemu64,+svm,+npt', '-smp', str(smp), '-m', mem,
            '-nodefaults', '-display', 'none', '-no-reboot'] + serial + \
        list(extra) + [
            '-kernel', vmlinuz, '-initrd', initramfs,
            '-append', 'console=ttyS0 panic=-1 loglevel=3 '
            'tsc=reliable rdinit=/init']


class Boot:
    """One boot of the nested host: start(), then lines() until the
    payload is done; status() after."""

    def __init__(self, files, payload, smp=1, mem='1536M', stdin=None,
                 serial2=None, work=None, keys=False):
        self.tmp = tempfile.mkdtemp(prefix='amphi-kvmhost-', dir=work)
        self.initramfs = os.path.join(self.tmp, 'initramfs.cpio')
        setup = ''
        extra = []
        if serial2:
            # A second serial line (the gdb stub's), raw.
            extra = ['-serial', serial2]
            setup = 'stty -F /dev/ttyS1 raw -echo 2>/dev/null'
        vmlinuz = build_initramfs(self.initramfs, files, payload, setup)
        self.argv = qemu_argv(vmlinuz, self.initramfs, smp, mem, extra,
                              keys)
        self.stdin = stdin
        self.proc = None
        self.ready = False
        self.done = None
        self.failure = None
        self.noise = []
        self.pending = b''
        # AMPHI_KVMHOST_RAW=FILE: the raw console, for debugging.
        raw = os.environ.get('AMPHI_KVMHOST_RAW')
        self.raw = open(raw, 'ab') if raw else None

    def start(self):
        if not shutil.which(QEMU):
            raise HostError('%s is missing: run ./amphi setup' % QEMU)
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            self.argv, stdout=subprocess.PIPE, preexec_fn=die_with_parent,
            stdin=self.stdin if self.stdin is not None
            else subprocess.DEVNULL, stderr=subprocess.STDOUT)
        return self

    def chunks(self, silence=None):
        """The payload's output as it comes, in raw byte chunks (the
        host's own lines before and after taken out). With silence (s),
        HostError once the host has printed nothing for that long."""
        fd = self.proc.stdout.fileno()
        while self.done is None:
            if silence is not None and \
                    not select.select([fd], [], [], silence)[0]:
                raise HostSilent('the nested KVM host printed nothing for '
                                 '%d s' % silence)
            data = os.read(fd, 65536)
            if not data:
                break
            if self.raw:
                self.raw.write(data)
                self.raw.flush()
            self.pending += data
            if not self.ready:
                self.take_boot_lines()
                if not self.ready:
                    continue
            out = self.split_payload()
            if out:
                yield out

    def split_payload(self):
        """What of self.pending is payload output that can go out now:
        all before the done marker, or before a tail that may be its
        start."""
        idx = self.pending.find(DONE)
        if idx >= 0:
            end = self.pending.find(b']', idx + len(DONE))
            if end >= 0:
                word = self.pending[idx + len(DONE):end].strip()
                self.done = int(word) if word.isdigit() else 1
            cut = idx
        else:
            hold = 0
            for k in range(min(len(DONE) - 1, len(self.pending)), 0, -1):
                if DONE.startswith(self.pending[-k:]):
                    hold = k
                    break
            cut = len(self.pending) - hold
        out = self.pending[:cut]
        self.pending = b'' if self.done is not None else self.pending[cut:]
        return out

    def take_boot_lines(self):
        while not self.ready:
            nl = self.pending.find(b'\n')
            if nl < 0:
                return
            line = self.pending[:nl].rstrip(b'\r')
            self.pending = self.pending[nl + 1:]
            self.noise.append(line)
            m = FAIL_RE.match(line)
            if m:
                self.failure = m.group(1).decode(errors='replace')
            if line == READY:
                self.ready = True

    def finish(self, timeout=30):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.done is not None:
            return self.done
        raise HostError(self.explain())

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def explain(self):
        if self.failure:
            why = self.failure
        elif not self.ready:
            why = 'it did not get to run the payload'
        else:
            why = 'it ended before the payload did'
        tail = b'\n'.join(self.noise[-15:]).decode(errors='replace')
        return 'the nested KVM host failed: %s%s' % (
            why, '\n' + tail if tail.strip() else '')


def main():
    ap = argparse.ArgumentParser(
        description='Run a command in the nested KVM test host.')
    ap.add_argument('--smp', type=int, default=1)
    ap.add_argument('--mem', default='1536M')
    ap.add_argument('--file', action='append', default=[],
                    help='SRC[:DEST]: a file for /work (DEST relative)')
    ap.add_argument('command', nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ['--'] else args.command
    if not cmd:
        ap.error('no command')
    files = []
    for spec in args.file:
        src, _, dest = spec.partition(':')
        files.append((src, dest or os.path.basename(src)))
    payload = ' '.join(shlex.quote(c) for c in cmd) + '\n'
    try:
        boot = Boot(files, payload, args.smp, args.mem,
                    stdin=sys.stdin).start()
        for chunk in boot.chunks():
            sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        sys.exit(boot.finish())
    except HostError as e:
        print('kvmhost: %s' % e, file=sys.stderr)
        sys.exit(125)
    except KeyboardInterrupt:
        boot.kill()
        sys.exit(130)


if __name__ == '__main__':
    main()
