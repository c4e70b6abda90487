#!/usr/bin/python3
# tests/fuzz/make-wg-replies.py - seed corpus for fuzz-wg-reply: WG_CMD_GET_DEVICE replies.
#
# Written in the form the kernel's drivers/net/wireguard/netlink.c dumps a device (this
# machine's kernel has no WireGuard to capture from): NLM_F_MULTI messages of the family,
# a genetlink header, WGDEVICE_A_* with the peers nested (NLA_F_NESTED), a peer whose allowed
# IPs do not fit continued in the next message under its public key alone, then NLMSG_DONE.
# Sequence numbers and port ids are 0 (the fuzzer gives seq 0 the number of its request).
#   tests/fuzz/make-wg-replies.py [DIR]      (default tests/fuzz/corpus/wg-reply)
import os
import socket
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus/wg-reply")
os.makedirs(out, exist_ok=True)

FAMILY = 0x1d                      # a "wireguard" family id as the kernel hands them out
NLM_F_MULTI, NLMSG_ERROR, NLMSG_DONE = 2, 2, 3
NLA_F_NESTED = 0x8000
WG_CMD_GET_DEVICE, WG_GENL_VERSION = 0, 1
(D_IFINDEX, D_IFNAME, D_PRIVATE_KEY, D_PUBLIC_KEY, D_FLAGS, D_LISTEN_PORT, D_FWMARK, D_PEERS) = range(1, 9)
(P_PUBLIC_KEY, P_PRESHARED_KEY, P_FLAGS, P_ENDPOINT, P_KEEPALIVE, P_LAST_HANDSHAKE, P_RX, P_TX,
 P_ALLOWEDIPS, P_PROTOCOL_VERSION) = range(1, 11)
A_FAMILY, A_IPADDR, A_CIDR = 1, 2, 3


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def nest(t, parts):
    return attr(t | NLA_F_NESTED, b"".join(parts))


def u16(t, v):
    return attr(t, struct.pack("=H", v))


def u32(t, v):
    return attr(t, struct.pack("=I", v))


def u64(t, v):
    return attr(t, struct.pack("=Q", v))


def key(b):
    return bytes((b + i) & 0xff for i in range(32))


def sin(addr, port):
    return struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) + socket.inet_pton(socket.AF_INET, addr) + b"\0" * 8


def sin6(addr, port):
    return (struct.pack("=H", socket.AF_INET6) + struct.pack("!HI", port, 0) +
            socket.inet_pton(socket.AF_INET6, addr) + struct.pack("=I", 0))


def aip(prefix):
    addr, plen = prefix.split("/")
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    return nest(0, [u16(A_FAMILY, fam), attr(A_IPADDR, socket.inet_pton(fam, addr)), attr(A_CIDR, bytes([int(plen)]))])


def peer(k, endpoint=None, aips=(), handshake=None, rx=0, tx=0, keepalive=0, psk=False, first=True):
    parts = [attr(P_PUBLIC_KEY, key(k))]
    if first:
        parts.append(attr(P_PRESHARED_KEY, key(0x80) if psk else b"\0" * 32))
        parts.append(u16(P_KEEPALIVE, keepalive))
        sec, nsec = handshake or (0, 0)
        parts.append(attr(P_LAST_HANDSHAKE, struct.pack("=qq", sec, nsec)))
        parts += [u64(P_RX, rx), u64(P_TX, tx), u32(P_PROTOCOL_VERSION, 1)]
        if endpoint:
            parts.append(attr(P_ENDPOINT, endpoint))
    if aips:
        parts.append(nest(P_ALLOWEDIPS, [aip(a) for a in aips]))
    return nest(0, parts)


def device(peers=(), first=True, port=51820, fwmark=0):
    parts = [u32(D_IFINDEX, 5), attr(D_IFNAME, b"wg0\0")]
    if first:
        parts += [attr(D_PRIVATE_KEY, key(0x40)), attr(D_PUBLIC_KEY, key(0x60)), u16(D_LISTEN_PORT, port),
                  u32(D_FWMARK, fwmark)]
    if peers:
        parts.append(nest(D_PEERS, list(peers)))
    return b"".join(parts)


def msg(mtype, flags, payload):
    return struct.pack("=IHHII", 16 + len(payload), mtype, flags, 0, 0) + payload


def genl(payload):
    return msg(FAMILY, NLM_F_MULTI, struct.pack("=BBH", WG_CMD_GET_DEVICE, WG_GENL_VERSION, 0) + payload)


DONE = msg(NLMSG_DONE, NLM_F_MULTI, struct.pack("=i", 0))


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


write("no-peers", genl(device()) + DONE)
write("two-peers", genl(device([
    peer(1, sin("192.0.2.2", 51820), ["0.0.0.0/0", "::/0"], (1700000000, 5), 1234, 5678, 25, psk=True),
    peer(2, sin6("2001:db8::9", 51821), ["10.99.0.0/24", "fd00:99::/64"]),
], fwmark=0x51)) + DONE)
# the kernel's split: the first peer's allowed IPs go on in a second message, under its key alone
write("split-peer", genl(device([peer(3, sin("198.51.100.7", 443), ["10.0.0.0/8", "10.1.0.0/16"], (1700000100, 0), 9, 9)]))
      + genl(device([peer(3, aips=["10.2.0.0/16", "fd00::/8"], first=False), peer(4, aips=["192.168.0.0/24"])], first=False))
      + DONE)
write("waits", genl(device([peer(5, None, ["10.4.0.2/32"], keepalive=0)], port=0)) + DONE)
write("no-device", msg(NLMSG_ERROR, 0, struct.pack("=i", -19) + struct.pack("=IHHII", 36, FAMILY, 0x301, 0, 0)))
# an IPv4 allowed IP of 16 bytes (the parser keeps 4), a peer of a zero key, then DONE alone
write("odd-ipaddr", genl(device([nest(0, [attr(P_PUBLIC_KEY, b"\0" * 32), nest(P_ALLOWEDIPS, [nest(0, [
    u16(A_FAMILY, socket.AF_INET), attr(A_IPADDR, socket.inet_pton(socket.AF_INET6, "::ffff:10.9.9.9")),
    attr(A_CIDR, b"\x20")])])])])) + DONE)
