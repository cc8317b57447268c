#!/usr/bin/env python3
"""The display and input from the outside, in sim and in QEMU.

  display.py [--qemu QEMU_RUN [--machine M]] [--reference FILE] [--png FILE]
             IMAGE
  display.py --bench [--qemu QEMU_RUN] [--frames N] [--keys N] IMAGE
  display.py --console [--reference FILE] [--png FILE] CAT_IMAGE

IMAGE is fbdemo. It draws its fixed scene (--scene), which is captured
as a window shows it: in sim through the SDL window's renderer
(--display-ctl 'dump', offscreen driver), on QEMU by QMP 'screendump' of
ramfb. The pixels' SHA-256 must be the reference's (the first word of
FILE), the same for both worlds. Then key, pointer and button events are
injected (SDL events pushed in sim, QMP input-send-event on QEMU) one at
a time, and the app must report each, in order, before the next is sent.

--console boots the cat app (sim) with display.console=1, feeds it a
line, and checks the framebuffer console's picture against FILE's hash.

--bench prints the frames per second of fbdemo --bench N (full-screen
redraws, each presented) and the median time from an injected key to the
app's line reporting it (inject, read by the app, printed, seen here).
"""
import argparse
import hashlib
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ppm  # noqa: E402

TIMEOUT = 60
W, H = 1280, 720


def abs_of(v, size):
    """Pixels to the 0..0x7fff scale, as QEMU and hal-sim scale them."""
    return v * 0x7fff // size


class World:
    """A running fbdemo, its output lines in a queue."""

    def __init__(self, argv, env=None, stdin=subprocess.DEVNULL):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     stdin=stdin, text=True, env=env)
        self.lines = queue.Queue()
        self.log = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.log.append(line.rstrip('\n'))
            self.lines.put(line.rstrip('\n'))
        self.lines.put(None)

    def expect(self, want, timeout=TIMEOUT):
        """Waits for a line starting with want; returns it."""
        end = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0, end - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise RuntimeError('no line "%s" (output so far:\n%s)' %
                                   (want, '\n'.join(self.log[-30:])))
            if line.startswith(want):
                return line

    def finish(self):
        try:
            return self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -9


