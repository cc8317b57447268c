#!/usr/bin/env python3
"""Link guest objects (kernel, C library, app) into one object.

  guest-link.py --cc CC --objcopy OBJCOPY --nm NM --readelf READELF \
      --lds SCRIPT [--app ARCHIVE]... [--app-lib ARCHIVE]... [--libc ARCHIVE]... \
      [--kernel-libc LIST] [--exports LIST --imports-from HOSTLIB ...] \
      [--host-fast LIST] [--kernel-only] -o OUT KERNEL-ARCHIVE...
  guest-link.py ... --kernel-object KERNEL.o -o OUT
  guest-link.py --prefix PFX ... -o OUT ARCHIVE...
  guest-link.py hostcalls --nm NM --host-fast LIST -o OUT.S HOSTLIB

Three parties share the image, as a program and its C library share a
Linux process, with one namespace for the app:

  * the kernel (every KERNEL-ARCHIVE, whole) is linked first, on its own;
    its text is renamed .text.kernel* (the app/kernel boundary for
    interrupts), and every symbol it defines but its API (uk_*, ukplat_*,
    ukarch_*, posix_socket_*, the UBSan handlers and the --exports) is
    made local, so an app may define any other name (timespec_to_ns,
    strlcpy...);
  * the C library (--libc: musl and its glue, searched as archives, so an
    app's own malloc or strlcpy replaces musl's as in any static link);
    the kernel may only call the C library functions --kernel-libc lists:
    pure ones that make no system call (memcpy, snprintf, strtol...), so
    that kernel and app share one printf and one memcpy;
  * the app (each --app archive, whole: its own code and the code of a
    package it is built from): its objects, plus the kernel API it uses;
    each --app-lib archive is searched after them, in order, as a
    program's static libraries are (tools/amphi-cc).

The kernel's part is the same for every image of a build: --kernel-only
links it (and checks its C library calls) into OUT once, and
--kernel-object OUT gives it to each image's link in place of the
KERNEL-ARCHIVEs.

Then the rules of the guest/host split are checked:

  * every symbol the guest leaves undefined must be provided by the
    backend (--imports-from); anything else would silently bind to the
    host's C library in sim;
  * with --exports, every symbol but the listed HAL-facing entry points is
    made local, so guest memcpy/malloc/printf never meet glibc's;
  * with --host-fast (sim), the guest owns %fs: a call of a backend
    function not in LIST (the fs-free ones) goes to __sim_hostcall_NAME,
    a trampoline that loads glibc's %fs for the call ("hostcalls" writes
    those trampolines for a backend library).

Guest code may use thread-local storage: the app's __thread variables
live in each thread's musl TLS block, in sim as on metal.

With --prefix (host unit tests), the archives are linked whole and every
symbol they define is renamed PFX+name, so a test can call the guest's
code next to glibc; what they leave undefined (memcpy, snprintf) binds to
glibc.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

# Names the final link itself provides.
LINKER_PROVIDED = {'_GLOBAL_OFFSET_TABLE_', '__ehdr_start', '_DYNAMIC'}


def run(cmd):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        sys.exit('guest-link: command failed: ' + ' '.join(cmd))
    return res.stdout


def archive_index(path):
    """The names in the symbol index of archive PATH (the global symbols
    its members define, as `nm -g --defined-only` lists them), or None
    if PATH is not an archive with an index. Reading the index instead
    of running nm over musl's 1,500 members saves every image's link
    about a CPU-second."""
    with open(path, 'rb') as f:
        if f.read(8) not in (b'!<arch>\n', b'!<thin>\n'):
            return None
        header = f.read(60)
        if len(header) < 60:
            return None
        width = {b'/': 4, b'/SYM64/': 8}.get(header[:16].rstrip())
        if not width:
            return None
        index = f.read(int(header[48:58]))
    count = int.from_bytes(index[:width], 'big')
    names = index[width * (count + 1):].split(b'\0')[:count]
    return set(n.decode() for n in names)


def symbols(nm, path, *flags):
    """Set of symbol names nm lists for PATH with FLAGS."""
    if sorted(flags) == ['--defined-only', '-g']:
        names = archive_index(path)
        if names is not None:
            return names
    out = run([nm, '--format=posix', *flags, path])
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 2 and not fields[0].endswith(':'):
            names.add(fields[0])
    return names


def check_imports(nm, path, hostlibs):
    undef = symbols(nm, path, '-u')
    provided = set(LINKER_PROVIDED)
    for lib in hostlibs:
        provided |= symbols(nm, lib, '-g', '--defined-only')
    missing = sorted(undef - provided)
    if not missing:
        return
    msg = ['guest-link: guest code uses symbols that no guest library '
           'defines and the backend does not provide:']
    for name in missing:
        hint = ''
        if name == 'main':
            hint = '  (the app has no main function)'
        msg.append('  ' + name + hint)
    msg.append('In sim these would bind to the host C library; implement '
               'them in core/ or declare them in the HAL.')
    sys.exit('\n'.join(msg))


HOSTCALL_PREFIX = '__sim_hostcall_'


def hal_functions(nm, lib):
    """The HAL functions (ukplat_*, ukarch_*) LIB defines."""
    return sorted(n for n in symbols(nm, lib, '-g', '--defined-only')
                  if n.startswith(('ukplat_', 'ukarch_')))


TRAMPOLINE = """
	.globl {tramp}
	.type {tramp}, @function
	.p2align 4
{tramp}:
	.cfi_startproc
	pushq %rbp
	.cfi_def_cfa_offset 16
	.cfi_offset rbp, -16
	movq %rsp, %rbp
	.cfi_def_cfa_register rbp
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %r8
	pushq %r9
	subq $16, %rsp
	call sim_host_enter
	movq %rax, -56(%rbp)
	movq -8(%rbp), %rdi
	movq -16(%rbp), %rsi
	movq -24(%rbp), %rdx
	movq -32(%rbp), %rcx
	movq -40(%rbp), %r8
	movq -48(%rbp), %r9
	call {name}
	movq %rax, -8(%rbp)
	movq %rdx, -16(%rbp)
	movq -56(%rbp), %rdi
	call sim_host_leave
	movq -8(%rbp), %rax
	movq -16(%rbp), %rdx
	leave
	.cfi_def_cfa rsp, 8
	ret
	.cfi_endproc
	.size {tramp}, . - {tramp}
