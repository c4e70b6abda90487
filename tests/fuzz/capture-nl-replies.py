#!/usr/bin/python3
# tests/fuzz/capture-nl-replies.py - seed corpus for fuzz-nl-reply: real rtnetlink replies.
#
# Run it as root; it re-executes itself inside "unshare --net", wires a throwaway namespace
# (veth pairs, addresses of both families, routes of several types), then sends
# the requests lib/nl.c and helper/inspect.c send and writes what each recv() returned, one
# file per recv, into DIR (default tests/fuzz/corpus/nl-reply). Sequence numbers and port
# ids are set to 0 (the fuzzer gives seq 0 the number of the request it answers).
#   sudo tests/fuzz/capture-nl-replies.py [DIR]

import os
import socket
import struct
import subprocess
import sys

if not os.environ.get("CAPTURE_SANDBOX"):
    os.execvp("unshare", ["unshare", "--net", "env", "CAPTURE_SANDBOX=1", sys.executable] + sys.argv)

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus/nl-reply")
os.makedirs(out, exist_ok=True)


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


sh("ip link set lo up")
sh("ip link add d0 mtu 1400 type veth peer name d1 && ip link set d0 up && ip link set d1 up")
sh("ip addr add 10.1.0.1/24 dev d0 && ip addr add fd00:1::1/64 dev d0 nodad")
sh("ip addr add 10.9.0.1 peer 10.9.0.2/32 dev d0")
sh("ip link add ve0 type veth peer name ve1 && ip link set ve0 up && ip link set ve1 up")
sh("ip addr add 192.168.7.1/30 dev ve0")
sh("ip route add default via 10.1.0.254 dev d0 && ip route add 172.16.0.0/12 via 10.1.0.2")
sh("ip route add blackhole 10.66.0.0/16 && ip route add unreachable 10.67.0.0/16 && ip route add prohibit 10.68.0.0/16")
sh("ip route add 10.70.0.0/16 dev d0 table 100 && ip -6 route add fd00:2::/64 via fd00:1::2")
sh("ip -6 route add default via fd00:1::fe dev d0")
sh("sysctl -qw net.ipv6.conf.ve1.disable_ipv6=1")

NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x300, 0x200, 0x400
RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR, RTM_GETADDR, RTM_GETROUTE, RTM_GETNSID = 16, 18, 20, 22, 26, 90
IFLA_IFNAME, IFLA_LINKINFO, IFLA_INFO_KIND = 3, 18, 1
RTA_DST, RTM_F_FIB_MATCH = 1, 0x2000
NETNSA_FD = 3
SOL_NETLINK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK = 270, 11, 12

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
s.bind((0, 0))
seq = 100


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def request(name, mtype, flags, hdr, attrs=b""):
    """send one request, write every message of every recv until its DONE/ERROR to NAME"""
    global seq
    seq += 1
    body = hdr + attrs
    s.send(struct.pack("=IHHII", 16 + len(body), mtype, NLM_F_REQUEST | flags, seq, 0) + body)
    done = False
    reply = bytearray()
    while not done:
        data = bytearray(s.recv(1 << 20))
        off = 0
        while off + 16 <= len(data):
            length, t = struct.unpack_from("=IH", data, off)
            if length < 16:
                break
            struct.pack_into("=II", data, off + 8, 0, 0)  # seq, pid
            if t in (2, 3):  # NLMSG_ERROR, NLMSG_DONE
                done = True
            off += (length + 3) & ~3
        reply += data
    with open(os.path.join(out, name), "wb") as f:
        f.write(reply)


ifinfo = struct.pack("=BxHiII", 0, 0, 0, 0, 0)
request("link-dump", RTM_GETLINK, NLM_F_DUMP, ifinfo)
request("link-get-d0", RTM_GETLINK, NLM_F_ACK, ifinfo, attr(IFLA_IFNAME, b"d0\0"))
request("link-get-ve0", RTM_GETLINK, NLM_F_ACK, ifinfo, attr(IFLA_IFNAME, b"ve0\0"))
request("link-get-missing", RTM_GETLINK, NLM_F_ACK, ifinfo, attr(IFLA_IFNAME, b"nope\0"))
for fam, tag in ((socket.AF_INET, "4"), (socket.AF_INET6, "6")):
    request("addr-dump" + tag, RTM_GETADDR, NLM_F_DUMP, struct.pack("=BBBBI", fam, 0, 0, 0, 0))
    request("route-dump" + tag, RTM_GETROUTE, NLM_F_DUMP, struct.pack("=BBBBBBBBI", fam, 0, 0, 0, 0, 0, 0, 0, 0))
for tag, fam, a in (("4-net", socket.AF_INET, "10.1.0.7"), ("4-default", socket.AF_INET, "8.8.8.8"),
                    ("4-local", socket.AF_INET, "10.1.0.1"), ("4-blackhole", socket.AF_INET, "10.66.1.1"),
                    ("4-unreachable", socket.AF_INET, "10.67.1.1"), ("6-net", socket.AF_INET6, "fd00:2::5")):
    raw = socket.inet_pton(fam, a)
    request("route-lookup" + tag, RTM_GETROUTE, NLM_F_ACK,
            struct.pack("=BBBBBBBBI", fam, len(raw) * 8, 0, 0, 0, 0, 0, 0, RTM_F_FIB_MATCH), attr(RTA_DST, raw))
fd = os.open("/proc/self/ns/net", os.O_RDONLY)
request("nsid", RTM_GETNSID, NLM_F_ACK, struct.pack("=Bxxx", 0), attr(NETNSA_FD, struct.pack("=I", fd)))
# errors with the kernel's extended ACK text
request("error-extack", RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, ifinfo,
        attr(IFLA_IFNAME, b"x0\0") + attr(IFLA_LINKINFO | 0x8000, attr(IFLA_INFO_KIND, b"nosuchkind\0")))
request("error-exists", RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, ifinfo,
        attr(IFLA_IFNAME, b"d0\0") + attr(IFLA_LINKINFO | 0x8000, attr(IFLA_INFO_KIND, b"veth\0")))
request("addr-dump-badhdr", RTM_GETADDR, NLM_F_DUMP, struct.pack("=BBBBI", 0, 0, 0, 0, 5))
print("wrote", len(os.listdir(out)), "files to", out)
