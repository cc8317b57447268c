#!/usr/bin/env python3
"""Press a terminal's signal keys at a program, on Linux (reference) and
on Amphi, and check both react alike.

  tty-signals.py [--runner QEMU_RUN] HOST_EXE AMPHI_IMAGE

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
0.2 s), echoed or not as ECHO says.

With --runner (QEMU) the keys cross the serial line as bytes and the
kernel's line discipline does all this; ^Z's stop is the launcher's
(QEMU and it stop). A serial line carries no window size: no SIGWINCH
case there. In sim the host terminal does it, with the app's settings.
"""
import argparse
import fcntl
import os
import pty
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


def case_handler(cmd):
    t = Tty(cmd + ['handler'])
    t.wait_for('ready for SIGINT\r')
    t.press(b'\x03')
    t.wait_for('SIGINT handled, si_code SI_KERNEL')
    t.wait_for('ready for SIGINT again')
    t.press(b'\x03')
    return t.finish(), 130


def case_quit(cmd):
    t = Tty(cmd + ['quit'])
    t.wait_for('ready for SIGQUIT\r')
    t.press(b'\x1c')
    t.wait_for('SIGQUIT handled, si_code SI_KERNEL')
    t.wait_for('ready for SIGQUIT again')
    t.press(b'\x1c')
    return t.finish(), 131


def case_winch(cmd):
    t = Tty(cmd + ['winch'])
    t.wait_for('ready for SIGWINCH\r')
    fcntl.ioctl(t.master, termios.TIOCSWINSZ,
                struct.pack('HHHH', 37, 101, 0, 0))
    t.wait_for('SIGWINCH handled, size 37x101')
    return t.finish(), 0


def case_tstp(cmd):
    t = Tty(cmd + ['tstp'])
    t.wait_for('ready for SIGTSTP\r')
    t.press(b'\x1a')
    t.wait_for('SIGTSTP handled')
    t.wait_for('ready for SIGTSTP again')
    t.press(b'junk\x1a')	# ^Z flushes the unread "junk"
    end = time.monotonic() + TIMEOUT
    while state(t.pid) != 'T':
        if time.monotonic() > end:
            raise AssertionError('^Z did not stop it (state %s)' %
                                 state(t.pid))
        time.sleep(0.05)
    os.kill(t.pid, signal.SIGCONT)
    t.press(b'go\n')
    t.wait_for('continued, read go')
    return t.finish(), 0


def case_raw(cmd):
    t = Tty(cmd + ['raw'])
    t.wait_for('ready for raw bytes\r')
    t.press(b'\x03\x1c\x1a\n')
    t.wait_for('read 03 1c 1a 0a')
    return t.finish(), 0


def case_flush(cmd):
    t = Tty(cmd + ['flush'])
    t.wait_for('ready for input to flush\r')
    t.press(b'junk\n')
    t.wait_for('ready for a line after the flush')
    t.press(b'kept\n')
    t.wait_for('read kept')
    if b'read junk' in t.out:
        raise AssertionError('the flushed line was read: %r' % t.out)
    return t.finish(), 0


def case_enter(cmd):
    t = Tty(cmd + ['enter'])
    t.wait_for('ready for a line\r')
    t.press(b'go\r')
    t.wait_for('read 3 bytes, go\r\n')
    return t.finish(), 0


def case_echoctl(cmd):
    t = Tty(cmd + ['echoctl'])
    t.wait_for('ready for an echoed line\r')
    t.press(b'a\x01b\n')
    t.wait_for('a^Ab\r\n')
    t.wait_for('read 4 bytes')
    return t.finish(), 0


def case_erase(cmd):
    t = Tty(cmd + ['lines', '1'])
    t.wait_for('ready for a line to read\r')
    t.press(b'abx\x7fc\n')
    t.wait_for('read 4 [abc\\n]')
    return t.finish(), 0


