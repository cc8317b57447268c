#!/usr/bin/env python3
"""Print the app folders under a directory (those holding a .c file or
a build description, app.ini: tools/list-sources.py)."""
import os
import sys

top = sys.argv[1]
for name in sorted(os.listdir(top)):
    path = os.path.join(top, name)
    if os.path.isdir(path) and not name.startswith('.') and \
            any(f.endswith('.c') or f == 'app.ini'
                for f in os.listdir(path)):
        print(name)
