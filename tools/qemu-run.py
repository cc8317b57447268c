#!/usr/bin/env python3
"""Boot a metal x86_64 or arm64 image in QEMU, like running a sim image.

  qemu-run.py [--kvm | --tcg] [-smp N] [-m SIZE] [-M MACHINE] [--cpu CPU]
              [-k ARG]... [-q] [--initrd FILE] [--gdb PORT] [--argv]
              [--display SPEC] [--qmp SOCKET] [--net MODE]
              [-p [tcp:|udp:][ADDR:]HOSTPORT:GUESTPORT]... IMAGE [--] [ARGS...]

The kernel's command line is "NAME [KARGS --] ARGS" as in sim. The
serial console is on stdio; crash-report frames ("#N 0xADDR in ??") are
resolved with addr2line against IMAGE as they pass. The exit status is
the app's: the kernel writes status + 1 to isa-debug-exit, QEMU exits
with (value << 1) | 1, mapped back here; a status above 126 (it would
not fit) is also stated on the console in a line this script hides.
--initrd FILE is handed to the kernel as the first PVH boot module
(QEMU's -initrd), which the kernel unpacks into its root file system.
--display SPEC gives the machine a display and input: ramfb (a linear
framebuffer in guest memory, set up through fw_cfg) and virtio-keyboard
and virtio-tablet (on modern virtio-mmio on microvm and arm64's virt, on
PCI on q35 and pc), shown with QEMU's -display SPEC (gtk, sdl, vnc=:1,
..., or none for no window). --qmp SOCKET opens a QMP server on that Unix
socket (tests take screendumps and inject input through it).
--argv prints the QEMU command, one argument a line, instead of running
it (the metal boot benchmark times QEMU itself with it).

On a terminal, the serial line takes it raw with QEMU's signals off:
^C, ^\\ and ^Z are bytes for the kernel's line discipline, which makes
them the app's SIGINT, SIGQUIT and SIGTSTP (end a wedged machine with
kill, not ^C), and which echoes typed input (console.echo=0 when our
terminal does not). SIGTSTP's default action asks us to stop (a console
line we hide; console.stop=1 tells the kernel we listen): we stop QEMU
with our process group, as a job on ^Z, until a SIGCONT (fg).

The app's fds 0-2 are what this script's are: the kernel is told
(console.stdin/stdout/stderr=pipe, file or dev when not a terminal), and
then the serial line is framed (hal-qemu/common/serial.c): the app's
stderr comes out on our stderr, and a stdin that is not a terminal is
passed on when the kernel first asks for it, followed by its end.

arm64 (an aarch64 ELF IMAGE): qemu-system-aarch64 -M virt,gic-version=3
-cpu max,pauth-impdef=on under TCG, booting the raw Image IMAGE.img built next to the ELF
(its Linux boot protocol brings the device tree, -append and -initrd);
the exit status comes back whole through semihosting (or, without it,
in the console line as above). -M virt,gic-version=2, virt,mte=on or
virt,virtualization=on and --cpu cortex-a57 select other machines.

Networking, spelled as in sim: --net user is QEMU's user-mode network
(the guest gets 10.0.2.15 by DHCP, the host is 10.0.2.2) behind a
virtio-net device (virtio-mmio on microvm and arm64's virt, virtio-pci
on q35/pc); -p
forwards a host port (on 127.0.0.1 unless ADDR) and implies --net user;
a TCP port gets a listen backlog of 128 (QEMU's own is 1, which loses
connections that arrive together while QEMU is busy).
--net tap makes a TAP device amphiqN with the host at 10.0.(3+N).1/24
(root only), gives the guest .2 by kernel arguments, and removes the
device when QEMU ends; --net tap:NAME uses an existing device as it is.

Acceleration: KVM if /dev/kvm is usable, else TCG (x86_64: round-robin,
one host thread runs every vCPU in turn, so that a spinning vCPU's pause
runs the others), and it says which on stderr. "Usable" means a hello
image boots under KVM: a nested KVM may
open fine and still fail the guest (the result is cached in the build
folder, file qemu-accel).
"""
import ctypes
import os
import re
import select
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time

