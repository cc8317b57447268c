#!/usr/bin/env python3
"""Broken kernel images for amphi-kvm's error paths.

  images.py GOOD_IMAGE OUT_DIR

Writes into OUT_DIR:
  not-elf           text, not an ELF file
  elf32             a 32-bit ELF header
  truncated         GOOD_IMAGE cut after its first 1000 bytes
  no-pvh-note       a 64-bit executable with no PVH entry note
  outside-ram       a PVH image whose segment lies at 2 GiB
  early-triple-fault  a PVH image that writes 'T' to COM1, loads an
                    empty IDT and executes int3: #GP, #DF, then a triple
                    fault, before any handler exists
"""
import os
import struct
import sys

LOAD_PA = 0x100000
ELF_HDR = 64
PH_SIZE = 56


def elf64(segments, note_entry=None):
    """An ELF64 x86_64 executable: segments is [(paddr, bytes)], the
    PVH note names note_entry (None: no note)."""
    phnum = len(segments) + (1 if note_entry is not None else 0)
    data_off = 0x1000
    body = b''
    phdrs = b''
    for pa, code in segments:
        off = data_off + len(body)
        phdrs += struct.pack('<IIQQQQQQ', 1, 5, off, pa, pa, len(code),
                             len(code), 0x1000)
        body += code + b'\0' * (-len(code) % 0x1000)
    if note_entry is not None:
        note = struct.pack('<III', 4, 4, 18) + b'Xen\0' + \
            struct.pack('<I', note_entry)
        off = data_off + len(body)
        phdrs += struct.pack('<IIQQQQQQ', 4, 4, off, 0, 0, len(note),
                             len(note), 4)
        body += note
    entry = segments[0][0] if segments else 0
    ident = b'\x7fELF' + bytes([2, 1, 1, 0]) + b'\0' * 8
    hdr = ident + struct.pack('<HHIQQQIHHHHHH', 2, 62, 1, entry, ELF_HDR,
                              0, 0, ELF_HDR, PH_SIZE, phnum, 0, 0, 0)
    head = hdr + phdrs
    return head + b'\0' * (data_off - len(head)) + body


def triple_fault_code():
    """32-bit code at LOAD_PA (the PVH entry: protected mode, paging
    off): out 'T' to COM1, lidt of a zero-limit IDT, int3."""
    idt_desc_at = LOAD_PA + 0x40
    code = bytes([0x66, 0xba, 0xf8, 0x03,        # mov $0x3f8, %dx
                  0xb0, 0x54,                    # mov $'T', %al
                  0xee,                          # out %al, (%dx)
                  0x0f, 0x01, 0x1d]) + \
        struct.pack('<I', idt_desc_at) + \
        bytes([0xcc,                             # int3
               0xf4, 0xeb, 0xfd])                # hlt; jmp .-1
    code += b'\x90' * (0x40 - len(code))
    code += struct.pack('<HI', 0, 0)             # IDT: limit 0, base 0
    return code


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    good, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)

    def put(name, data):
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)

    put('not-elf', b'#!/bin/sh\necho this is not a kernel\n')
    put('elf32', b'\x7fELF' + bytes([1, 1, 1, 0]) + b'\0' * 44)
    with open(good, 'rb') as f:
        put('truncated', f.read(1000))
    code = triple_fault_code()
    put('no-pvh-note', elf64([(LOAD_PA, code)]))
    put('outside-ram', elf64([(0x80000000, code)], 0x80000000))
    put('early-triple-fault', elf64([(LOAD_PA, code)], LOAD_PA))


if __name__ == '__main__':
    main()
