#!/usr/bin/env python3
"""Lua and SQLite on Amphi against the same sources built for Linux.

  bench_ports.py [--runs N] [--instructions [--keep DIR]]
                 LUA_GLIBC LUA_MUSL LUA_IMAGE
                 SQLITE_GLIBC SQLITE_MUSL SQLITE_IMAGE

Three worlds run the same source with the same compiler flags: Amphi
(a sim image: the app on musl, the C library apps use on Amphi),
Linux with musl (musl-gcc, static; '-' for none) and Linux with glibc.
Musl against musl shows what the kernel costs; musl against glibc what
the C library does.

Lua runs cpu.lua (a fixed CPU-bound script, next to this file); each
run is timed from outside, by the CPU time (user + system) and the wall
time of the process, less the median of an empty run's (lua -e ''), so
the boot of an image does not count. SQLite inserts 100,000 rows into a
file in one transaction (test/ports/sqlite-check bench), timed inside
by the program itself (CLOCK_MONOTONIC): the host's file is on /dev/shm
(tmpfs, like Amphi's ramfs). Runs alternate between the worlds; the
rows show medians and the ratios Amphi / Linux of the time (below 1:
Amphi faster; a speed of 0.95x the host's is a ratio up to 1.053).

--instructions counts the instructions each run executes instead
(valgrind's callgrind; the images with the flags their fault path
needs), less those of an empty run (lua -e '', sqlite bench with 0
rows): steady where time is not, on a busy machine. Only user-mode
instructions count, so Linux's kernel work for a system call is
free there while Amphi's, in the same process, is counted. --keep DIR
keeps the callgrind files (WORLD-WHAT.out) for callgrind_annotate.
Sim images only.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, '..', '..', '..')
SCRIPT = os.path.join(HERE, 'cpu.lua')
MKCPIO = os.path.join(TOP, 'tools', 'mkcpio.py')
sys.path.insert(0, os.path.join(TOP, 'tools'))
# The valgrind flags an image's demand paging and traps need.
from amphi import VALGRIND_EXACT, VALGRIND_EXACT_OTHER  # noqa: E402

WORLDS = ('Amphi', 'Linux-musl', 'Linux-glibc')
SQLITE_ROWS = 100000


def run(cmd):
    """Runs cmd; returns (wall seconds, stdout); exits if it fails."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    out, err = p.communicate()
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit('bench-ports: %s failed (%d): %s' %
                 (' '.join(cmd), p.returncode, err.decode(errors='replace')))
    return wall, out.decode()


def timed(cmd):
    """Runs cmd; returns ({'cpu time': s, 'wall time': s}, stdout)."""
    before = os.times()
    wall, out = run(cmd)
    after = os.times()
    cpu = (after.children_user - before.children_user +
           after.children_system - before.children_system)
    return {'cpu time': cpu, 'wall time': wall}, out


class Counter:
    """Runs commands under callgrind; the measure is the instruction
    count of the whole process."""

    def __init__(self, keep):
        self.keep = keep
        self.dir = keep or tempfile.mkdtemp()
        os.makedirs(self.dir, exist_ok=True)

    def __call__(self, world, what, cmd):
        name = os.path.join(self.dir, '%s-%s.out' % (world, what))
        vg = ['valgrind', '--tool=callgrind', '--callgrind-out-file=' + name]
        if world == 'Amphi':
            vg += [VALGRIND_EXACT, VALGRIND_EXACT_OTHER]
        _, out = run(vg + cmd)
        with open(name) as f:
            total = [int(line.split()[1]) for line in f
                     if line.startswith(('summary:', 'totals:'))]
        if not self.keep:
            os.unlink(name)
        return {'instructions': total[-1]}, out

    def close(self):
        if not self.keep:
            os.rmdir(self.dir)


def worlds_of(glibc, musl, image, cpio):
    """The command line of each world for (Linux arguments, the image's
    arguments): file names differ (the image's files are at /)."""
    cmds = {'Amphi': lambda a, ia: [image, '-q', '--initrd', cpio,
                                    '--'] + ia,
            'Linux-glibc': lambda a, ia: [glibc] + a}
    if musl != '-':
        cmds['Linux-musl'] = lambda a, ia: [musl] + a
    return cmds


def less(work, empty, kinds):
    """{world: {kind: median of work less median of empty}}."""
    return {w: {k: statistics.median(work[w][k]) -
                (statistics.median(empty[w][k]) if empty else 0)
                for k in kinds} for w in work}


