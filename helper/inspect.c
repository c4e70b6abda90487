/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* inspect.c - what list, status, monitor and gc look at: pins, records, units, and the names of link and route states */

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "addr.h"
#include "inspect.h"
#include "log.h"
#include "name.h"
#include "link-kind.h"
#include "ns.h"
#include "peer-index.h"
#include "record.h"
#include "steps.h"
#include "util.h"

static void closedirp(DIR **d) {
        if (*d)
                (void) closedir(*d);
}

const char *ns_state_to_string(enum ns_state s) {
        switch (s) {
        case NS_UP:
                return "up";
        case NS_INCOMPLETE:
                return "incomplete";
        case NS_UNMANAGED:
                return "unmanaged";
        case NS_STRANDED:
                return "stranded";
        case NS_UNKNOWN:
        default:
                return "unknown";
        }
}

const char *pin_state_to_string(int pin) {
        switch (pin) {
        case PIN_NSFS:
                return "ok";
        case PIN_STALE:
                return "stale";
        case PIN_ABSENT:
                return "absent";
        default:
                return "error";
        }
}

int ns_info_load(const char *name, struct ns_info *ret) {
        _cleanup_free_ char *pin = netns_pin_path(name), *dir = record_dir(name), *state = NULL;
        struct ns_info i = { .ino = 0 };
        struct stat st;
        int r;

        if (!pin || !dir)
                return -ENOMEM;
        i.name = strdup(name);
        if (!i.name)
                return -ENOMEM;
        i.pin = netns_pin_inspect(pin, &i.ino);
        if (i.pin != PIN_NSFS)
                i.ino = 0;

        /* Managed = there is a state file. A state dir without one is a leftover (gc removes
         * it); one we may not look into (not root) counts as managed, state unknown. */
        state = strdup_printf("%s/state", dir);
        if (!state) {
                ns_info_done(&i);
                return -ENOMEM;
        }
        i.managed = lstat(dir, &st) >= 0 && S_ISDIR(st.st_mode) && (lstat(state, &st) >= 0 || errno != ENOENT);
        if (i.managed) {
                r = record_load(name, &i.record);
                if (r == -ENOMEM) {
                        ns_info_done(&i);
                        return r;
                }
                i.has_record = r >= 0;
                i.record_error = r < 0 ? r : 0;
        }
        if (i.has_record) {
                struct record_netns id = {};

                if (record_netns_id(i.record, &id) > 0)
                        i.rec_ino = id.ino;
                i.complete = record_complete(i.record);
        }
        /* Up: finished, and the pin holds the very namespace the record names (inode and
         * cookie: an inode number alone may have been handed to another namespace since). */
        if (i.complete && i.pin == PIN_NSFS && i.ino == i.rec_ino) {
                bool pinned = false;
                int fd = record_netns_open(name, i.record, &pinned);

                if (fd >= 0) {
                        (void) close(fd);
                        i.up = pinned;
                }
        }

        if (!i.managed)
                i.state = NS_UNMANAGED;
        else if (!i.has_record)
                i.state = NS_UNKNOWN;
        else if (i.up)
                i.state = NS_UP;
        else
                i.state = NS_INCOMPLETE;
        *ret = i;
        return 0;
}

void ns_info_done(struct ns_info *i) {
        free(i->name);
        strv_free(i->record);
        *i = (struct ns_info) {};
}

