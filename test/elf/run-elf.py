#!/usr/bin/env python3
"""Run an unmodified static Linux executable on Linux and on Amphi.

  run-elf.py [--files=DIR] [--stdin=FILE] [--status=N] [--expect=TEXT]
             [--amphi-arg=OPT]... [--runner=SCRIPT [--mem=SIZE]]
             ELF_IMAGE BINARY [ARGS...]

Linux runs BINARY ARGS (argv[0]: BINARY's name) in a fresh copy of DIR's
files plus bin/NAME; Amphi runs the elf app ELF_IMAGE with BINARY as /bin/NAME and the
same files at / in an initrd (so relative paths name the same files).
Both must exit with the same status (N, default 0) and print the same
output (stdout and stderr). With --expect, Linux is not run: Amphi must
exit with N and print TEXT somewhere (for what Amphi refuses on purpose,
such as fork or a dynamic executable). The kernel's notes of system
calls it lacks ("amphi: syscall 'NAME' (N) not implemented") are shown
but not compared. --runner boots a metal ELF_IMAGE through SCRIPT
(tools/qemu-run.py), with SIZE of memory (256M).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
MKCPIO = os.path.join(TOP, 'tools', 'mkcpio.py')
NOTE = re.compile(r"amphi: syscall '\w+' \(\d+\) not implemented\n")


def run(cmd, cwd=None, stdin=None, argv0=None, launcher_notes=False):
    """Runs cmd; returns its status and output (stdout and stderr). With
    launcher_notes, stderr is the QEMU launcher's own (which accelerator,
    and why): shown, not compared (the guest's stderr is the console)."""
    with open(stdin or os.devnull, 'rb') as inp:
        res = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE if launcher_notes
                             else subprocess.STDOUT, cwd=cwd, stdin=inp,
                             timeout=240, executable=argv0)
    if launcher_notes and res.stderr:
        print(res.stderr.decode(errors='replace'), end='')
    return res.returncode, res.stdout.decode(errors='replace')


def main():
    argv = sys.argv[1:]
    files, stdin, status, expect, image_opts = None, None, 0, None, []
    runner, mem = [], '256M'
    while argv and argv[0].startswith('--'):
        opt, _, val = argv.pop(0).partition('=')
        if opt == '--files':
            files = val
        elif opt == '--stdin':
            stdin = os.path.abspath(val)
        elif opt == '--status':
            status = int(val)
        elif opt == '--expect':
            expect = val
        elif opt == '--mem':
            mem = val
        elif opt == '--amphi-arg':
            image_opts.append(val)
        elif opt == '--runner':
            runner = [sys.executable, val]
        else:
            sys.exit('run-elf: unknown option ' + opt)
    image, binary, args = argv[0], os.path.abspath(argv[1]), argv[2:]
    name = os.path.basename(binary)
    with tempfile.TemporaryDirectory(prefix='amphi-run-elf-') as tmp:
        root = os.path.join(tmp, 'root')
        if files:
            shutil.copytree(files, root, symlinks=True)
        else:
            os.makedirs(root)
        os.makedirs(os.path.join(root, 'bin'), exist_ok=True)
        shutil.copy2(binary, os.path.join(root, 'bin', name))
        host = os.path.join(tmp, 'host')
        shutil.copytree(root, host, symlinks=True)
        cpio = os.path.join(tmp, 'root.cpio')
        subprocess.run([sys.executable, MKCPIO, root, cpio], check=True)
        if expect is None:
            hrc, hout = run([name] + args, cwd=host, stdin=stdin,
                            argv0=binary)
            print('--- Linux (exit %d)\n%s' % (hrc, hout))
            if hrc != status:
                sys.exit('Linux exits with %d, not %d: fix the test'
                         % (hrc, status))
        cmd = [image, '-q', '--initrd', cpio] + image_opts + \
            ['--', '/bin/' + name] + args
        if runner:
            # qemu-run.py: its options, then the image.
            cmd = runner + ['-m', mem, '-q', '--initrd', cpio] + image_opts + \
                [image, '--', '/bin/' + name] + args
        arc, aout = run(cmd, stdin=stdin, launcher_notes=bool(runner))
        print('--- Amphi (exit %d)\n%s' % (arc, aout))
    # The kernel's note of a call it lacks is no output of the program.
    notes = [l for l in aout.splitlines(True) if NOTE.match(l)]
    aout = ''.join(l for l in aout.splitlines(True) if not NOTE.match(l))
    for n in notes:
        print('note:', n, end='')
    if arc != status:
        sys.exit('Amphi exits with %d, not %d' % (arc, status))
    if expect is not None:
        if expect not in aout:
            sys.exit('Amphi does not say %r' % expect)
        print('Amphi refuses as it should')
        return
    if aout != hout:
        sys.exit('output differs between Linux and Amphi')
    print('same behaviour on Linux and Amphi')


if __name__ == '__main__':
    main()
