#!/usr/bin/env python3
"""Press a terminal's signal keys at a program, on Linux (reference) and
on Amphi, and check both react alike.

  tty-signals.py [--runner QEMU_RUN [--runner-arg ARG]...] [--case NAME]
                 HOST_EXE AMPHI_IMAGE

Each program runs in the foreground of a new pseudo-terminal, whose
line discipline turns ^C, ^\\ and ^Z into SIGINT, SIGQUIT and SIGTSTP for
it (and a new window size into SIGWINCH), as a shell's foreground job
gets them. The sim kernel gets them as a process; the app must see them
as Linux's program does: handlers run (si_code SI_KERNEL), the default
actions end it with status 130 and 131 or stop it until SIGCONT, and
the key flushes what was typed before it. tcsetattr(TCSAFLUSH) also
discards what was typed and not read, and the Enter key's CR ends a
line (ICRNL).

The line discipline at work too: the erase, kill and word-erase keys
edit a line (with ECHOE the erased character is rubbed out), ^D at a
line's start makes a read return 0 and after text ends the line; with
ISIG cleared the keys are bytes; with ECHO and ECHOCTL input is echoed,
control characters as ^X; without ICANON a read returns under VMIN and
VTIME (1/0: the first byte; 0/0: at once, maybe nothing; 0/2: after
0.2 s), echoed or not as ECHO says. A tab is rubbed out back to its
column, ^R shows the line again, ^S stops the output (writes wait) and
^Q or, with IXANY, any key restarts it (what was typed meanwhile is
echoed then); with ECHOPRT erased characters show between "\\" and "/";
tcflow stops and restarts the output and sends ^S and ^Q; FIONREAD
counts complete lines only and poll waits for VMIN bytes when VTIME is
0.

Each case is a row of CASES: the program's arguments, then steps (text
to wait for, keys to press, checks), then the exit status.

With --runner (QEMU) the keys cross the serial line as bytes and the
kernel's line discipline does all this; ^Z's stop is the launcher's
(QEMU and it stop). A serial line carries no window size: no SIGWINCH
case there. In sim the host terminal does it, with the app's settings.

A read blocked on the console wakes by the input's interrupt (on QEMU
the UART's, in sim a host thread's that waits for the terminal): the
machine wakes far less while it waits than when polled ('wake', against
console.poll=1; the round trips are printed).
"""
import argparse
import fcntl
import os
import pty
import random
import resource
import select
import signal
import struct
import subprocess
import sys
import termios
import time

TIMEOUT = 60


def job():
    """Between fork and exec: what a shell does for a foreground job. A
    session leader (this process, which stays to wait) owns the terminal
    and puts the program in a process group of its own in the foreground;
    that group is not orphaned, so ^Z may stop it (Linux ignores it for
    an orphaned one). The leader exits with the program's status (128 +
    the signal that ended it)."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w)
        os.read(r, 1)		# in the foreground now
        os.close(r)
        return
    os.close(r)
    # Popen waits for its error pipe to close at exec: the leader never
    # execs, so it closes its copy (and every other fd of the parent's).
    os.closerange(3, w)
    os.closerange(w + 1, 4096)
    try:
        os.setpgid(pid, pid)
        os.tcsetpgrp(0, pid)
        os.write(w, b'x')
        os.close(w)
        while True:
            _, st = os.waitpid(pid, 0)
            if os.WIFEXITED(st):
                os._exit(os.WEXITSTATUS(st))
            if os.WIFSIGNALED(st):
                os._exit(128 + os.WTERMSIG(st))
    finally:
        os._exit(125)


class Tty:
    all = []

    def __init__(self, cmd):
        Tty.all.append(self)
        self.master, slave = pty.openpty()
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ECHO	# typed input is not output
        termios.tcsetattr(slave, termios.TCSANOW, attrs)

        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave,
                                     stderr=slave, preexec_fn=job)
        os.close(slave)
        self.out = b''
        self.pid = self.job_pid()

    def job_pid(self):
        """The program's pid: the leader's child."""
        end = time.monotonic() + TIMEOUT
        path = '/proc/%d/task/%d/children' % (self.proc.pid, self.proc.pid)
        while time.monotonic() < end:
            with open(path) as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
            time.sleep(0.01)
        raise AssertionError('the program did not start')

    def wait_for(self, text):
        end = time.monotonic() + TIMEOUT
        while text.encode() not in self.out:
            left = end - time.monotonic()
            if left <= 0 or not self.read(left):
                raise AssertionError('no "%s" in: %r' % (text, self.out))

    def read(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:		# EIO: every slave fd is closed
            return False
        self.out += chunk
        return bool(chunk)

    def read_for(self, seconds):
        """Reads what comes for that long."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.read(end - time.monotonic())

    def press(self, key):
        os.write(self.master, key)

    def finish(self):
        while self.read(TIMEOUT):
            pass
        rc = self.proc.wait(timeout=TIMEOUT)
        os.close(self.master)
        return rc