def connect(path, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


class Sim(World):
    def __init__(self, image, tmp, app_args, kargs=(),
                 stdin=subprocess.DEVNULL):
        self.ctl_path = os.path.join(tmp, 'ctl')
        env = dict(os.environ, SDL_VIDEODRIVER='offscreen')
        super().__init__([image, '-q', '--display-ctl', self.ctl_path] +
                         [a for k in kargs for a in ('-k', k)] +
                         ['--'] + app_args, env, stdin)
        self.ctl = None

    def cmd(self, line):
        if not self.ctl:
            self.ctl = connect(self.ctl_path).makefile('rw')
        self.ctl.write(line + '\n')
        self.ctl.flush()
        reply = self.ctl.readline().strip()
        if reply != 'ok':
            raise RuntimeError('%s: %s' % (line, reply))

    def dump(self, path):
        self.cmd('dump ' + path)

    def key(self, code, down):
        self.cmd('key %d %d' % (code, down))

    def move(self, x, y):
        self.cmd('motion %d %d' % (x, y))

    def button(self, n, down):
        self.cmd('button %d %d' % (n, down))


QCODES = {30: 'a', 16: 'q', 57: 'spc', 1: 'esc'}
BUTTONS = {1: 'left', 2: 'middle', 3: 'right'}


class Qemu(World):
    def __init__(self, runner, image, tmp, app_args, machine=None):
        self.qmp_path = os.path.join(tmp, 'qmp')
        super().__init__([sys.executable, runner, '--display', 'none',
                          '--qmp', self.qmp_path, '-q'] +
                         (['-M', machine] if machine else []) +
                         [image, '--'] + app_args)
        self.qmp = None

    def call(self, cmd, **args):
        if not self.qmp:
            self.qmp = connect(self.qmp_path).makefile('rw')
            self.qmp.readline()
            self.call('qmp_capabilities')
        self.qmp.write(json.dumps({'execute': cmd, 'arguments': args}) +
                       '\n')
        self.qmp.flush()
        while True:
            r = json.loads(self.qmp.readline())
            if 'error' in r:
                raise RuntimeError('QMP %s: %s' % (cmd, r['error']))
            if 'return' in r:
                return r['return']

    def dump(self, path):
        self.call('screendump', filename=path)

    def key(self, code, down):
        self.call('input-send-event', events=[{'type': 'key', 'data': {
            'down': bool(down), 'key': {'type': 'qcode',
                                        'data': QCODES[code]}}}])

    def move(self, x, y):
        self.call('input-send-event', events=[
            {'type': 'abs', 'data': {'axis': 'x', 'value': abs_of(x, W)}},
            {'type': 'abs', 'data': {'axis': 'y', 'value': abs_of(y, H)}}])

    def button(self, n, down):
        self.call('input-send-event', events=[{'type': 'btn', 'data': {
            'down': bool(down), 'button': BUTTONS[n]}}])


def start(args, tmp, app_args):
    if args.qemu:
        return Qemu(args.qemu, args.image, tmp, app_args, args.machine)
    return Sim(args.image, tmp, app_args)


# (injection, the lines the app must print for it)
STEPS = [
    (lambda w: w.key(30, 1), ['event type 1 code 30 value 1']),
    (lambda w: w.key(30, 0), ['event type 1 code 30 value 0']),
    (lambda w: w.move(100, 200), ['event abs x 100', 'event abs y 200']),
    (lambda w: w.button(1, 1), ['event type 1 code 272 value 1']),
    (lambda w: w.move(1279, 719), ['event abs x 1279', 'event abs y 719']),
    (lambda w: w.button(1, 0), ['event type 1 code 272 value 0']),
    (lambda w: w.button(3, 1), ['event type 1 code 273 value 1']),
    (lambda w: w.button(3, 0), ['event type 1 code 273 value 0']),
    (lambda w: w.key(57, 1), ['event type 1 code 57 value 1']),
    (lambda w: w.key(57, 0), ['event type 1 code 57 value 0']),
    (lambda w: w.key(16, 1), ['event type 1 code 16 value 1', 'bye']),
]


def shot_matches(args, world, tmp, name):
    shot = os.path.join(tmp, name + '.ppm')
    world.dump(shot)
    w, h, pixels = ppm.read_ppm(shot)
    digest = hashlib.sha256(pixels).hexdigest()
    print('%s %dx%d sha256 %s' % (name, w, h, digest))
    if args.png:
        ppm.write_png(args.png, w, h, pixels)
    if not args.reference:
        return
    want = open(args.reference).read().split()[0]
    if digest != want or (w, h) != (W, H):
        if not args.png:
            ppm.write_png(os.path.join(os.getcwd(), 'display-%s.png' %
                                       name), w, h, pixels)
        raise RuntimeError('%s differs from the reference %s' %
                           (name, want))


CONSOLE_TEXT = ['The kernel console, drawn on the framebuffer:',
                '\tTabs, and every printable ASCII character:',
                ''.join(chr(c) for c in range(32, 127))]


def console(args, tmp):
    world = Sim(args.image, tmp, ['-r'], ['display.console=1'],
                stdin=subprocess.PIPE)
    try:
        for line in CONSOLE_TEXT:
            world.proc.stdin.write(line + '\n')
            world.proc.stdin.flush()
            world.expect(line)
        shot_matches(args, world, tmp, 'console')
        world.proc.stdin.close()
        rc = world.finish()
        if rc != 0:
            raise RuntimeError('cat exited %d' % rc)
    except Exception:
        world.proc.kill()
        print('\n'.join(world.log[-40:]))
        raise
    print('display: the console shows what was written')


def check(args, tmp):
    world = start(args, tmp, ['--scene'])
    try:
        ready = world.expect('ready ')
        if ready != 'ready %dx%d' % (W, H):
            raise RuntimeError('unexpected mode: ' + ready)
        shot_matches(args, world, tmp, 'scene')
        for i, (inject, lines) in enumerate(STEPS):
            try:
                inject(world)
            except (OSError, ValueError):
                # The last key ends the app, and QEMU with it, maybe
                # before QMP answers: its lines tell whether it came.
                if i != len(STEPS) - 1:
                    raise
            for line in lines:
                got = world.lines.get(timeout=TIMEOUT)
                if got != line:
                    raise RuntimeError('after %s: want "%s", got "%s"' %
                                       (lines[0], line, got))
                print(got)
        rc = world.finish()
        if rc != 0:
            raise RuntimeError('fbdemo exited %d' % rc)
    except Exception:
        world.proc.kill()
        print('\n'.join(world.log[-40:]))
        raise
    print('display: scene and %d input steps as expected' % len(STEPS))


def bench(args, tmp):
    world = start(args, tmp, ['--bench', str(args.frames)])
    line = world.expect('%d frames of' % args.frames, timeout=600)
    world.finish()
    print('fps:', line)
    world = start(args, tmp, ['--scene'])
    world.expect('ready ')
    lat = []
    for i in range(args.keys):
        down = i % 2 == 0
        t0 = time.monotonic()
        world.key(30, down)
        world.expect('event type 1 code 30 value %d' % down)
        lat.append((time.monotonic() - t0) * 1e6)
    world.key(16, 1)
    world.expect('bye')
    world.finish()
    lat.sort()
    print('key latency (inject -> app read -> its line seen), %d keys: '
          'median %.0f us, min %.0f us, max %.0f us' %
          (len(lat), statistics.median(lat), lat[0], lat[-1]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--qemu', metavar='QEMU_RUN')
    ap.add_argument('--machine', metavar='MACHINE',
                    help="QEMU's machine (-M), with --qemu")
    ap.add_argument('--reference')
    ap.add_argument('--png')
    ap.add_argument('--bench', action='store_true')
    ap.add_argument('--console', action='store_true')
    ap.add_argument('--frames', type=int, default=300)
    ap.add_argument('--keys', type=int, default=40)
    ap.add_argument('image')
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix='amphi-display-') as tmp:
        try:
            (bench if args.bench else console if args.console
             else check)(args, tmp)
        except RuntimeError as e:
            print('display: FAIL: %s' % e)
            sys.exit(1)


if __name__ == '__main__':
    main()
