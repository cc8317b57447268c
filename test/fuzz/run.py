#!/usr/bin/env python3
"""Run the netrx fuzzer image with the corpus of the tree.

  run.py [--runner QEMU_RUN | --valgrind SUPP] [-n EXECUTIONS] [-s SEED]
         IMAGE

The corpus (test/fuzz/netrx/corpus) goes in by an initrd; the guest has
the address 10.0.2.15/24. Passes if the fuzzer reports that many
executions and a live stack (and, under valgrind, no error).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'tools'))
from amphi import VALGRIND_FLAGS  # noqa: E402
import mkcpio  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runner')
    ap.add_argument('--valgrind')
    ap.add_argument('-n', type=int, default=200000)
    ap.add_argument('-s', type=int, default=1)
    ap.add_argument('image')
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cpio = os.path.join(tmp, 'corpus.cpio')
        with open(cpio, 'wb') as out:
            mkcpio.build(os.path.join(HERE, 'netrx'), out)
        opts = ['-q', '-m', '256M', '--initrd', cpio, '-k',
                'net.ip=10.0.2.15/24', '-k', 'net.gw=10.0.2.2']
        app = ['--', '-n', str(args.n), '-s', str(args.s), '/corpus']
        if args.runner:
            cmd = [sys.executable, args.runner] + opts + [args.image] + app
        else:
            cmd = [args.image] + opts + app
            if args.valgrind:
                cmd = ['valgrind'] + VALGRIND_FLAGS + [
                    '--suppressions=' + args.valgrind,
                    '--errors-for-leak-kinds=definite',
                    '--show-leak-kinds=definite'] + cmd
        res = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             timeout=540)
    print(res.stdout[-20000:])
    want = r'netrx: %d executions from \d+ seeds, .*stack alive' % args.n
    if res.returncode or not re.search(want, res.stdout):
        sys.exit('FAIL: status %d, or no "%s"' % (res.returncode, want))
    if args.valgrind and 'ERROR SUMMARY: 0 errors' not in res.stdout:
        sys.exit('FAIL: valgrind found errors')
    print('passed')


if __name__ == '__main__':
    main()