class Bench:
    """measure(world, what, cmd) runs cmd; returns ({kind: value}, its
    output), kinds being the kinds of value it gives."""

    def __init__(self, args, runs, measure, kinds):
        self.args, self.runs = args, runs
        self.measure, self.kinds = measure, kinds

    def series(self, cmds):
        return {w: {k: [] for k in self.kinds} for w in cmds}

    def lua(self):
        a = self.args
        cmds = worlds_of(a.lua_glibc, a.lua_musl, a.lua_image, a.cpio)
        work, empty, sums = self.series(cmds), self.series(cmds), set()
        for _ in range(self.runs):
            for w, cmd in cmds.items():
                m, out = self.measure(w, 'lua-cpu',
                                      cmd([SCRIPT], ['/cpu.lua']))
                sums.add(out.strip())
                e, _ = self.measure(w, 'lua-empty', cmd(['-e', ''],
                                                        ['-e', '']))
                for k in self.kinds:
                    work[w][k].append(m[k])
                    empty[w][k].append(e[k])
        if len(sums) != 1:
            sys.exit('bench-ports: the worlds disagree: %s' % sums)
        med = less(work, empty, self.kinds)
        return [('lua cpu.lua, %s' % k, {w: med[w][k] for w in med})
                for k in self.kinds]

    def sqlite(self, tmp, timed_inside):
        """timed_inside: the program's own time of the inserts, rather
        than the measure less an empty run's (0 rows)."""
        a = self.args
        cmds = worlds_of(a.sqlite_glibc, a.sqlite_musl, a.sqlite_image,
                         a.cpio)
        db = os.path.join(tmp, 'b.db')
        work, empty = self.series(cmds), self.series(cmds)
        sizes = [(SQLITE_ROWS, work)] + ([] if timed_inside else
                                         [(0, empty)])
        for _ in range(self.runs):
            for w, cmd in cmds.items():
                for rows, series in sizes:
                    n = str(rows)
                    m, out = self.measure(
                        w, 'sqlite-%d' % rows,
                        cmd(['bench', db, n], ['bench', '/b.db', n]))
                    if timed_inside:
                        m = {'insert time': int(out.split()[1]) / 1e9}
                    for k in self.kinds:
                        series[w][k].append(m[k])
        med = less(work, None if timed_inside else empty, self.kinds)
        return [('sqlite {:,} inserts, {}'.format(SQLITE_ROWS, k),
                 {w: med[w][k] for w in med}) for k in self.kinds]


class Args:
    pass


def parse_argv(argv):
    args, runs, count, keep = Args(), 5, False, None
    while argv and argv[0].startswith('--'):
        opt = argv.pop(0)
        if opt == '--runs' and argv:
            runs = int(argv.pop(0))
        elif opt == '--instructions':
            count = True
        elif opt == '--keep' and argv:
            keep = os.path.abspath(argv.pop(0))
        else:
            sys.exit(__doc__)
    if len(argv) != 6 or runs < 1:
        sys.exit(__doc__)
    (args.lua_glibc, args.lua_musl, args.lua_image, args.sqlite_glibc,
     args.sqlite_musl, args.sqlite_image) = argv
    return args, runs, count, keep


def main():
    args, runs, count, keep = parse_argv(sys.argv[1:])
    with tempfile.TemporaryDirectory() as tmp:
        # cpu.lua at / for the images.
        args.cpio = os.path.join(tmp, 'files.cpio')
        os.mkdir(os.path.join(tmp, 'files'))
        with open(SCRIPT) as f, open(os.path.join(tmp, 'files',
                                                  'cpu.lua'), 'w') as g:
            g.write(f.read())
        subprocess.run([sys.executable, MKCPIO, os.path.join(tmp, 'files'),
                        args.cpio], check=True)
        if count:
            counter = Counter(keep)
            lua = sql = Bench(args, runs, counter, ['instructions'])
        else:
            def measure(world, what, cmd):
                return timed(cmd)
            lua = Bench(args, runs, measure, ['cpu time', 'wall time'])
            sql = Bench(args, runs, measure, ['insert time'])
        rows = lua.lua()
        with tempfile.TemporaryDirectory(dir='/dev/shm') as shm:
            rows += sql.sqlite(shm, not count)
        if count:
            counter.close()
    report(rows, runs, count)


def show(v, count):
    if v is None:
        return '%11s' % '-'
    if count:
        return '%10.1fM' % (v / 1e6)
    return '%10.3fs' % v


def report(rows, runs, count):
    print('%-38s %11s %11s %11s %8s %8s' %
          ('median of %d run%s' % (runs, 's' if runs > 1 else ''),
           'Amphi', 'Linux-musl', 'Linux-glibc', 'A/musl', 'A/glibc'))
    for what, med in rows:
        a = med['Amphi']
        ratios = ['%7.3fx' % (a / med[w]) if med.get(w) else '%8s' % '-'
                  for w in ('Linux-musl', 'Linux-glibc')]
        print('%-38s %s %s %s %s %s' % ((what,) + tuple(
            show(med.get(w), count) for w in WORLDS) + tuple(ratios)))


if __name__ == '__main__':
    main()