from childproc import die_with_parent
from hostutil import say

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = 'qemu-system-x86_64'
QEMU_ARM64 = 'qemu-system-aarch64'
# PAuth with QEMU's own cheap hash: the architected QARMA5 it computes in
# software by default makes every call and return ~30x slower under TCG
# (the heap benchmark: 7.5 us/op against 0.9 us/op). Keys, signing and
# failures behave the same.
ARM64_CPU = 'max,pauth-impdef=on'
EM_AARCH64 = 183
# "#N 0xADDR in ??"; two spaces before "in": an exact address (a trap's).
FRAME_RE = re.compile(rb'^(\s*#(\d+)\s+0x([0-9a-f]{16}))( ?) in \?\?\s*$')
# isa-debug-exit carries 7 bits; the kernel states larger statuses (an
# abort's 134) on the console in this line, which is not shown; at the
# end of a line (after a prompt, or the echo of a ^C).
EXIT_RE = re.compile(rb'\x1b\[amphi-exit (\d+)\]\r?$')
EXIT_MARK = b'\x1b[amphi-exit '
EXIT_REST_RE = re.compile(rb'[0-9]*\]?\r?')
# The kernel's request to stop the machine (SIGTSTP's default action,
# ^Z on the console; console.stop=1 says we honour it), at the end of a
# line (after a prompt the app left without its newline).
STOP_RE = re.compile(rb'\x1b\[amphi-stop\]\r?$')
# The serial line on our stdio. signal=off: on a terminal ^C, ^\ and ^Z
# are bytes for the kernel's line discipline (the app's ISIG), not
# signals that end QEMU.
SERIAL = ['-chardev', 'stdio,id=serial0,signal=off',
          '-serial', 'chardev:serial0']
KVM_PROBE_TIMEOUT = 20


def quote_arg(arg):
    """One argument for the kernel's splitter (as hal-sim/options.c)."""
    if not arg:
        return '""'
    return ''.join('\\' + c if c in ' \t\n"\'\\' else c for c in arg)


def kvm_opens():
    try:
        fd = os.open('/dev/kvm', os.O_RDWR)
    except OSError as e:
        return e.strerror
    os.close(fd)
    return None


# Modern virtio-mmio (QEMU's default is the legacy interface, which the
# kernel's virtio core does not drive).
VIRTIO_MMIO_MODERN = ['-global', 'virtio-mmio.force-legacy=false']


def virtio_device(machine, kind):
    """QEMU's virtio KIND device for MACHINE: on virtio-mmio where the
    machine has its transports (microvm, arm64's virt), else on PCI."""
    base = (machine or '').split(',')[0]
    if base in ('microvm', 'virt'):
        return ['-device', 'virtio-%s-device' % kind]
    return ['-device', 'virtio-%s-pci' % kind]


def display_devices(machine):
    """ramfb and a virtio keyboard and tablet."""
    return ['-device', 'ramfb'] + virtio_device(machine, 'keyboard') + \
        virtio_device(machine, 'tablet')


def image_arch(image):
    """'arm64' or 'x86_64', from the ELF header's machine."""
    try:
        with open(image, 'rb') as f:
            head = f.read(20)
    except OSError:
        return 'x86_64'
    if head[:4] == b'\x7fELF' and int.from_bytes(head[18:20], 'little') == \
            EM_AARCH64:
        return 'arm64'
    return 'x86_64'


def arm64_argv(image, smp, mem, machine, cpu, cmdline, gdb_port=None,
               initrd=None, display=None, qmp=None):
    raw = image + '.img'
    screen = ['-nographic'] if display is None else \
        ['-display', display] + display_devices(machine)
    argv = [QEMU_ARM64, '-M', machine, '-cpu', cpu, '-m', mem,
            '-smp', str(smp)] + screen + [
            '-nodefaults', '-no-reboot',
            '-accel', 'tcg'] + SERIAL + [
            '-semihosting-config', 'enable=on,target=native',
            '-kernel', raw if os.path.exists(raw) else image,
            '-append', cmdline]
    if initrd:
        argv += ['-initrd', initrd]
    if qmp:
        argv += ['-qmp', 'unix:%s,server=on,wait=off' % qmp]
    if gdb_port:
        argv += ['-gdb', 'tcp:127.0.0.1:%d' % gdb_port, '-S']
    return argv


