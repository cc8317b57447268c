#!/usr/bin/env python3
"""amphi: set up, build, run, debug and test Amphi kernels.

Run './amphi help' or './amphi COMMAND --help'.
"""
import configparser
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, 'tools'))
from hostutil import free_port, say  # noqa: E402

# Debian packages the build, the tests and the debugging commands need.
PACKAGES = [
    'build-essential', 'python3', 'meson', 'ninja-build', 'pkg-config',
    'check', 'libunwind-dev', 'libdw-dev', 'valgrind', 'gdb',
    'qemu-system-x86', 'dpkg-dev',
    # The sim's display window (hal-sim/display.c).
    'libsdl2-dev',
    # The arm64 world: cross toolchain, QEMU's virt machine, gdb for it.
    'gcc-aarch64-linux-gnu', 'binutils-aarch64-linux-gnu', 'qemu-system-arm',
    'gdb-multiarch',
    # Networking: the sim's user-mode network, and the clients the tests
    # and benchmarks drive the servers with.
    'libslirp-dev', 'curl', 'wrk', 'iproute2',
    # redis-cli and redis-benchmark: the clients of apps/redis's tests.
    'redis-tools',
    # SQLite's own makefile writes its amalgamation with tclsh (apps/sqlite3).
    'tcl',
    # musl-gcc: test/elf's static-PIE programs built with musl.
    'musl-tools',
    # ./amphi fuzz: libFuzzer (clang's runtime; hal-sim/fuzz.c).
    'clang', 'libclang-rt-14-dev',
    # Meson compiles through ccache when it is there (see use_ccache).
    'ccache',
]

# Platforms and the meson cross file each needs (None: native).
PLATFORMS = {'sim': None, 'x86_64': None,
             'arm64': os.path.join('tools', 'arm64-cross.ini')}

# Third-party code the build and the tests use: Debian source packages
# (and binary packages) fetched and verified by tools/thirdparty.py at
# setup, cached outside the tree, never committed.
# musl 1.2.3: the apps' C library (core/libc); lwIP: TCP/IP (core/lwip);
# Lua 5.4, SQLite and Redis: apps/lua, apps/sqlite3 and apps/redis, built
# as they are.
# bc: a program built with its own configure and make by tools/amphi-cc
# (test/ports/amphi-cc-bc.py). libsigsegv and jq: test/ports; libonig:
# oniguruma, the library of jq's regular expressions (a section of its
# app.ini).
THIRD_PARTY_SOURCES = ['musl', 'lwip', 'lua5.4', 'sqlite3', 'redis', 'bc',
                       'libsigsegv', 'jq', 'libonig']
THIRD_PARTY_BINARIES = [
    # The framebuffer console's 8x16 font (core/display/fbcon.c).
    'console-setup-linux',
]
# The nested KVM test host (tools/kvmhost.py) boots Debian's cloud
# kernel (the metapackage names the versioned one) with busybox.
THIRD_PARTY_BINARIES += ['busybox-static', 'linux-image-cloud-amd64']
THIRDPARTY = os.path.join(TOP, 'tools', 'thirdparty.py')

# Metal x86_64 images boot in QEMU through this launcher (also used by
# the tests): console, exit status, KVM/TCG choice, backtrace symbols.
QEMU_RUN = os.path.join(TOP, 'tools', 'qemu-run.py')
# ... or, with --kvm-direct, on amphi-kvm, our own KVM monitor
# (hal-sim/kvm), natively or in the nested KVM test host.
KVM_RUN = os.path.join(TOP, 'tools', 'kvm-run.py')

# Demand paging and traps resume from a SIGSEGV handler; valgrind must
# keep every register exact at each memory access to follow that.
VALGRIND_EXACT = '--vex-iropt-register-updates=allregs-at-mem-access'
# Not enough for the other tools: callgrind's and cachegrind's optimised
# translations resume 'add $4,%rdx; mov %ecx,-4(%rdx)' at the add after
# a fault in the store, so the first store into a demand-paged page is
# lost (the app heap's page map, at exit: "pointer not from this heap").
# Unoptimised translations are exact; memcheck's are without this.
VALGRIND_EXACT_OTHER = '--vex-iropt-level=0'
# memcheck's own: full leak checking, and an exit status for errors.
MEMCHECK_FLAGS = [
    '--leak-check=full',
    '--show-leak-kinds=definite,indirect,possible',
    '--errors-for-leak-kinds=definite,indirect,possible',
    '--error-exitcode=99',
]
# What a memcheck run of an image takes (the tests use it too).
VALGRIND_FLAGS = [VALGRIND_EXACT] + MEMCHECK_FLAGS

GDB_SETUP = [
    # The kernel takes these signals itself (traps, demand paging).
    'handle SIGSEGV nostop noprint pass',
    'handle SIGBUS nostop noprint pass',
    # SIGRTMIN+2: interrupts (timer, IPIs) of the sim's CPUs.
    'handle SIG36 nostop noprint pass',
]
# Both worlds: the app's main() is called by the kernel (ukplat_entry,
# the boot code), whose frames backtraces should show too.
GDB_COMMON = ['set backtrace past-main on']