"""


def write_hostcalls(nm, fast_list, lib, out):
    """Trampolines for every HAL function of lib not in fast_list: they
    take at most six integer arguments in registers (the HAL has no
    other kind), which are kept around the switch of %fs."""
    fast = set(read_list(fast_list))
    text = ['/* Generated by tools/guest-link.py hostcalls: each trampoline '
            'loads glibc\'s %fs\n * around a call of the backend function '
            'it names (hal-sim/cpu.h). */', '\t.text',
            '\t.globl __sim_hostcalls_start',
            '__sim_hostcalls_start:']
    for name in hal_functions(nm, lib):
        if name not in fast:
            text.append(TRAMPOLINE.format(name=name,
                                          tramp=HOSTCALL_PREFIX + name))
    text.append('\t.globl __sim_hostcalls_end\n__sim_hostcalls_end:')
    text.append('\t.section .note.GNU-stack, "", @progbits\n')
    with open(out, 'w') as f:
        f.write('\n'.join(text))


def route_hostcalls(objcopy, nm, path, fast_list, hostlibs):
    """Sends the guest's calls of backend functions that are not fs-free
    to their trampolines."""
    fast = set(read_list(fast_list))
    provided = set()
    for lib in hostlibs:
        provided |= set(hal_functions(nm, lib))
    undef = symbols(nm, path, '-u')
    renames = sorted(n for n in undef & provided if n not in fast)
    if not renames:
        return
    with tempfile.NamedTemporaryFile('w', suffix='.map', delete=False) as f:
        for n in renames:
            f.write('%s %s%s\n' % (n, HOSTCALL_PREFIX, n))
        mapfile = f.name
    try:
        run([objcopy, '--redefine-syms=' + mapfile, path])
    finally:
        os.unlink(mapfile)


# The kernel's API: what apps and the C library glue may reference.
# The app's UBSan checks (-Dubsan=true) report through the kernel's
# handlers (core/print/ubsan.c), as the kernel's do.
KERNEL_API = ('uk_', 'ukplat_', 'ukarch_', '_uk_', '__uk_', 'posix_socket_',
              '__ubsan_handle_')
# Symbols the link script defines (tools/guest.lds).
LDS_PROVIDED = {'__init_array_start', '__init_array_end',
                '__fini_array_start', '__fini_array_end'}


def section_names(readelf, path):
    out = run([readelf, '-SW', path])
    names = []
    for line in out.splitlines():
        if '] ' not in line or line.strip().startswith('[Nr]'):
            continue
        fields = line.split(']', 1)[1].split()
        if fields:
            names.append(fields[0])
    return names


def section_sizes(readelf, path):
    """{name: size} of the sections of object PATH."""
    sizes = {}
    for line in run([readelf, '-SW', path]).splitlines():
        if '] ' not in line or line.strip().startswith('[Nr]'):
            continue
        fields = line.split(']', 1)[1].split()
        if len(fields) >= 5:
            sizes[fields[0]] = int(fields[4], 16)
    return sizes


def sort_data_by_size(args, tmp, kern):
    """Links KERN (built with -fdata-sections) again with its .data and
    .bss variables ordered from largest to smallest, and returns the new
    object's path. A boot touches a few bytes of many small variables
    and little of the large arrays: packed together at the end, where the
    C library's follow, the small ones share a few pages instead of each
    being alone on a page between arrays (in sim each page first touched
    is a host page fault)."""
    sizes = section_sizes(args.readelf, kern)
    script = ['SECTIONS', '{']
    for kind in ('.data', '.bss'):
        names = [n for n in sizes
                 if n == kind or n.startswith(kind + '.')]
        names.sort(key=lambda n: (-sizes[n], n))
        script.append('\t%s : {' % kind)
        script += ['\t\t*(%s)' % n for n in names]
        script.append('\t}')
    script.append('}')
    lds = os.path.join(tmp, 'kernel-data.lds')
    with open(lds, 'w') as f:
        f.write('\n'.join(script) + '\n')
    out = os.path.join(tmp, 'kernel-s.o')
    run([*args.cc.split(), '-nostdlib', '-r', '-Wl,-T,' + lds, '-o', out,
         kern])
    return out


def link_kernel(args, tmp):
    """The kernel alone: its text renamed, its internals made local, its
    variables ordered by size. Returns the object's path."""
    kern = os.path.join(tmp, 'kernel-r.o')
    run([*args.cc.split(), '-nostdlib', '-r', '-o', kern,
         '-Wl,--whole-archive', *args.archives, '-Wl,--no-whole-archive'])
    kern = sort_data_by_size(args, tmp, kern)
    renames = []
    for sec in section_names(args.readelf, kern):
        if (sec == '.text' or sec.startswith('.text.')) and \
                not sec.startswith(('.text.boot', '.text.kernel')):
            renames += ['--rename-section',
                        '%s=.text.kernel%s' % (sec, sec[5:])]
    exports = set(read_list(args.exports)) if args.exports else set()
    defined = symbols(args.nm, kern, '-g', '--defined-only')
    keep = sorted(n for n in defined
                  if n.startswith(KERNEL_API) or n in exports)
    keep_list = os.path.join(tmp, 'kernel-keep.list')
    with open(keep_list, 'w') as f:
        f.write('\n'.join(keep) + '\n')
    run([args.objcopy, *renames, '--keep-global-symbols=' + keep_list,
         kern])
    return kern


