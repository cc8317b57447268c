#!/usr/bin/env python3
"""Network benchmark: the same work on Amphi and on the host's Linux.

  bench_net.py --httpd-sim IMG --netbench-sim IMG --httpd-host EXE
               --netbench-host EXE [--qemu-run QEMU_RUN --httpd-qemu IMG
               [--httpd-qemu-arm64 IMG]] [--seconds S] [--conns N]
               [--runs R]

1. wrk (2 threads, N connections, S seconds, --latency) against a small
   page (the httpd's built-in 159-byte index) served by: the same httpd
   source built for Linux on the host's loopback, Debian's nginx (one
   worker) on loopback, Amphi in sim over TAP (when root: the whole
   benchmark then runs in a network namespace of its own), Amphi in sim
   over libslirp, Amphi in QEMU (TCG or KVM, user networking), and
   Amphi on QEMU arm64 (virt, TCG, user networking) when its image is
   given.
   Requests/s and the 50/90/99th latency percentiles, medians of R runs.
2. A 1 GiB TCP stream (curl of /bytes/N, or a 1 GiB file from nginx)
   the same ways (QEMU under TCG, and arm64: 256 MiB).
3. TCP over 127.0.0.1 inside one program: netbench on Amphi vs on Linux:
   1 GiB stream, and 9,000 connections open at once, each echoing.
Ratios are Amphi's figure over the host httpd's. Never fails on timing.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from hostutil import free_port  # noqa: E402

GIB = 1 << 30
# Connections at once: each is two fds, and the host's soft limit here is
# 20,000 (Amphi took 10,000 too).
CONNS = 9000


def say(msg):
    print(msg, flush=True)


def wait_port(host, port, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


class Server:
    def __init__(self, cmd, host, port, ready=None):
        self.host, self.port = host, port
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL)
        self.ok = wait_port(host, port)
        if self.ok and ready:
            self.ok = ready()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def ms(v, unit):
    return float(v) * {'us': 0.001, 'ms': 1.0, 's': 1000.0}[unit]


def wrk(url, args):
    res = subprocess.run(['wrk', '-t', '2', '-c', str(args.conns),
                          '-d', '%ds' % args.seconds, '--timeout', '10s',
                          '--latency', url], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True,
                         timeout=args.seconds + 120)
    out = res.stdout
    m = re.search(r'Requests/sec:\s+([\d.]+)', out)
    lat = dict((p, ms(v, u)) for p, v, u in
               re.findall(r'^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$', out, re.M))
    errors = ' '.join(re.findall(r'Socket errors:.*|Non-2xx or 3xx '
                                 r'responses:.*', out))
    if not m:
        return None
    return {'rps': float(m.group(1)), 'p50': lat.get('50'),
            'p90': lat.get('90'), 'p99': lat.get('99'),
            'errors': errors}


def wrk_median(url, args):
    runs = [r for r in (wrk(url, args) for _ in range(args.runs)) if r]
    if not runs:
        return None
    med = {k: statistics.median(r[k] for r in runs if r[k] is not None)
           for k in ('rps', 'p50', 'p90', 'p99')}
    med['errors'] = '; '.join(r['errors'] for r in runs if r['errors'])
    return med


def stream(url):
    """Bytes/s of one download with curl (to /dev/null)."""
    res = subprocess.run(['curl', '-sS', '-o', '/dev/null', '-w',
                          '%{size_download} %{time_total}', url],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, timeout=1200)
    if res.returncode:
        return None
    size, secs = res.stdout.split()
    return int(size) / float(secs)


def nginx_server(tmp, port, page):
    if not shutil.which('nginx') and not os.path.exists('/usr/sbin/nginx'):
        return None
    www = os.path.join(tmp, 'nginx', 'www')
    os.makedirs(www, exist_ok=True)
    # Started as root, nginx's worker runs as nobody: let it read.
    for d in (tmp, os.path.dirname(www), www):
        os.chmod(d, 0o755)
    with open(os.path.join(www, 'index.html'), 'wb') as f:
        f.write(page)
    with open(os.path.join(www, 'big'), 'wb') as f:
        f.truncate(GIB)
    conf = os.path.join(tmp, 'nginx', 'nginx.conf')
    with open(conf, 'w') as f:
        f.write('worker_processes 1; daemon off; pid %s/nginx.pid;\n'
                'error_log stderr;\nevents { worker_connections 8192; }\n'
                'http { access_log off; server { listen 127.0.0.1:%d;\n'
                'root %s; location / {} } }\n' %
                (os.path.dirname(conf), port, www))
    exe = shutil.which('nginx') or '/usr/sbin/nginx'
    return Server([exe, '-p', os.path.dirname(conf), '-c', conf],
                  '127.0.0.1', port)


def page_of(port):
    with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
        s.sendall(b'GET / HTTP/1.0\r\n\r\n')
        data = b''
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    return data.split(b'\r\n\r\n', 1)[1]


def configs(args, tmp):
    """(name, start) pairs: start() returns (server, base URL, stream URL)
    or None."""
    def host():
        port = free_port()
        srv = Server([args.httpd_host, '-q', '-p', str(port)], '127.0.0.1',
                     port)
        return srv, 'http://127.0.0.1:%d' % port, \
            'http://127.0.0.1:%d/bytes/%d' % (port, GIB)

    def nginx():
        port = free_port()
        srv = nginx_server(tmp, port, configs.page)
        if not srv:
            return None
        return srv, 'http://127.0.0.1:%d' % port, \
            'http://127.0.0.1:%d/big' % port

    def slirp():
        port = free_port()
        srv = Server([args.httpd_sim, '-q', '-m', '256M', '-p',
                      '%d:80' % port, '--', '-q'], '127.0.0.1', port)
        return srv, 'http://127.0.0.1:%d' % port, \
            'http://127.0.0.1:%d/bytes/%d' % (port, GIB)

    def tap():
        if not args.in_ns:
            return None
        srv = Server([args.httpd_sim, '-q', '-m', '256M', '--net', 'tap',
                      '--', '-q'], '10.0.3.2', 80)
        return srv, 'http://10.0.3.2', 'http://10.0.3.2/bytes/%d' % GIB

    def qemu():
        if not args.qemu_run:
            return None
        port = free_port()
        srv = Server([sys.executable, args.qemu_run, '-q', '-m', '256M',
                      '-p', '%d:80' % port, args.httpd_qemu, '--', '-q'],
                     '127.0.0.1', port)
        size = GIB if configs.accel.startswith('KVM') else GIB // 4
        return srv, 'http://127.0.0.1:%d' % port, \
            'http://127.0.0.1:%d/bytes/%d' % (port, size)

    def qemu_arm64():
        if not args.qemu_run or not args.httpd_qemu_arm64:
            return None
        port = free_port()
        srv = Server([sys.executable, args.qemu_run, '-q', '-m', '256M',
                      '-p', '%d:80' % port, args.httpd_qemu_arm64, '--',
                      '-q'], '127.0.0.1', port)
        return srv, 'http://127.0.0.1:%d' % port, \
            'http://127.0.0.1:%d/bytes/%d' % (port, GIB // 4)

    return [('host httpd (Linux loopback)', host), ('nginx (loopback)', nginx),
            ('Amphi sim, TAP', tap), ('Amphi sim, libslirp', slirp),
            ('Amphi QEMU, user net', qemu),
            ('Amphi QEMU arm64 TCG, user', qemu_arm64)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--httpd-sim', required=True)
    ap.add_argument('--netbench-sim', required=True)
    ap.add_argument('--httpd-host', required=True)
    ap.add_argument('--netbench-host', required=True)
    ap.add_argument('--qemu-run')
    ap.add_argument('--httpd-qemu')
    ap.add_argument('--httpd-qemu-arm64')
    ap.add_argument('--seconds', type=int,
                    default=int(os.environ.get('BENCH_SECONDS', '5')))
    ap.add_argument('--conns', type=int, default=100)
    ap.add_argument('--runs', type=int,
                    default=int(os.environ.get('BENCH_RUNS', '3')))
    ap.add_argument('--in-ns', action='store_true', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not shutil.which('wrk'):
        say('bench-net: wrk is missing (./amphi setup): skipped')
        return
    if not args.in_ns and os.geteuid() == 0 and shutil.which('unshare'):
        # Root: everything in a network namespace of our own, where a
        # TAP device may be made; the loopback is all the rest needs.
        res = subprocess.run(['unshare', '--net', sys.executable] +
                             sys.argv + ['--in-ns'])
        sys.exit(res.returncode)
    if args.in_ns:
        subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
    configs.accel = ''
    if args.qemu_run and not (args.httpd_qemu and
                              os.path.exists(args.httpd_qemu)):
        say('bench-net: no x86_64 httpd image (./amphi --platform x86_64 '
            'build): QEMU skipped')
        args.qemu_run = None
    if args.httpd_qemu_arm64 and not os.path.exists(args.httpd_qemu_arm64):
        say('bench-net: no arm64 httpd image (./amphi --platform arm64 '
            'build): QEMU arm64 skipped')
        args.httpd_qemu_arm64 = None
    if args.qemu_run:
        probe = subprocess.run([sys.executable, args.qemu_run, '--argv',
                                args.httpd_qemu], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               timeout=120)
        words = probe.stdout.split('\n')
        accel = words[words.index('-accel') + 1] if '-accel' in words \
            else '?'
        configs.accel = ('KVM' if accel == 'kvm' else 'TCG') + ': ' + \
            probe.stderr.strip()
    with tempfile.TemporaryDirectory() as tmp:
        say('== wrk: %d connections, %d s, median of %d runs' %
            (args.conns, args.seconds, args.runs))
        say('%-30s %12s %9s %9s %9s %7s' % ('server', 'requests/s',
                                           'p50 ms', 'p90 ms', 'p99 ms',
                                           'ratio'))
        results, streams = {}, {}
        configs.page = b''
        for name, start in configs(args, tmp):
            got = start()
            if not got:
                say('%-30s %12s' % (name, 'n/a'))
                continue
            srv, base, big = got
            try:
                if not srv.ok:
                    say('%-30s %12s' % (name, 'did not start'))
                    continue
                if not configs.page:
                    configs.page = page_of(srv.port)
                r = wrk_median(base + '/', args)
                if r:
                    results[name] = r
                    ratio = r['rps'] / results[next(iter(results))]['rps']
                    say('%-30s %12.0f %9.2f %9.2f %9.2f %6.2fx %s' %
                        (name, r['rps'], r['p50'] or 0, r['p90'] or 0,
                         r['p99'] or 0, ratio, r['errors']))
                bps = [b for b in (stream(big) for _ in range(args.runs))
                       if b]
                if bps:
                    streams[name] = statistics.median(bps)
            finally:
                srv.stop()
        say('== TCP stream of 1 GiB (curl, median of %d)' % args.runs)
        for name, bps in streams.items():
            say('%-30s %9.0f Mbit/s %6.2fx' %
                (name, bps * 8 / 1e6, bps / next(iter(streams.values()))))
    say('== TCP over 127.0.0.1 inside one program (1 GiB, median of %d)' %
        args.runs)
    loop = {}
    for name, cmd in (('Linux', [args.netbench_host, str(GIB),
                                 str(args.runs)]),
                      ('Amphi sim', [args.netbench_sim, '-q', '-m', '256M',
                                     '--', str(GIB), str(args.runs)])):
        res = subprocess.run(cmd, stdout=subprocess.PIPE, text=True,
                             timeout=1200)
        m = re.search(r'loopback-mbps (\d+)', res.stdout)
        if m:
            loop[name] = int(m.group(1))
            say('%-30s %9d Mbit/s %6.2fx' % (name, loop[name],
                                             loop[name] / loop['Linux']))
    say('== %d TCP connections open at once over 127.0.0.1, each '
        'echoing a message' % CONNS)
    for name, cmd in (('Linux', [args.netbench_host, '-c', str(CONNS)]),
                      ('Amphi sim', [args.netbench_sim, '-q', '-m', '512M',
                                     '--', '-c', str(CONNS)])):
        res = subprocess.run(cmd, stdout=subprocess.PIPE, text=True,
                             timeout=1200)
        m = re.search(r'all-echoed in ([\d.]+) s', res.stdout)
        say('%-30s %9s s' % (name, m.group(1) if m else 'failed'))
    if configs.accel:
        say('(QEMU: %s)' % configs.accel.strip().replace('\n', ' '))


if __name__ == '__main__':
    main()
