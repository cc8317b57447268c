#!/usr/bin/env python3
"""Lua and SQLite on Amphi against the same sources built for Linux.

  bench_ports.py [--runs N] LUA_LINUX LUA_IMAGE SQLITE_LINUX SQLITE_IMAGE

Lua runs cpu.lua (a fixed CPU-bound script, next to this file); each run
is timed from outside, by the CPU time (user + system) and the wall time
of the process, less the median of an empty run's (lua -e ''), so the
boot of an image does not count. SQLite inserts 100,000 rows into a file
in one transaction (test/ports/sqlite-check bench), timed inside by the
program itself (CLOCK_MONOTONIC): the host's file is on /dev/shm (tmpfs,
like Amphi's ramfs). Runs alternate between the worlds; the rows show
medians and the ratio Amphi / Linux of the time (below 1: Amphi faster;
a speed of 0.95x the host's is a ratio up to 1.053). Sim images only.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, 'cpu.lua')
MKCPIO = os.path.join(HERE, '..', '..', 'mkcpio.py')


def timed(cmd):
    """Runs cmd; returns (cpu seconds, wall seconds, stdout)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    out, err = p.communicate()
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit('bench-ports: %s failed (%d): %s' %
                 (' '.join(cmd), p.returncode, err.decode(errors='replace')))
    return wall, out.decode()


def cpu_of(cmd):
    before = os.times()
    wall, out = timed(cmd)
    after = os.times()
    cpu = (after.children_user - before.children_user +
           after.children_system - before.children_system)
    return cpu, wall, out


def image_cmd(image, cpio, args):
    return [image, '-q', '--initrd', cpio, '--'] + args


def lua_rows(args, runs):
    worlds = {'Linux': lambda a: [args.lua_linux] + a,
              'Amphi': lambda a: image_cmd(args.lua_image, args.cpio, a)}
    res = {w: {'cpu': [], 'wall': [], 'ecpu': [], 'ewall': []}
           for w in worlds}
    sums = set()
    for _ in range(runs):
        for w, cmd in worlds.items():
            cpu, wall, out = cpu_of(cmd([SCRIPT if w == 'Linux' else
                                         '/cpu.lua']))
            sums.add(out.strip())
            res[w]['cpu'].append(cpu)
            res[w]['wall'].append(wall)
            cpu, wall, _ = cpu_of(cmd(['-e', '']))
            res[w]['ecpu'].append(cpu)
            res[w]['ewall'].append(wall)
    if len(sums) != 1:
        sys.exit('bench-ports: the worlds disagree: %s' % sums)
    rows = []
    for kind in ('cpu', 'wall'):
        t = {w: statistics.median(res[w][kind]) -
             statistics.median(res[w]['e' + kind]) for w in worlds}
        rows.append(('lua cpu.lua, %s time' % kind, t['Amphi'], t['Linux']))
    return rows


def sqlite_rows(args, runs, rows_n=100000):
    am, host = [], []
    with tempfile.TemporaryDirectory(dir='/dev/shm') as tmp:
        for _ in range(runs):
            _, out = timed([args.sqlite_linux, 'bench',
                            os.path.join(tmp, 'b.db'), str(rows_n)])
            host.append(int(out.split()[1]) / 1e9)
            _, out = timed(image_cmd(args.sqlite_image, args.cpio,
                                     ['bench', '/b.db', str(rows_n)]))
            am.append(int(out.split()[1]) / 1e9)
    return [('sqlite 100,000 inserts, 1 transaction', statistics.median(am),
             statistics.median(host))]


class Args:
    pass


def main():
    argv = sys.argv[1:]
    args, runs = Args(), 5
    while argv and argv[0].startswith('--'):
        opt = argv.pop(0)
        if opt == '--runs' and argv:
            runs = int(argv.pop(0))
        else:
            sys.exit(__doc__)
    if len(argv) != 4:
        sys.exit(__doc__)
    (args.lua_linux, args.lua_image, args.sqlite_linux,
     args.sqlite_image) = argv
    with tempfile.TemporaryDirectory() as tmp:
        # cpu.lua at / for the images.
        args.cpio = os.path.join(tmp, 'files.cpio')
        os.mkdir(os.path.join(tmp, 'files'))
        with open(SCRIPT) as f, open(os.path.join(tmp, 'files',
                                                  'cpu.lua'), 'w') as g:
            g.write(f.read())
        subprocess.run([sys.executable, MKCPIO, os.path.join(tmp, 'files'),
                        args.cpio], check=True)
        report(args, runs)


def report(args, runs):
    print('%-40s %10s %10s %7s' % ('median of %d runs' % runs, 'Amphi',
                                   'Linux', 'ratio'))
    for what, a, h in lua_rows(args, runs) + sqlite_rows(args, runs):
        print('%-40s %9.3fs %9.3fs %6.3fx' % (what, a, h, a / h))


if __name__ == '__main__':
    main()
