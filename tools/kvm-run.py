#!/usr/bin/env python3
"""Boot a metal x86_64 image on amphi-kvm, the project's own KVM monitor.

  kvm-run.py [--native | --nested] [-smp N] [-m SIZE] [-k ARG]... [-q]
             [--initrd FILE] [--gdb PORT [--gdb-ready FILE]]
             [--monitor PATH] IMAGE [--] [ARGS...]

The monitor (hal-sim/kvm, built as BUILD/hal-sim/kvm/amphi-kvm next to
BUILD/tools/IMAGE) boots IMAGE on /dev/kvm with no QEMU. Where this
machine's /dev/kvm cannot boot a test image (none, no permission, or a
KVM that fails the guest), the run goes to the nested KVM test host
(tools/kvmhost.py: QEMU TCG with an emulated AMD-V CPU, whose Linux
gives a real /dev/kvm), and it says so on stderr. --native or --nested
force a world.

As tools/qemu-run.py does for QEMU: the console is on stdio (the app's
fds 0-2 are ours: the monitor is told what our stdout and stderr are,
which it writes to through us; in the nested host the console is one
serial line, a terminal with stdin on it), crash-report
frames ("#N 0xADDR in ??", also in the monitor's register dumps) are
resolved with addr2line against IMAGE, and the exit status is the app's
(the monitor's own: 1 the guest died without a status, 2 a bad image or
option, 3 /dev/kvm missing or lacking, 128 + N signal N, 130 Ctrl-A x).

On a terminal the monitor makes it raw: ^C, ^\ and ^Z are the app's
(amphi-kvm --help; Ctrl-A x ends a stuck run). In the nested host too
(QEMU's signals off on the line: end a wedged host with kill), but ^Z's
stop is not honoured there (-k console.stop=0: no job control inside).
A piped or file stdin goes
into the nested host whole, read to its end before the boot (at most
64 MiB; more is refused: use --initrd), and the app reads it from
there; other stdin (/dev/null, --gdb with a terminal) is /dev/null.

--gdb PORT: the monitor waits for gdb on 127.0.0.1:PORT before the
first instruction (in the nested host: a second serial line that QEMU
offers on that port); --gdb-ready FILE is created once gdb may connect.

The native probe's result is cached in BUILD/kvm-direct-world.
"""
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, 'tools'))
import kvmhost  # noqa: E402
from hostutil import say  # noqa: E402

PROBE_TIMEOUT = 20
NO_KVM = 3
READY_RE = re.compile(rb'amphi-kvm: waiting for gdb on ')
# Piped or file input goes into the nested host whole, in its
# initramfs (held in its RAM), under this name.
NESTED_STDIN = 'stdin.in'
NESTED_STDIN_MAX = 64 << 20


qemu_run = kvmhost.load_module(os.path.join(TOP, 'tools', 'qemu-run.py'))


def build_dir_of(image):
    return os.path.dirname(os.path.dirname(os.path.abspath(image)))


def default_monitor(image):
    return os.path.join(build_dir_of(image), 'hal-sim', 'kvm', 'amphi-kvm')


def probe_native(monitor, image):
    """'' if this machine's /dev/kvm boots hello on the monitor, else
    why not."""
    bdir = build_dir_of(image)
    cache = os.path.join(bdir, 'kvm-direct-world')
    hello = os.path.join(bdir, 'tools', 'hello')
    if not os.path.exists(hello):
        hello = image
    stamp = max(os.path.getmtime(monitor), os.path.getmtime(hello))
    if os.path.exists(cache) and os.path.getmtime(cache) >= stamp:
        return open(cache).read().strip()
    try:
        res = subprocess.run([monitor, '-q', hello], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=PROBE_TIMEOUT)
        ok = res.returncode == 0 and b'Hello from Amphi!' in res.stdout
        err = res.stderr.decode(errors='replace').strip().splitlines()
    except subprocess.TimeoutExpired:
        ok, err = False, ['a test boot timed out']
    reason = ''
    if not ok:
        first = err[0] if err else 'a test boot failed'
        reason = first.replace('amphi-kvm: ', '')
    try:
        with open(cache, 'w') as f:
            f.write(reason + '\n')
    except OSError:
        pass
    return reason


