#!/usr/bin/env python3
"""Print the C sources of an app folder, one per line, sorted.

  list-sources.py FOLDER [BASE]

An app is a folder of .c files (sub-folders included, except hidden ones
and build folders). Files under BASE are printed relative to it (so the
build and the debug info name in-tree files by relative paths). Exits
non-zero with a message if there are none.
"""
import os
import sys


def c_sources(top):
    """The .c files under top, sorted (also used by amphi.py)."""
    found = []
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs
                         if not d.startswith('.') and not
                         d.startswith('build'))
        found += [os.path.join(root, f) for f in files if f.endswith('.c')]
    return sorted(found)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit('usage: list-sources.py FOLDER [BASE]')
    top = os.path.abspath(sys.argv[1])
    base = os.path.abspath(sys.argv[2]) if len(sys.argv) == 3 else None
    if not os.path.isdir(top):
        sys.exit('list-sources: %s is not a folder' % top)
    found = c_sources(top)
    if not found:
        sys.exit('list-sources: no .c files in %s' % top)
    if base:
        root = os.path.dirname(base) + os.sep
        found = [os.path.relpath(f, base) if f.startswith(root) else f
                 for f in found]
    print('\n'.join(sorted(found)))


if __name__ == '__main__':
    main()
