#!/usr/bin/env python3
"""Run one amphi-kvm test case (test/kvm/cases.py) and check it.

  check.py --build BUILD_DIR [--native | --nested] CASE

Where this machine's /dev/kvm boots a test image, the case runs here on
the monitor. Elsewhere every case runs inside the nested KVM test host
(tools/kvmhost.py), all of them in one boot since a boot costs seconds:
the first check to come takes a lock and runs the batch, the others
wait for it and read their results (BUILD_DIR/kvm-batch/, reused while
the monitor, the images and these scripts are unchanged). It says which.
"""
import argparse
import difflib
import fcntl
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(SRC, 'tools'))
sys.path.insert(0, os.path.join(SRC, 'test', 'apps'))
import cases as case_list  # noqa: E402
import kvmhost  # noqa: E402
from childproc import fresh_signals  # noqa: E402

BATCH_TIMEOUT = 1500
# Each case is bounded inside the host (timeout(1)) and prints when it
# ends, so a host silent for longer than the longest case plus this has
# stopped: the batch fails then, not at BATCH_TIMEOUT.
SILENCE_MARGIN = 60
# A failed batch is not rerun by every waiting test, but retried later.
FAILURE_TTL = 600
# test/kvm/ptyrun.c, for the terminal cases ($PTY).
PTYRUN = 'kvm-ptyrun'


kvm_run = kvmhost.load_module(os.path.join(SRC, 'tools', 'kvm-run.py'))


class Paths:
    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.monitor = os.path.join(self.build, 'hal-sim', 'kvm',
                                    'amphi-kvm')
        self.batch = os.path.join(self.build, 'kvm-batch')
        self.ptyrun = os.path.join(self.build, 'test', 'kvm', PTYRUN)

    def image(self, name):
        return os.path.join(self.build, 'tools', name)

    def host_exe(self, name):
        return os.path.join(self.build, 'test', 'posix', name)


def case_files(paths, cases):
    """(src, dest) of every file the cases need in their work folder,
    except the generated ones."""
    want = set()
    for c in cases:
        if c.image:
            want.add(c.image)
    files = sorted((paths.image(n), n) for n in want)
    if any(c.shell and '$PTY' in c.shell for c in cases):
        files.append((paths.ptyrun, PTYRUN))
    return files


def make_generated(paths, work):
    """The broken images, the initrd tree's archive and the console's
    input, into work."""
    with open(os.path.join(work, case_list.STDIN_FILE), 'wb') as f:
        f.write(case_list.STDIN_DATA)
    subprocess.run([sys.executable, os.path.join(HERE, 'images.py'),
                    paths.image('hello'), os.path.join(work, 'bad')],
                   check=True)
    initrd = kvmhost.load_module(os.path.join(SRC, 'test', 'apps',
                                              'initrd.py'))
    import mkcpio
    src = os.path.join(work, 'initrd-src')
    os.makedirs(src)
    initrd.make_tree(src)
    with open(os.path.join(work, 'initrd.cpio'), 'wb') as f:
        mkcpio.build(src, f)
    return src


def command(c, monitor):
    if c.shell:
        return c.shell.replace('$KVM', monitor).replace('$PTY',
                                                        './' + PTYRUN)
    # A posix case's stderr goes where its stdout goes, as in the Linux
    # run it is compared with (check()): the app's fds 0-2 are the
    # monitor's.
    return 'exec %s %s </dev/null%s' % (
        monitor, ' '.join(shlex.quote(a) for a in c.args),
        ' 2>&1' if c.posix else '')


# --- one world or the other --------------------------------------------------

def run_native(paths, c):
    with tempfile.TemporaryDirectory() as work:
        for src, dest in case_files(paths, [c]):
            os.symlink(src, os.path.join(work, dest))
        make_generated(paths, work)
        try:
            res = subprocess.run(['sh', '-c', command(c, paths.monitor)],
                                 cwd=work, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE,
                                 timeout=c.timeout)
            return res.returncode, res.stdout, res.stderr
        except subprocess.TimeoutExpired as e:
            return 124, e.stdout or b'', (e.stderr or b'') + \
                b'\n(timed out)\n'


def batch_key(paths, cases):
    h = hashlib.sha256()
    for f in [os.path.join(HERE, n) for n in ('cases.py', 'check.py',
                                               'images.py')] + \
            [os.path.join(SRC, 'tools', 'kvmhost.py'), paths.monitor] + \
            [src for src, _ in case_files(paths, cases)]:
        st = os.stat(f)
        h.update(('%s %d %d\n' % (f, st.st_size, st.st_mtime_ns)).encode())
    return h.hexdigest()