def state(pid):
    with open('/proc/%d/stat' % pid) as f:
        return f.read().rsplit(')', 1)[1].split()[0]


def seen(text):
    """A step: text is in the output already (no waiting for it)."""
    def step(t):
        if text.encode() not in t.out:
            raise AssertionError('no %r in: %r' % (text, t.out))
    return step


def absent(text):
    """A step: text is not in the output."""
    def step(t):
        if text.encode() in t.out:
            raise AssertionError('%r in: %r' % (text, t.out))
    return step


def resize(rows, cols):
    def step(t):
        fcntl.ioctl(t.master, termios.TIOCSWINSZ,
                    struct.pack('HHHH', rows, cols, 0, 0))
    return step


def stopped(t):
    end = time.monotonic() + TIMEOUT
    while state(t.pid) != 'T':
        if time.monotonic() > end:
            raise AssertionError('^Z did not stop it (state %s)' %
                                 state(t.pid))
        time.sleep(0.05)


def sigcont(t):
    os.kill(t.pid, signal.SIGCONT)


def no_ticks(t):
    """Output stopped: once what was on its way has come (0.5 s), no
    tick for 0.7 s."""
    t.read_for(0.5)
    mark = len(t.out)
    t.read_for(0.7)
    if b'tick' in t.out[mark:]:
        raise AssertionError('ticks while stopped: %r' % t.out[mark:])


def settle(t):
    """What was on its way has come (0.5 s)."""
    t.read_for(0.5)


