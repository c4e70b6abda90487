/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wireguard.h - WireGuard devices over generic netlink (libmnl): keys, configuration, status */
#pragma once

#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "nl.h"

#define WG_KEY_SIZE 32      /* bytes of a Curve25519 key (WG_KEY_LEN of the kernel's uapi) */
#define WG_KEY_B64_LEN 44   /* its base64 text: 43 characters and one '=' */

/* A peer's endpoint as the kernel takes it (WGPEER_A_ENDPOINT); sa_family 0 = none. */
union wg_endpoint {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
};

/**
 * wg_endpoint_to_string() - "ADDR:PORT", "[ADDR6]:PORT"
 * @e: the endpoint
 * @buf: room for the text
 * Return: @buf, or NULL when @e is none.
 */
const char *wg_endpoint_to_string(const union wg_endpoint *e, char buf[static INET6_ADDRSTRLEN + 8]);

/* true when @a and @b are the same address, port (and IPv6 scope) */
bool wg_endpoint_equal(const union wg_endpoint *a, const union wg_endpoint *b);

struct wg_peer {
        uint8_t public_key[WG_KEY_SIZE];
        bool has_public_key;
        uint8_t preshared_key[WG_KEY_SIZE];  /* secret */
        bool has_preshared_key;
        union wg_endpoint endpoint;
        uint16_t keepalive;                  /* seconds, 0 = off */
        bool has_keepalive;
        struct netns_prefix *allowed_ips;
        size_t n_allowed_ips;
        bool remove;                         /* set: WGPEER_F_REMOVE_ME, the public key alone */

        /* configuration only */
        char *endpoint_host;                 /* Endpoint= a host name, resolved at up (the port is in
                                              * endpoint, whose family is still 0) */
        struct conf_origin origin;           /* where the peer was configured */
        struct conf_origin endpoint_origin;

        /* status only (WG_CMD_GET_DEVICE) */
        struct timespec last_handshake;      /* 0 = never */
        uint64_t rx_bytes, tx_bytes;
};

struct wg_device {
        char ifname[IFNAMSIZ];
        int ifindex;                         /* 0 = address the device by ifname */
        uint8_t private_key[WG_KEY_SIZE];    /* secret; never filled by wg_device_get() */
        bool has_private_key;
        uint8_t public_key[WG_KEY_SIZE];     /* status only */
        bool has_public_key;
        uint16_t listen_port;
        bool has_listen_port;
        uint32_t fwmark;
        bool has_fwmark;
        bool replace_peers;                  /* WGDEVICE_F_REPLACE_PEERS: the peers below are all */
        bool with_secrets;                   /* wg_device_get_secrets(): the keys were copied */
        struct wg_peer *peers;
        size_t n_peers;
};

/* A session's keys are useless 180 s after its handshake (the protocol's Reject-After-Time); a
 * tunnel passing traffic, or with PersistentKeepalive=, makes a new one every 2 minutes. */
#define WG_HANDSHAKE_RECENT_SEC 180

/**
 * wg_device_handshake_missing() - does a tunnel lack a live session
 * @d: a device as wg_device_get() read it
 * @now: the wall clock (the kernel reports handshakes in CLOCK_REALTIME)
 *
 * Return: true when @d has peers with an endpoint and none of them has had a handshake in the
 * last WG_HANDSHAKE_RECENT_SEC seconds (or ever); false otherwise, also for a device whose
 * peers have no endpoint (it waits for them to reach it).
 */
bool wg_device_handshake_missing(const struct wg_device *d, time_t now);

/**
 * wg_peer_handshake_recent() - had @p a handshake in the last WG_HANDSHAKE_RECENT_SEC seconds
 * @p: a peer as wg_device_get() read it
 * @now: the wall clock
 */
bool wg_peer_handshake_recent(const struct wg_peer *p, time_t now);

/**
 * wg_device_done() - free what @d owns and wipe every key in it; @d is zeroed
 * @d: device, may be all zeros
 */
void wg_device_done(struct wg_device *d);

/**
 * wg_peer_done() - free what @p owns and wipe its keys; @p is zeroed
 * @p: peer
 */
void wg_peer_done(struct wg_peer *p);

/**
 * wg_key_from_base64() - decode a key as wg(8) prints it
 * @s: exactly 44 characters: 43 of the standard base64 alphabet and a final '=', the last
 *     character before it encoding only zero bits beyond the 256 (canonical form)
 * @ret: the 32 bytes; untouched on failure
 *
 * The decoding does not branch on the key's characters, so its timing tells nothing of them.
 * Return: 0 or -EINVAL.
 */
int wg_key_from_base64(const char *s, uint8_t ret[WG_KEY_SIZE]);

/**
 * wg_key_to_base64() - encode a key as wg(8) prints it
 * @key: 32 bytes
 * @ret: 44 characters and a NUL
 */
void wg_key_to_base64(const uint8_t key[WG_KEY_SIZE], char ret[WG_KEY_B64_LEN + 1]);

/* true when all 32 bytes are 0 (the kernel's "no key"), without branching on them */
bool wg_key_is_zero(const uint8_t key[WG_KEY_SIZE]);

