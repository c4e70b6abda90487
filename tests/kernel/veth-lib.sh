# tests/kernel/veth-lib.sh - queries shared by the veth-*.sh tests (source after lib.sh)

# global-scope addresses of link IFNAME as "ADDR/LEN" words, sorted; prefix the command
# with "in_ns NAME" to ask inside a namespace:  addrs nn-a;  addrs host0 in_ns a
addrs() { # IFNAME [in_ns NAME]
        local ifname=$1
        shift
        "$@" ip -j addr show dev "$ifname" | python3 -c '
import json, sys
a = ["%s/%s" % (x["local"], x["prefixlen"]) for l in json.load(sys.stdin) for x in l.get("addr_info", []) if x.get("scope") == "global"]
print(" ".join(sorted(a)))'
}

# the first global address of FAMILY (inet|inet6) on IFNAME, without the length
addr_of() { # FAMILY IFNAME [in_ns NAME]
        local family=$1 ifname=$2
        shift 2
        "$@" ip -j addr show dev "$ifname" | python3 -c '
import json, sys
a = [x["local"] for l in json.load(sys.stdin) for x in l.get("addr_info", []) if x.get("scope") == "global" and x["family"] == sys.argv[1]]
print(a[0] if a else "")' "$family"
}

# "KIND FLAGS MTU" of a link: "veth UP,LOWER_UP 1500"
link_info() { # IFNAME [in_ns NAME]
        local ifname=$1
        shift
        "$@" ip -j -d link show dev "$ifname" | python3 -c '
import json, sys
l = json.load(sys.stdin)[0]
flags = [f for f in l.get("flags", []) if f in ("UP", "LOWER_UP")]
print(l.get("linkinfo", {}).get("info_kind", "-"), ",".join(sorted(flags)) or "-", l.get("mtu"))'
}

# the default route of FAMILY (-4|-6) inside namespace NAME as "GATEWAY DEV", or ""
default_route() { # -4|-6 NAME
        in_ns "$2" ip "$1" -j route show default | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("%s %s" % (r[0].get("gateway", "-"), r[0].get("dev")) if r else "")'
}

# one real packet each way, FAMILY -4|-6; fails the test when it does not come back
ping_ok() { # -4|-6 DEST [in_ns NAME]
        local family=$1 dest=$2
        shift 2
        "$@" ping "$family" -c1 -W1 "$dest" >/dev/null || fail "ping $family $dest ${*:+($*)} failed"
}
