#!/usr/bin/env python3
"""Print what an app folder builds from: its C sources and flags.

  list-sources.py FOLDER [BASE]      the app's own .c files, one a line
  list-sources.py --meson FOLDER [BASE]
                                     everything meson needs, one
                                     "KIND VALUE" a line (see below)
  list-sources.py --generate FOLDER WORK OUT...
                                     runs the build description's
                                     'generate' command in WORK and copies
                                     the files it names to OUT...

An app is a folder of .c files (sub-folders included, except hidden ones
and build folders), or a folder with a build description, app.ini, for
code that is not ours and is built as it is (Debian's Lua, SQLite):

  [build]
  package = lua5.4          Debian source package (tools/thirdparty.py);
                            relative paths below are inside its tree
  generate = make ...       optional: a command run once, in a scratch
                            folder of the build, that writes the files
                            'generated' names; {src} is the package tree
  generated = sqlite3.c     those files (also in sub-folders): .c ones
    sqlite3.h               are compiled, the folder is on the include
                            path, and every compile of the app waits for
                            the others
  sources = src/*.c         globs of the package's files to compile
  exclude = src/luac.c      globs left out (a second main, tests)
  include = src             folders for -I (the app folder always is)
  defines = LUA_USE_LINUX   -D names (NAME or NAME=VALUE)
  c_args = -w               other compiler flags

  [libonig]                 optional: a library the app links, from
  sources = src/regcomp.c   another Debian source package (the section's
    src/utf8.c              name); its sources, exclude, include, defines
  include = src             and c_args as above, inside its tree; its
  defines = USE_X           files are compiled with its own flags (and
                            -I the app folder), and its include folders
                            are the app's too (its headers)

Values are lists separated by blanks or new lines. Files under BASE are
printed relative to it (so the build and the debug info name in-tree
files by relative paths). Exits non-zero with a message if the folder
has nothing to build or its description is wrong.

--meson prints, in this order: "own PATH" for the app's own .c files,
"pkg PATH" for the package's, "gen NAME" for generated files, "cmd
COMMAND" for the generate command and "arg FLAG" for compiler flags (for
the app's and the package's code alike); then, for each library, "lib
NAME" and its "pkg PATH" and "arg FLAG" lines.
"""
import configparser
import glob
import os
import shlex
import shutil
import subprocess
import sys

MANIFEST = 'app.ini'
KEYS = ('package', 'generate', 'generated', 'sources', 'exclude', 'include',
        'defines', 'c_args')
# A library's section: its package is the section's name.
LIB_KEYS = ('sources', 'exclude', 'include', 'defines', 'c_args')


class BuildError(Exception):
    pass


def c_sources(top):
    """The .c files under top, sorted (also used by amphi.py)."""
    found = []
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs
                         if not d.startswith('.') and not
                         d.startswith('build'))
        found += [os.path.join(root, f) for f in files if f.endswith('.c')]
    return sorted(found)


def is_app(top):
    """True if top is an app folder: .c files or a build description."""
    return os.path.isfile(os.path.join(top, MANIFEST)) or \
        bool(c_sources(top))


