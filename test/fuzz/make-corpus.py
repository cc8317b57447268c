#!/usr/bin/env python3
"""Writes the seed corpus of the netrx fuzzer: well-formed Ethernet
frames to the guest (MAC 52:54:00:12:34:56, 10.0.2.15 and fe80::/64
link-local) from a peer (10.0.2.2): ARP, ICMP echo, TCP SYN and data to
port 80, UDP to port 7, IPv4 fragments, DHCP offer, IPv6 neighbour
solicitation and echo, TCP over IPv6. One frame a file, in hex.

  make-corpus.py DIR
"""
import os
import struct
import sys

GUEST_MAC = bytes.fromhex('525400123456')
PEER_MAC = bytes.fromhex('525400abcdef')
GUEST = bytes([10, 0, 2, 15])
PEER = bytes([10, 0, 2, 2])
GUEST6 = bytes.fromhex('fe80000000000000505400fffe123456')
PEER6 = bytes.fromhex('fe80000000000000505400fffeabcdef')


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def eth(payload, etype, dst=GUEST_MAC):
    return dst + PEER_MAC + struct.pack('!H', etype) + payload


def ipv4(proto, payload, frag=0, ident=1):
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident,
                      frag, 64, proto, 0, PEER, GUEST)
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return eth(hdr + payload, 0x0800)


def l4sum4(proto, seg):
    return csum(PEER + GUEST + struct.pack('!BBH', 0, proto, len(seg)) +
                seg)


def l4sum6(proto, seg):
    return csum(PEER6 + GUEST6 + struct.pack('!IxxxB', len(seg), proto) +
                seg)


def tcp(sport, dport, seq, ack, flags, data=b'', v6=False, opts=b''):
    off = (20 + len(opts)) // 4
    seg = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, off << 4,
                      flags, 65535, 0, 0) + opts + data
    s = (l4sum6 if v6 else l4sum4)(6, seg)
    return seg[:16] + struct.pack('!H', s) + seg[18:]


def udp(sport, dport, data, v6=False):
    seg = struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data
    s = (l4sum6 if v6 else l4sum4)(17, seg) or 0xffff
    return seg[:6] + struct.pack('!H', s) + seg[8:]


def ipv6(nh, payload, dst=GUEST6, hops=255):
    return eth(struct.pack('!IHBB', 0x60000000, len(payload), nh, hops) +
               PEER6 + dst + payload, 0x86dd)


def icmp6(typ, code, body, dst=GUEST6):
    msg = struct.pack('!BBH', typ, code, 0) + body
    s = csum(PEER6 + dst + struct.pack('!IxxxB', len(msg), 58) + msg)
    return ipv6(58, msg[:2] + struct.pack('!H', s) + msg[4:], dst)


def frames():
    yield 'arp-request', eth(struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) +
                             PEER_MAC + PEER + bytes(6) + GUEST, 0x0806,
                             b'\xff' * 6)
    yield 'arp-reply', eth(struct.pack('!HHBBH', 1, 0x0800, 6, 4, 2) +
                           PEER_MAC + PEER + GUEST_MAC + GUEST, 0x0806)
    echo = struct.pack('!BBHHH', 8, 0, 0, 7, 1) + b'ping' * 8
    echo = echo[:2] + struct.pack('!H', csum(echo)) + echo[4:]
    yield 'icmp-echo', ipv4(1, echo)
    mss = b'\x02\x04\x05\xb4\x01\x03\x03\x07\x04\x02\x00\x00'
    yield 'tcp-syn-80', ipv4(6, tcp(40000, 80, 1000, 0, 0x02, opts=mss))
    yield 'tcp-ack-80', ipv4(6, tcp(40000, 80, 1001, 1, 0x10))
    yield 'tcp-get-80', ipv4(6, tcp(40000, 80, 1001, 1, 0x18,
                                    b'GET / HTTP/1.1\r\nHost: a\r\n\r\n'))
    yield 'tcp-fin-80', ipv4(6, tcp(40000, 80, 1030, 1, 0x11))
    yield 'tcp-rst-80', ipv4(6, tcp(40000, 80, 1030, 1, 0x04))
    yield 'tcp-syn-closed', ipv4(6, tcp(40001, 81, 5, 0, 0x02))
    yield 'udp-7', ipv4(17, udp(5000, 7, b'hello, echo'))
    yield 'udp-closed', ipv4(17, udp(5000, 9, b'nobody'))
    big = udp(5000, 7, bytes(range(256)) * 8)
    yield 'ipv4-frag-1', ipv4(17, big[:1480], frag=0x2000, ident=9)
    yield 'ipv4-frag-2', ipv4(17, big[1480:], frag=1480 // 8, ident=9)
    dhcp = (struct.pack('!BBBBIHH4s4s4s4s', 2, 1, 6, 0, 0x1234, 0, 0,
                        bytes(4), GUEST, PEER, bytes(4)) + GUEST_MAC +
            bytes(10) + bytes(192) + b'\x63\x82\x53\x63' +
            b'\x35\x01\x02\x36\x04' + PEER + b'\x01\x04\xff\xff\xff\x00'
            b'\x03\x04' + PEER + b'\x06\x04\x0a\x00\x02\x03\xff')
    yield 'dhcp-offer', eth(struct.pack('!BBHHHBBH4s4s', 0x45, 0,
                                        28 + len(dhcp), 2, 0, 64, 17, 0,
                                        PEER, b'\xff' * 4)[:10] +
                            b'\0\0' + PEER + b'\xff' * 4 +
                            struct.pack('!HHHH', 67, 68, 8 + len(dhcp),
                                        0) + dhcp, 0x0800, b'\xff' * 6)
    sol = bytes.fromhex('ff0200000000000000000001ff123456')
    yield 'ipv6-ns', icmp6(135, 0, bytes(4) + GUEST6 + b'\x01\x01' +
                           PEER_MAC, dst=sol)
    yield 'ipv6-echo', icmp6(128, 0, struct.pack('!HH', 3, 1) + b'six!')
    yield 'ipv6-tcp-syn-80', ipv6(6, tcp(40002, 80, 77, 0, 0x02, v6=True,
                                         opts=mss))
    yield 'ipv6-udp-7', ipv6(17, udp(5001, 7, b'over six', v6=True))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, frame in frames():
        with open(os.path.join(out, name + '.hex'), 'w') as f:
            f.write(frame.hex() + '\n')


if __name__ == '__main__':
    main()
