#!/usr/bin/env python3
"""The amphi-kvm test cases: what runs on the monitor and what it must do.

  cases.py --list        the case names (meson makes one test of each)

Each case is a monitor command line (image names are files of the work
folder the runs share; check.py puts them there) or a shell snippet
($KVM is the monitor), and its checks:
  status N / nonzero     the exit status
  match, absent          regular expressions over stdout + stderr, after
                         crash frames were resolved against the image
  posix HOST_EXE         stdout and status equal the Linux build's (both
                         with stdin on /dev/null, stderr where stdout is)
  initrd                 the listing equals the tree's (test/apps/initrd.py)
A shell snippet may use $PTY, test/kvm/ptyrun.c (a command on a new
terminal, with keys typed at it: see its top).
"""
import os
import sys

SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# test/posix programs that also run with 4 CPUs (as in test/posix).
POSIX_SMP4 = ['pthreads', 'stdio', 'poll', 'select', 'eventfd', 'epoll',
              'unix-stream', 'unix-seqpacket', 'unix-dgram']


class Case:
    def __init__(self, name, args=None, shell=None, image=None,
                 status=0, nonzero=False, match=(), absent=(),
                 posix=None, initrd=False, timeout=180):
        self.name = name
        self.args = args or []
        self.shell = shell
        self.image = image
        self.status = status
        self.nonzero = nonzero
        self.match = list(match)
        self.absent = list(absent)
        self.posix = posix
        self.initrd = initrd
        self.timeout = timeout


def posix_names():
    top = os.path.join(SRC, 'test', 'posix')
    return sorted(n for n in os.listdir(top)
                  if os.path.isdir(os.path.join(top, n)) and
                  not n.startswith('.') and
                  any(f.endswith('.c') for f in
                      os.listdir(os.path.join(top, n))))


CRASH = 'in main at apps/crash/main.c:[0-9]+'
# Console input with the bytes the framing must pass as data (check.py
# writes it into the work folder).
STDIN_FILE = 'stdin.bin'
STDIN_DATA = b'a\xffb\x03c\n'