class LinePump:
    """Copies output to a stream, resolving crash-report frames against
    the image; a partial line that cannot be a frame goes out at once.
    on_line sees every whole line."""

    def __init__(self, out, resolver, on_line=None):
        self.out = out
        self.resolver = resolver
        self.on_line = on_line
        self.pending = b''      # not written yet
        self.written = b''      # the current line's part already out

    def feed(self, data):
        self.pending += data
        lines = self.pending.split(b'\n')
        self.pending = lines.pop()
        for line in lines:
            whole = self.written + line
            if self.on_line:
                self.on_line(whole)
            m = qemu_run.FRAME_RE.match(whole) if not self.written \
                else None
            if m:
                text = self.resolver.frame(m.group(4) == b' ',
                                           int(m.group(3), 16))
                if text:
                    line = m.group(1) + b' ' + text.encode()
            self.out.write(line + b'\n')
            self.written = b''
        start = self.written + self.pending
        if self.pending and (self.written or (
                start.strip(b' ') and
                not start.lstrip(b' ').startswith(b'#'))):
            self.out.write(self.pending)
            self.written += self.pending
            self.pending = b''
        self.out.flush()

    def close(self):
        if self.pending:
            self.out.write(self.pending)
            self.pending = b''
        self.out.flush()


def parse(argv):
    opts = {'world': None, 'args': [], 'gdb': None, 'ready': None,
            'monitor': None, 'initrd': None}
    i = 0
    value_opts = ('-smp', '--smp', '-m', '--memory', '-k', '--kernel-arg',
                  '--initrd', '--gdb', '--gdb-ready', '--monitor')
    while i < len(argv):
        a = argv[i]
        if a in ('--native', '--nested'):
            opts['world'] = a[2:]
        elif a in value_opts:
            if i + 1 >= len(argv):
                sys.exit('kvm-run: %s needs a value' % a)
            val = argv[i + 1]
            i += 1
            if a == '--gdb':
                opts['gdb'] = val
            elif a == '--gdb-ready':
                opts['ready'] = val
            elif a == '--monitor':
                opts['monitor'] = val
            elif a == '--initrd':
                opts['initrd'] = val
            else:
                opts['args'] += [a, val]
        elif a in ('-q', '--quiet', '-v', '--verbose'):
            opts['args'].append(a)
        elif a in ('-h', '--help'):
            print(__doc__.strip())
            sys.exit(0)
        elif a.startswith('-'):
            sys.exit('kvm-run: unknown option ' + a)
        else:
            rest = argv[i + 1:]
            if rest and rest[0] == '--':
                rest = rest[1:]
            return opts, a, rest
        i += 1
    sys.exit(__doc__)


def choose_world(opts, monitor, image):
    if opts['world'] == 'nested':
        return 'nested'
    why = probe_native(monitor, image)
    if opts['world'] == 'native':
        if why:
            say('warning: ' + why)
        return 'native'
    if why:
        say('/dev/kvm not usable here (%s): running in the nested KVM '
            'test host (QEMU TCG with an AMD-V CPU; it boots in a few '
            'seconds)' % why)
        return 'nested'
    return 'native'


def gdb_ready(opts):
    if opts['ready']:
        with open(opts['ready'], 'w') as f:
            f.write('ready\n')


def relayed_streams(margs):
    """-k console.stdout=KIND, console.stderr=KIND: what our stdout and
    stderr are, which the monitor's pipes to us stand for (the monitor
    tells the guest what its own fds are); not those given already."""
    out = []
    for fd in (1, 2):
        name = qemu_run.STREAM_NAMES[fd]
        if not any(a.startswith(name + '=') for a in margs):
            out += ['-k', '%s=%s' % (name, qemu_run.stream_kind(fd))]
    return out


def run_native(monitor, opts, image, args, resolver):
    argv = [monitor] + relayed_streams(opts['args']) + opts['args']
    if opts['initrd']:
        argv += ['--initrd', opts['initrd']]
    if opts['gdb']:
        argv += ['--gdb', opts['gdb']]
    argv += [image, '--'] + args
    if os.environ.get('AMPHI_VERBOSE'):
        say(' '.join(shlex.quote(a) for a in argv))
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            preexec_fn=kvmhost.die_with_parent)

    def on_err(line):
        if READY_RE.search(line):
            gdb_ready(opts)

    pumps = [LinePump(sys.stdout.buffer, resolver),
             LinePump(sys.stderr.buffer, resolver, on_err)]

    def copy(stream, pump):
        fd = stream.fileno()
        while True:
            data = os.read(fd, 65536)
            if not data:
                break
            pump.feed(data)
        pump.close()

    threads = [threading.Thread(target=copy, args=(proc.stdout, pumps[0])),
               threading.Thread(target=copy, args=(proc.stderr, pumps[1]))]
    for t in threads:
        t.start()
    while True:
        try:
            for t in threads:
                t.join()
            return proc.wait()
        except KeyboardInterrupt:
            # A ^C reached the monitor too; a SIGTERM of ours did not.
            # It stops the guest and says so.
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
            continue


