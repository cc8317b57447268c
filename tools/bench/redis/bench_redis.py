#!/usr/bin/env python3
"""Redis benchmark: the same Redis source on Amphi and on the host's Linux.

  bench_redis.py --redis-sim IMG --redis-host EXE [--qemu-run QEMU_RUN
                 --redis-qemu IMG] [--requests N] [--clients C]
                 [--tests LIST] [--runs R]

The host's redis-benchmark (Debian's redis-tools: C clients, N requests
per test, default 20,000) runs the tests (default set,get,incr,lpush,
lpop) against redis-server 7.0 from Debian's source (MALLOC=libc, no
persistence):
  linux   the source built for Linux (tools/redis-linux), 127.0.0.1
  sim     apps/redis in sim, libslirp, a forwarded port (-p)
  qemu    apps/redis in QEMU x86_64 (user networking, -p), if the image
          exists (./amphi --platform x86_64 build)
Requests/s per test, the median of R runs (default 5), each run a fresh
server; the ratio is Amphi's over Linux's. Never fails on timing.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from hostutil import free_port  # noqa: E402

SERVER_ARGS = ['--save', '', '--appendonly', 'no', '--protected-mode', 'no']


def say(msg):
    print(msg, flush=True)


def ping(port, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        res = subprocess.run(['redis-cli', '-p', str(port), 'PING'],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        if res.stdout.strip() == 'PONG':
            return True
        time.sleep(0.2)
    return False


def server_cmd(kind, args, port):
    if kind == 'linux':
        return [args.redis_host, '--port', str(port), '--bind', '127.0.0.1',
                '--logfile', '/dev/null'] + SERVER_ARGS
    opts = ['-q', '-m', '256M', '-p', '%d:6379' % port]
    if kind == 'sim':
        return [args.redis_sim] + opts + ['--'] + SERVER_ARGS
    return [sys.executable, args.qemu_run] + opts + [args.redis_qemu, '--'] \
        + SERVER_ARGS


def one_run(kind, args):
    """{test: requests/s} of one redis-benchmark run on a fresh server."""
    port = free_port()
    proc = subprocess.Popen(server_cmd(kind, args, port),
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    try:
        if not ping(port):
            raise RuntimeError('%s: the server does not answer' % kind)
        res = subprocess.run(['redis-benchmark', '-p', str(port), '--csv',
                              '-n', str(args.requests), '-c',
                              str(args.clients), '-t', args.tests],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True,
                             timeout=1800)
        rps = {}
        for line in res.stdout.splitlines():
            cols = [c.strip('"') for c in line.split(',')]
            if len(cols) > 1 and cols[0] != 'test':
                rps[cols[0]] = float(cols[1])
        return rps
    finally:
        subprocess.run(['redis-cli', '-p', str(port), 'SHUTDOWN', 'NOSAVE'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--redis-sim', required=True)
    ap.add_argument('--redis-host', required=True)
    ap.add_argument('--qemu-run')
    ap.add_argument('--redis-qemu')
    ap.add_argument('--requests', type=int, default=20000)
    ap.add_argument('--clients', type=int, default=50)
    ap.add_argument('--tests', default='set,get,incr,lpush,lpop')
    ap.add_argument('--runs', type=int, default=5)
    args = ap.parse_args()
    for tool in ('redis-benchmark', 'redis-cli'):
        if subprocess.run(['which', tool], stdout=subprocess.DEVNULL)\
                .returncode:
            say('skip: %s is not installed (./amphi setup)' % tool)
            return 77
    kinds = ['linux', 'sim']
    if args.qemu_run and args.redis_qemu and os.path.isfile(args.redis_qemu):
        kinds.append('qemu')
    say('redis-benchmark -n %d -c %d -t %s, median of %d runs '
        '(requests/s)' % (args.requests, args.clients, args.tests,
                          args.runs))
    results = {}
    for kind in kinds:
        runs = []
        for _ in range(args.runs):
            try:
                runs.append(one_run(kind, args))
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                say('%s: %s' % (kind, e))
                break
        results[kind] = runs
    tests = [t.upper() for t in args.tests.split(',')]
    say('%-8s' % 'test' + ''.join('%12s' % k for k in kinds) +
        ''.join('%12s' % (k + '/linux') for k in kinds[1:]))
    for t in tests:
        med = {}
        for k in kinds:
            vals = [r[t] for r in results[k] if t in r]
            med[k] = statistics.median(vals) if vals else None
        row = '%-8s' % t
        row += ''.join('%12.0f' % med[k] if med[k] else '%12s' % '-'
                       for k in kinds)
        for k in kinds[1:]:
            row += '%12.2f' % (med[k] / med['linux']) \
                if med[k] and med['linux'] else '%12s' % '-'
        say(row)
    return 0


if __name__ == '__main__':
    sys.exit(main())
