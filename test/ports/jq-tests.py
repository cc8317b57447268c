#!/usr/bin/env python3
"""jq's own test files, on Linux and on Amphi.

  jq-tests.py [--file NAME] [--every N] [RUN-BOTH-OPTION...] HOST_JQ
              AMPHI_JQ

Runs 'jq -L modules --run-tests NAME' (a file of tests/ of Debian's jq
source, jq.test by default, onig.test for the regular expression
builtins: programs with their input and expected output, all in one
process) with test/posix/run-both.py: same output and status on both.
With --every N, the file keeps one case in N (each case is a paragraph
of it): jq compiles its builtins for every case, tens of milliseconds
each, which makes seconds under QEMU without KVM.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
RUN_BOTH = os.path.join(TOP, 'test', 'posix', 'run-both.py')
THIRDPARTY = os.path.join(TOP, 'tools', 'thirdparty.py')


def main():
    argv = sys.argv[1:]
    name = 'jq.test'
    every = 1
    while argv[:1] in (['--file'], ['--every']):
        if argv[0] == '--file':
            name = os.path.basename(argv[1])
        else:
            every = int(argv[1])
        argv = argv[2:]
    res = subprocess.run([sys.executable, THIRDPARTY, 'path', 'source',
                          'jq'], stdout=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.exit("jq's source is not fetched: run ./amphi setup")
    tests = os.path.join(res.stdout.strip(), 'tests')
    with tempfile.TemporaryDirectory(prefix='amphi-jq-') as tmp:
        files = os.path.join(tmp, 'tests')
        os.makedirs(files)
        shutil.copytree(os.path.join(tests, 'modules'),
                        os.path.join(files, 'modules'))
        with open(os.path.join(tests, name)) as f:
            cases = re.split(r'\n[ \t]*\n', f.read())
        with open(os.path.join(files, name), 'w') as f:
            f.write('\n\n'.join(cases[::every]) + '\n')
        cmd = [sys.executable, RUN_BOTH, '--files=' + files] + argv + \
            ['-L', 'modules', '--run-tests', name]
        sys.exit(subprocess.run(cmd).returncode)


if __name__ == '__main__':
    main()