def net_argv(machine, net, fwds, tap):
    """QEMU's arguments for a virtio-net device on the chosen network."""
    if net == 'none':
        return []
    if net == 'user':
        spec = 'user,id=net0'
        for udp, addr, hport, gport in fwds:
            spec += ',hostfwd=%s:%s:%d-:%d' % ('udp' if udp else 'tcp',
                                               addr or '127.0.0.1', hport,
                                               gport)
    else:
        spec = 'tap,id=net0,ifname=%s,script=no,downscript=no' % tap
    dev = virtio_device(machine, 'net')
    dev[-1] += ',netdev=net0'
    return ['-netdev', spec] + dev


LISTEN_BACKLOG = 128
SYS_PIDFD_GETFD = 438           # the same number on x86_64 and arm64


def listening_inodes(ports):
    """Inodes of the host's listening TCP sockets on any of these ports."""
    found = set()
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] == '0A' and int(f[1].rsplit(':', 1)[1], 16) in ports:
                found.add(f[9])
    return found


def widen_backlog(pid, ports, wait=5.0):
    """Give QEMU's forwarded TCP ports a listen backlog of 128.

    libslirp listens with a backlog of 1. Connections that arrive
    together overflow the host's accept queue while QEMU is busy, and
    those the kernel had answered with a SYN cookie hang for minutes
    (a client sees its connect succeed and no reply ever). listen() on
    the same socket, through a duplicate taken with pidfd_getfd(2),
    raises the backlog; where that is not allowed, nothing changes.
    """
    if not ports:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        return
    try:
        left, deadline = set(ports), time.monotonic() + wait
        while left and time.monotonic() < deadline:
            for port in sorted(left):
                if widen_port(libc, pid, pidfd, port):
                    left.discard(port)
            if left:
                time.sleep(0.02)
    finally:
        os.close(pidfd)


def widen_port(libc, pid, pidfd, port):
    """True once QEMU's socket listening on port has the wide backlog."""
    inodes = listening_inodes({port})
    if not inodes:
        return False
    fd_dir = '/proc/%d/fd' % pid
    try:
        fds = os.listdir(fd_dir)
    except OSError:
        return True
    for name in fds:
        try:
            link = os.readlink(os.path.join(fd_dir, name))
        except OSError:
            continue
        if not link.startswith('socket:[') or link[8:-1] not in inodes:
            continue
        dup = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(name), 0)
        if dup < 0:
            return True
        with socket.socket(fileno=dup) as s:
            s.listen(LISTEN_BACKLOG)
        return True
    return False


def with_modern_mmio(argv):
    """argv, with modern virtio-mmio if it has a virtio-mmio device."""
    if any(a.startswith('virtio-') and a.split(',')[0].endswith('-device')
           for a in argv):
        return argv + VIRTIO_MMIO_MODERN
    return argv


def parse_fwd(spec):
    """[tcp:|udp:][ADDR:]HOSTPORT:GUESTPORT[/udp] as the sim takes it."""
    udp = False
    if spec.startswith(('tcp:', 'udp:')):
        udp = spec.startswith('udp:')
        spec = spec[4:]
    if spec.endswith(('/udp', '/tcp')):
        udp = spec.endswith('/udp')
        spec = spec[:-4]
    parts = spec.split(':')
    if len(parts) not in (2, 3):
        sys.exit('qemu-run: -p %s: use [tcp:|udp:][ADDR:]HOSTPORT:'
                 'GUESTPORT' % spec)
    try:
        hport, gport = int(parts[-2]), int(parts[-1])
    except ValueError:
        sys.exit('qemu-run: -p %s: ports are numbers' % spec)
    if not (0 < hport < 65536 and 0 < gport < 65536):
        sys.exit('qemu-run: -p %s: ports are 1..65535' % spec)
    return udp, parts[0] if len(parts) == 3 else '', hport, gport


