#!/usr/bin/env python3
"""A program built by its own build system with tools/amphi-cc.

  amphi-cc-bc.py --platform sim|x86_64|arm64 --build-dir DIR WORK

Takes Debian's bc (GNU bc 1.07: autoconf's configure, automake's
Makefiles), builds it
twice in WORK, for Linux with the host's gcc and for Amphi with
'./configure CC=amphi-cc && make', then runs both on test/ports/cc/bc.b
(test/posix/run-both.py): same output and status required. On metal,
configure is told it cross-compiles (--host). bc's build makes a table,
libmath.h, by running a bc it has just built on a file of the tree; an
image sees no host file, so the table is the Linux build's, as in a
cross build.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
AMPHI_CC = os.path.join(TOP, 'tools', 'amphi-cc')
RUN_BOTH = os.path.join(TOP, 'test', 'posix', 'run-both.py')
QEMU_RUN = os.path.join(TOP, 'tools', 'qemu-run.py')
HOSTS = {'x86_64': 'x86_64-linux-musl', 'arm64': 'aarch64-linux-musl'}


def sh(cmd, cwd, log):
    print('+ ' + cmd, flush=True)
    with open(log, 'a') as f:
        res = subprocess.run(cmd, shell=True, cwd=cwd, stdout=f,
                             stderr=subprocess.STDOUT)
    if res.returncode != 0:
        with open(log) as f:
            sys.stdout.write(f.read()[-4000:])
        sys.exit('failed (%d): %s' % (res.returncode, cmd))


def unpack(tree, dest):
    """A copy of bc's tree whose autotools outputs are newer than their
    inputs (Debian's patches touched the inputs): make must not rerun
    automake, which the build does not need."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(tree, dest, symlinks=True)
    t0 = time.time() - 1000
    for root, _, files in os.walk(dest):
        for f in files:
            os.utime(os.path.join(root, f), (t0, t0), follow_symlinks=False)
    os.utime(os.path.join(dest, 'aclocal.m4'), (t0 + 1, t0 + 1))
    for f in ['configure', 'config.h.in', 'Makefile.in', 'lib/Makefile.in',
              'bc/Makefile.in', 'dc/Makefile.in', 'doc/Makefile.in']:
        os.utime(os.path.join(dest, f), (t0 + 2, t0 + 2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--platform', required=True)
    ap.add_argument('--build-dir', required=True)
    ap.add_argument('work')
    a = ap.parse_args()
    a.build_dir = os.path.abspath(a.build_dir)
    res = subprocess.run([sys.executable, os.path.join(TOP, 'tools',
                                                       'thirdparty.py'),
                          'path', 'source', 'bc'],
                         stdout=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.exit("bc's source is not fetched: run ./amphi setup")
    tree = res.stdout.strip()
    os.makedirs(a.work, exist_ok=True)
    log = os.path.join(a.work, 'build.log')
    open(log, 'w').close()
    linux = os.path.join(a.work, 'linux')
    amphi = os.path.join(a.work, 'amphi')
    unpack(tree, linux)
    sh('./configure -q', linux, log)
    sh('make -s -C lib && make -s -C bc', linux, log)
    unpack(tree, amphi)
    cc = '%s --platform %s --build-dir %s' % (AMPHI_CC, a.platform,
                                              a.build_dir)
    host = ' --host=' + HOSTS[a.platform] if a.platform in HOSTS else ''
    sh('./configure -q%s CC="%s"' % (host, cc), amphi, log)
    # The build makes libmath.h by running the bc it has just built on
    # libmath.b: an image does not see the host's files, so that table
    # is the Linux build's (make -o: taken as it is).
    shutil.copy(os.path.join(linux, 'bc', 'libmath.h'),
                os.path.join(amphi, 'bc', 'libmath.h'))
    sh('make -s -C lib && make -s -C bc -o libmath.h', amphi, log)
    cmd = [sys.executable, RUN_BOTH, '--files=' + os.path.join(HERE, 'cc')]
    if a.platform == 'sim':
        cmd.append('--program')
    else:
        cmd.append('--runner=' + QEMU_RUN)
    cmd += [os.path.join(linux, 'bc', 'bc'), os.path.join(amphi, 'bc', 'bc'),
            '-q', '-l', 'bc.b']
    sys.exit(subprocess.run(cmd).returncode)


if __name__ == '__main__':
    main()