def case_kill(cmd):
    t = Tty(cmd + ['lines', '2'])
    t.wait_for('ready for a line to read\r')
    t.press(b'junk\x15ok\n')
    t.wait_for('read 3 [ok\\n]')
    t.press(b'foo bar\x17baz\n')	# ^W: the last word
    t.wait_for('read 8 [foo baz\\n]')
    return t.finish(), 0


def case_eof(cmd):
    """^D at the start of a line: a read returns 0, the next reads on."""
    t = Tty(cmd + ['lines', '2'])
    t.wait_for('ready for a line to read\r')
    t.press(b'\x04')
    t.wait_for('read 0 []')
    t.press(b'next\n')
    t.wait_for('read 5 [next\\n]')
    return t.finish(), 0


def case_eof_text(cmd):
    """^D after text ends the line without a newline."""
    t = Tty(cmd + ['lines', '1'])
    t.wait_for('ready for a line to read\r')
    t.press(b'ab\x04')
    t.wait_for('read 2 [ab]')
    return t.finish(), 0


def case_echoe(cmd):
    t = Tty(cmd + ['echoe'])
    t.wait_for('ready for a line to read\r')
    t.press(b'ab\x7f\n')
    t.wait_for('ab\b \b\r\n')
    t.wait_for('read 2 [a\\n]')
    return t.finish(), 0


def case_vmin1(cmd):
    t = Tty(cmd + ['vmin1'])
    t.wait_for('ready for a byte\r')
    t.press(b'x')
    t.wait_for('read 1 [x]')
    return t.finish(), 0


def case_vmin0(cmd):
    t = Tty(cmd + ['vmin0'])
    t.wait_for('first read 0 after less than 0.1 s')
    t.wait_for('ready for a polled byte\r')
    t.press(b'y')
    t.wait_for('read 1 [y]')
    return t.finish(), 0


def case_vtime(cmd):
    t = Tty(cmd + ['vtime'])
    t.wait_for('first read 0 after at least 0.1 s')
    t.wait_for('ready for a timed byte\r')
    t.press(b'z')
    t.wait_for('read 1 [z]')
    return t.finish(), 0


def case_rawecho(cmd):
    t = Tty(cmd + ['rawecho'])
    t.wait_for('ready for an echoed byte\r')
    t.press(b'e')
    t.wait_for('read 1 [e]')
    if b'ready for an echoed byte\r\ne' not in t.out:
        raise AssertionError('no echo: %r' % t.out)
    t.wait_for('ready for a hidden byte\r')
    t.press(b'#')
    t.wait_for('read 1 [#]')
    if b'ready for a hidden byte\r\nread 1 [#]' not in t.out:
        raise AssertionError('echoed with ECHO off: %r' % t.out)
    return t.finish(), 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runner')
    ap.add_argument('host')
    ap.add_argument('image')
    args = ap.parse_args()
    cases = [case_handler, case_quit, case_tstp, case_flush, case_enter,
             case_raw, case_echoctl, case_erase, case_kill, case_eof,
             case_eof_text, case_echoe, case_vmin1, case_vmin0, case_vtime,
             case_rawecho]
    if not args.runner:
        cases.append(case_winch)
    amphi = [args.image, '-q', '--']
    if args.runner:
        amphi = [sys.executable, args.runner, '-q', args.image, '--']
    failed = 0
    for world, cmd in (('linux', [args.host]), ('amphi', amphi)):
        for case in cases:
            name = '%s %s' % (world, case.__name__[5:])
            try:
                rc, want = case(cmd)
                if rc != want:
                    raise AssertionError('status %d, not %d' % (rc, want))
                print('ok   ' + name)
            except (AssertionError, subprocess.TimeoutExpired) as e:
                print('FAIL %s: %s' % (name, e))
                failed += 1
                for t in Tty.all:
                    if t.proc.poll() is None:
                        t.proc.kill()
                        t.proc.wait()
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