def tap_create():
    """Makes amphiqN with the host at 10.0.(3+N).1/24; returns (name,
    guest address/prefix, gateway)."""
    if os.geteuid() != 0:
        sys.exit('amphi: --net tap makes a TAP device, which needs root; '
                 'have one made (ip tuntap add NAME mode tap user $USER) '
                 'and use --net tap:NAME')
    for n in range(64):
        name = 'amphiq%d' % n
        if os.path.exists('/sys/class/net/' + name):
            continue
        host = '10.0.%d.1' % (3 + n)
        for cmd in (['ip', 'tuntap', 'add', 'dev', name, 'mode', 'tap'],
                    ['ip', 'addr', 'add', host + '/24', 'dev', name],
                    ['ip', 'link', 'set', name, 'up']):
            res = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
            if res.returncode:
                tap_remove(name)
                sys.exit('amphi: --net tap: %s: %s' %
                         (' '.join(cmd), res.stderr.strip()))
        return name, '10.0.%d.2/24' % (3 + n), host
    sys.exit('amphi: --net tap: no free amphiqN name')


def tap_remove(name):
    subprocess.run(['ip', 'link', 'del', name], stderr=subprocess.DEVNULL)


def qemu_argv(image, accel, smp, mem, machine, cmdline, gdb_port=None,
              initrd=None, display=None, qmp=None):
    screen = ['-nographic'] if display is None else \
        ['-display', display] + display_devices(machine)
    argv = [QEMU, '-M', machine, '-m', mem, '-smp', str(smp)] + screen + [
            '-nodefaults', '-no-reboot'] + SERIAL + [
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
            '-kernel', image, '-append', cmdline]
    if initrd:
        argv += ['-initrd', initrd]
    if qmp:
        argv += ['-qmp', 'unix:%s,server=on,wait=off' % qmp]
    if accel == 'kvm':
        argv += ['-accel', 'kvm', '-cpu', 'host,-arch-capabilities']
    else:
        # Round-robin TCG: a CPU spinning on a lock (pause) hands the host
        # thread to the next vCPU at once, as pause-loop exiting does
        # under KVM. With a host thread per vCPU (MTTCG) x86 has no way to
        # give the host CPU away while interrupts are off, so on a host
        # with fewer cores than vCPUs a lock whose holder is descheduled
        # stalls every spinner for host time slices (with the ticket locks
        # we had then, 100 threads on one futex: 21 s instead of 0.4 s
        # with -smp 4).
        argv += ['-accel', 'tcg,thread=single' if smp > 1 else 'tcg']
    if gdb_port:
        argv += ['-gdb', 'tcp:127.0.0.1:%d' % gdb_port, '-S']
    return argv


def map_status(rc):
    if rc >= 3 and rc & 1:
        return (rc >> 1) - 1
    if rc == 0:
        say('the kernel ended without an exit status (reset, triple '
            'fault or shutdown)')
        return 1
    if rc < 0:
        return 128 - rc
    return rc if rc != 1 else 1


def probe_kvm(image_dir):
    """'' if KVM boots a hello image, else the reason it does not."""
    why = kvm_opens()
    if why:
        return '/dev/kvm: ' + why
    cache = os.path.join(os.path.dirname(image_dir), 'qemu-accel')
    hello = os.path.join(image_dir, 'hello')
    if os.path.exists(cache) and os.path.exists(hello) and \
            os.path.getmtime(cache) >= os.path.getmtime(hello):
        return open(cache).read().strip()
    if not os.path.exists(hello):
        return 'no hello image to probe KVM with'
    argv = qemu_argv(hello, 'kvm', 1, '64M', 'microvm', 'hello quiet --')
    try:
        res = subprocess.run(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT,
                             timeout=KVM_PROBE_TIMEOUT)
        ok = map_status(res.returncode) == 0 and b'Hello' in res.stdout
        out = res.stdout.decode(errors='replace')
    except subprocess.TimeoutExpired as e:
        ok = False
        out = (e.stdout or b'').decode(errors='replace')
    reason = ''
    if not ok:
        first = [l for l in out.splitlines() if 'KVM' in l or 'error' in l]
        reason = 'a test boot under KVM failed' + \
            (' (%s)' % first[0].strip() if first else '')
    try:
        with open(cache, 'w') as f:
            f.write(reason + '\n')
    except OSError:
        pass
    return reason