static int add_dir_names(char ***l, const char *dir, bool valid_only, bool dirs_only) {
        _cleanup_(closedirp) DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((errno = 0, de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (valid_only && !netns_name_is_valid(de->d_name))
                        continue;
                if (dirs_only && de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
                        continue;
                if (strv_contains(*l, de->d_name))
                        continue;
                if (strv_extend(l, de->d_name) < 0)
                        return -ENOMEM;
        }
        return errno > 0 ? -errno : 0;
}

int ns_names(char ***ret) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        int r;

        if (!l)
                return -ENOMEM;
        /* iproute2 allows any file name there; show them all */
        r = add_dir_names(&l, netns_run_dir(), false, false);
        if (r < 0)
                return r;
        r = add_dir_names(&l, netnsctl_run_dir(), true, true);
        if (r < 0)
                return r;
        strv_sort(l);
        *ret = TAKE_PTR(l);
        return 0;
}

/* --- names of what rtnetlink reports (the dumps themselves: lib/nl.h) --- */


const char *operstate_to_string(uint8_t operstate) {
        /* RFC 2863 operational states, IF_OPER_* of <linux/if.h> (which clashes with <net/if.h>) */
        static const char *const names[] = {
                "unknown", "not-present", "down", "lower-layer-down", "testing", "dormant", "up",
        };

        return operstate < ELEMENTSOF(names) && names[operstate] ? names[operstate] : "unknown";
}

const char *rtprot_to_string(uint8_t protocol, char buf[static 8]) {
        switch (protocol) {
        case RTPROT_UNSPEC:
                return "unspec";
        case RTPROT_REDIRECT:
                return "redirect";
        case RTPROT_KERNEL:
                return "kernel";
        case RTPROT_BOOT:
                return "boot";
        case RTPROT_STATIC:
                return "static";
        case RTPROT_RA:
                return "ra";
        case RTPROT_DHCP:
                return "dhcp";
        default:
                (void) snprintf(buf, 8, "%u", protocol);
                return buf;
        }
}

const char *record_host_veth(char **record) {
        STRV_FOREACH(l, record) {
                struct record_entry e;

                if (record_entry_parse(*l, &e, NULL) >= 0 && e.key == RECORD_VETH)
                        return e.args; /* the rest of the line: the name */
        }
        return NULL;
}

void json_nat_forward(struct json *j, const struct nat_elem *e) {
        char buf[INET6_ADDRSTRLEN];

        json_object_begin(j, NULL);
        json_string(j, "family", e->family == AF_INET ? "ipv4" : "ipv6");
        json_string(j, "protocol", nat_proto_name(e->protocol));
        json_string(j, "host_address", e->has_host_addr ? addr_to_string(e->family, &e->host_addr, buf) : NULL);
        json_uint(j, "host_port", e->port);
        json_uint(j, "host_port_end", e->port_end);
        json_string(j, "address", addr_to_string(e->family, &e->ns_addr, buf));
        json_uint(j, "port", e->ns_port);
        json_object_end(j);
}

int stranded_load(struct stranded_ns **ret, size_t *ret_n) {
        _cleanup_free_ char *dir = strdup_printf("%s/.stranded", netnsctl_run_dir());
        struct stranded_ns *l = NULL;
        size_t n = 0;
        struct dirent *de;
        DIR *d;

        *ret = NULL;
        *ret_n = 0;
        if (!dir)
                return -ENOMEM;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                _cleanup_free_ char *path = NULL, *text = NULL;
                unsigned long long ino;
                struct stranded_ns *x;

                if (!netns_name_is_valid(de->d_name))
                        continue;
                path = strdup_printf("%s/%s", dir, de->d_name);
                if (!path || read_full_file(path, 64, &text, NULL) < 0 || sscanf(text, "%llu", &ino) != 1)
                        continue;
                x = ARRAY_APPEND(l, n);
                if (!x || !(x->name = strdup(de->d_name))) {
                        (void) closedir(d);
                        for (size_t i = 0; i < n; i++)
                                free(l[i].name);
                        free(l);
                        return -ENOMEM;
                }
                x->ino = ino;
        }
        (void) closedir(d);
        *ret = l;
        *ret_n = n;
        return 0;
}

int stranded_forget(const char *name) {
        _cleanup_free_ char *path = strdup_printf("%s/.stranded/%s", netnsctl_run_dir(), name);
        char *slash;

        if (!path)
                return -ENOMEM;
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        /* the last note takes the directory with it, as "down" does: nothing left behind */
        slash = strrchr(path, '/');
        *slash = 0;
        (void) rmdir(path);
        return 0;
}

void ns_peer_links_free(struct ns_peer_link *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(l[i].peer);
        free(l);
}

