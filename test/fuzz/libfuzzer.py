#!/usr/bin/env python3
"""Coverage-guided fuzzing of the system calls for a while (the smoke run
of ./amphi test; ./amphi fuzz for long runs).

  libfuzzer.py [--seconds N] [--work DIR] [--findings DIR]
               IMAGE CORPUS [-- LIBFUZZER-FLAGS...]

--seconds 0: until interrupted.

IMAGE is test/fuzz/syscalls built with -Dfuzz=true; CORPUS the tree's
(read, never written). New inputs go to --work (a temporary folder if
not given). Passes if libFuzzer ran its time and found nothing; a find
(a kernel crash or an input running over 20 s) is saved in --findings
with the command that replays it, which is printed.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=int, default=60)
    ap.add_argument('--work')
    ap.add_argument('--findings')
    ap.add_argument('-v', '--verbose', action='store_true',
                    help='print libFuzzer\'s progress lines as they come')
    ap.add_argument('image')
    ap.add_argument('corpus')
    ap.add_argument('flags', nargs='*')
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or os.path.join(tmp, 'work')
        findings = args.findings or os.path.join(tmp, 'findings')
        os.makedirs(work, exist_ok=True)
        os.makedirs(findings, exist_ok=True)
        prefix = os.path.join(os.path.abspath(findings), '')
        cmd = [args.image, '-q', '-m', '256M', '--', '-F',
               '-max_total_time=%d' % args.seconds,
               '-artifact_prefix=' + prefix, '-print_final_stats=1',
               '-reload=0'] + args.flags + [work, args.corpus]
        print(' '.join(cmd), flush=True)
        # Shown as it runs (and kept for the checks below).
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True,
                                errors='replace')
        lines = []
        for line in proc.stdout:
            if args.verbose or not line.startswith('#'):
                sys.stdout.write(line)
                sys.stdout.flush()
            lines.append(line)
        proc.wait()
        res = proc
        out = ''.join(lines[-400:])
        found = sorted(glob.glob(os.path.join(findings, '*.cmd')))
        if not args.verbose:
            print(''.join(l for l in lines if l.startswith('#'))[-3000:])
        runs = re.search(r'stat::number_of_executed_units:\s*(\d+)', out)
        speed = re.search(r'stat::average_exec_per_sec:\s*(\d+)', out)
        if res.returncode or found or not runs:
            # What the kernel said about the find (a crash report's
            # first lines, the status the app ended with).
            said = [l for l in lines if l.startswith('amphi-fuzz:') or
                    'KERNEL CRASH' in l]
            sys.stdout.write(''.join(said[:20]))
            for f in found:
                print('find: %s\n  %s' % (f[:-4], open(f).read().strip()))
            sys.exit('FAIL: status %d, %d finds' % (res.returncode,
                                                    len(found)))
        print('passed: %s inputs in %d s (%s a second), nothing found' %
              (runs.group(1), args.seconds,
               speed.group(1) if speed else '?'))


if __name__ == '__main__':
    main()