def batch_payload(cases):
    out = []
    for c in cases:
        cmd = command(c, './amphi-kvm')
        out.append('echo "@@case %s"' % c.name)
        # SIGKILL 10 s after SIGTERM: a monitor that does not stop on
        # SIGTERM fails its case (status 137), not the whole batch.
        out.append('timeout -k 10 %d sh -c %s >/tmp/o 2>/tmp/e; s=$?' %
                   (c.timeout, shlex.quote(cmd)))
        out.append('echo "@@status $s $(wc -c </tmp/o) $(wc -c </tmp/e)"')
        out.append('cat /tmp/o /tmp/e')
        out.append('echo "@@end"')
    return '\n'.join(out) + '\n'


CASE_RE = re.compile(rb'@@case (\S+)\n@@status (\d+) (\d+) (\d+)\n')


def parse_batch(data):
    results = {}
    pos = 0
    while True:
        m = CASE_RE.search(data, pos)
        if not m:
            break
        name = m.group(1).decode()
        status, no, ne = (int(m.group(i)) for i in (2, 3, 4))
        start = m.end()
        out = data[start:start + no]
        err = data[start + no:start + no + ne]
        pos = start + no + ne
        if data[pos:pos + 6] != b'@@end\n':
            err += b'\n(check.py: the output framing broke here)\n'
        results[name] = {'status': status, 'stdout': out.decode('latin-1'),
                         'stderr': err.decode('latin-1')}
    return results


class BatchStopped(kvmhost.HostError):
    """The host went silent in case `current`, after finishing the cases
    in `results`."""

    def __init__(self, msg, current, results, took):
        super().__init__(msg)
        self.current, self.results, self.took = current, results, took


def run_batch(paths, cases):
    """Results of the cases from one boot of the nested host, and the time
    taken. A host that goes silent has stopped as a whole (each case is
    bounded inside it by timeout(1), which would have printed): the
    emulated CPU's KVM under TCG, not a case (seen twice, rarely: in
    ktest-smp4 and in crash-null, which pass alone and in other batches).
    It is booted once more for the cases from the one it stopped in (all
    of them if it stopped booting); a second silence fails the batch."""
    deadline = time.monotonic() + BATCH_TIMEOUT
    names = [c.name for c in cases]
    try:
        return boot_batch(paths, cases, deadline)
    except BatchStopped as e:
        print('amphi: %s; booting the nested host again for the cases '
              'from %s on' % (e, e.current), flush=True)
        start = names.index(e.current) if e.current in names else 0
        rest = cases[start:]
        results, took = boot_batch(paths, rest, deadline)
        results.update(e.results)
        return results, took + e.took


def boot_batch(paths, cases, deadline):
    with tempfile.TemporaryDirectory() as work:
        make_generated(paths, work)
        files = [(paths.monitor, 'amphi-kvm')] + case_files(paths, cases)
        for root, _, names in os.walk(work):
            for n in names:
                p = os.path.join(root, n)
                rel = os.path.relpath(p, work)
                if not rel.startswith('initrd-src'):
                    files.append((p, rel, False))
        boot = kvmhost.Boot(files, batch_payload(cases))
        t0 = time.monotonic()
        boot.start()
        data = b''
        silence = max(c.timeout for c in cases) + SILENCE_MARGIN
        seen = 0
        current = '(boot)'
        try:
            for chunk in boot.chunks(silence):
                data += chunk
                if os.environ.get('AMPHI_KVM_BATCH_RAW'):
                    sys.stdout.buffer.write(chunk)
                    sys.stdout.flush()
                # Progress, for the log of the test that runs the batch.
                end = seen
                for m in re.finditer(rb'@@case (\S+)\n', data[seen:]):
                    current = m.group(1).decode()
                    print('  %6.1f s  %s' % (time.monotonic() - t0,
                                              current), flush=True)
                    end = seen + m.end()
                seen = end
                if time.monotonic() > deadline:
                    raise kvmhost.HostError('the batch took over %d s' %
                                            BATCH_TIMEOUT)
            boot.finish()
        except kvmhost.HostSilent as e:
            boot.kill()
            took = time.monotonic() - t0
            raise BatchStopped('%s (in case %s, after %.0f s)' %
                               (e, current, took), current,
                               parse_batch(data), took)
        except kvmhost.HostError as e:
            boot.kill()
            raise kvmhost.HostError('%s (in case %s, after %.0f s)' %
                                    (e, current, time.monotonic() - t0))
        took = time.monotonic() - t0
    results = parse_batch(data)
    return results, took


