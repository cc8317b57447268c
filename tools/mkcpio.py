#!/usr/bin/env python3
"""Make a cpio archive in the SVR4 "newc" format from a folder.

  mkcpio.py [--crc] [--dot] [--owner] DIR OUT

The archive holds DIR's tree (not DIR itself) with names relative to it,
sorted, parents before their entries: regular files, directories,
symlinks (the target is the data), FIFOs, and hard links (entries with
the same inode number and nlink > 1; the data comes with the last name,
as GNU cpio writes it). Modes and mtimes are kept; uid and gid are 0
unless --owner. --crc writes format 070702 (the header's check field is
the sum of the data bytes), --dot adds a "." entry for DIR itself.
The result is what 'find . | cpio -o -H newc' makes, without needing
cpio; Amphi's kernel unpacks it (--initrd FILE).
"""
import argparse
import os
import stat
import sys

TRAILER = 'TRAILER!!!'


def header(magic, ino, mode, uid, gid, nlink, mtime, size, rdev, namesize,
           check):
    fields = [ino, mode, uid, gid, nlink, mtime, size, 0, 0,
              os.major(rdev), os.minor(rdev), namesize, check]
    return (magic + ''.join('%08x' % (f & 0xffffffff)
                            for f in fields)).encode()


def pad4(n):
    return b'\0' * (-n % 4)


class Writer:
    def __init__(self, out, crc, owner):
        self.out = out
        self.magic = '070702' if crc else '070701'
        self.crc = crc
        self.owner = owner
        self.pos = 0
        self.inos = {}

    def write(self, b):
        self.out.write(b)
        self.pos += len(b)

    def entry(self, name, st, data, ino_key, nlink):
        if ino_key not in self.inos:
            self.inos[ino_key] = len(self.inos) + 1
        bname = name.encode('utf-8', 'surrogateescape') + b'\0'
        check = sum(data) if self.crc and stat.S_ISREG(st.st_mode) else 0
        uid, gid = (st.st_uid, st.st_gid) if self.owner else (0, 0)
        self.write(header(self.magic, self.inos[ino_key], st.st_mode, uid,
                          gid, nlink, int(st.st_mtime), len(data),
                          st.st_rdev, len(bname), check))
        self.write(bname)
        self.write(pad4(self.pos))
        self.write(data)
        self.write(pad4(self.pos))

    def trailer(self):
        bname = TRAILER.encode() + b'\0'
        self.write(header(self.magic, 0, 0, 0, 0, 1, 0, 0, 0, len(bname),
                          0))
        self.write(bname)
        self.write(pad4(self.pos))
        # cpio pads archives to 512-byte blocks; readers skip the zeros.
        self.write(b'\0' * (-self.pos % 512))


def walk(top):
    """Relative names under top, sorted, each directory before its
    entries."""
    names = []

    def rec(rel):
        path = os.path.join(top, rel) if rel else top
        for n in sorted(os.listdir(path)):
            r = os.path.join(rel, n) if rel else n
            names.append(r)
            if stat.S_ISDIR(os.lstat(os.path.join(top, r)).st_mode):
                rec(r)
    rec('')
    return names


def build(top, out, crc=False, dot=False, owner=False):
    names = walk(top)
    stats = {n: os.lstat(os.path.join(top, n)) for n in names}
    # Hard links inside the tree: data with the last name of each inode.
    last, count = {}, {}
    for n in names:
        st = stats[n]
        if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
            key = (st.st_dev, st.st_ino)
            last[key] = n
            count[key] = count.get(key, 0) + 1
    w = Writer(out, crc, owner)
    if dot:
        st = os.lstat(top)
        w.entry('.', st, b'', (st.st_dev, st.st_ino), 2)
    for n in names:
        st = stats[n]
        path = os.path.join(top, n)
        key = (st.st_dev, st.st_ino)
        nlink = 1
        data = b''
        if stat.S_ISREG(st.st_mode):
            nlink = count.get(key, 1)
            if nlink == 1 or last[key] == n:
                with open(path, 'rb') as f:
                    data = f.read()
        elif stat.S_ISLNK(st.st_mode):
            data = os.readlink(path).encode('utf-8', 'surrogateescape')
        elif stat.S_ISDIR(st.st_mode):
            nlink = 2
        w.entry(n, st, data, key, nlink)
    w.trailer()


def main():
    ap = argparse.ArgumentParser(
        description='Make a newc cpio archive from a folder.')
    ap.add_argument('--crc', action='store_true',
                    help='format 070702 with data checksums')
    ap.add_argument('--dot', action='store_true',
                    help='add a "." entry for the folder itself')
    ap.add_argument('--owner', action='store_true',
                    help='keep uid and gid (default 0)')
    ap.add_argument('dir')
    ap.add_argument('out')
    args = ap.parse_args()
    if not os.path.isdir(args.dir):
        sys.exit('mkcpio: %s: not a folder' % args.dir)
    with open(args.out, 'wb') as f:
        build(args.dir, f, args.crc, args.dot, args.owner)


if __name__ == '__main__':
    main()
