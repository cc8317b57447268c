#!/usr/bin/env python3
"""Run a POSIX behaviour test on Linux (reference) and on Amphi.

  run-both.py [--amphi-arg=OPT]... HOST_EXE AMPHI_IMAGE [ARGS...]

Both must exit 0 and print the same output (the Amphi image runs with -q,
no banner, plus each --amphi-arg, e.g. --amphi-arg=-smp --amphi-arg=4).
Linux runs first: if the reference fails, the test is wrong.
"""
import subprocess
import sys


def run(cmd, launcher_notes=False):
    """Runs cmd; returns its status and output (stdout and stderr). With
    launcher_notes, stderr is the QEMU launcher's own (which accelerator,
    and why): shown, but not part of the output compared."""
    res = subprocess.run(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE if launcher_notes
                         else subprocess.STDOUT,
                         text=True, timeout=240, stdin=subprocess.DEVNULL)
    if launcher_notes and res.stderr:
        print(res.stderr, end='')
    return res.returncode, res.stdout


def main():
    argv = sys.argv[1:]
    image_opts, runner = [], None
    while argv and argv[0].startswith('--'):
        opt = argv.pop(0)
        if opt.startswith('--amphi-arg='):
            image_opts.append(opt[len('--amphi-arg='):])
        elif opt.startswith('--runner='):
            runner = opt[len('--runner='):]
        else:
            sys.exit('run-both: unknown option ' + opt)
    host, image, args = argv[0], argv[1], argv[2:]
    hrc, hout = run([host] + args)
    print('--- Linux (exit %d)\n%s' % (hrc, hout))
    if hrc != 0:
        sys.exit('the test fails on Linux: fix the test first')
    if runner:    # metal: tools/qemu-run.py [OPTIONS] IMAGE -- ARGS
        cmd = [sys.executable, runner, '-q'] + image_opts + [image]
    else:
        cmd = [image, '-q'] + image_opts
    arc, aout = run(cmd + ['--'] + args, launcher_notes=bool(runner))
    print('--- Amphi (exit %d)\n%s' % (arc, aout))
    if arc != hrc:
        sys.exit('exit status differs: Linux %d, Amphi %d' % (hrc, arc))
    if aout != hout:
        sys.exit('output differs between Linux and Amphi')
    print('same behaviour on Linux and Amphi')


if __name__ == '__main__':
    main()