def ship_stdin():
    """Our stdin (a pipe or a file), read to its end into a temporary
    file for the nested host's initramfs; exits with a message if it is
    larger than NESTED_STDIN_MAX."""
    f = tempfile.NamedTemporaryFile(prefix='amphi-stdin-')
    total = 0
    while True:
        try:
            chunk = os.read(0, 1 << 20)
        except OSError:
            chunk = b''
        if not chunk:
            break
        total += len(chunk)
        if total > NESTED_STDIN_MAX:
            f.close()
            say('stdin: over %d MiB of input cannot go into the nested '
                'KVM host (it travels in its initramfs): give the app a '
                'file with --initrd instead' % (NESTED_STDIN_MAX >> 20))
            sys.exit(2)
        f.write(chunk)
    f.flush()
    return f


def run_nested(monitor, opts, image, args, resolver):
    name = os.path.basename(image)
    files = [(monitor, 'amphi-kvm'), (image, name)]
    margs = list(opts['args'])
    if opts['initrd']:
        files.append((opts['initrd'], 'initrd/' +
                      os.path.basename(opts['initrd'])))
        margs += ['--initrd', 'initrd/' + os.path.basename(opts['initrd'])]
    serial2 = None
    if opts['gdb']:
        margs += ['--gdb', '/dev/ttyS1']
        serial2 = 'tcp:127.0.0.1:%s,server=on,wait=off' % opts['gdb']
    stdin, shipped, redirect = subprocess.DEVNULL, None, '/dev/null'
    if sys.stdin.isatty() and not opts['gdb']:
        stdin, redirect = sys.stdin, None   # the console's: the terminal
        # Nothing there stops as a job (no shell with job control):
        # the app's SIGTSTP is ignored, as in an orphaned process group.
        if not any(a.startswith('console.stop=') for a in margs):
            margs = ['-k', 'console.stop=0'] + margs
        # The host's console there echoes; ours may not.
        for a in qemu_run.terminal_echo():
            if not any(m.startswith('console.echo=') for m in margs):
                margs = ['-k', a] + margs
    elif qemu_run.stream_kind(0) in ('pipe', 'file'):
        shipped = ship_stdin()
        files.append((shipped.name, NESTED_STDIN, False))
        redirect = NESTED_STDIN
    payload = ' '.join(shlex.quote(a) for a in
                       ['./amphi-kvm'] + margs + [name, '--'] + args)
    if redirect:
        payload += ' <' + redirect
    payload += '\n'
    try:
        boot = kvmhost.Boot(files, payload, stdin=stdin, serial2=serial2,
                            keys=stdin is sys.stdin)
    finally:
        if shipped:
            shipped.close()
    pump = LinePump(sys.stdout.buffer, resolver,
                    lambda line: READY_RE.search(line) and gdb_ready(opts))
    try:
        boot.start()
        for chunk in boot.chunks():
            pump.feed(chunk)
        pump.close()
        return boot.finish()
    except KeyboardInterrupt:
        boot.kill()
        pump.close()
        say('interrupted: the nested KVM host stopped')
        return 130
    except kvmhost.HostError as e:
        boot.kill()
        say(str(e))
        return 1


def stop(sig, frame):
    raise KeyboardInterrupt


def main():
    # Ended by another program (amphi gdb when gdb is done): as ^C.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    opts, image, args = parse(sys.argv[1:])
    monitor = opts['monitor'] or os.environ.get('AMPHI_KVM_MONITOR') or \
        default_monitor(image)
    if not os.path.exists(monitor):
        say("no monitor at %s: build with './amphi --platform x86_64 "
            "build'" % monitor)
        sys.exit(2)
    if opts['initrd'] and not os.path.isfile(opts['initrd']):
        say("cannot open initrd '%s': no such file" % opts['initrd'])
        sys.exit(2)
    if not os.path.isfile(image):
        say("cannot open image '%s': no such file" % image)
        sys.exit(2)
    resolver = qemu_run.Resolver(image)
    world = choose_world(opts, monitor, image)
    if world == 'native':
        rc = run_native(monitor, opts, image, args, resolver)
    else:
        rc = run_nested(monitor, opts, image, args, resolver)
    sys.exit(rc if rc >= 0 else 128 - rc)


if __name__ == '__main__':
    main()
