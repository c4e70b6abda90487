/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* inspect.h - what list, status, monitor and gc look at: pins, records, units, and the names of link and route states */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "bus.h"

#include "conf.h"
#include "json.h"
#include "nft.h"
#include "nl.h"

/* What a namespace looks like to list/status. */
enum ns_state {
        NS_UP,          /* netnsctl's record is complete and the pin holds the recorded namespace */
        NS_INCOMPLETE,  /* a record, but not complete, or its namespace is not (or no longer) pinned */
        NS_UNMANAGED,   /* no record: made by "ip netns add" or another tool */
        NS_UNKNOWN,     /* the record exists but cannot be read (not root) */
        NS_STRANDED,    /* unpinned by "down" while processes were in it, which still are */
};

struct ns_info {
        char *name;
        int pin;                      /* enum pin_state, or -errno when it could not be inspected */
        unsigned long long ino;       /* of the pinned namespace when pin == PIN_NSFS, else 0 */
        bool managed;                 /* /run/netnsctl/NAME exists */
        bool has_record;              /* ... and its state file was read into @record */
        int record_error;             /* else why not: -EPERM (unsafe), -EBADMSG (a bad line), -EACCES, ... */
        bool up;                      /* the pin holds the namespace the record names (inode and cookie) */
        bool complete;                /* the record ends in "complete" */
        unsigned long long rec_ino;   /* the record's "netns INODE", 0 if none */
        char **record;                /* the record's lines, oldest first; NULL if none */
        enum ns_state state;
};

const char *ns_state_to_string(enum ns_state s);
/* "ok" (live nsfs pin), "stale" (a file that is no namespace), "absent", "error" */
const char *pin_state_to_string(int pin);

/**
 * ns_info_load() - inspect the pin and the record of namespace @name
 * Return: 0 or -ENOMEM; everything else shows in the result's fields.
 */
int ns_info_load(const char *name, struct ns_info *ret);
void ns_info_done(struct ns_info *i);

/**
 * ns_names() - every name under the pin directory, plus every valid name with a record dir
 * Return: the sorted, de-duplicated list (possibly empty) in @ret, or -errno
 */
int ns_names(char ***ret);


/* "up"/"down"/"lower-layer-down"/... for IF_OPER_* */
const char *operstate_to_string(uint8_t operstate);
/* "kernel"/"boot"/"static"/... for RTPROT_*, or the number in @buf */
const char *rtprot_to_string(uint8_t protocol, char buf[static 8]);

/* The host end of the veth a state record names ("veth IFNAME"), or NULL */
const char *record_host_veth(char **record);

/* A forward as list --json and status --json show it: family, protocol, host_address,
 * host_port, host_port_end, address, port */
void json_nat_forward(struct json *j, const struct nat_elem *e);

/* A namespace "down" unpinned while processes were in it (RUNDIR/.stranded/NAME). */
struct stranded_ns {
        char *name;
        unsigned long long ino;
};

/**
 * stranded_load() - the namespaces "down" noted as stranded
 * @ret: array (free each name, then the array), @ret_n its length
 * Return: 0 (none is not an error) or -errno
 */
int stranded_load(struct stranded_ns **ret, size_t *ret_n);
/* Forget the note of @name (its namespace has no process left). 0 or -errno */
int stranded_forget(const char *name);

/* A link between namespace NAME and another ([Link] Type=veth with PeerNamespace=). */
struct ns_peer_link {
        char *peer;                  /* the namespace at the other end */
        bool owned;                  /* NAME's configuration has it (else @peer's) */
        bool peer_up;                /* @peer is up (pinned) */
        char ifname[IFNAMSIZ];       /* its end inside NAME */
        char peer_ifname[IFNAMSIZ];  /* its end inside @peer */
};

/**
 * ns_peer_links() - the links between namespace @name and others
 * @name: namespace name
 * @cfg: its configuration, or NULL: its own links come from there
 * @ret: array (ns_peer_links_free() it), @ret_n its length
 *
 * The links other namespaces' configurations have to @name are known while those are up
 * (the peer index, lib/peer-index.h), from their configurations in force.
 * Return: 0 or -ENOMEM; what cannot be read is left out
 */
int ns_peer_links(const char *name, const struct netns_config *cfg, struct ns_peer_link **ret, size_t *ret_n);
void ns_peer_links_free(struct ns_peer_link *l, size_t n);

/**
 * ns_peer_names() - the namespaces linked with @name, as the records say
 * @name: namespace name
 * @record: its record, or NULL: its "peer NAME" lines
 * @ret: sorted, each once: those lines' names, and the owners the peer index names for @name
 * Return: 0 or -errno
 */
int ns_peer_names(const char *name, char **record, char ***ret);

/**
 * ns_name_of_nsid() - the name under /run/netns of the namespace @nl's namespace calls @nsid
 * Return: 0 and the name (malloc'd) in @ret, -ENOENT when it is no pinned namespace, -ENOMEM
 */
int ns_name_of_nsid(struct nl_sock *nl, int nsid, char **ret);