def batch_results(paths, cases):
    """Results of all cases from one nested boot, made once per build."""
    os.makedirs(paths.batch, exist_ok=True)
    key = batch_key(paths, cases)
    res_path = os.path.join(paths.batch, 'results.json')
    with open(os.path.join(paths.batch, 'lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(res_path):
            with open(res_path) as f:
                old = json.load(f)
            if old.get('key') == key and (
                    not old.get('error') or
                    time.time() - old.get('time', 0) < FAILURE_TTL):
                return old
        print('amphi: running all %d amphi-kvm cases in one boot of the '
              'nested KVM host' % len(cases), flush=True)
        try:
            results, took = run_batch(paths, cases)
            doc = {'key': key, 'time': time.time(), 'error': None,
                   'took': took, 'cases': results}
        except (kvmhost.HostError, OSError,
                subprocess.CalledProcessError) as e:
            doc = {'key': key, 'time': time.time(), 'error': str(e),
                   'cases': {}}
        tmp = res_path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(doc, f)
        os.replace(tmp, res_path)
        return doc


# --- checks -----------------------------------------------------------------

def resolve(text, image):
    if not image:
        return text
    qemu_run = kvm_run.qemu_run
    r = qemu_run.Resolver(image)
    out = []
    for line in text.split('\n'):
        m = qemu_run.FRAME_RE.match(line.encode('latin-1'))
        if m:
            t = r.frame(m.group(4) == b' ', int(m.group(3), 16))
            if t:
                line = m.group(1).decode() + ' ' + t
        out.append(line)
    return '\n'.join(out)


def check(paths, c, status, out, err):
    problems = []
    image = paths.image(c.image) if c.image else None
    out = resolve(out, image)
    err = resolve(err, image)
    both = out + '\n' + err
    print(out, end='' if out.endswith('\n') or not out else '\n')
    if err:
        print('--- stderr\n' + err, end='' if err.endswith('\n') else '\n')
    print('--- exit status %d' % status)
    if c.nonzero:
        if status == 0:
            problems.append('exit status 0, expected non-zero')
    elif c.posix is None and status != c.status:
        problems.append('exit status %d, expected %d' % (status, c.status))
    for rx in c.match:
        if not re.search(rx, both, re.MULTILINE):
            problems.append('output does not match: ' + rx)
    for rx in c.absent:
        if re.search(rx, both, re.MULTILINE):
            problems.append('output matches (it must not): ' + rx)
    if c.posix:
        res = subprocess.run([paths.host_exe(c.posix)],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             stdin=subprocess.DEVNULL, timeout=240,
                             preexec_fn=fresh_signals)
        if res.returncode != 0:
            problems.append('the test fails on Linux (exit %d): fix the '
                            'test first' % res.returncode)
        if status != res.returncode:
            problems.append('exit status differs: Linux %d, Amphi %d' %
                            (res.returncode, status))
        # As run-both.py with a launcher: lines "amphi: ..." are notes
        # (the monitor's, or a test's about this CPU), not compared.
        got = ''.join(l for l in out.splitlines(True)
                      if not l.startswith('amphi: '))
        if got != res.stdout:
            problems.append('output differs from Linux:\n' + ''.join(
                difflib.unified_diff(res.stdout.splitlines(True),
                                     got.splitlines(True), 'Linux',
                                     'amphi-kvm')))
    if c.initrd:
        initrd = kvmhost.load_module(os.path.join(SRC, 'test', 'apps',
                                                  'initrd.py'))
        with tempfile.TemporaryDirectory() as tmp:
            want = initrd.listing(initrd.make_tree(tmp))
        got = [l for l in out.replace('\r', '').split('\n') if l]
        if status != 0 or got != want:
            problems.append('the initrd listing differs:\n' + '\n'.join(
                difflib.unified_diff(want, got, 'source tree', 'amphi',
                                     lineterm='')))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--native', action='store_true')
    ap.add_argument('--nested', action='store_true')
    ap.add_argument('case')
    args = ap.parse_args()
    paths = Paths(args.build)
    cases = case_list.all_cases()
    byname = {c.name: c for c in cases}
    if args.case not in byname:
        sys.exit('check.py: no case %s' % args.case)
    c = byname[args.case]
    if not os.path.exists(paths.monitor):
        sys.exit('check.py: no monitor at %s' % paths.monitor)
    world = 'nested' if args.nested else 'native' if args.native else None
    if world is None:
        why = kvm_run.probe_native(paths.monitor, paths.image('hello'))
        world = 'nested' if why else 'native'
        if why:
            print('amphi: /dev/kvm not usable here (%s): the case runs in '
                  'the nested KVM test host' % why)
    if world == 'native':
        status, out, err = run_native(paths, c)
        out, err = out.decode('latin-1'), err.decode('latin-1')
    else:
        doc = batch_results(paths, cases)
        if doc.get('error'):
            print('FAILED: ' + doc['error'])
            sys.exit(1)
        if c.name not in doc['cases']:
            print('FAILED: the batch has no result for %s (it took %.0f s)'
                  % (c.name, doc.get('took', 0)))
            sys.exit(1)
        r = doc['cases'][c.name]
        status, out, err = r['status'], r['stdout'], r['stderr']
        print('(nested batch of %d cases: %.1f s)' % (len(doc['cases']),
                                                      doc.get('took', 0)))
    problems = check(paths, c, status, out, err)
    if problems:
        print('FAILED: ' + c.name)
        for p in problems:
            print('  - ' + p)
        sys.exit(1)
    print('ok: ' + c.name)


if __name__ == '__main__':
    main()
