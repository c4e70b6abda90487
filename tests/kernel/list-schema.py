#!/usr/bin/env python3
# list-schema.py - check netnsctl's JSON output against the fields netnsctl(8) documents.
#   list-schema.py list|status|gc < JSON
#   list-schema.py monitor < JSON-LINES
# Every documented field must be there with its type, and no other field may be: a new field
# needs a line in the man page and here. Exit 0 when valid, 1 with the first problem on stderr.
import json
import sys

STR, INT, BOOL = "string", "integer", "boolean"


def opt(t):
    return ("null-or", t)


def enum(*values):
    return ("enum", values)


def array(t):
    return ("array", t)


FORWARD = {
    "family": enum("ipv4", "ipv6"),
    "protocol": enum("tcp", "udp", "sctp"),
    "host_address": opt(STR),
    "host_port": INT,
    "host_port_end": INT,
    "address": STR,
    "port": INT,
}

LIST_ENTRY = {
    "name": STR,
    "managed": BOOL,
    "state": enum("up", "incomplete", "unmanaged", "unknown", "stranded"),
    "pin": enum("ok", "stale", "absent", "error"),
    "inode": opt(INT),
    "unit": opt(STR),
    "processes": opt(INT),
    "addresses": opt(array(STR)),
    "host_veth": opt(STR),
    "peers": opt(array({"namespace": STR, "up": BOOL})),
    "forwards": opt(array(FORWARD)),
    "tunnel": opt(enum("ok", "no-handshake")),
}

STATUS = {
    "name": STR,
    "managed": BOOL,
    "state": enum("up", "incomplete", "unmanaged", "unknown", "stranded"),
    "config": opt({"files": array(STR), "valid": BOOL, "reload_pending": BOOL}),
    "unit": opt({"name": STR, "load": STR, "active": STR, "sub": STR}),
    "attached_units": array({"name": STR, "active": opt(STR)}),
    "pin": {"path": STR, "state": enum("ok", "stale", "absent", "error"), "inode": opt(INT)},
    "links": opt(array({
        "ifindex": INT,
        "ifname": STR,
        "kind": opt(STR),
        "up": BOOL,
        "operstate": STR,
        "mtu": INT,
        "mac": opt(STR),
        "host_peer": opt(STR),
        "peer_namespace": opt(STR),
        "vxlan": opt({
            "vni": INT,
            "remote": opt(STR),
            "group": opt(STR),
            "local": opt(STR),
            "port": INT,
            "underlay": opt(STR),
        }),
        "addresses": array({"address": STR, "scope": enum("global", "site", "link", "host")}),
    })),
    "routes": opt(array({
        "family": enum("ipv4", "ipv6"),
        "destination": STR,
        "gateway": opt(STR),
        "ifname": opt(STR),
        "table": INT,
        "protocol": STR,
        "type": enum("unicast", "blackhole", "unreachable", "prohibit", "throw"),
        "peer_namespace": opt(STR),
    })),
    "peers": array({
        "namespace": STR,
        "owner": STR,
        "ifname": STR,
        "peer_ifname": STR,
        "up": BOOL,
        "linked": BOOL,
    }),
    "wireguard": opt(array({
        "ifname": STR,
        "public_key": opt(STR),
        "listen_port": INT,
        "peers": array({
            "public_key": STR,
            "endpoint": opt(STR),
            "allowed_ips": array(STR),
            "latest_handshake": opt(INT),
            "rx_bytes": INT,
            "tx_bytes": INT,
            "persistent_keepalive": INT,
        }),
    })),
    "nat": {
        "masquerade": array({"family": enum("ipv4", "ipv6"), "link": STR}),
        "forwards": array(FORWARD),
    },
    "firewall": {
        "inbound": opt(enum("accept", "drop")),
        "table": opt(enum("present", "absent", "foreign")),
        "rules": array({
            "type": enum("host", "forward", "allow"),
            "rule": STR,
            "ifname": opt(STR),
            "address": opt(STR),
            "protocol": opt(enum("tcp", "udp", "sctp")),
            "ports": opt(STR),
        }),
    },
    "replies": {"table": opt(enum("present", "absent", "foreign")), "ifname": opt(STR)},
    "sysctls": array({"key": STR, "configured": STR, "value": opt(STR)}),
    "processes": opt(array({"pid": INT, "unit": opt(STR), "command": opt(STR)})),
    "record": opt(array(STR)),
    "journal": array({"time": INT, "priority": INT, "identifier": opt(STR), "pid": opt(INT), "message": opt(STR)}),
}

GC_ITEM = {
    "type": enum("record", "pin", "dir", "link", "nft", "stranded", "index", "peer-link"),
    "object": STR,
    "reason": STR,
    "removed": BOOL,
    "error": opt(STR),
}

MONITOR_NETNS = {"event": enum("netns-new", "netns-del"), "netns": STR}
MONITOR_LINK = {
    "event": enum("link-new", "link-change", "link-del"),
    "netns": STR,
    "ifindex": INT,
    "ifname": STR,
    "kind": opt(STR),
    "up": BOOL,
    "operstate": STR,
}


class Invalid(Exception):
    pass


def check(value, schema, where):
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            raise Invalid(f"{where}: expected an object, got {value!r}")
        missing = set(schema) - set(value)
        extra = set(value) - set(schema)
        if missing:
            raise Invalid(f"{where}: missing field(s) {sorted(missing)}")
        if extra:
            raise Invalid(f"{where}: undocumented field(s) {sorted(extra)}")
        for k, s in schema.items():
            check(value[k], s, f"{where}.{k}")
    elif isinstance(schema, tuple):
        kind, arg = schema
        if kind == "null-or":
            if value is not None:
                check(value, arg, where)
        elif kind == "enum":
            if value not in arg:
                raise Invalid(f"{where}: {value!r} is not one of {list(arg)}")
        elif kind == "array":
            if not isinstance(value, list):
                raise Invalid(f"{where}: expected an array, got {value!r}")
            for i, v in enumerate(value):
                check(v, arg, f"{where}[{i}]")
    elif schema == STR:
        if not isinstance(value, str):
            raise Invalid(f"{where}: expected a string, got {value!r}")
    elif schema == INT:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid(f"{where}: expected an integer, got {value!r}")
    elif schema == BOOL:
        if not isinstance(value, bool):
            raise Invalid(f"{where}: expected true/false, got {value!r}")
    else:
        raise AssertionError(schema)


def main():
    kind = sys.argv[1]
    text = sys.stdin.read()
    try:
        if kind == "monitor":
            lines = [l for l in text.splitlines() if l.strip()]
            for i, line in enumerate(lines):
                ev = json.loads(line)
                schema = MONITOR_NETNS if str(ev.get("event", "")).startswith("netns-") else MONITOR_LINK
                check(ev, schema, f"line {i + 1}")
        else:
            doc = json.loads(text)
            if kind == "list":
                check(doc, array(LIST_ENTRY), "list")
            elif kind == "status":
                check(doc, STATUS, "status")
            elif kind == "gc":
                check(doc, array(GC_ITEM), "gc")
            else:
                raise SystemExit(f"unknown kind {kind}")
    except (Invalid, json.JSONDecodeError) as e:
        print(f"invalid {kind} JSON: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
