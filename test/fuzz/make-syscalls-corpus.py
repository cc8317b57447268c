#!/usr/bin/env python3
"""Writes the seed corpus of the coverage-guided system-call fuzzer
(test/fuzz/syscalls -F): one input per family of calls, each call two
bytes of x86_64 system-call number (little-endian) and 30 bytes of
choices (test/fuzz/syscalls/main.c), from a fixed seed. Regenerate with

  make-syscalls-corpus.py test/fuzz/syscalls/corpus
"""
import os
import random
import struct
import sys

# x86_64 numbers (the sim's). A family's calls share state (fds, maps).
FAMILIES = {
    'files': [2, 0, 1, 8, 17, 18, 3, 257, 4, 5, 6, 87, 82, 83, 84, 76, 77],
    'dirs': [83, 80, 81, 79, 217, 84, 258, 263, 264, 316, 89, 267],
    'links': [86, 88, 265, 266, 89, 267, 87, 263, 82],
    'iov': [19, 20, 295, 296, 327, 328, 17, 18],
    'mmap': [9, 10, 11, 25, 28, 26, 27, 149, 150, 216],
    'mremap': [9, 25, 25, 11, 9, 10, 25],
    'pipes': [22, 293, 0, 1, 275, 276, 278, 72, 32, 33, 292],
    'fcntl': [72, 72, 72, 73, 32, 33, 292, 16],
    'unix': [53, 49, 50, 42, 43, 288, 44, 45, 46, 47, 51, 52, 54, 55],
    'msg': [53, 46, 47, 307, 299, 46, 47],
    'inet': [41, 49, 50, 42, 43, 54, 55, 44, 45, 48],
    'poll': [7, 271, 23, 270, 213, 291, 233, 232, 281, 441],
    'events': [284, 290, 283, 286, 287, 0, 1],
    'signals': [13, 14, 131, 127, 128, 62, 200, 234, 129],
    'time': [228, 229, 96, 35, 230, 222, 223, 224, 225, 226],
    'proc': [39, 186, 110, 102, 104, 107, 108, 95, 63, 97, 98, 160, 302],
    'misc': [318, 158, 157, 12, 99, 201, 204, 203, 324, 334, 16, 79, 80],
    'futex': [202, 202, 273, 274, 218, 449],
    'stat': [4, 5, 6, 262, 332, 21, 269, 439, 137, 138, 190, 191, 194],
    'copy': [40, 326, 275, 278, 285, 77, 221, 187],
}
CALLS = 8  # 32-byte records


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(18)
    for name, nrs in FAMILIES.items():
        data = b''
        for _ in range(CALLS):
            nr = rng.choice(nrs)
            data += struct.pack('<H', nr) + bytes(
                rng.randrange(256) for _ in range(30))
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
