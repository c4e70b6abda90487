#!/usr/bin/python3
# tests/fuzz/capture-nft-replies.py - seed corpus for fuzz-nft-reply: real nfnetlink replies
# and notifications.
#
# Run it as root from the source tree with build/ built; it re-executes itself inside
# "unshare --net --mount" (tmpfs on /run and /etc/netns), brings up two namespaces with NAT
# (netnsctl makes its nftables table), asks the questions lib/nft.c asks (the table, the
# elements of its sets) and records the notifications while the table changes: one file per
# answer or per notification recv() into DIR (default tests/fuzz/corpus/nft-reply), with
# sequence numbers and port ids set to 0.
#   sudo tests/fuzz/capture-nft-replies.py [DIR]

import os
import socket
import struct
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
if not os.environ.get("CAPTURE_SANDBOX"):
    os.execvp("unshare", ["unshare", "--net", "--mount", "--propagation", "private",
                          "env", "CAPTURE_SANDBOX=1", sys.executable] + sys.argv)

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus/nft-reply")
os.makedirs(out, exist_ok=True)
netnsctl = os.environ.get("NETNSCTL", os.path.join(here, "../../build/helper/netnsctl"))


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


os.makedirs("/etc/netns", exist_ok=True)
sh("mount -t tmpfs -o mode=0755 tmpfs /run && mkdir -p /run/netns /run/netnsctl && mount -t tmpfs -o mode=0755 tmpfs /etc/netns")
sh("ip link set lo up")
for name, port in (("a", 8081), ("b", 8082)):
    with open("/etc/netns/%s.conf" % name, "w") as f:
        f.write("[Veth]\n[NAT]\nMasquerade=both\nPort=tcp:%d:80\nPort=udp:127.0.0.1:%d:53\n" % (port, port))

NETLINK_NETFILTER, NFNL_SUBSYS_NFTABLES, NFNLGRP_NFTABLES = 12, 10, 7
NFT_MSG_GETTABLE, NFT_MSG_GETSETELEM = 1, 13
NFTA_TABLE_NAME, NFTA_SET_ELEM_LIST_TABLE, NFTA_SET_ELEM_LIST_SET = 1, 1, 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 270, 1


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def normalise(data):
    data = bytearray(data)
    off = 0
    while off + 16 <= len(data):
        length = struct.unpack_from("=I", data, off)[0]
        if length < 16:
            break
        struct.pack_into("=II", data, off + 8, 0, 0)
        off += (length + 3) & ~3
    return data


s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
s.bind((0, 0))
seq = 100


def request(name, mtype, flags, attrs):
    global seq
    seq += 1
    body = struct.pack("=BBH", 1, 0, 0) + attrs  # NFPROTO_INET, NFNETLINK_V0, res_id
    s.send(struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_NFTABLES << 8) | mtype,
                       NLM_F_REQUEST | flags, seq, 0) + body)
    reply = bytearray()
    done = False
    while not done:
        data = s.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            length, t = struct.unpack_from("=IH", data, off)
            if length < 16:
                break
            if t in (2, 3):
                done = True
            off += (length + 3) & ~3
        reply += normalise(data)
    with open(os.path.join(out, name), "wb") as f:
        f.write(reply)


w = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
w.bind((0, 0))
w.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, NFNLGRP_NFTABLES)

request("table-absent", NFT_MSG_GETTABLE, NLM_F_ACK, attr(NFTA_TABLE_NAME, b"netnsctl\0"))
sh(netnsctl + " up a")
request("table-ours", NFT_MSG_GETTABLE, NLM_F_ACK, attr(NFTA_TABLE_NAME, b"netnsctl\0"))
sh(netnsctl + " up b")
for st in ("veths", "fwd4", "fwd6", "masq4", "masq6", "nosuchset"):
    request("setelem-" + st, NFT_MSG_GETSETELEM, NLM_F_DUMP | NLM_F_ACK,
            attr(NFTA_SET_ELEM_LIST_TABLE, b"netnsctl\0") + attr(NFTA_SET_ELEM_LIST_SET, st.encode() + b"\0"))
sh(netnsctl + " down a")
sh("nft add table inet other '{ comment \"not ours\"; }'")
request("table-foreign", NFT_MSG_GETTABLE, NLM_F_ACK, attr(NFTA_TABLE_NAME, b"other\0"))
sh("nft delete table inet other")
sh(netnsctl + " down b")

w.setblocking(False)
n = 0
while True:
    try:
        data = w.recv(1 << 20)
    except BlockingIOError:
        break
    with open(os.path.join(out, "notify-%02d" % n), "wb") as f:
        f.write(normalise(data))
    n += 1
print("wrote", len(os.listdir(out)), "files to", out)