class Resolver:
    def __init__(self, image):
        self.image = image
        self.tool = shutil.which('addr2line')
        if image_arch(image) == 'arm64':
            self.tool = shutil.which('aarch64-linux-gnu-addr2line') or \
                self.tool

    def frame(self, exact, addr):
        if not self.tool:
            return None
        look = addr if exact else addr - 1
        res = subprocess.run([self.tool, '-f', '-e', self.image,
                              '%x' % look], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        lines = res.stdout.split('\n')
        if len(lines) < 2 or lines[0] == '??':
            return None
        func, loc = lines[0], lines[1]
        path, _, line = loc.rpartition(':')
        text = 'in ' + func
        if path and path != '??':
            path = os.path.relpath(os.path.normpath(path), TOP)
            text += ' at %s:%s' % (path, line.split()[0])
        return text


# The framing's bytes: hal/include/uk/plat/console_frame.h.
FRAME_ESC, FRAME_STDOUT, FRAME_STDERR, FRAME_WANT_IN = 0xff, 1, 2, 6


class Deframer:
    """Splits the framed serial output into (stream, bytes) pieces, in
    order, and notes the kernel's request for input."""
    def __init__(self, on_want_input):
        self.esc = False
        self.stream = FRAME_STDOUT
        self.on_want_input = on_want_input

    def feed(self, data):
        pieces, cur = [], bytearray()

        def cut():
            if cur:
                pieces.append((self.stream, bytes(cur)))
                cur.clear()
        for c in data:
            if self.esc:
                self.esc = False
                if c in (FRAME_STDOUT, FRAME_STDERR):
                    cut()
                    self.stream = c
                    continue
                if c == FRAME_WANT_IN:
                    self.on_want_input()
                    continue
            elif c == FRAME_ESC:
                self.esc = True
                continue
            cur.append(c)
        cut()
        return pieces


def stop_job(proc):
    """Stops as a job does on ^Z (our process group: us, QEMU and
    whoever started us), as the sim process stops; once continued (a
    shell's fg, or a SIGCONT for us alone) continues the whole group."""
    os.killpg(os.getpgrp(), signal.SIGSTOP)
    os.killpg(os.getpgrp(), signal.SIGCONT)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGCONT)


def pump(proc, resolver, deframer=None):
    """Copies QEMU's output to ours (the app's stderr to our stderr),
    resolving backtrace frames. Returns the exit status the kernel stated
    on the console, or None."""
    out, err = sys.stdout.buffer, sys.stderr.buffer
    stated = None
    fd = proc.stdout.fileno()
    pending = b''
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        pieces = deframer.feed(chunk) if deframer else \
            [(FRAME_STDOUT, chunk)]
        for stream, data in pieces:
            if stream == FRAME_STDERR:
                # In order with stdout, for whoever reads both.
                out.write(pending)
                out.flush()
                pending = b''
                err.write(data)
                err.flush()
                continue
            pending += data
            lines = pending.split(b'\n')
            pending = lines.pop()
            for line in lines:
                m = EXIT_RE.search(line)
                if m:
                    stated = int(m.group(1))
                    out.write(line[:m.start()])
                    continue
                m = STOP_RE.search(line)
                if m:
                    out.write(line[:m.start()])
                    out.flush()
                    stop_job(proc)
                    continue
                m = FRAME_RE.match(line)
                if m:
                    text = resolver.frame(m.group(4) == b' ',
                                          int(m.group(3), 16))
                    if text:
                        line = m.group(1) + b' ' + text.encode()
                out.write(line + b'\n')
        # A prompt without a newline shows at once.
        if pending and not FRAME_RE.match(pending.lstrip()[:1] and
                                          pending or b'x'):
            if not select.select([fd], [], [], 0.05)[0]:
                cut = exit_line_start(pending)
                out.write(pending[:cut])
                pending = pending[cut:]
        out.flush()
    out.write(pending)
    out.flush()
    return stated


STREAM_NAMES = ('console.stdin', 'console.stdout', 'console.stderr')


def exit_line_start(data):
    """Where data ends in the start of the exit-status line (a slow
    guest sends it a byte at a time, and may be in the middle of it
    when a prompt is shown), else len(data)."""
    i = data.rfind(b'\x1b')
    if i < 0:
        return len(data)
    tail = data[i:]
    n = min(len(tail), len(EXIT_MARK))
    if tail[:n] != EXIT_MARK[:n] or not EXIT_REST_RE.fullmatch(tail[n:]):
        return len(data)
    return i