def package_tree(pkg):
    """The cached, verified source tree of a Debian package."""
    tool = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'thirdparty.py')
    res = subprocess.run([sys.executable, tool, 'path', 'source', pkg],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    if res.returncode != 0:
        raise BuildError("the source of Debian's package %s is not fetched: "
                         "run 'tools/thirdparty.py source %s' (./amphi setup "
                         "does it for the apps of the tree)" % (pkg, pkg))
    return res.stdout.strip()


def read_section(path, name, section, keys):
    """A section of a build description as a dict of lists."""
    desc = {}
    for key, val in section.items():
        if key not in keys:
            raise BuildError("%s: [%s]: unknown key '%s' (%s)" %
                             (path, name, key, ', '.join(keys)))
        desc[key] = ' '.join(val.split('\n')) if key == 'generate' \
            else shlex.split(val)
    return desc


def read_manifest(top):
    """The build description of app folder top as a dict of lists, or
    None if it has none. Its 'libs' are (package, dict of lists) pairs,
    one per library section, in the file's order."""
    path = os.path.join(top, MANIFEST)
    if not os.path.isfile(path):
        return None
    cp = configparser.ConfigParser(interpolation=None,
                                   inline_comment_prefixes=('#', ';'))
    try:
        cp.read(path)
    except configparser.Error as e:
        raise BuildError('%s: %s' % (path, e))
    if cp.sections()[:1] != ['build']:
        raise BuildError('%s: needs a first section, [build]' % path)
    desc = read_section(path, 'build', cp['build'], KEYS)
    if len(desc.get('package', [])) > 1:
        raise BuildError('%s: one package in [build] (a library has a '
                         'section of its own)' % path)
    if bool(desc.get('generate')) != bool(desc.get('generated')):
        raise BuildError("%s: 'generate' and 'generated' go together" % path)
    desc['libs'] = []
    for name in cp.sections()[1:]:
        lib = read_section(path, name, cp[name], LIB_KEYS)
        if not lib.get('sources'):
            raise BuildError("%s: [%s] has no 'sources'" % (path, name))
        desc['libs'].append((name, lib))
    return desc


def package_files(root, desc):
    """The files a description's sources and exclude globs name in
    root, as a set of absolute paths."""
    found = set()
    for pattern in desc.get('sources', []):
        hits = glob.glob(os.path.join(root, pattern))
        if not hits:
            raise BuildError("%s: '%s' matches no file in %s" %
                             (MANIFEST, pattern, root))
        found.update(os.path.abspath(h) for h in hits)
    for pattern in desc.get('exclude', []):
        found -= set(os.path.abspath(h)
                     for h in glob.glob(os.path.join(root, pattern)))
    return found


def includes(root, desc):
    return ['-I' + os.path.join(root, d) for d in desc.get('include', [])]


def flags(desc):
    return ['-D' + d for d in desc.get('defines', [])] + \
        desc.get('c_args', [])


def describe(top):
    """(own .c files, package .c files, generated names, generate
    command, flags, libraries): each library is (package, its .c files,
    its flags)."""
    top = os.path.abspath(top)
    desc = read_manifest(top)
    own = c_sources(top)
    if desc is None:
        if not own:
            raise BuildError('no .c files in %s' % top)
        return own, [], [], '', [], []
    root = top
    if desc.get('package'):
        root = package_tree(desc['package'][0])
    pkg = package_files(root, desc) - set(own)
    gen = desc.get('generated', [])
    if not own and not pkg and not any(g.endswith('.c') for g in gen):
        raise BuildError('%s: no .c files to build' % top)
    args = includes(root, desc)
    libs = []
    for name, lib in desc['libs']:
        lib_root = package_tree(name)
        lib_inc = includes(lib_root, lib)
        # The library's headers are the app's too.
        args += lib_inc
        libs.append((name, sorted(package_files(lib_root, lib)),
                     lib_inc + flags(lib)))
    args += flags(desc)
    return own, sorted(pkg), gen, desc.get('generate', ''), args, libs


def generate(top, work, outs):
    """Runs the description's generate command in work; copies the
    generated files to outs (in the order of 'generated')."""
    desc = read_manifest(os.path.abspath(top))
    root = package_tree(desc['package'][0]) if desc.get('package') else top
    os.makedirs(work, exist_ok=True)
    cmd = desc['generate'].replace('{src}', shlex.quote(root))
    res = subprocess.run(cmd, shell=True, cwd=work, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout)
        raise BuildError('generate failed (%d): %s' % (res.returncode, cmd))
    if len(outs) != len(desc['generated']):
        raise BuildError('generate: %d outputs for %d generated files' %
                         (len(outs), len(desc['generated'])))
    for name, out in zip(desc['generated'], outs):
        src = os.path.join(work, name)
        if not os.path.isfile(src):
            raise BuildError("generate did not write '%s'" % name)
        shutil.copyfile(src, out)


def relative(paths, base):
    if not base:
        return paths
    root = os.path.dirname(base) + os.sep
    return [os.path.relpath(f, base) if f.startswith(root) else f
            for f in paths]


def main():
    argv = sys.argv[1:]
    try:
        if argv[:1] == ['--generate'] and len(argv) >= 4:
            generate(argv[1], argv[2], argv[3:])
            return
        mode = None
        if argv[:1] == ['--meson']:
            mode, argv = 'meson', argv[1:]
        if len(argv) not in (1, 2):
            sys.exit(__doc__.split('\n\n')[1])
        top = os.path.abspath(argv[0])
        base = os.path.abspath(argv[1]) if len(argv) == 2 else None
        if not os.path.isdir(top):
            raise BuildError('%s is not a folder' % top)
        own, pkg, gen, cmd, args, libs = describe(top)
    except BuildError as e:
        sys.exit('list-sources: %s' % e)
    if mode != 'meson':
        for lib in libs:
            pkg += lib[1]
        print('\n'.join(relative(own + pkg, base)))
        return
    lines = ['own ' + f for f in relative(own, base)]
    lines += ['pkg ' + f for f in pkg]
    lines += ['gen ' + g for g in gen]
    if cmd:
        lines += ['cmd ' + ' '.join(cmd.split())]
    lines += ['arg ' + a for a in args]
    for name, files, lib_args in libs:
        lines += ['lib ' + name]
        lines += ['pkg ' + f for f in files]
        lines += ['arg ' + a for a in lib_args]
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