HELP = {
    'main': """\
Usage: ./amphi COMMAND [OPTIONS] [ARGS]

Amphi is a unikernel that runs as a Linux process (the sim backend) and on
bare metal from one codebase. This tool drives the whole workflow.

Commands:
  setup      install the Debian packages the build needs, configure
  build      build the kernel, every app image and the tests
  run        build and run an app (default: hello)
  gdb        build an app and start it under gdb
  valgrind   build an app and run it under valgrind memcheck
  test       build and run the whole test suite (or some suites)
  fuzz       coverage-guided fuzzing of the system calls (libFuzzer)
  bench      build and run the benchmarks
  clean      remove the build folder
  help       show this text, or 'help COMMAND' for a command's

Common options (before or after the command):
  --platform NAME   backend to build for: sim (default), x86_64 or arm64
                    (bare metal, booted in QEMU; arm64 is cross-compiled
                    and runs on qemu-system-aarch64 -M virt under TCG)
  --build-dir DIR   build folder (default: build/PLATFORM)
  --ubsan           build the kernel and the tree's apps (not musl nor
                    the ports' third-party sources) with the undefined-
                    behaviour sanitizer (meson -Dubsan=true; default
                    folder build/PLATFORM-ubsan): a failed check is a
                    kernel crash report naming the source line

An APP is the name of a folder in apps/ (hello, crash, ...) or the path of
any folder of .c files, e.g. './amphi run ~/myapp -- -v input.txt', or an
image file a program's own build made with tools/amphi-cc ('make
CC=tools/amphi-cc'; 'tools/amphi-cc --help'), e.g. './amphi run ./bc'.
""",
    'setup': """\
Usage: ./amphi setup

Installs the Debian packages the build, tests and debugging need (with
apt-get, through sudo unless you are root; nothing is installed if all are
present) and configures the build folder. Packages:
  %s
""" % ' '.join(PACKAGES),
    'build': """\
Usage: ./amphi build [APP...]

Configures the build folder if needed (again if an app folder gained or
lost a .c file) and builds everything, plus the given out-of-tree APPs.
Images land in BUILD-DIR/tools/NAME.
""",
    'run': """\
Usage: ./amphi run [OPTIONS] [APP] [-- ARGS...]

Builds APP (default: hello) and boots it as a Linux process. ARGS go to
the app's main(). An APP that is an image file (made by tools/amphi-cc;
a path with a '/') is not built: it boots on the platform it was linked
for (--platform, if given, must agree). The exit status is the app's; a kernel crash prints the
trap, registers and a backtrace and exits non-zero.

Options:
  -m, --memory SIZE     guest memory (default 64M)
  -smp N                logical CPUs (default 1; host threads in sim)
  -k, --kernel-arg ARG  kernel parameter NAME=VALUE (repeatable):
                        loglevel=0..4, quiet=1, sched.timeslice_us=N
                        (time slice while threads wait for a CPU,
                        default 10000; 0: cooperative),
                        vmem.fault_around=N (pages per demand-paging
                        fault, default 16), main.stack_size=SIZE
                        (main()'s stack, default 8M), ramfs.size=SIZE (most file
                        data, e.g. 64M or 25%; default half of RAM)
  -e, --env NAME=VALUE  put NAME in the app's environment (repeatable;
                        the last one of a name wins). The app always
                        finds HOME=/ and PATH=/bin unless given, and the
                        host's TERM when it is set; the kernel argument
                        env=NAME=VALUE does the same
  -q, --quiet           no banner
  --initrd FILE         a cpio archive (newc format; tools/mkcpio.py
                        makes one from a folder) unpacked into the root
                        file system before the app starts
  --elf FILE            run the host's FILE, an unmodified static Linux
                        x86_64 executable (static-PIE or classic
                        static, glibc or musl), instead of an app: it is
                        put in the initrd as /bin/NAME and started with
                        argv NAME ARGS..., the app's environment and
                        Linux's auxiliary vector (core/elf). Its system
                        calls trap into the kernel (sim: Syscall User
                        Dispatch, Linux 5.11+; x86_64: the syscall
                        instruction's LSTAR entry; -k syscall.trace=1
                        shows them). Dynamic executables, fork and execve are
                        refused with a message. --platform x86_64 runs
                        static-PIE ones (classic static executables are
                        refused there: their fixed addresses lie outside
                        the kernel's window); arm64 refuses binaries
  --display none        draw offscreen: no window (SDL_VIDEODRIVER=
                        offscreen in sim, QEMU's -display none on metal).
                        Apps that draw (/dev/fb0) open an SDL window in
                        sim, offscreen when there is no window system;
                        display kernel parameters: display.width=N,
                        display.height=N (default 1280x720)
  -p, --publish [tcp:|udp:][ADDR:]HOSTPORT:GUESTPORT
                        forward the host's port (on 127.0.0.1 unless
                        ADDR) to the guest's; implies --net user
  --net MODE            network device: user (rootless user-mode
                        network, DHCP: the guest is 10.0.2.15, the host
                        10.0.2.2), tap (sim: a TAP device amphiN made and
                        removed by the kernel process, guest 10.0.(3+N).2;
                        needs CAP_NET_ADMIN), tap:NAME (an existing one),
                        none (default without -p; 127.0.0.1 always works)
                        Kernel arguments net.ip=ADDR/PREFIX, net.gw=ADDR,
                        net.dns=ADDR configure it without DHCP.

With --platform x86_64 the image boots in QEMU (-M microvm, serial
console on stdio) and also takes:
  --kvm, --tcg          accelerator (default: KVM if /dev/kvm boots a test
                        image, else TCG; it says which)
  -M, --machine NAME    QEMU machine: microvm (default), q35, pc
  --kvm-direct          no QEMU: boot on amphi-kvm, the project's own KVM
                        monitor (hal-sim/kvm; -m up to 3G). Where this
                        machine's /dev/kvm cannot boot a test image, the
                        run goes to the nested KVM test host (QEMU TCG
                        with an AMD-V CPU and Debian's kernel, which has
                        a real /dev/kvm; a few seconds to boot), and it
                        says so
  --display SPEC        QEMU's -display (gtk, sdl, vnc=:1, none, ...) with
                        ramfb and virtio keyboard and tablet.
                        Default for apps that include <linux/fb.h>,
                        <linux/input.h> or <uk/fb.h>: gtk when DISPLAY or
                        WAYLAND_DISPLAY is set, else none; other apps get
                        no display devices

With --platform arm64 it boots on qemu-system-aarch64 under TCG:
  -M, --machine NAME    virt,gic-version=3 (default); virt,gic-version=2
                        (the GICv2 fallback), virt,mte=on (memory tagging
                        in the kernel heap), virt,virtualization=on (enter
                        at EL2)
  --cpu NAME            max,pauth-impdef=on (default: PAuth with QEMU's
                        fast hash, BTI, RNDR, MTE if the machine has it),
                        max (the architected QARMA5, ~30x slower calls
                        under TCG), or e.g. cortex-a57 (none of them)
  --display SPEC        as on x86_64 (ramfb, virtio keyboard and tablet)
-p and --net as in sim (virtio-net on virt's virtio-mmio).
""",
    'gdb': """\
Usage: ./amphi gdb [OPTIONS] [APP] [-- ARGS...]

Builds APP and starts gdb on it with kernel and app symbols (one
executable in sim), passing through the signals the kernel handles itself
(SIGSEGV, SIGBUS). Kernel options as for 'run'. On metal, QEMU waits on
its gdb stub and gdb attaches with the image's symbols (arm64:
gdb-multiarch); 'break main' stops in the app.

Options:
  --ex CMD      run a gdb command after loading (repeatable); with
                --batch, gdb exits when done (for scripts)
  --batch       run gdb in batch mode

With --platform x86_64, gdb attaches to QEMU's gdb stub (use hbreak
under KVM), or with --kvm-direct to amphi-kvm's own stub: break and
hbreak, watch, step, registers and memory, one gdb thread per vCPU.
""",
    'valgrind': """\
Usage: ./amphi valgrind [OPTIONS] [APP] [-- ARGS...]

Builds APP and runs it under valgrind memcheck with full leak checking and
the flags the kernel's fault path needs. The kernel heap tells memcheck
about every block, so the app's leaks and bad accesses are reported as in
any Linux program. Exits 99 if valgrind found an error or a leak.
Kernel options as for 'run'; extra valgrind flags with --vg FLAG.
Another tool gets the flags the kernel needs instead of memcheck's
(--vex-iropt-register-updates=allregs-at-mem-access --vex-iropt-level=0),
e.g. a profile with
  ./amphi valgrind --vg --tool=callgrind lua -- -e 'print(1)'
then callgrind_annotate callgrind.out.PID.
""",
    'test': """\
Usage: ./amphi test [--suite NAME]... [--list] [--kvm-direct] [TEST...]

Builds everything and runs the test suites with meson, then prints one
summary line "tests: N passed, N failed". Without --platform, a suite or
a test name, it runs the sim suites, then the x86_64 ones (the in-kernel
tests, the POSIX programs and a few apps booted in QEMU: KVM if /dev/kvm
can boot a test image, else TCG, and it says which), then the arm64 ones
(the same, on qemu-system-aarch64 under TCG), then a trimmed pass in
the UBSan build (sim's unit, kernel, posix, apps and elf suites; ktest on
QEMU x86_64 and arm64, and a static glibc binary on x86_64; only the
images they need are built; tests also in the suite 'slow', a build by
configure or a long sleep, are left out), and prints a line per
platform with what its build and tests took. Suites:
  unit      host unit tests (Check) of allocators, events, random, fdt
  kernel    in-kernel tests (test/kernel), booted as a kernel image
  posix     test/posix programs: Linux first, then Amphi, same output
  apps      apps and the crash reports, checked from the outside; in
            sim also 60 s of './amphi fuzz' (build/sim-fuzz)
  valgrind  kernel images under memcheck: 0 errors, 0 leaks
  tools     the amphi command, the guest link rules, gdb
  display   /dev/fb0 and /dev/input/event0 against Linux's interface;
            fbdemo's scene captured (SDL offscreen; QMP screendump in
            QEMU) and checked against one reference hash, input injected
  net       httpd, fetch and udp-echo from the host: curl, wrk with
            1,000 connections, bad requests; user-mode network and TAP
  kvm       (x86_64) the images on amphi-kvm, our own KVM monitor:
            ktest on 1 and 4 CPUs, hello, crashes, test/posix, the
            monitor's errors. Where /dev/kvm cannot boot a test image
            they run in one boot of the nested KVM test host
  slow      a second suite of the tests that mostly build or sleep
            (amphi-cc-bc, tcp-timewait): left out of the UBSan pass
--kvm-direct: only the kvm suite (implies --platform x86_64).
With --ubsan, every suite runs in the UBSan build (build/PLATFORM-ubsan;
a failed check is a crash, so a test fails), and no trimmed pass follows.
Exit status: 0 if all passed.
""",
    'fuzz': """\
Usage: ./amphi fuzz [--minutes N] [--corpus DIR] [--findings DIR]
                    [-- LIBFUZZER-FLAGS...]
       ./amphi fuzz --replay FILE

Fuzzes the kernel's system calls, guided by coverage, in sim: builds the
kernel with GCC's -fsanitize-coverage=trace-pc and libFuzzer (folder
build/sim-fuzz, meson -Dfuzz=true), boots it once, and runs libFuzzer's
loop in test/fuzz/syscalls's main thread. Each input is a sequence of up
to 16 calls of 32 bytes each (a Linux system-call number, then the
choices of its arguments: fds from the open ones and bad ones, pointers
into a pool with read-only, PROT_NONE and page-crossing pages, kernel
heap, direct map, non-canonical and image addresses, paths, sizes and
flags); after it, the fds, mappings, files, signal actions and limits
it changed are put back (test/fuzz/syscalls/main.c says more).

  --minutes N     stop after N minutes (default 10; 0: until Ctrl-C)
  --corpus DIR    where new inputs go and are read again next time
                  (default build/sim-fuzz/fuzz/corpus); the tree's seeds
                  (test/fuzz/syscalls/corpus) are read too, never written
  --findings DIR  where finds go (default build/sim-fuzz/fuzz/findings)
  --replay FILE   run one saved input, printing each call and its result
                  (in the ordinary sim build, as './amphi run' does)
  -- FLAGS        passed to libFuzzer (-help=1 lists them), e.g.
                  -- -seed=1 -runs=100000

A find is a kernel crash (its report is printed) or an input that runs
over 20 s. Its input is saved as FINDINGS/crash-HASH (timeout-HASH), with
FINDINGS/crash-HASH.cmd holding the command that replays it in the
ordinary build, e.g.
  ./amphi run test/fuzz/syscalls -- -v -x 2e0096...
libFuzzer prints a line per new input: ft is the number of coverage
features (kernel edges and their counts), corp the inputs kept, exec/s
the speed. Runs nice(1)'d when --minutes is over 5.
Exit status: 0 if nothing was found, 1 if something was.
""",
    'bench': """\
Usage: ./amphi bench

Builds and runs the benchmarks (meson test --benchmark). Each runs the
same work on Amphi's code and on the host's, and prints medians and the
ratio. Benchmarks never fail on timing.
""",
    'clean': """\
Usage: ./amphi clean

Removes the build folder.
""",
}