def all_cases():
    c = [
        # The in-kernel tests, with the shape of the machine checked
        # (boot.machine_is_what_was_asked).
        Case('ktest', ['-m', '256M', '-q', '-k', 'ktest.cpus=1', '-k',
                       'ktest.mem_mib=256', 'ktest'], image='ktest',
             match=[r'^[0-9]+ passed, 0 failed$'], timeout=300),
        Case('ktest-smp4', ['-m', '256M', '-smp', '4', '-q', '-k',
                            'ktest.cpus=4', '-k', 'ktest.mem_mib=256',
                            'ktest'], image='ktest',
             match=[r'^[0-9]+ passed, 0 failed$'], timeout=300),
        Case('ktest-preempt', ['-m', '256M', '-smp', '2', '-q', '-k',
                               'sched.timeslice_us=200', 'ktest', '--',
                               'sched', 'preempt'], image='ktest',
             match=[r'^[0-9]+ passed, 0 failed$']),
        Case('hello', ['-m', '96M', 'hello', '--', 'b c', ''],
             image='hello',
             match=[r'^Amphi [0-9.]+ on pvh \(x86_64\), 1 CPU, ',
                    r'^Hello from Amphi!$', r'^argv\[1\] = "b c"$',
                    r'^argv\[2\] = ""$']),
        Case('hello-smp4', ['-smp', '4', 'hello', '--', 'x'],
             image='hello',
             match=[r'^Amphi [0-9.]+ on pvh \(x86_64\), 4 CPUs, ',
                    r'^argv\[1\] = "x"$']),
        Case('crash-null', ['-q', 'crash', 'null'], image='crash',
             nonzero=True,
             match=['KERNEL CRASH: page fault', 'NULL pointer dereference',
                    r'in read_null(\.[a-z0-9.]+)? at apps/crash/main.c:'
                    r'[0-9]+', CRASH]),
        # 134 does not fit isa-debug-exit: the console line carries it.
        # musl's abort() raises SIGABRT; its default action reports it.
        Case('crash-abort', ['-q', 'crash', 'abort'], image='crash',
             status=134, match=[r'SIGABRT \(Aborted\) in thread main',
                                CRASH],
             absent=[r'amphi-exit']),
        Case('crash-thread-stack', ['-q', 'crash', 'thread-stack'],
             image='crash', nonzero=True,
             match=['stack overflow in thread worker',
                    r' +[0-9]+ worker +running +0 ']),
        Case('crash-divide', ['-q', 'crash', 'divide'], image='crash',
             nonzero=True, match=['KERNEL CRASH: divide error', CRASH]),
        Case('crash-kassert', ['-q', 'crash', 'kassert'], image='crash',
             status=1, match=['Assertion failure: argc == 3', CRASH]),
        Case('echo-smp2', ['-q', '-smp', '2', 'echo', '--', '-n', '100'],
             image='echo',
             match=[r'^echo: 100 connections, 409600 bytes, all echoed$']),
        Case('initrd', ['-q', '--initrd', 'initrd.cpio', 'initrd-ls', '--',
                        '/data'], image='initrd-ls', initrd=True),
        # Errors: each clear, with its exit status.
        Case('image-missing', ['no-such-image'], status=2,
             match=[r"cannot open image 'no-such-image': No such file"]),
        Case('image-not-elf', ['bad/not-elf'], status=2,
             match=[r"image 'bad/not-elf': not an ELF file"]),
        Case('image-elf32', ['bad/elf32'], status=2,
             match=['a 32-bit ELF file']),
        Case('image-truncated', ['bad/truncated'], status=2,
             match=['lies past the end of the file .*truncated']),
        Case('image-not-pvh', ['bad/no-pvh-note'], status=2,
             match=['no PVH entry point']),
        Case('image-outside-ram', ['bad/outside-ram'], status=2,
             match=['lies outside guest RAM']),
        Case('initrd-missing', ['--initrd', 'nope.cpio', 'hello'],
             status=2, match=[r"cannot open initrd 'nope.cpio'"]),
        Case('bad-memory', ['-m', '1K', 'hello'], status=2,
             match=[r"invalid memory size '1K'"]),
        Case('bad-smp', ['-smp', '65', 'hello'], status=2,
             match=[r"invalid CPU count '65'"]),
        # A kernel that triple-faults before it has an IDT: the monitor
        # says so, with registers (AMD resets them: those of the last
        # exit, the console write, are shown).
        Case('early-triple-fault', ['bad/early-triple-fault'], status=1,
             match=[r'^T', 'triple fault', r'RIP [0-9a-f]{16}',
                    r'RDX 00000000000003f8']),
        # ^C (SIGINT) while the guest waits for console input (a pipe
        # that stays open).
        Case('sigint', shell='sleep 10 | $KVM -q cat -- -r & p=$!; '
             'sleep 2; kill -INT $p; wait $p', image='cat', status=130,
             match=[r'interrupted \(Ctrl-C\): guest stopped']),
        # The app's fds 0-2 are the monitor's (the line is framed):
        # piped input arrives byte for byte (0xff, and 0x03 as data, not
        # a signal), then its end; stdout and stderr apart, into files.
        Case('stdin-pipe', shell='cat %s | $KVM -q cat' % STDIN_FILE,
             image='cat', match=[r'^a\xffb\x03c$']),
        Case('stdout-file', shell='$KVM -q cat -- -r <%s >out 2>err; '
             'echo "status $?"; echo "--- out"; cat out; echo "--- err"; '
             'cat err' % STDIN_FILE, image='cat',
             match=[r'^status 0\n--- out\na\xffb\x03c\n--- err\n'
                    r'(read [1-6]\n)+read 0$']),
        # On a terminal the monitor makes it raw: the keys are the
        # guest's (console.keys=1), its settings come back however the
        # monitor ends. ^C is the app's SIGINT, not the monitor's.
        Case('tty-intr', shell='$PTY raw keys:03 -- $KVM -q cat',
             image='cat', match=[r'^ptyrun: status 130$',
                                 r'^ptyrun: settings restored$'],
             absent=[r'interrupted \(Ctrl-C\)']),
        # ^Z: the app's SIGTSTP stops the monitor as a job, the terminal
        # as it was while stopped; continued, the keys are the app's.
        Case('tty-stop', shell='$PTY raw keys:1a stopped settings cont '
             'raw keys:03 -- $KVM -q cat', image='cat',
             match=[r'^ptyrun: stopped\n\nptyrun: settings restored$',
                    r'^ptyrun: status 130\n\nptyrun: settings restored$'],
             absent=[r'interrupted \(Ctrl-C\)']),
        # The escape ends a run the keys cannot (Ctrl-A x), and Ctrl-A
        # Ctrl-A is one Ctrl-A for the guest (cat copies the line back).
        Case('tty-escape', shell='$PTY raw keys:0101410a see:0141 '
             'keys:0178 -- $KVM -q cat', image='cat',
             match=['^\x01A\r?$', r'Ctrl-A x: guest stopped',
                    r'^ptyrun: status 130$',
                    r'^ptyrun: settings restored$']),
        # The monitor's own end: a signal it turns into an exit, one it
        # dies of (SIGQUIT), a guest that crashes.
        Case('tty-sigterm', shell='$PTY raw kill:15 -- $KVM -q cat',
             image='cat', match=[r'Terminated: guest stopped',
                                 r'^ptyrun: status 143$',
                                 r'^ptyrun: settings restored$']),
        Case('tty-sigquit', shell='$PTY raw kill:3 -- $KVM -q cat',
             image='cat', match=[r'^ptyrun: status 131$',
                                 r'^ptyrun: settings restored$']),
        Case('tty-crash', shell='$PTY -- $KVM -q crash null',
             image='crash', match=['KERNEL CRASH: page fault',
                                   r'^ptyrun: status [1-9][0-9]*$',
                                   r'^ptyrun: settings restored$']),
    ]
    for n in posix_names():
        c.append(Case('posix-' + n, ['-q', 'posix-' + n],
                      image='posix-' + n, posix='posix-host-' + n))
        if n in POSIX_SMP4:
            c.append(Case('posix-%s-smp4' % n,
                          ['-q', '-smp', '4', 'posix-' + n],
                          image='posix-' + n, posix='posix-host-' + n))
    return c


def main():
    if sys.argv[1:] == ['--list']:
        for c in all_cases():
            print(c.name)
        return
    sys.exit(__doc__)


if __name__ == '__main__':
    main()