/* true when the two keys are the same, without branching on their bytes */
bool wg_key_equal(const uint8_t a[WG_KEY_SIZE], const uint8_t b[WG_KEY_SIZE]);

/**
 * wg_secret_file_open() - open a file that holds a secret key, StrictModes
 * @path: PrivateKeyFile=, PresharedKeyFile=, ConfigFile=
 *
 * The file must be a regular file owned by root (or by whoever runs netnsctl), readable and
 * writable by nobody else (no group or other bits), in directories only root can write; else
 * it is refused with one line naming it, as sshd's StrictModes refuses a key.
 * Return: the fd (O_CLOEXEC, O_NONBLOCK), -EPERM (refused, reported), other -errno (reported).
 */
int wg_secret_file_open(const char *path);

/**
 * wg_key_read_file() - read a base64 key from a file that holds a secret
 * @path: the file (PrivateKeyFile=, PresharedKeyFile=)
 * @ret: the key; untouched on failure
 *
 * The file is opened with wg_secret_file_open(). Surrounding white space is allowed, nothing
 * else. Every buffer that held the key is wiped.
 * Return: 0, -EPERM (refused, reported), -EINVAL (not a key, reported), -ENOENT and other
 * -errno (reported).
 */
int wg_key_read_file(const char *path, uint8_t ret[WG_KEY_SIZE]);

/**
 * wg_genl_open() - a generic netlink socket in a namespace, and the "wireguard" family's id
 * @netns_fd: the namespace (-1 = the current one); the id is the same in every namespace
 * @ret: the socket
 * @ret_family: the family id to put in nlmsg_type
 *
 * Return: 0, -ENOENT when the kernel has no WireGuard (no family, module not loadable), or
 * -errno.
 */
int wg_genl_open(int netns_fd, struct nl_sock **ret, uint16_t *ret_family);

/*
 * WG_CMD_SET_DEVICE in as many messages as it takes: a message carries the device's own
 * attributes only the first time, and a peer whose allowed IPs do not fit goes on in the
 * next message under its public key alone, its flags (REPLACE_ALLOWEDIPS) and other
 * attributes only in its first part, so the kernel appends what follows.
 */
struct wg_set_cursor {
        size_t peer;      /* next peer to put */
        size_t aip;       /* its next allowed IP */
        bool continued;   /* the peer's first part went out in an earlier message */
        bool started;     /* the device's own attributes went out */
};

/**
 * wg_set_device_msg() - build the next WG_CMD_SET_DEVICE message of @d
 * @d: what to set; @d->ifindex if not 0, else @d->ifname names the device
 * @family: the "wireguard" family id
 * @buf: where the message goes; it holds secrets: wipe it after sending
 * @size: room in @buf (at least 512)
 * @cur: progress, zeroed before the first call
 *
 * Return: 1 with a message at @buf (nlmsg_seq 0: the sender numbers it), 0 when everything
 * went out, -ENOBUFS when not even one peer fits in @size.
 */
int wg_set_device_msg(const struct wg_device *d, uint16_t family, void *buf, size_t size, struct wg_set_cursor *cur);

/**
 * wg_device_set() - configure a WireGuard device: keys, port, mark, peers
 * @s: generic netlink socket in the device's namespace (wg_genl_open())
 * @family: the "wireguard" family id
 * @d: what to set
 *
 * Every message buffer that held a key is wiped before returning.
 * Return: 0 or the kernel's -errno (text in s->extack).
 */
int wg_device_set(struct nl_sock *s, uint16_t family, const struct wg_device *d);

/**
 * wg_device_parse_msg() - add one WG_CMD_GET_DEVICE reply message to @d
 * @nlh: a validated netlink message (a generic netlink header, then WGDEVICE_A_*)
 * @d: accumulates; a peer continued from the previous message (same public key) is merged
 *
 * The private key in the reply is never copied.
 * Return: MNL_CB_OK, or MNL_CB_ERROR on a malformed message or out of memory.
 */
int wg_device_parse_msg(const struct nlmsghdr *nlh, struct wg_device *d);

/**
 * wg_device_get() - the configuration and state of a WireGuard device
 * @s: generic netlink socket in the device's namespace
 * @family: the "wireguard" family id
 * @ifname: the device
 * @ret: filled (wg_device_done() it); the private key is left out
 *
 * Return: 0, -ENODEV (no such WireGuard device), or -errno.
 */
int wg_device_get(struct nl_sock *s, uint16_t family, const char *ifname, struct wg_device *ret);

/**
 * wg_device_get_secrets() - wg_device_get() with the keys: the private key and each peer's
 * preshared key (zeros when none) are copied, for "reload" to compare and to put back
 * @s: generic netlink socket in the device's namespace
 * @family: the "wireguard" family id
 * @ifname: the device
 * @ret: filled; wg_device_done() wipes it
 *
 * Return: 0, -ENODEV (no such WireGuard device), or -errno.
 */
int wg_device_get_secrets(struct nl_sock *s, uint16_t family, const char *ifname, struct wg_device *ret);
