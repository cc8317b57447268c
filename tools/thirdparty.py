#!/usr/bin/env python3
"""thirdparty: Debian's source and binary packages a build or a test needs.

Third-party code (musl, lwIP, Lua, SQLite, Redis, busybox, a kernel for
the nested test host) is never committed: it comes from Debian's package
archive, is verified, and is cached outside the tree, in $AMPHI_CACHE
(default: $XDG_CACHE_HOME/amphi or ~/.cache/amphi).

  thirdparty.py source PKG     unpacked source tree of Debian's source
                               package PKG (Debian's patches applied);
                               prints its folder
  thirdparty.py binary PKG     contents of Debian's binary package PKG
                               (dpkg-deb -x); prints its folder
  thirdparty.py path KIND PKG  prints the folder if it is cached, exits
                               1 if not (never fetches: for meson)
  thirdparty.py enable-src     adds deb-src entries derived from the
                               system's apt sources (root; for setup)

A source package's files are checked against the SHA-256 sums its .dsc
lists before dpkg-source unpacks them; apt itself has checked the .dsc
and the .deb against the archive's signed indexes. Each fetch holds a
lock, so parallel builds share one cache safely. A finished folder holds
a stamp file; an interrupted fetch is redone from scratch.
"""
import fcntl
import functools
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys

SRC_LIST = '/etc/apt/sources.list.d/amphi-deb-src.sources'
STAMP = '.amphi-verified'


def cache_root():
    root = os.environ.get('AMPHI_CACHE')
    if not root:
        xdg = os.environ.get('XDG_CACHE_HOME') or \
            os.path.join(os.path.expanduser('~'), '.cache')
        root = os.path.join(xdg, 'amphi')
    return root


def die(msg):
    print('thirdparty: ' + msg, file=sys.stderr)
    sys.exit(2)


def run(cmd, cwd=None):
    res = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout)
        die('failed (%d): %s' % (res.returncode, ' '.join(cmd)))
    return res.stdout


def check_name(pkg):
    if not re.fullmatch(r'[a-z0-9][a-z0-9+.-]+', pkg):
        die("'%s' is not a Debian package name" % pkg)