def descendants(pid):
    """pid and every process below it."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in os.listdir('/proc/%d/task' % p):
            try:
                with open('/proc/%d/task/%s/children' % (p, task)) as f:
                    todo += [int(k) for k in f.read().split()]
            except OSError:
                pass
    return out


def switches(pids):
    """Voluntary context switches of every thread of pids so far: a
    machine (QEMU's vCPU) that sleeps until an interrupt counts one per
    wake-up."""
    n = 0
    for pid in pids:
        try:
            tasks = os.listdir('/proc/%d/task' % pid)
        except OSError:
            continue
        for task in tasks:
            try:
                with open('/proc/%d/task/%s/status' % (pid, task)) as f:
                    for line in f:
                        if line.startswith('voluntary_ctxt_switches'):
                            n += int(line.split()[1])
            except OSError:
                pass
    return n


WAKE_BYTES = 20
WAKE = {}		# world: (median ms, wake-ups a second idle)


def wakes(t):
    """A step: the program waits in read; bytes sent after a pause come
    back. Notes in WAKE the median time that takes, and how often the
    machine (every thread of its processes) wakes in a second while the
    program waits: check_wakes compares the worlds."""
    lat = []
    for _ in range(WAKE_BYTES):
        # A pause of random length: a poller's phase is then random too.
        t.read_for(0.03 + random.random() * 0.05)
        mark = len(t.out)
        t0 = time.monotonic()
        t.press(b'x')
        while b'x' not in t.out[mark:]:
            if not t.read(TIMEOUT):
                raise AssertionError('no byte back: %r' % t.out[mark:])
        lat.append((time.monotonic() - t0) * 1000)
    lat.sort()
    t.read_for(0.2)
    pids = descendants(t.pid)
    before = switches(pids)
    t.read_for(1.0)
    WAKE['last'] = (lat[len(lat) // 2], switches(pids) - before)


def check_wakes():
    """Amphi's read wakes by the UART's interrupt: while it waits, the
    machine wakes a third as often as polled every 10 ms (console.poll=1)
    or less, as the poller's 100 looks a second go. The round trips are
    printed, not checked: a test asserts behaviour, not speed."""
    for world, (ms, idle) in sorted(WAKE.items()):
        print('     %s: median %.2f ms, idle %d wake-ups/s' %
              (world, ms, idle))
    idle, poll_idle = WAKE['amphi'][1], WAKE['amphi polled'][1]
    if idle * 3 > poll_idle:
        raise AssertionError('%d wake-ups/s, polled %d' % (idle, poll_idle))


# name: (the program's arguments, steps, exit status). A step is text
# to wait for (str), keys to press (bytes) or a function of the Tty.
CASES = {
    'handler': (['handler'], [
        'ready for SIGINT\r', b'\x03', 'SIGINT handled, si_code SI_KERNEL',
        'ready for SIGINT again', b'\x03'], 130),
    'quit': (['quit'], [
        'ready for SIGQUIT\r', b'\x1c',
        'SIGQUIT handled, si_code SI_KERNEL',
        'ready for SIGQUIT again', b'\x1c'], 131),
    'tstp': (['tstp'], [
        'ready for SIGTSTP\r', b'\x1a', 'SIGTSTP handled',
        'ready for SIGTSTP again',
        b'junk\x1a',		# ^Z flushes the unread "junk"
        stopped, sigcont, b'go\n', 'continued, read go'], 0),
    'flush': (['flush'], [
        'ready for input to flush\r', b'junk\n',
        'ready for a line after the flush', b'kept\n', 'read kept',
        absent('read junk')], 0),	# the flushed line was not read
    'enter': (['enter'], [
        'ready for a line\r', b'go\r', 'read 3 bytes, go\r\n'], 0),
    'raw': (['raw'], [
        'ready for raw bytes\r', b'\x03\x1c\x1a\n', 'read 03 1c 1a 0a'], 0),
    'echoctl': (['echoctl'], [
        'ready for an echoed line\r', b'a\x01b\n', 'a^Ab\r\n',
        'read 4 bytes'], 0),
    'erase': (['lines', '1'], [
        'ready for a line to read\r', b'abx\x7fc\n', 'read 4 [abc\\n]'], 0),
    'kill': (['lines', '2'], [
        'ready for a line to read\r', b'junk\x15ok\n', 'read 3 [ok\\n]',
        b'foo bar\x17baz\n',	# ^W: the last word
        'read 8 [foo baz\\n]'], 0),
    # ^D at the start of a line: a read returns 0, the next reads on.
    'eof': (['lines', '2'], [
        'ready for a line to read\r', b'\x04', 'read 0 []', b'next\n',
        'read 5 [next\\n]'], 0),
    # ^D after text ends the line without a newline.
    'eof_text': (['lines', '1'], [
        'ready for a line to read\r', b'ab\x04', 'read 2 [ab]'], 0),
    'echoe': (['echoe'], [
        'ready for a line to read\r', b'ab\x7f\n', 'ab\b \b\r\n',
        'read 2 [a\\n]'], 0),
    # A tab's rub-out goes back to where it began: 7 columns after "b",
    # 3 after the prompt "> ", "a" and "^A" (5 columns).
    'tab_erase': (['echoe'], [
        'ready for a line to read\r\n> ', b'a\x01\tb\t\x7f\x7f\x7f\n',
        '> a^A\tb\t' + '\b' * 7 + '\b \b' + '\b' * 3 + '\r\n',
        'read 3 [a^A\\n]'], 0),
    # ^R: the key, a newline and the line so far.
    'reprint': (['echoe'], [
        'ready for a line to read\r\n> ', b'ab\x12c\n', '> ab^R\r\nabc\r\n',
        'read 4 [abc\\n]'], 0),
    'vmin1': (['vmin1'], ['ready for a byte\r', b'x', 'read 1 [x]'], 0),
    'vmin0': (['vmin0'], [
        'first read 0 after less than 0.1 s', 'ready for a polled byte\r',
        b'y', 'read 1 [y]'], 0),
    'vtime': (['vtime'], [
        'first read 0 after at least 0.1 s', 'ready for a timed byte\r',
        b'z', 'read 1 [z]'], 0),
    'rawecho': (['rawecho'], [
        'ready for an echoed byte\r', b'e', 'read 1 [e]',
        seen('ready for an echoed byte\r\ne'),
        'ready for a hidden byte\r', b'#', 'read 1 [#]',
        seen('ready for a hidden byte\r\nread 1 [#]')], 0),
    # ^S stops the output (a write waits), ^Q restarts it; neither is
    # input.
    'ixon': (['flow'], [
        'ready for ticks\r', 'tick', b'\x13', no_ticks, b'\x11end\n',
        'a write waited at least 0.5 s', 'read 4 [end\\n]'], 0),
    # What is typed while stopped is echoed once ^Q restarts it.
    'echo_held': (['echoheld'], [
        'ready for a line to read\r', b'\x13', b'zq', settle, absent('zq'),
        b'\x11', 'zq', b'\n', 'read 3 [zq\\n]'], 0),
    # ECHOPRT: the erased characters between "\" and "/" (at once when
    # the line is empty).
    'echoprt': (['echoprt'], [
        'ready for a line to read\r', b'abc\x7f\x7fd\n', 'abc\\cb/d\r\n',
        'read 3 [ad\\n]', b'x\x7f\n', 'x\\x/\r\n', 'read 1 [\\n]'], 0),
    # tcflow: TCOOFF stops the output until TCOON; TCIOFF and TCION
    # send ^S and ^Q to the terminal.
    'tcflow': (['tcflow'], [
        'ready for tcflow\r', 'written after TCOON',
        'a write waited at least 0.4 s', 'sent VSTOP and VSTART',
        seen('\x13'), seen('\x11')], 0),
    # With IXANY any key restarts it, and is input.
    'ixany': (['flow', 'any'], [
        'ready for ticks\r', 'tick', b'\x13', no_ticks, b'x\n',
        'a write waited at least 0.5 s', 'read 2 [x\\n]'], 0),
    # FIONREAD counts complete lines, without the ^D that ends one.
    'fionread': (['fionread'], [
        'ready for lines to count\r', b'ab\ncd', 'FIONREAD 3\r',
        'ready for the line\'s end\r', b'\n', 'FIONREAD 6\r',
        'read 3 [ab\\n]', 'FIONREAD 3\r', 'read 3 [cd\\n]',
        'ready for a line ended by ^D\r', b'ef\x04', 'FIONREAD 2\r',
        'read 2 [ef]'], 0),
    # poll: VMIN bytes with VTIME 0, else one.
    'pollmin': (['pollmin'], [
        'ready for 2 bytes of VMIN 3\r', b'ab', '2 bytes: poll 0',
        'ready for the third\r', b'c', '3 bytes: poll 1', 'read 3 [abc]',
        'ready for 1 byte of VMIN 3 VTIME 1\r', b'd', '1 bytes: poll 1',
        'read 1 [d]'], 0),
    # A blocked read wakes when a byte comes, and the machine sleeps
    # while it waits. check_wakes has the figures.
    'wake': (['wake'], ['ready for bytes to send back', wakes, b'q'], 0),
    # A serial line carries no window size (not with --runner).
    'winch': (['winch'], [
        'ready for SIGWINCH\r', resize(37, 101),
        'SIGWINCH handled, size 37x101'], 0),
}


def run_case(cmd, args, steps):
    t = Tty(cmd + args)
    for step in steps:
        if isinstance(step, str):
            t.wait_for(step)
        elif isinstance(step, bytes):
            t.press(step)
        else:
            step(t)
    return t.finish()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runner')
    ap.add_argument('--runner-arg', action='append', default=[],
                    help='an option for the runner (again for more)')
    ap.add_argument('host')
    ap.add_argument('image')
    ap.add_argument('--case', action='append',
                    help='run only this case (again for more)')
    args = ap.parse_args()
    cases = [name for name in CASES if name in (args.case or CASES) and
             not (args.runner and name == 'winch')]
    amphi = [args.image, '-q', '--']
    if args.runner:
        amphi = [sys.executable, args.runner, '-q'] + args.runner_arg + \
            [args.image, '--']
    worlds = [('linux', [args.host], cases), ('amphi', amphi, cases)]
    if 'wake' in cases:
        at = 3 if args.runner else 2	# after -q: the runner's or sim's
        worlds.append(('amphi polled', amphi[:at] +
                       ['-k', 'console.poll=1'] + amphi[at:], ['wake']))
    failed = 0
    for world, cmd, world_cases in worlds:
        for case in world_cases:
            name = '%s %s' % (world, case)
            argv, steps, want = CASES[case]
            try:
                rc = run_case(cmd, argv, steps)
                if rc != want:
                    raise AssertionError('status %d, not %d' % (rc, want))
                if case == 'wake':
                    WAKE[world] = WAKE.pop('last')
                print('ok   ' + name)
            except (AssertionError, subprocess.TimeoutExpired) as e:
                print('FAIL %s: %s' % (name, e))
                failed += 1
                for t in Tty.all:
                    if t.proc.poll() is None:
                        t.proc.kill()
                        t.proc.wait()
    if len(WAKE) == 3:
        try:
            check_wakes()
            print('ok   wake: interrupt against poll')
        except AssertionError as e:
            print('FAIL wake: %s' % e)
            failed += 1
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