def check_kernel_libc(args, kern):
    """The kernel may call only the listed C library functions."""
    allowed = set(read_list(args.kernel_libc))
    libc = set()
    for lib in args.libc:
        libc |= symbols(args.nm, lib, '-g', '--defined-only')
    undef = symbols(args.nm, kern, '-u')
    bad = sorted(n for n in undef & libc if n not in allowed)
    if bad:
        sys.exit('guest-link: kernel code calls C library functions that '
                 'are not on its list (%s): %s\nThe kernel may only call '
                 'functions that make no system call; add one to the list '
                 'once you have checked that it makes none.' %
                 (args.kernel_libc, ', '.join(bad)))


def read_list(path):
    with open(path) as f:
        return [l.split('#', 1)[0].strip() for l in f
                if l.split('#', 1)[0].strip()]


def prefix_link(args, merged):
    """Host unit tests: every symbol the archives define, and the kernel
    API they use (the HAL, which the test stubs), gets the prefix; the
    C library functions they call are left to glibc."""
    run([*args.cc.split(), '-nostdlib', '-r', '-Wl,-T,' + args.lds,
         '-o', merged, '-Wl,--whole-archive', *args.archives,
         '-Wl,--no-whole-archive', '-lgcc'])
    defined = symbols(args.nm, merged, '--defined-only') | \
        set(n for n in symbols(args.nm, merged, '-u')
            if n.startswith(KERNEL_API))
    mapfile = merged + '.map'
    with open(mapfile, 'w') as f:
        for n in sorted(defined):
            f.write('%s %s%s\n' % (n, args.prefix, n))
    run([args.objcopy, '--redefine-syms=' + mapfile, merged, args.out])