def _load_list_sources():
    path = os.path.join(TOP, 'tools', 'list-sources.py')
    spec = importlib.util.spec_from_file_location('list_sources', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# The same rule meson uses to find an app's sources.
c_sources = _load_list_sources().c_sources

# Folders whose .c files become images (apps, in-kernel and POSIX tests,
# benchmark apps); adding or removing one of their files needs meson to
# configure again, since meson does not watch folders.
IMAGE_SOURCE_ROOTS = ['apps', 'test', os.path.join('tools', 'bench')]


class Usage(Exception):
    pass


def run(cmd, **kw):
    return subprocess.run(cmd, **kw).returncode


def check(cmd, **kw):
    rc = run(cmd, **kw)
    if rc != 0:
        say('failed (%d): %s' % (rc, ' '.join(shlex.quote(c) for c in cmd)))
        sys.exit(rc)


class Ctx:
    def __init__(self, platform, build_dir, explicit=True, ubsan=False):
        self.platform = platform
        # False when neither --platform nor --build-dir was given.
        self.explicit = explicit
        # --ubsan: guest code built with -fsanitize=undefined, in a
        # build folder of its own.
        self.ubsan = ubsan
        self.build_dir = build_dir or os.path.join(
            TOP, 'build', platform + ('-ubsan' if ubsan else ''))

    def image(self, name):
        return os.path.join(self.build_dir, 'tools', name)


# --- setup -----------------------------------------------------------------

def missing_packages():
    missing = []
    for pkg in PACKAGES:
        res = subprocess.run(['dpkg-query', '-W', '-f=${Status}', pkg],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        if 'install ok installed' not in res.stdout:
            missing.append(pkg)
    return missing


def sudo_prefix():
    return [] if os.geteuid() == 0 else ['sudo']


def fetch_third_party(sudo):
    """Enables Debian's source packages (deb-src twins of the system's
    own apt sources) and fetches the third-party code into the cache."""
    if not THIRD_PARTY_SOURCES and not THIRD_PARTY_BINARIES:
        return
    if THIRD_PARTY_SOURCES:
        res = subprocess.run(sudo + [sys.executable, THIRDPARTY,
                                     'enable-src'],
                             stdout=subprocess.PIPE, text=True)
        if res.returncode != 0:
            sys.exit(res.returncode)
        if res.stdout.strip() == 'changed':
            check(sudo + ['apt-get', 'update', '-q'])
    for kind, pkgs in (('source', THIRD_PARTY_SOURCES),
                       ('binary', THIRD_PARTY_BINARIES)):
        for pkg in pkgs:
            if subprocess.run([sys.executable, THIRDPARTY, 'path', kind,
                               pkg], stdout=subprocess.DEVNULL).returncode:
                say('fetching Debian %s package %s' % (kind, pkg))
                check([sys.executable, THIRDPARTY, kind, pkg],
                      stdout=subprocess.DEVNULL)


def cmd_setup(ctx, args):
    if args:
        raise Usage('setup takes no arguments')
    missing = missing_packages() if shutil.which('dpkg-query') else []
    if missing:
        sudo = sudo_prefix()
        say('installing ' + ' '.join(missing))
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        check(sudo + ['apt-get', 'update', '-q'], env=env)
        # Wait for another apt/dpkg run (a parallel setup) to finish.
        check(sudo + ['apt-get', 'install', '-y', '-q',
                      '-o', 'DPkg::Lock::Timeout=600',
                      '--no-install-recommends'] + missing, env=env)
    fetch_third_party(sudo_prefix())
    configure(ctx, [])
    say('ready: build folder %s' % os.path.relpath(ctx.build_dir))


# --- build -----------------------------------------------------------------

def meson_option(ctx, name):
    res = subprocess.run(['meson', 'introspect', '--buildoptions',
                          ctx.build_dir], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    if res.returncode != 0:
        return None
    for opt in json.loads(res.stdout):
        if opt['name'] == name:
            return opt['value']
    return None


def app_sources_stamp(app_dirs):
    """Every .c file of every image's folder: a change needs a reconfigure."""
    dirs = [os.path.join(TOP, d) for d in IMAGE_SOURCE_ROOTS]
    found = []
    for top in dirs + list(app_dirs):
        found += c_sources(top)
    return '\n'.join(found) + '\n'


def quiet(cmd, what):
    """Runs cmd; shows its output only if it fails."""
    res = subprocess.run(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout)
        say('%s failed: %s' % (what, ' '.join(shlex.quote(c)
                                               for c in cmd)))
        sys.exit(res.returncode)


def configure(ctx, extra_apps):
    """Sets up the build folder, or updates it when the app folders (or
    their .c files) changed; meson itself does not watch folders."""
    stamp_path = os.path.join(ctx.build_dir, 'amphi-sources.stamp')
    configured = os.path.exists(os.path.join(ctx.build_dir,
                                             'build.ninja'))
    known = list(meson_option(ctx, 'app_dirs') or []) if configured else []
    # Forget app folders that are gone; add the ones asked for.
    app_dirs = [d for d in known if os.path.isdir(d)]
    new_dirs = [d for d in extra_apps if d not in app_dirs]
    app_dirs += new_dirs
    changed = app_dirs != known
    stamp = app_sources_stamp(app_dirs)
    old = open(stamp_path).read() if os.path.exists(stamp_path) else None
    opts = ['-Dplatform=' + ctx.platform,
            '-Dapp_dirs=' + ','.join(app_dirs)]
    if ctx.ubsan and (not configured or not meson_option(ctx, 'ubsan')):
        opts.append('-Dubsan=true')
        changed = True
    cross = cross_files(ctx.platform)
    if not configured:
        say('configuring %s' % os.path.relpath(ctx.build_dir))
        opts += ['--cross-file=' + f for f in cross]
        quiet(['meson', 'setup', ctx.build_dir, TOP] + opts, 'configure')
    elif changed:
        quiet(['meson', 'configure', ctx.build_dir] + opts, 'configure')
    elif old != stamp:
        quiet(['ninja', '-C', ctx.build_dir, 'reconfigure'], 'configure')
    with open(stamp_path, 'w') as f:
        f.write(stamp)


def cross_files(platform):
    """The meson cross files for platform ([] when native). With ccache
    installed, a second file, written into build/ (and rewritten before
    each configure, since a reconfigure reads it again), runs the cross
    compiler through ccache: meson wraps only the native compiler itself.
    Then the arm64 worlds (plain and UBSan) compile musl once."""
    cross = PLATFORMS.get(platform)
    if not cross:
        return []
    files = [os.path.join(TOP, cross)]
    if not shutil.which('ccache'):
        return files
    machine = configparser.ConfigParser()
    machine.read(files[0])
    compiler = machine['binaries']['c'].strip("'")
    wrapper = os.path.join(TOP, 'build', platform + '-cross-ccache.ini')
    os.makedirs(os.path.dirname(wrapper), exist_ok=True)
    with open(wrapper, 'w') as f:
        f.write("# Written by ./amphi (see cross_files in tools/amphi.py)."
                "\n[binaries]\nc = ['ccache', '%s']\n" % compiler)
    return files + [wrapper]


def image_file(app):
    """The absolute path of app if it names an image file (one built by
    tools/amphi-cc), else None."""
    path = os.path.abspath(os.path.expanduser(app))
    if os.path.isfile(path) and ('/' in app or not
                                 os.path.isdir(os.path.join(TOP, 'apps',
                                                            app))):
        return path
    return None


def image_platform(path):
    """'sim', 'x86_64' or 'arm64' for an image file, from its ELF header:
    arm64's machine, or a sim image's dynamic loader (a Linux program)."""
    import struct
    with open(path, 'rb') as f:
        head = f.read(64)
        if len(head) < 64 or head[:5] != b'\x7fELF\x02':
            raise Usage('%s is not a 64-bit ELF image' % path)
        machine, = struct.unpack_from('<H', head, 18)
        if machine == 183:
            return 'arm64'
        if machine != 62:
            raise Usage('%s: an image for an unknown machine (%d)' %
                        (path, machine))
        phoff, = struct.unpack_from('<Q', head, 32)
        phentsize, phnum = struct.unpack_from('<HH', head, 54)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            if struct.unpack('<I', f.read(4))[0] == 3:     # PT_INTERP
                return 'sim'
    return 'x86_64'


def is_cc_program(path):
    """True for a sim image linked by tools/amphi-cc: it takes every
    argument as the app's, the kernel's from $AMPHI_OPTIONS."""
    res = subprocess.run(['nm', '-P', path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    # Defined, not merely referenced: every sim image has hal-sim's weak
    # reference to it (type w).
    return any(l.split()[:2] == ['__amphi_cc_program', 'A']
               for l in res.stdout.splitlines())


def image_ctx(ctx, app):
    """The context an app runs in: for an image file, its own platform
    (which must be --platform's, if given)."""
    path = image_file(app)
    if not path:
        return ctx
    plat = image_platform(path)
    if ctx.explicit and plat != ctx.platform:
        raise Usage('%s is a %s image, not %s' % (app, plat, ctx.platform))
    return Ctx(plat, ctx.build_dir if ctx.explicit else None, ctx.explicit)


def resolve_app(name):
    """Returns (image name, out-of-tree folder or None)."""
    in_tree = os.path.join(TOP, 'apps', name)
    if '/' not in name and name not in ('.', '..') and \
            os.path.isdir(in_tree):
        return name, None
    path = os.path.abspath(os.path.expanduser(name))
    if not os.path.isdir(path):
        raise Usage("no app '%s': not a folder of apps/ nor a path to a "
                    "folder of .c files" % name)
    if not c_sources(path):
        raise Usage("no .c files in %s" % path)
    if path.startswith(os.path.join(TOP, 'apps') + os.sep):
        return os.path.basename(path), None
    return os.path.basename(path), path


def build(ctx, apps=(), everything=True):
    """Builds the default targets (everything=True) or only the images of
    apps; out-of-tree apps are always built by name."""
    resolved = [resolve_app(a) for a in apps]
    extra = [d for _, d in resolved if d]
    if ctx.platform not in PLATFORMS:
        raise Usage("unknown platform '%s' (%s)" %
                    (ctx.platform, ', '.join(PLATFORMS)))
    if not shutil.which('meson') or not shutil.which('ninja'):
        raise Usage("meson/ninja are missing: run './amphi setup' first")
    if ctx.platform == 'arm64' and not shutil.which('aarch64-linux-gnu-gcc'):
        raise Usage("the arm64 cross compiler is missing: run './amphi "
                    "setup' first")
    configure(ctx, extra)
    targets = [os.path.relpath(ctx.image(name), ctx.build_dir)
               for name, d in resolved if d or not everything]
    if ctx.platform == 'arm64':
        # The raw Image QEMU boots, next to each ELF.
        targets += [t + '.img' for t in targets]
    if everything:
        quiet(['ninja', '-C', ctx.build_dir], 'build')
    if targets:
        quiet(['ninja', '-C', ctx.build_dir] + targets, 'build')


def cmd_build(ctx, args):
    build(ctx, args)


# --- run, gdb, valgrind -----------------------------------------------------

def split_app_args(args, value_opts, flag_opts):
    """Splits [OPTIONS] [APP] [-- ARGS] into (opts, app, app_args)."""
    opts, app, rest = {}, None, []
    i = 0
    while i < len(args):
        a = args[i]
        if a == '--':
            rest = args[i + 1:]
            break
        key, eq, val = a.partition('=')
        if key in value_opts:
            if not eq:
                i += 1
                if i >= len(args):
                    raise Usage('%s needs a value' % a)
                val = args[i]
            opts.setdefault(value_opts[key], []).append(val)
        elif a in flag_opts:
            opts[flag_opts[a]] = True
        elif a.startswith('-'):
            raise Usage('unknown option %s' % a)
        elif app is None:
            app = a
        else:
            rest = args[i:]    # app arguments without '--'
            break
        i += 1
    return opts, app or 'hello', rest


KERNEL_VALUE_OPTS = {'-m': 'memory', '--memory': 'memory',
                     '-k': 'karg', '--kernel-arg': 'karg',
                     '-smp': 'smp', '--smp': 'smp',
                     '-M': 'machine', '--machine': 'machine',
                     '--initrd': 'initrd', '--display': 'display',
                     '--cpu': 'cpu',
                     '-p': 'publish', '--publish': 'publish',
                     '--net': 'net',
                     '-e': 'env', '--env': 'env'}
KERNEL_FLAG_OPTS = {'-q': 'quiet', '--quiet': 'quiet',
                    '--kvm': 'kvm', '--tcg': 'tcg',
                    '--kvm-direct': 'kvm_direct'}


DISPLAY_HEADERS = ('<linux/fb.h>', '<linux/input.h>', '<uk/fb.h>',
                   '<uk/input.h>')


def app_draws(app):
    """True if the app's sources include a display or input header."""
    name, out = resolve_app(app)
    folder = out or os.path.join(TOP, 'apps', name)
    for f in c_sources(folder):
        try:
            text = open(os.path.join(folder, f), errors='replace').read()
        except OSError:
            continue
        if any(h in text for h in DISPLAY_HEADERS):
            return True
    return False


def metal_display(opts, app):
    """QEMU's -display for app: as asked, else a window for apps that
    draw when there is a window system, none for those without."""
    if opts.get('display'):
        return opts['display'][-1]
    if not app_draws(app):
        return None
    if not (os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY')):
        return 'none'
    try:
        res = subprocess.run(['qemu-system-x86_64', '-display', 'help'],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        have = [l.strip() for l in res.stdout.splitlines()[1:]
                if not l.startswith('qemu:')]
    except OSError:
        have = []
    for ui in ('gtk', 'sdl'):
        if ui in have:
            return ui
    say('QEMU has no window here (Debian: apt-get install '
        'qemu-system-gui): drawing with -display none')
    return 'none'


def env_kargs(env):
    """Kernel arguments for the app's environment: the host's TERM (a
    program that draws wants to know the terminal), then each -e."""
    kargs = []
    if os.environ.get('TERM'):
        kargs += ['-k', 'env=TERM=' + os.environ['TERM']]
    for e in env:
        name = e.split('=', 1)[0]
        if '=' not in e or not name:
            raise Usage('-e %s: give NAME=VALUE' % e)
        kargs += ['-k', 'env=' + e]
    return kargs


def image_argv(ctx, opts, app, app_args):
    path = image_file(app)
    if path:
        argv = [path]
    else:
        argv = [ctx.image(resolve_app(app)[0])]
    display = None
    if opts.get('kvm_direct'):
        if ctx.platform != 'x86_64':
            raise Usage('--kvm-direct is for --platform x86_64')
        if opts.get('kvm') or opts.get('tcg') or opts.get('machine') or \
                opts.get('cpu'):
            raise Usage('--kvm-direct boots without QEMU: no --kvm, '
                        '--tcg, -M or --cpu')
        if opts.get('display'):
            raise Usage('--kvm-direct: amphi-kvm has no display device '
                        'yet')
        argv = [sys.executable, KVM_RUN]
    elif ctx.platform != 'sim':
        display = opts.get('display', [None])[-1] if path else \
            metal_display(opts, app)
    elif opts.get('display'):
        if opts['display'][-1] != 'none':
            raise Usage('in sim the display is an SDL window; '
                        '--display none draws offscreen')
        os.environ['SDL_VIDEODRIVER'] = 'offscreen'
    if opts.get('kvm_direct'):
        pass
    elif ctx.platform != 'sim':
        argv = [sys.executable, QEMU_RUN]
        for flag in ('kvm', 'tcg'):
            if opts.get(flag):
                argv.append('--' + flag)
        for m in opts.get('machine', []):
            argv += ['-M', m]
        if opts.get('cpu') and ctx.platform != 'arm64':
            raise Usage('--cpu is for --platform arm64')
        for c in opts.get('cpu', []):
            argv += ['--cpu', c]
    elif opts.get('kvm') or opts.get('tcg') or opts.get('machine') or \
            opts.get('cpu'):
        raise Usage('--kvm, --tcg, -M and --cpu are for the metal '
                    'platforms')
    for m in opts.get('memory', []):
        argv += ['-m', m]
    for n in opts.get('smp', []):
        argv += ['-smp', n]
    for k in opts.get('karg', []):
        argv += ['-k', k]
    argv += env_kargs(opts.get('env', []))
    if opts.get('quiet'):
        argv.append('-q')
    if opts.get('initrd'):
        argv += ['--initrd', os.path.abspath(opts['initrd'][-1])]
    if display:
        argv += ['--display', display]
    for n in opts.get('net', []):
        argv += ['--net', n]
    for p in opts.get('publish', []):
        argv += ['-p', p]
    if ctx.platform != 'sim':
        argv.append(path or ctx.image(resolve_app(app)[0]))
    elif path and is_cc_program(path):
        os.environ['AMPHI_OPTIONS'] = ' '.join(argv[1:])
        return [path] + app_args
    return argv + ['--'] + app_args


def build_app(ctx, app):
    """Builds app's image, unless app is an image file already."""
    if not image_file(app):
        build(ctx, [app], everything=False)


MKCPIO = os.path.join(TOP, 'tools', 'mkcpio.py')


def elf_initrd(ctx, path, initrd):
    """An initrd holding the host's executable path as /bin/NAME, then
    the archive initrd (if any), for the elf app. Returns its path."""
    if not os.path.isfile(path):
        raise Usage('--elf %s: no such file' % path)
    name = os.path.basename(path)
    work = os.path.join(ctx.build_dir, 'elf-run')
    stage = os.path.join(work, 'root')
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(stage, 'bin'))
    shutil.copy2(path, os.path.join(stage, 'bin', name))
    out = os.path.join(work, 'initrd.cpio')
    check([sys.executable, MKCPIO, stage, out])
    if initrd:
        # The kernel unpacks archives one after the other.
        with open(out, 'ab') as o, open(initrd, 'rb') as i:
            shutil.copyfileobj(i, o)
    return out, '/bin/' + name


def elf_opts(ctx, opts, app, app_args):
    """--elf PATH: the elf app runs PATH (put in an initrd) with the
    app arguments."""
    if not opts.get('elf'):
        return app, app_args
    if app != 'hello':
        raise Usage('--elf runs a Linux executable: give no APP '
                    '(its arguments go after --)')
    initrd, guest = elf_initrd(ctx, opts['elf'][-1],
                               opts.get('initrd', [None])[-1])
    opts['initrd'] = [initrd]
    return 'elf', [guest] + app_args


def cmd_run(ctx, args):
    opts, app, app_args = split_app_args(
        args, dict(KERNEL_VALUE_OPTS, **{'--elf': 'elf'}), KERNEL_FLAG_OPTS)
    app, app_args = elf_opts(ctx, opts, app, app_args)
    ctx = image_ctx(ctx, app)
    build_app(ctx, app)
    argv = image_argv(ctx, opts, app, app_args)
    sys.stdout.flush()
    os.execv(argv[0], argv)


def cmd_gdb(ctx, args):
    opts, app, app_args = split_app_args(
        args, dict(KERNEL_VALUE_OPTS, **{'--ex': 'ex'}),
        dict(KERNEL_FLAG_OPTS, **{'--batch': 'batch'}))
    ctx = image_ctx(ctx, app)
    build_app(ctx, app)
    if ctx.platform != 'sim':
        metal_gdb(ctx, opts, app, app_args)
        return
    argv = ['gdb', '-q']
    if opts.get('batch'):
        argv.append('--batch')
    for c in GDB_SETUP + GDB_COMMON + opts.get('ex', []):
        argv += ['-ex', c]
    argv += ['--args'] + image_argv(ctx, opts, app, app_args)
    os.execvp('gdb', argv)


def wait_for_stub(proc, ready, timeout=300):
    """Waits until amphi-kvm's stub takes gdb (it wrote ready), or its
    launcher ended."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(ready):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def metal_gdb(ctx, opts, app, app_args):
    """QEMU (or amphi-kvm) waits on its gdb stub; gdb attaches with the
    image's symbols. Under QEMU's KVM only hardware breakpoints work
    (hbreak); amphi-kvm's stub has both."""
    import tempfile
    port = free_port()
    qemu = image_argv(ctx, opts, app, app_args)
    qemu[2:2] = ['--gdb', str(port)]
    kvm_direct = opts.get('kvm_direct')
    tmp = tempfile.mkdtemp(prefix='amphi-gdb-')
    ready = os.path.join(tmp, 'ready')
    if kvm_direct:
        qemu[2:2] = ['--gdb-ready', ready]
        # gdb takes ^C (it sends the stub an interrupt): not the monitor.
        proc = subprocess.Popen(qemu, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        if not wait_for_stub(proc, ready):
            shutil.rmtree(tmp, ignore_errors=True)
            proc.wait()
            say('amphi-kvm did not get to wait for gdb')
            sys.exit(proc.returncode or 1)
    else:
        proc = subprocess.Popen(qemu)
    shutil.rmtree(tmp, ignore_errors=True)
    gdb = 'gdb'
    if ctx.platform == 'arm64':
        gdb = 'gdb-multiarch'
        if not shutil.which(gdb):
            proc.terminate()
            raise Usage("gdb-multiarch is missing: run './amphi setup'")
    argv = [gdb, '-q']
    if opts.get('batch'):
        argv.append('--batch')
    for c in GDB_COMMON:
        argv += ['-ex', c]
    argv += ['-ex', 'set pagination off',
             '-ex', 'target remote 127.0.0.1:%d' % port]
    for c in opts.get('ex', []):
        argv += ['-ex', c]
    if ctx.platform == 'arm64':
        argv[2:2] = ['-ex', 'set architecture aarch64']
    argv.append(image_file(app) or ctx.image(resolve_app(app)[0]))
    if kvm_direct:
        say('gdb on amphi-kvm\'s stub, port %d' % port)
    else:
        say('gdb on QEMU port %d; use hbreak (hardware breakpoints) under '
            'KVM' % port)
    rc = run(argv)
    if kvm_direct and proc.poll() is None:
        # The guest may have just exited: the launcher ends by itself.
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    if proc.poll() is None:
        proc.terminate()
    proc.wait()
    sys.exit(rc)


def cmd_valgrind(ctx, args):
    opts, app, app_args = split_app_args(
        args, dict(KERNEL_VALUE_OPTS, **{'--vg': 'vg'}), KERNEL_FLAG_OPTS)
    ctx = image_ctx(ctx, app)
    build_app(ctx, app)
    supp = os.path.join(TOP, 'tools', 'valgrind.supp')
    vg = opts.get('vg', [])
    tools = [f.split('=', 1)[1] for f in vg if f.startswith('--tool=')]
    argv = ['valgrind', VALGRIND_EXACT]
    if not tools or tools[-1] == 'memcheck':
        argv += MEMCHECK_FLAGS + ['--suppressions=' + supp]
    else:
        argv.append(VALGRIND_EXACT_OTHER)
    argv += vg + image_argv(ctx, opts, app, app_args)
    os.execvp('valgrind', argv)


# --- test, bench, clean -----------------------------------------------------

def test_log(ctx):
    return os.path.join(ctx.build_dir, 'meson-logs', 'testlog.json')


def test_counts(ctx):
    """(passed, failed, skipped) of the last meson test run in ctx."""
    log = test_log(ctx)
    passed = failed = skipped = 0
    with open(log) as f:
        for line in f:
            res = json.loads(line).get('result')
            if res in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif res == 'SKIP':
                skipped += 1
            else:
                failed += 1
    return passed, failed, skipped


def duration(secs):
    """'2 min 05 s' for a summary line."""
    secs = int(round(secs))
    return '%d min %02d s' % (secs // 60, secs % 60)


def ccache_counts():
    """(hits, misses) of the build cache so far, or None without ccache.
    A run's share is the difference of two looks: the counters are the
    cache's own, kept across runs."""
    if not shutil.which('ccache'):
        return None
    try:
        out = subprocess.run(['ccache', '--print-stats'], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    stats = dict(line.split('\t', 1) for line in out.splitlines()
                 if '\t' in line)
    hits = sum(int(stats.get(k, 0)) for k in ('direct_cache_hit',
                                              'preprocessed_cache_hit'))
    return hits, int(stats.get('cache_miss', 0))


def summary_line(counts, label=''):
    passed, failed, skipped = counts
    extra = ', %d skipped' % skipped if skipped else ''
    return 'tests%s: %d passed, %d failed%s' % (label, passed, failed, extra)


def build_for_tests(ctx, suites, names):
    """Builds only what the tests of suites (or named) need: the UBSan
    pass of the README's test command skips the images no suite of it
    boots (Redis, busybox, ...)."""
    configure(ctx, [])
    intro = ['meson', 'introspect', ctx.build_dir]
    tests = json.loads(subprocess.check_output(intro + ['--tests']))
    targets = json.loads(subprocess.check_output(intro + ['--targets']))
    files = {t['id']: t['filename'] for t in targets}
    wanted = set()
    for t in tests:
        in_suite = any(s.split(':')[-1] in suites for s in t['suite'])
        slow = any(s.split(':')[-1] in UBSAN_SKIP for s in t['suite'])
        if (in_suite and not slow) or t['name'] in names:
            wanted.update(t['depends'])
    built = set(f for fs in files.values() for f in fs)
    outs = [f for i in sorted(wanted) for f in files.get(i, [])]
    # arm64: the raw Image QEMU boots, a target of its own next to the ELF.
    outs += [f + '.img' for f in outs if f + '.img' in built]
    outs = [os.path.relpath(f, ctx.build_dir) for f in outs]
    if outs:
        quiet(['ninja', '-C', ctx.build_dir] + outs, 'build')


def run_tests(ctx, suites, names, only_needed=False):
    if only_needed:
        build_for_tests(ctx, suites, names)
    else:
        build(ctx)
    cmd = ['meson', 'test', '-C', ctx.build_dir, '--print-errorlogs',
           '--no-rebuild']
    for s in suites:
        cmd += ['--suite', s]
    if only_needed:
        for s in UBSAN_SKIP:
            cmd += ['--no-suite', s]
    # A stale log would count an earlier run's tests as this one's.
    if os.path.exists(test_log(ctx)):
        os.remove(test_log(ctx))
    rc = run(cmd + names)
    if not os.path.exists(test_log(ctx)):
        say('meson test ran no test (exit status %d): see above' % rc)
        return 0, 1, 0
    counts = test_counts(ctx)
    if rc and not counts[1]:
        counts = (counts[0], 1, counts[2])   # meson itself failed
    return counts


# The README's test command ends with these suites (sim) and tests (QEMU)
# in the UBSan build: the ones that run most kernel code per second. Each
# world builds only the images they boot. ./amphi --ubsan test runs all.
UBSAN_PASS = [
    ('sim', ['unit', 'kernel', 'posix', 'apps', 'elf'], []),
    # hello also lets qemu-run.py probe KVM. A classic static binary
    # (linked at 0x400000) shows that the UBSan kernel still leaves it
    # room: the recoverable checks once made the image too big.
    ('x86_64', [], ['ktest-qemu', 'ktest-qemu-smp4', 'hello-qemu',
                    'elf-tls-glibc-static-qemu']),
    ('arm64', [], ['ktest-qemu', 'hello-qemu']),
]
# Tests that also carry the suite 'slow' are left out of that pass: most
# of their time is a build by configure and make (amphi-cc-bc) or a sleep
# (tcp-timewait), and the plain run of the same world already covers the
# kernel code they reach.
UBSAN_SKIP = ['slow']


# --- fuzz -------------------------------------------------------------------

FUZZ_LIBFUZZER = os.path.join(TOP, 'test', 'fuzz', 'libfuzzer.py')
FUZZ_CORPUS = os.path.join(TOP, 'test', 'fuzz', 'syscalls', 'corpus')


def fuzz_ctx():
    """The -Dfuzz=true sim build (build/sim-fuzz), configured and with
    its fuzzer image built (only that: the kernel is instrumented)."""
    ctx = Ctx('sim', os.path.join(TOP, 'build', 'sim-fuzz'))
    if not shutil.which('clang'):
        raise Usage("clang and libFuzzer are missing: run './amphi "
                    "setup' first")
    if not os.path.exists(os.path.join(ctx.build_dir, 'build.ninja')):
        say('configuring %s' % os.path.relpath(ctx.build_dir))
        quiet(['meson', 'setup', ctx.build_dir, TOP, '-Dplatform=sim',
               '-Dfuzz=true'], 'configure')
    quiet(['ninja', '-C', ctx.build_dir, 'tools/fuzz-syscalls'], 'build')
    return ctx


def fuzz_smoke_tests():
    """./amphi test: the fuzzer's 60 s run (suite apps, sim)."""
    ctx = fuzz_ctx()
    rc = run(['meson', 'test', '-C', ctx.build_dir, '--print-errorlogs',
              '--no-rebuild', 'fuzz-syscalls-libfuzzer'])
    counts = test_counts(ctx)
    return (counts[0], max(counts[1], 1 if rc else 0), counts[2])


def cmd_fuzz(ctx, args):
    opts, extra, rest = split_app_args(
        args, {'--minutes': 'minutes', '--corpus': 'corpus',
               '--findings': 'findings', '--replay': 'replay'}, {})
    # split_app_args names the app 'hello' when none is given: fuzz
    # takes none.
    if extra != 'hello' or 'hello' in args[:args.index('--')
                                          if '--' in args else None]:
        raise Usage('unexpected argument %s (libFuzzer\'s flags go after '
                    '--)' % extra)
    opts = dict(('--' + k, v[-1]) for k, v in opts.items())
    if '--replay' in opts:
        with open(opts['--replay'], 'rb') as f:
            data = f.read()
        cmd_run(Ctx('sim', None, False), ['-m', '256M',
                                          os.path.join(TOP, 'test', 'fuzz',
                                                       'syscalls'),
                                          '--', '-v', '-x', data.hex()])
    try:
        minutes = float(opts.get('--minutes', 10))
    except ValueError:
        raise Usage('--minutes needs a number')
    fctx = fuzz_ctx()
    work = os.path.join(fctx.build_dir, 'fuzz')
    corpus = os.path.abspath(opts.get('--corpus',
                                      os.path.join(work, 'corpus')))
    findings = os.path.abspath(opts.get('--findings',
                                        os.path.join(work, 'findings')))
    cmd = [sys.executable, FUZZ_LIBFUZZER, '--verbose',
           '--seconds', str(int(minutes * 60)), '--work', corpus,
           '--findings', findings, fctx.image('fuzz-syscalls'),
           FUZZ_CORPUS, '--'] + rest
    if minutes > 5:
        cmd = ['nice', '-n', '10'] + cmd
    say('fuzzing for %s; new inputs in %s, finds in %s' % (
        '%g minutes' % minutes if minutes else 'ever',
        os.path.relpath(corpus), os.path.relpath(findings)))
    sys.exit(1 if run(cmd) else 0)


def cmd_test(ctx, args):
    suites, names, listing = [], [], False
    i = 0
    while i < len(args):
        if args[i] == '--suite' and i + 1 < len(args):
            suites.append(args[i + 1])
            i += 2
            continue
        if args[i] == '--kvm-direct':
            # The amphi-kvm suite: x86_64 images on our own monitor.
            if ctx.platform == 'sim' and not ctx.explicit:
                ctx = Ctx('x86_64', None)
            elif ctx.platform != 'x86_64':
                raise Usage('--kvm-direct is for --platform x86_64')
            suites.append('kvm')
        elif args[i] == '--list':
            listing = True
        elif args[i].startswith('-'):
            raise Usage('unknown option %s' % args[i])
        else:
            names.append(args[i])
        i += 1
    if listing:
        build(ctx)
        sys.exit(run(['meson', 'test', '-C', ctx.build_dir, '--list']))
    # Without a platform, suite or test named: the in-kernel tests run in
    # both worlds, sim first, then bare metal x86_64 under QEMU.
    # Without --ubsan, a trimmed pass in the UBSan build follows (see
    # UBSAN_PASS); --ubsan runs every suite there instead.
    runs = [(ctx, suites, names, False)]
    if not ctx.explicit and not suites and not names:
        runs.append((Ctx('x86_64', None, ubsan=ctx.ubsan), [], [], False))
        runs.append((Ctx('arm64', None, ubsan=ctx.ubsan), [], [], False))
        if not ctx.ubsan:
            runs += [(Ctx(p, None, ubsan=True), s, n, True)
                     for p, s, n in UBSAN_PASS]
    results = []
    cache_before = ccache_counts()
    for c, s, n, trimmed in runs:
        label = c.platform + (' ubsan' if c.ubsan else '')
        if len(runs) > 1:
            say('tests on %s' % label)
        start = time.monotonic()
        results.append((label, run_tests(c, s, n, trimmed),
                        time.monotonic() - start))
        # The fuzzer's 60 s run goes with sim's apps suite.
        if c.platform == 'sim' and not c.ubsan and not n and \
                (not s or 'apps' in s):
            start = time.monotonic()
            results.append(('sim-fuzz', fuzz_smoke_tests(),
                            time.monotonic() - start))
    total = [sum(r[k] for _, r, _ in results) for k in range(3)]
    # With several worlds, each line also says what its build and tests
    # took: the README's test command has a time budget to keep.
    if len(results) > 1:
        for plat, r, secs in results:
            print('%s, %s' % (summary_line(r, ' (%s)' % plat),
                              duration(secs)))
        cache_after = ccache_counts()
        if cache_before and cache_after:
            hits = cache_after[0] - cache_before[0]
            misses = cache_after[1] - cache_before[1]
            print('build cache (ccache): %d compiles, %d from the cache'
                  % (hits + misses, hits))
    print(summary_line(total))
    sys.exit(1 if total[1] else 0)


def cmd_bench(ctx, args):
    if args:
        raise Usage('bench takes no arguments')
    build(ctx)
    sys.exit(run(['meson', 'test', '-C', ctx.build_dir, '--benchmark',
                  '--verbose', '--no-rebuild']))


def cmd_clean(ctx, args):
    if args:
        raise Usage('clean takes no arguments')
    shutil.rmtree(ctx.build_dir, ignore_errors=True)


def cmd_help(ctx, args):
    print(HELP.get(args[0] if args else 'main', HELP['main']), end='')


COMMANDS = {
    'setup': cmd_setup, 'build': cmd_build, 'run': cmd_run,
    'gdb': cmd_gdb, 'valgrind': cmd_valgrind, 'test': cmd_test,
    'fuzz': cmd_fuzz,
    'bench': cmd_bench, 'clean': cmd_clean, 'help': cmd_help,
}


def use_ccache():
    """The worlds compile musl, the ports and the ports' Linux builds
    with the same command lines, and meson calls ccache (for the native
    compiler) when it finds it: let one world's objects serve the others.
    Paths below TOP are hashed relative to the build folder, which is
    build/NAME in every world, so the debug info of a shared object still
    names the right sources. One cache per checkout (in build/, like the
    build folders) keeps that true across checkouts. The user's own
    CCACHE_* settings win."""
    os.environ.setdefault('CCACHE_DIR', os.path.join(TOP, 'build',
                                                     'ccache'))
    os.environ.setdefault('CCACHE_BASEDIR', TOP)
    os.environ.setdefault('CCACHE_NOHASHDIR', 'true')


def main(argv):
    use_ccache()
    platform, build_dir, rest = 'sim', None, []
    platform_given = ubsan = False
    i = 0
    # Global options may come anywhere before a "--".
    while i < len(argv):
        a = argv[i]
        if a == '--':
            rest += argv[i:]
            break
        key, eq, val = a.partition('=')
        if key in ('--platform', '--build-dir'):
            if not eq:
                i += 1
                if i >= len(argv):
                    raise Usage('%s needs a value' % a)
                val = argv[i]
            if key == '--platform':
                platform = val
                platform_given = True
            else:
                build_dir = os.path.abspath(val)
        elif a == '--ubsan':
            ubsan = True
        else:
            rest.append(a)
        i += 1
    if not rest or rest[0] in ('-h', '--help'):
        cmd_help(None, [])
        return
    cmd, args = rest[0], rest[1:]
    if cmd not in COMMANDS:
        raise Usage("unknown command '%s'" % cmd)
    if platform not in PLATFORMS:
        raise Usage("unknown platform '%s' (%s)" %
                    (platform, ', '.join(PLATFORMS)))
    if ('-h' in args or '--help' in args) and \
            '--' not in args[:max(args.index(a) for a in args
                                   if a in ('-h', '--help'))]:
        cmd_help(None, [cmd])
        return
    explicit = platform_given or build_dir is not None
    COMMANDS[cmd](Ctx(platform, build_dir, explicit, ubsan), args)


if __name__ == '__main__':
    try:
        main(sys.argv[1:])
    except Usage as e:
        say(str(e))
        say("try './amphi help'")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
