#!/usr/bin/env python3
"""Run a POSIX behaviour test on Linux (reference) and on Amphi.

  run-both.py [--amphi-arg=OPT]... [--runner=QEMU_RUN] [--files=DIR]
              [--host-env=NAME=VALUE]... [--program] [--together]
              HOST_EXE AMPHI_IMAGE [ARGS...]

Both must exit 0 and print the same output (the Amphi image runs with -q,
no banner, plus each --amphi-arg, e.g. --amphi-arg=-smp --amphi-arg=4).
Linux runs first: if the reference fails, the test is wrong.

--files=DIR gives both the files of DIR and a scratch folder: Linux runs
in a fresh temporary copy of DIR; Amphi gets the same files at / in an
initrd (tools/mkcpio.py). In ARGS, {scratch} is an empty folder to write
in (Linux: inside the copy; Amphi: /scratch). --host-env sets a variable
for the Linux run only (Amphi's C library has TZ unset mean UTC; glibc
reads /etc/localtime). --program: the sim image was linked by
tools/amphi-cc, so its kernel options go in $AMPHI_OPTIONS.
--together: Amphi runs while Linux does (for a test that mostly sleeps:
the two do not share a network stack); Linux's result still comes first.
"""
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
MKCPIO = os.path.join(TOP, 'tools', 'mkcpio.py')
sys.path.insert(0, os.path.join(TOP, 'tools'))
from childproc import fresh_signals  # noqa: E402


def run(cmd, launcher_notes=False, cwd=None, env=None, reference=False):
    """Runs cmd; returns its status and output (stdout and stderr). With
    launcher_notes, the lines "amphi: ..." are the QEMU launcher's own
    (which accelerator, and why): shown, but not part of the output
    compared. A reference run starts with Amphi's signal state."""
    return finish(start(cmd, cwd=cwd, env=env, reference=reference),
                  launcher_notes)


def start(cmd, cwd=None, env=None, reference=False):
    """Starts cmd as run() runs it; finish() waits for it."""
    return subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=cwd, env=env,
                            text=True, stdin=subprocess.DEVNULL,
                            preexec_fn=fresh_signals if reference else None)


def finish(proc, launcher_notes=False):
    """What run() returns, for a process start() started."""
    try:
        out, _ = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    return proc.returncode, notes_apart(out, launcher_notes)


def notes_apart(out, launcher_notes):
    """out without the launcher's notes, which are printed."""
    if not launcher_notes:
        return out
    lines = out.splitlines(True)
    notes = [l for l in lines if l.startswith('amphi: ')]
    print(''.join(notes), end='')
    return ''.join(l for l in lines if not l.startswith('amphi: '))


def stage_files(files, tmp):
    """Copies DIR's files to tmp/host (Linux's folder) and packs them,
    with an empty scratch folder, into tmp/files.cpio (Amphi's)."""
    host = os.path.join(tmp, 'host')
    if files:
        shutil.copytree(files, host)
    os.makedirs(os.path.join(host, 'scratch'), exist_ok=True)
    cpio = os.path.join(tmp, 'files.cpio')
    subprocess.run([sys.executable, MKCPIO, host, cpio], check=True)
    return host, cpio


def main():
    argv = sys.argv[1:]
    image_opts, runner, files, env = [], None, None, dict(os.environ)
    program = together = False
    while argv and argv[0].startswith('--'):
        opt = argv.pop(0)
        if opt.startswith('--amphi-arg='):
            image_opts.append(opt[len('--amphi-arg='):])
        elif opt.startswith('--runner='):
            runner = opt[len('--runner='):]
        elif opt == '--program':
            program = True
        elif opt == '--together':
            together = True
        elif opt.startswith('--files='):
            files = opt[len('--files='):]
        elif opt.startswith('--host-env=') and '=' in opt[11:]:
            name, _, val = opt[len('--host-env='):].partition('=')
            env[name] = val
        else:
            sys.exit('run-both: unknown option ' + opt)
    host, image, args = argv[0], argv[1], argv[2:]
    with tempfile.TemporaryDirectory(prefix='amphi-run-both-') as tmp:
        cwd = None
        if files or any('{scratch}' in a for a in args):
            cwd, cpio = stage_files(files, tmp)
            image_opts += ['--initrd', cpio]
        compare(host, image, args, image_opts, runner, cwd, env, program,
                together)


def compare(host, image, args, image_opts, runner, cwd, env, program,
            together):
    hargs = [a.replace('{scratch}', os.path.join(cwd, 'scratch'))
             if cwd else a for a in args]
    args = [a.replace('{scratch}', '/scratch') for a in args]
    cmd, aenv = amphi_cmd(image, image_opts, runner, program)
    proc = start(cmd + args, env=aenv) if together else None
    hrc, hout = run([os.path.abspath(host)] + hargs, cwd=cwd, env=env,
                    reference=True)
    print('--- Linux (exit %d)\n%s' % (hrc, hout))
    if hrc != 0:
        if proc:
            proc.kill()
            proc.wait()
        sys.exit('the test fails on Linux: fix the test first')
    if proc:
        arc, aout = finish(proc, launcher_notes=bool(runner))
    else:
        arc, aout = run(cmd + args, launcher_notes=bool(runner), env=aenv)
    print('--- Amphi (exit %d)\n%s' % (arc, aout))
    if arc != hrc:
        sys.exit('exit status differs: Linux %d, Amphi %d' % (hrc, arc))
    if aout != hout:
        sys.exit('output differs between Linux and Amphi')
    print('same behaviour on Linux and Amphi')


def amphi_cmd(image, image_opts, runner, program):
    """The command that runs image (before its ARGS), and its
    environment (None: run-both's own)."""
    aenv = None
    if runner:    # metal: tools/qemu-run.py [OPTIONS] IMAGE -- ARGS
        cmd = [sys.executable, runner, '-q'] + image_opts + [image, '--']
    elif program:
        cmd = [image]
        aenv = dict(os.environ, AMPHI_OPTIONS=' '.join(image_opts))
    else:
        cmd = [image, '-q'] + image_opts + ['--']
    return cmd, aenv


if __name__ == '__main__':
    main()