def stream_kind(fd):
    """tty, pipe, file or dev: what fd is here."""
    try:
        if os.isatty(fd):
            return 'tty'
        mode = os.fstat(fd).st_mode
    except OSError:
        return 'dev'
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return 'pipe'
    if stat.S_ISREG(mode):
        return 'file'
    return 'dev'


def terminal_echo():
    """console.echo=0 if our terminal (stdin) does not echo: the kernel,
    which echoes once the terminal is raw, starts as it was."""
    try:
        import termios
        if not termios.tcgetattr(0)[3] & termios.ECHO:
            return ['console.echo=0']
    except (ImportError, OSError):
        pass
    return []


def feed_stdin(dst):
    """Copies our stdin to QEMU's, framed (see the top), then its end."""
    try:
        while True:
            try:
                chunk = os.read(0, 65536)
            except OSError:
                chunk = b''
            if not chunk:
                break
            dst.write(chunk.replace(b'\xff', b'\xff\xff'))
            dst.flush()
        dst.write(b'\xff\x04')
        dst.close()
    except (BrokenPipeError, ValueError, OSError):
        pass            # QEMU is gone


def parse(argv):
    opts = {'accel': None, 'smp': 1, 'mem': '64M', 'machine': None,
            'kargs': [], 'gdb': None, 'argv': False, 'initrd': None,
            'display': None, 'qmp': None, 'cpu': None, 'net': None,
            'fwds': []}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('--kvm', '--tcg'):
            opts['accel'] = a[2:]
        elif a in ('-smp', '--smp', '-m', '--memory', '-M', '--machine',
                   '-k', '--kernel-arg', '--gdb', '--initrd', '--display',
                   '--qmp', '--cpu', '--net', '-p', '--publish'):
            if i + 1 >= len(argv):
                sys.exit('qemu-run: %s needs a value' % a)
            val = argv[i + 1]
            i += 1
            if a in ('-smp', '--smp'):
                opts['smp'] = int(val)
            elif a in ('-m', '--memory'):
                opts['mem'] = val
            elif a in ('-M', '--machine'):
                opts['machine'] = val
            elif a == '--gdb':
                opts['gdb'] = int(val)
            elif a == '--initrd':
                opts['initrd'] = val
            elif a == '--display':
                opts['display'] = val
            elif a == '--qmp':
                opts['qmp'] = val
            elif a == '--cpu':
                opts['cpu'] = val
            elif a == '--net':
                if val not in ('user', 'tap', 'none') and \
                        not (val.startswith('tap:') and len(val) > 4):
                    sys.exit('qemu-run: --net %s: use user, tap, tap:NAME '
                             'or none' % val)
                opts['net'] = val
            elif a in ('-p', '--publish'):
                opts['fwds'].append(parse_fwd(val))
            else:
                opts['kargs'].append(val)
        elif a in ('-q', '--quiet'):
            opts['kargs'].append('quiet')
        elif a == '--argv':
            opts['argv'] = True
        elif a in ('-h', '--help'):
            print(__doc__.strip())
            sys.exit(0)
        elif a.startswith('-'):
            sys.exit('qemu-run: unknown option ' + a)
        else:
            rest = argv[i + 1:]
            if rest and rest[0] == '--':
                rest = rest[1:]
            return opts, a, rest
        i += 1
    sys.exit(__doc__)


def choose_accel(opts, image):
    if opts['accel'] == 'tcg':
        return 'tcg'
    why = probe_kvm(os.path.dirname(os.path.abspath(image)))
    if opts['accel'] == 'kvm':
        if why and why.startswith('/dev/kvm'):
            sys.exit('amphi: --kvm: ' + why)
        if why:
            say('warning: ' + why)
        return 'kvm'
    if why:
        say('KVM not usable (%s): using TCG' % why)
        return 'tcg'
    say('using KVM')
    return 'kvm'