class Lock:
    def __init__(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.f = open(path, 'w')

    def __enter__(self):
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def dsc_sums(dsc):
    """{file name: (sha256, size)} from a .dsc's Checksums-Sha256."""
    sums, inside = {}, False
    for line in open(dsc, encoding='utf-8', errors='replace'):
        if line.startswith('Checksums-Sha256:'):
            inside = True
            continue
        if inside:
            if not line.startswith(' '):
                break
            digest, size, name = line.split()
            sums[name] = (digest, int(size))
    if not sums:
        die('%s lists no SHA-256 checksums' % dsc)
    return sums


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def verify(folder, dsc):
    for name, (digest, size) in dsc_sums(dsc).items():
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            die('%s: %s is missing' % (os.path.basename(dsc), name))
        if os.path.getsize(path) != size or sha256(path) != digest:
            die('%s does not match the checksum in %s' %
                (name, os.path.basename(dsc)))


def source_versions(pkg):
    """The versions of source package pkg that apt knows, newest first."""
    out = run(['apt-cache', 'showsrc', '--only-source', pkg])
    found = set(re.findall(r'^Version: (\S+)$', out, re.M))

    def newer(a, b):
        return subprocess.run(['dpkg', '--compare-versions', a, 'gt',
                               b]).returncode == 0
    return sorted(found, key=functools.cmp_to_key(
        lambda a, b: -1 if newer(a, b) else (1 if newer(b, a) else 0)))


def download_source(pkg, top):
    """apt-get source of pkg's newest version; if that cannot be had (a
    security update that the mirror in use does not carry), the newest
    older one that can. Returns apt's output."""
    res = subprocess.run(['apt-get', 'source', '--download-only', '-q',
                          pkg], cwd=top, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    if res.returncode == 0:
        return res.stdout
    for version in source_versions(pkg)[1:]:
        for f in os.listdir(top):
            os.remove(os.path.join(top, f))
        retry = subprocess.run(['apt-get', 'source', '--download-only',
                                '-q', '%s=%s' % (pkg, version)], cwd=top,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        if retry.returncode == 0:
            print('thirdparty: %s: the newest version could not be '
                  'fetched; took %s' % (pkg, version), file=sys.stderr)
            return retry.stdout
    sys.stderr.write(res.stdout)
    die('failed (%d): apt-get source %s' % (res.returncode, pkg))


def fetch_source(pkg):
    top = os.path.join(cache_root(), 'src', pkg)
    tree = os.path.join(top, 'tree')
    if os.path.exists(os.path.join(tree, STAMP)):
        return tree
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(top)
    out = download_source(pkg, top)
    dscs = glob.glob(os.path.join(top, '*.dsc'))
    if len(dscs) != 1:
        sys.stderr.write(out)
        die("no single .dsc for '%s' (is deb-src enabled? run "
            "'./amphi setup')" % pkg)
    verify(top, dscs[0])
    run(['dpkg-source', '--no-check', '-x', dscs[0], tree], cwd=top)
    open(os.path.join(tree, STAMP), 'w').write(
        os.path.basename(dscs[0]) + '\n')
    return tree


def is_metapackage(tree):
    """Whether an unpacked .deb holds nothing but usr/share (docs)."""
    for path, dirs, files in os.walk(tree):
        rel = os.path.relpath(path, tree)
        for name in files + [d for d in dirs
                             if os.path.islink(os.path.join(path, d))]:
            if not os.path.join(rel, name).startswith('usr/share/'):
                return False
    return True


def download_deb(pkg, top):
    run(['apt-get', 'download', '-q', pkg], cwd=top)
    debs = [d for d in glob.glob(os.path.join(top, '*.deb'))
            if os.path.basename(d).startswith(pkg + '_')]
    if len(debs) != 1:
        die("no single .deb for '%s'" % pkg)
    return debs[0]


def fetch_binary(pkg):
    """A metapackage (linux-image-cloud-amd64) is followed to the one
    package it depends on (linux-image-VERSION-cloud-amd64), whose
    contents the folder then holds: the cache keeps the name a build
    asks for while Debian moves the version on."""
    top = os.path.join(cache_root(), 'deb', pkg)
    tree = os.path.join(top, 'tree')
    if os.path.exists(os.path.join(tree, STAMP)):
        return tree
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(top)
    deb = download_deb(pkg, top)
    run(['dpkg-deb', '-x', deb, tree])
    if is_metapackage(tree):
        dep = run(['dpkg-deb', '-f', deb, 'Depends']).strip()
        target = dep.split(' ')[0]
        if not dep or ',' in dep or '|' in dep:
            die("%s is a metapackage without a single dependency (%s)" %
                (pkg, dep or 'none'))
        check_name(target)
        deb = download_deb(target, top)
        run(['dpkg-deb', '-x', deb, tree])
    open(os.path.join(tree, STAMP), 'w').write(
        os.path.basename(deb) + '\n')
    return tree


def fetch(kind, pkg):
    check_name(pkg)
    with Lock(os.path.join(cache_root(), 'locks', kind + '-' + pkg)):
        return fetch_source(pkg) if kind == 'source' else fetch_binary(pkg)


def cached(kind, pkg):
    check_name(pkg)
    sub = 'src' if kind == 'source' else 'deb'
    tree = os.path.join(cache_root(), sub, pkg, 'tree')
    return tree if os.path.exists(os.path.join(tree, STAMP)) else None


def enable_src():
    """Writes deb-src twins of the system's deb822 'Types: deb' entries
    (the archive addresses stay where the system keeps them). Returns
    True if the file changed (apt-get update is then needed)."""
    entries = []
    for path in sorted(glob.glob('/etc/apt/sources.list.d/*.sources')):
        if path == SRC_LIST:
            continue
        for stanza in open(path).read().split('\n\n'):
            lines = stanza.strip().splitlines()
            if 'Types: deb' not in lines:
                continue
            if not any(l.startswith('URIs:') and '/debian' in l
                       for l in lines):
                continue
            entries.append('\n'.join('Types: deb-src' if l == 'Types: deb'
                                     else l for l in lines))
    # One-line format (/etc/apt/sources.list) on older installs.
    legacy = '/etc/apt/sources.list'
    lines = []
    if os.path.exists(legacy):
        for l in open(legacy):
            if l.startswith('deb ') and '/debian' in l:
                lines.append('deb-src ' + l[4:].strip())
    text = '\n\n'.join(entries) + '\n' if entries else ''
    target = SRC_LIST
    if not entries and lines:
        target = '/etc/apt/sources.list.d/amphi-deb-src.list'
        text = '\n'.join(lines) + '\n'
    if not text:
        die('no Debian apt source found to derive deb-src entries from')
    if os.path.exists(target) and open(target).read() == text:
        return False
    with open(target, 'w') as f:
        f.write(text)
    return True


def main(argv):
    if len(argv) == 2 and argv[1] == 'enable-src':
        print('changed' if enable_src() else 'unchanged')
        return 0
    if len(argv) == 3 and argv[1] in ('source', 'binary'):
        print(fetch(argv[1], argv[2]))
        return 0
    if len(argv) == 4 and argv[1] == 'path' and \
            argv[2] in ('source', 'binary'):
        tree = cached(argv[2], argv[3])
        if not tree:
            return 1
        print(tree)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