static int peer_link_add(struct ns_peer_link **l, size_t *n, const char *peer, bool owned, const char *ifname,
                         const char *peer_ifname) {
        struct ns_peer_link *x = ARRAY_APPEND(*l, *n);

        if (!x)
                return -ENOMEM;
        *x = (struct ns_peer_link) { .peer = strdup(peer), .owned = owned };
        if (!x->peer)
                return -ENOMEM;
        snprintf(x->ifname, sizeof(x->ifname), "%s", ifname);
        snprintf(x->peer_ifname, sizeof(x->peer_ifname), "%s", peer_ifname);
        return 0;
}

int ns_peer_links(const char *name, const struct netns_config *cfg, struct ns_peer_link **ret, size_t *ret_n) {
        _cleanup_strv_free_ char **owners = NULL;
        struct ns_peer_link *l = NULL;
        size_t n = 0;
        int r = 0;

        for (size_t i = 0; cfg && i < cfg->n_links && r >= 0; i++) {
                const struct netns_link *k = &cfg->links[i];
                _cleanup_free_ char *pin = NULL;
                char a[IFNAMSIZ], b[IFNAMSIZ];

                if (k->kind != NETNS_LINK_VETH || !k->peer_namespace || link_ifname(k, a) < 0)
                        continue;
                link_peer_ifname(name, k, b);
                r = peer_link_add(&l, &n, k->peer_namespace, true, a, b);
                pin = netns_pin_path(k->peer_namespace);
                if (r >= 0 && pin)
                        l[n - 1].peer_up = netns_pin_inspect(pin, NULL) == PIN_NSFS;
        }
        if (r >= 0 && peer_index_owners(name, &owners) < 0)
                owners = NULL; /* unreadable: left out */
        STRV_FOREACH(owner, owners) {
                _cleanup_config_ struct netns_config *o = NULL;
                _cleanup_close_ int fd = -1;
                int level = log_get_max_level();

                if (r < 0)
                        break;
                if (streq(*owner, name))
                        continue;
                log_set_max_level(LOG_EMERG); /* its business; not up: nothing to show */
                fd = peer_owner_open(*owner, &o);
                log_set_max_level(level);
                if (fd < 0)
                        continue;
                for (size_t i = 0; i < o->n_links && r >= 0; i++) {
                        const struct netns_link *k = &o->links[i];
                        char a[IFNAMSIZ], b[IFNAMSIZ];

                        if (k->kind != NETNS_LINK_VETH || !streq_ptr(k->peer_namespace, name) || link_ifname(k, b) < 0)
                                continue;
                        link_peer_ifname(*owner, k, a);
                        r = peer_link_add(&l, &n, *owner, false, a, b);
                        if (r >= 0)
                                l[n - 1].peer_up = true;
                }
        }
        if (r < 0) {
                ns_peer_links_free(l, n);
                return r;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

int ns_peer_names(const char *name, char **record, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        int r;

        r = peer_index_owners(name, &l);
        if (r < 0 && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        STRV_FOREACH(line, record) {
                struct record_entry e;

                if (record_entry_parse(*line, &e, NULL) < 0 || e.key != RECORD_PEER || strv_contains(l, e.peer))
                        continue;
                if (strv_extend(&l, e.peer) < 0)
                        return -ENOMEM;
        }
        strv_sort(l);
        *ret = TAKE_PTR(l);
        return 0;
}

int ns_name_of_nsid(struct nl_sock *nl, int nsid, char **ret) {
        _cleanup_strv_free_ char **names = NULL;
        int r;

        if (nsid < 0)
                return -ENOENT;
        r = ns_names(&names);
        if (r < 0)
                return r == -ENOMEM ? r : -ENOENT;
        STRV_FOREACH(name, names) {
                _cleanup_close_ int fd = netns_open(*name);

                if (fd >= 0 && nl_netns_id(nl, fd) == nsid) {
                        *ret = strdup(*name);
                        return *ret ? 0 : -ENOMEM;
                }
        }
        return -ENOENT;
}
