#!/bin/bash
# tests/openvpn-pki.sh - what an OpenVPN provider has and hands out, made offline for the tests
# and the demo: openvpn-pki.sh SERVERDIR CLIENTDIR
# SERVERDIR gets a CA, the server's certificate and key and server.conf (Debian's openvpn as the
# server of netns.conf(5)'s OpenVPN recipe: 198.51.100.7, UDP 1194, 10.8.0.0/24, pushing
# "redirect-gateway def1" and a name server as providers do); CLIENTDIR gets ca.crt,
# client.crt and client.key, the files the recipe's provider.conf names. Needs openssl.
set -euo pipefail
srv=$1 cli=$2
mkdir -p "$srv" "$cli"
umask 077
cd "$srv"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
{
        openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -subj /CN=test-ca -days 2
        for n in server client; do
                eku=serverAuth
                [ "$n" = client ] && eku=clientAuth
                openssl req -new "${ec[@]}" -keyout "$n.key" -out "$n.csr" -subj "/CN=$n"
                printf 'keyUsage=digitalSignature\nextendedKeyUsage=%s\n' "$eku" >"$n.ext"
                openssl x509 -req -in "$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
                        -extfile "$n.ext" -out "$n.crt"
        done
} >pki.log 2>&1 || { cat pki.log >&2; exit 1; }
cp ca.crt client.crt client.key "$cli/"
cat >server.conf <<'X'
dev tun
proto udp
local 198.51.100.7
port 1194
topology subnet
server 10.8.0.0 255.255.255.0
ca ca.crt
cert server.crt
key server.key
dh none
push "redirect-gateway def1"
push "dhcp-option DNS 10.8.0.1"
keepalive 2 10
X