def main():
    opts, image, args = parse(sys.argv[1:])
    name = os.path.basename(image)
    net = opts['net'] or ('user' if opts['fwds'] else 'none')
    if opts['fwds'] and net != 'user':
        sys.exit('qemu-run: -p forwards ports of --net user only')
    tap, made_tap = None, False
    if net == 'tap' and not opts['argv']:
        tap, ip, gw = tap_create()
        made_tap = True
        if not any(k.startswith('net.ip=') for k in opts['kargs']):
            opts['kargs'] += ['net.ip=' + ip, 'net.gw=' + gw]
    elif net.startswith('tap:'):
        tap, net = net[4:], 'tap'
    kinds = [stream_kind(fd) for fd in range(3)]
    streams = ['%s=%s' % (n, k) for n, k in zip(STREAM_NAMES, kinds)
               if k != 'tty']
    # On a terminal ^C, ^\ and ^Z can come at any time (the kernel
    # watches for them), and we stop on the kernel's word.
    stop = ['console.stop=1', 'console.keys=1'] + terminal_echo() \
        if kinds[0] == 'tty' else []
    opts['kinds'], opts['streams'] = kinds, streams
    words = [name] + streams + stop + opts['kargs'] + ['--'] + args
    cmdline = ' '.join(quote_arg(w) for w in words)
    if opts['initrd'] and not os.path.isfile(opts['initrd']):
        say("cannot open initrd '%s': no such file" % opts['initrd'])
        sys.exit(2)
    if image_arch(image) == 'arm64':
        if opts['accel'] == 'kvm':
            sys.exit('amphi: --kvm: arm64 images run under TCG here')
        machine = opts['machine'] or 'virt,gic-version=3'
        argv = arm64_argv(image, opts['smp'], opts['mem'], machine,
                          opts['cpu'] or ARM64_CPU, cmdline, opts['gdb'],
                          opts['initrd'], opts['display'], opts['qmp']) + \
            net_argv(machine, net, opts['fwds'], tap)
        run_qemu(opts, image, with_modern_mmio(argv), arm64=True,
                 cleanup=(lambda: tap_remove(tap)) if made_tap else None)
        return
    if opts['machine'] is None:
        opts['machine'] = 'microvm'
    if opts['cpu']:
        sys.exit('amphi: --cpu is for arm64 images')
    accel = choose_accel(opts, image)
    if opts['machine'] in ('pc', 'q35') and \
            os.path.exists('/usr/share/qemu/qboot.rom'):
        extra = ['-bios', 'qboot.rom']
    else:
        extra = []
    argv = qemu_argv(image, accel, opts['smp'], opts['mem'],
                     opts['machine'], cmdline, opts['gdb'],
                     opts['initrd'], opts['display'], opts['qmp']) + extra + \
        net_argv(opts['machine'], net, opts['fwds'], tap)
    run_qemu(opts, image, with_modern_mmio(argv),
             cleanup=(lambda: tap_remove(tap)) if made_tap else None)


def run_qemu(opts, image, argv, arm64=False, cleanup=None):
    if os.environ.get('AMPHI_VERBOSE'):
        say(' '.join(shlex.quote(a) for a in argv))
    if opts['argv']:
        print('\n'.join(argv))
        sys.exit(0)
    kinds, streams = opts['kinds'], opts['streams']
    feed = kinds[0] != 'tty'
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                            stdin=subprocess.PIPE if feed else None,
                            preexec_fn=die_with_parent)
    tcp_ports = [f[2] for f in opts['fwds'] if not f[0]]
    threading.Thread(target=widen_backlog, args=(proc.pid, tcp_ports),
                     daemon=True).start()
    # A TERM (or HUP) ends QEMU and removes what was made, like Ctrl-C.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *a: (_ for _ in ()).throw(
            KeyboardInterrupt()))
    started = []

    def want_input():
        if feed and not started:
            started.append(True)
            threading.Thread(target=feed_stdin, args=(proc.stdin,),
                             daemon=True).start()
    deframer = Deframer(want_input) if streams else None
    try:
        stated = pump(proc, Resolver(image), deframer)
        rc = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        rc = proc.wait()
        stated = None
    finally:
        if cleanup:
            cleanup()
    if arm64:
        # Semihosting passes the status whole; without it the kernel
        # stated it on the console and powered off (QEMU status 0).
        if rc < 0:
            sys.exit(128 - rc)
        sys.exit(stated if stated is not None and rc == 0 else rc)
    status = map_status(rc)
    sys.exit(stated if stated is not None and status == 126 else status)


if __name__ == '__main__':
    main()
