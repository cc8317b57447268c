#!/usr/bin/env python3
"""Boot the initrd-ls image with an initrd made from a tree, and compare
its listing of the unpacked tree with the same listing computed here from
the source tree.

  initrd.py [--crc] [--runner QEMU_RUN | --valgrind SUPP] IMAGE

The tree (made in a temporary folder) has an empty file, a file over
1 MiB, nested folders, an empty folder, symlinks (relative, absolute,
dangling), a hard link, and assorted modes and mtimes; beside it /etc
(passwd, group, hosts) and /tmp (0700), which must win over the standard
tree the kernel makes at boot (core/fstree). tools/mkcpio.py
packs it (--crc: format 070702). With --runner, IMAGE boots through
tools/qemu-run.py (metal); with --valgrind, under memcheck (no error,
no leak allowed). Exits 0 if the listings are equal.
"""
import argparse
import difflib
import os
import stat
import subprocess
import sys
import tempfile

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
sys.path.insert(0, os.path.join(TOP, 'tools'))
import mkcpio  # noqa: E402
from amphi import VALGRIND_FLAGS  # noqa: E402

ROOT = 'data'   # the tree's top folder, /data once unpacked


def make_tree(top):
    d = os.path.join(top, ROOT)

    def f(rel, data, mode=0o644):
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'wb') as fh:
            fh.write(data)
        os.chmod(p, mode)

    os.makedirs(d)
    f('empty', b'', 0o600)
    f('hello.txt', b'hello, initrd\n')
    # Over 1 MiB, not a multiple of 4, not a repeating page.
    big = bytearray()
    x = 12345
    while len(big) < (1 << 20) + 4099:
        x = (x * 1103515245 + 12345) & 0x7fffffff
        big += x.to_bytes(4, 'little')
    f('big.bin', bytes(big[:(1 << 20) + 4099]))
    f('bin/run.sh', b'#!/bin/sh\necho hi\n', 0o755)
    f('ro.txt', b'read only\n', 0o444)
    f('a/b/c/deep.txt', b'deep\n', 0o640)
    f('a/b/sibling', b'x' * 5000)
    f('hard1', b'linked contents\n', 0o664)
    os.link(os.path.join(d, 'hard1'), os.path.join(d, 'a', 'hard2'))
    os.symlink('hello.txt', os.path.join(d, 'link'))
    os.symlink('../nowhere', os.path.join(d, 'a', 'dangling'))
    os.symlink('/data/a/b', os.path.join(d, 'abs'))
    os.makedirs(os.path.join(d, 'empty-dir'))
    os.makedirs(os.path.join(d, 'tmp'))
    os.chmod(os.path.join(d, 'empty-dir'), 0o700)
    os.chmod(os.path.join(d, 'tmp'), 0o1777)
    # Fixed mtimes, deepest first so that folders keep theirs.
    paths = []
    for dirpath, dirs, files in os.walk(d):
        paths += [os.path.join(dirpath, n) for n in dirs + files]
    paths.sort(key=lambda p: -p.count('/'))
    for i, p in enumerate(paths + [d]):
        t = 1500000000 + 1000 * i
        os.utime(p, (t, t), follow_symlinks=False)
    return d


def make_etc(top):
    """/etc and /tmp of the initrd: the kernel keeps them as they are."""
    etc = os.path.join(top, 'etc')
    tmp = os.path.join(top, 'tmp')
    os.makedirs(etc)
    os.makedirs(tmp)
    for name, text in (('passwd', 'amphi:x:1000:1000::/home:/bin/sh\n'),
                       ('group', 'amphi:x:1000:\n'),
                       ('hosts', '10.1.2.3\tinitrd-host\n')):
        with open(os.path.join(etc, name), 'w') as fh:
            fh.write(text)
        os.chmod(os.path.join(etc, name), 0o600)
    os.chmod(etc, 0o750)
    os.chmod(tmp, 0o700)
    for i, p in enumerate(sorted(os.listdir(etc))):
        os.utime(os.path.join(etc, p), (1400000000 + i, 1400000000 + i))
    for i, p in enumerate((etc, tmp)):
        os.utime(p, (1450000000 + i, 1450000000 + i))
    return etc, tmp


def fnv(path):
    h = 2166136261
    with open(path, 'rb') as fh:
        for b in fh.read():
            h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def listing(top):
    """The lines apps/initrd-ls prints for top."""
    out, linked = [], {}

    def entry(path, rel):
        st = os.lstat(path)
        m = st.st_mode
        if stat.S_ISDIR(m):
            out.append('d %04o %d %s' % (stat.S_IMODE(m), st.st_mtime,
                                         rel))
        elif stat.S_ISLNK(m):
            out.append('l %d %s -> %s' % (st.st_mtime, rel,
                                          os.readlink(path)))
        elif stat.S_ISREG(m):
            line = 'f %04o %d %d %08x %s' % (stat.S_IMODE(m), st.st_mtime,
                                              st.st_size, fnv(path), rel)
            if st.st_nlink > 1:
                if st.st_ino in linked:
                    line += ' = ' + linked[st.st_ino]
                else:
                    linked[st.st_ino] = rel
            out.append(line)

    def walk(path, rel):
        for n in sorted(os.listdir(path)):
            sub = os.path.join(path, n)
            subrel = rel + '/' + n if rel else n
            entry(sub, subrel)
            if stat.S_ISDIR(os.lstat(sub).st_mode):
                walk(sub, subrel)

    entry(top, '.')
    walk(top, '')
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--crc', action='store_true')
    ap.add_argument('--runner')
    ap.add_argument('--valgrind')
    ap.add_argument('--timeout', type=float, default=240)
    ap.add_argument('image')
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'src')
        os.makedirs(src)
        tree = make_tree(src)
        etc, tmp_dir = make_etc(src)
        cpio = os.path.join(tmp, 'initrd.cpio')
        with open(cpio, 'wb') as fh:
            mkcpio.build(src, fh, crc=args.crc)
        want = listing(tree) + listing(etc) + listing(tmp_dir)
        folders = ['/' + ROOT, '/etc', '/tmp']
        if args.runner:
            cmd = [sys.executable, args.runner, '-q', '--initrd', cpio,
                   args.image, '--'] + folders
        else:
            cmd = [args.image, '-q', '--initrd', cpio, '--'] + folders
        if args.valgrind:
            cmd = ['valgrind'] + VALGRIND_FLAGS + [
                '--suppressions=' + args.valgrind] + cmd
        res = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=args.timeout,
                             stdin=subprocess.DEVNULL)
    got = res.stdout.decode(errors='replace').replace('\r', '')
    got = [l for l in got.split('\n') if l]
    if res.returncode == 0 and got == want:
        print('\n'.join(got))
        print('initrd listing: %d entries equal' % len(want))
        return 0
    print('exit status %d; stderr:\n%s' % (res.returncode,
                                          res.stderr.decode(
                                              errors='replace')))
    print('\n'.join(difflib.unified_diff(want, got, 'source tree',
                                         'amphi', lineterm='')))
    return 1


if __name__ == '__main__':
    sys.exit(main())