def hostcalls_main(argv):
    ap = argparse.ArgumentParser(prog='guest-link.py hostcalls')
    ap.add_argument('--nm', required=True)
    ap.add_argument('--host-fast', required=True)
    ap.add_argument('-o', dest='out', required=True)
    ap.add_argument('lib')
    args = ap.parse_args(argv)
    write_hostcalls(args.nm, args.host_fast, args.lib, args.out)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == 'hostcalls':
        hostcalls_main(sys.argv[2:])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument('--cc', required=True)
    ap.add_argument('--objcopy', required=True)
    ap.add_argument('--nm', required=True)
    ap.add_argument('--readelf', required=True)
    ap.add_argument('--lds', required=True)
    ap.add_argument('--exports')
    ap.add_argument('--imports-from', action='append', default=[])
    ap.add_argument('--host-fast')
    ap.add_argument('--prefix')
    ap.add_argument('--app', action='append', default=[])
    ap.add_argument('--app-lib', action='append', default=[])
    ap.add_argument('--libc', action='append', default=[])
    ap.add_argument('--kernel-libc')
    ap.add_argument('--kernel-only', action='store_true')
    ap.add_argument('--kernel-object')
    ap.add_argument('-o', dest='out', required=True)
    ap.add_argument('archives', nargs='*')
    args = ap.parse_args()
    if not args.archives and not args.kernel_object:
        ap.error('no kernel archives and no --kernel-object')

    with tempfile.TemporaryDirectory() as tmp:
        merged = os.path.join(tmp, 'guest-r.o')
        if args.prefix:
            prefix_link(args, merged)
            return
        if args.kernel_object:
            kern = args.kernel_object
        else:
            kern = link_kernel(args, tmp)
            if args.kernel_libc:
                check_kernel_libc(args, kern)
        if args.kernel_only:
            shutil.copyfile(kern, args.out)
            return
        app = ['-Wl,--whole-archive', *args.app,
               '-Wl,--no-whole-archive'] if args.app else []
        # The app's static libraries (amphi-cc): searched, in order.
        app += args.app_lib
        run([*args.cc.split(), '-nostdlib', '-r', '-Wl,-T,' + args.lds,
             '-o', merged, *app, kern, '-Wl,--start-group', *args.libc,
             '-Wl,--end-group', '-lgcc'])
        if args.imports_from:
            check_imports(args.nm, merged, args.imports_from)
        if args.host_fast:
            route_hostcalls(args.objcopy, args.nm, merged, args.host_fast,
                            args.imports_from)
        exports = read_list(args.exports) if args.exports else []
        defined = symbols(args.nm, merged, '-g', '--defined-only')
        absent = [e for e in exports if e not in defined]
        if absent:
            sys.exit('guest-link: HAL entry points not defined by the '
                     'guest: ' + ', '.join(absent))
        keep = os.path.join(tmp, 'keep.list')
        with open(keep, 'w') as f:
            f.write('\n'.join(exports) + '\n')
        run([args.objcopy, '--keep-global-symbols=' + keep, merged,
             args.out])
        leaked = symbols(args.nm, args.out, '-g', '--defined-only') - \
            set(exports)
        if leaked:
            sys.exit('guest-link: guest exports symbols outside the allowed '
                     'list: ' + ', '.join(sorted(leaked)))


if __name__ == '__main__':
    main()
