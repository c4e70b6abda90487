/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link-kind.c - the table of [Link] kinds, and what every kind shares: names inside the namespace */

#include <limits.h>

#include "conf.h"
#include "link-kind.h"
#include "log.h"
#include "name.h"
#include "util.h"

/* In the order of enum netns_link_kind, which is the order messages list them in. */
static const struct link_kind *const link_kinds[_NETNS_LINK_KIND_MAX] = {
        [NETNS_LINK_PHYSICAL] = &link_kind_physical,
        [NETNS_LINK_MACVLAN] = &link_kind_macvlan,
        [NETNS_LINK_IPVLAN] = &link_kind_ipvlan,
        [NETNS_LINK_VLAN] = &link_kind_vlan,
        [NETNS_LINK_VETH] = &link_kind_veth,
        [NETNS_LINK_VXLAN] = &link_kind_vxlan,
};

const struct link_kind *link_kind_get(enum netns_link_kind kind) {
        return (unsigned) kind < _NETNS_LINK_KIND_MAX ? link_kinds[kind] : NULL;
}

enum netns_link_kind link_kind_from_name(const char *name) {
        for (size_t i = 0; i < _NETNS_LINK_KIND_MAX; i++)
                if (streq(name, link_kinds[i]->name))
                        return (enum netns_link_kind) i;
        return _NETNS_LINK_KIND_MAX;
}

const char *link_kind_names(char *buf, size_t size, const char *sep, const char *last, bool kernel) {
        const char *names[_NETNS_LINK_KIND_MAX];
        size_t n = 0, off = 0;

        for (size_t i = 0; i < _NETNS_LINK_KIND_MAX; i++)
                if (!kernel)
                        names[n++] = link_kinds[i]->name;
                else if (link_kinds[i]->kernel_kind)
                        names[n++] = link_kinds[i]->kernel_kind;
        buf[0] = 0;
        for (size_t i = 0; i < n && off < size; i++)
                off += (size_t) snprintf(buf + off, size - off, "%s%s", i == 0 ? "" : i + 1 == n ? last : sep, names[i]);
        return buf;
}

const struct link_kind *link_kind_made_by_kernel_kind(const char *kind) {
        for (size_t i = 0; i < _NETNS_LINK_KIND_MAX; i++)
                if (link_kinds[i]->kernel_kind && streq(kind, link_kinds[i]->kernel_kind))
                        return link_kinds[i];
        return NULL;
}

bool link_kernel_kind_is_stacked(const char *kind) {
        /* devices netnsctl does not make that carry their lower link's address too */
        static const char *const others[] = { "macvtap", "ipvtap", "bond", "bridge", "team" };
        const struct link_kind *k = link_kind_made_by_kernel_kind(kind);

        if (k)
                return k->stacked;
        for (size_t i = 0; i < ELEMENTSOF(others); i++)
                if (streq(kind, others[i]))
                        return true;
        return false;
}

const struct link_key *link_key_find(const struct link_kind *k, const char *key) {
        for (size_t i = 0; i < k->n_keys; i++)
                if (streq(k->keys[i].key, key))
                        return &k->keys[i];
        return NULL;
}

int link_key_set_mode(const struct link_key *lk, struct netns_link *l, const char *value) {
        for (size_t i = 0; lk->values && lk->values[i]; i++)
                if (streq(value, lk->values[i])) {
                        l->mode = (int) i;
                        return 0;
                }
        return -EINVAL;
}

int link_stable_hwaddr(const char *ns, const char *ifname, uint8_t ret[static 6]) {
        _cleanup_free_ char *id = NULL, *key = NULL;
        unsigned long long h;
        size_t n = 0;
        int r;

        r = read_full_file("/etc/machine-id", 64, &id, &n);
        if (r < 0)
                return r;
        while (n > 0 && (id[n - 1] == '\n' || id[n - 1] == ' '))
                id[--n] = 0;
        if (n != 32 || strspn(id, "0123456789abcdef") != 32)
                return -EBADMSG; /* empty (a first boot), "uninitialized", or damaged */
        key = strdup_printf("netnsctl-hwaddr/%s/%s/%s", id, ns, ifname);
        if (!key)
                return -ENOMEM;
        h = netns_name_hash(key);
        for (size_t i = 0; i < 6; i++)
                ret[i] = (uint8_t) (h >> (8 * i));
        ret[0] = (uint8_t) ((ret[0] & 0xfe) | 0x02); /* unicast, locally administered */
        return 0;
}

bool link_moves_in(const struct netns_link *l) {
        const struct link_kind *k = link_kind_get(l->kind);

        return k && k->birth == LINK_BORN_MOVED_IN;
}

const struct netns_link *link_parent_moved_in(const struct netns_config *c, const struct netns_link *l) {
        const struct netns_link *found = NULL;

        if (link_moves_in(l) || !l->parent)
                return NULL;
        for (size_t j = 0; j < c->n_links; j++)
                if (link_moves_in(&c->links[j]) && streq_ptr(c->links[j].parent, l->parent))
                        found = &c->links[j];
        return found;
}

/* PREFIX BASE SUFFIX; when that exceeds 15 characters, BASE cut and a hash of it after it */
static void name_cut(const char *prefix, const char *base, const char *suffix, char ret[static IFNAMSIZ]) {
        size_t keep;

        if (snprintf_ok(ret, IFNAMSIZ, "%s%s%s", prefix, base, suffix))
                return;
        keep = IFNAMSIZ - 1 - strlen(prefix) - strlen(suffix) - 5;
        (void) snprintf(ret, IFNAMSIZ, "%s%.*s+%04llx%s", prefix, (int) keep, base,
                        netns_name_hash(base) & 0xffffULL, suffix);
}

int link_ifname(const struct netns_link *l, char ret[static IFNAMSIZ]) {
        const struct link_kind *k = link_kind_get(l->kind);
        char suffix[8] = "";
        const char *prefix = "";

        if (l->name) {
                (void) snprintf(ret, IFNAMSIZ, "%s", l->name);
                return 0;
        }
        if (l->kind == NETNS_LINK_VETH && l->peer_namespace) {
                name_cut("", l->peer_namespace, "", ret);
                return 0;
        }
        if (k && k->default_name) {
                k->default_name(l, ret);
                return 0;
        }
        if (!l->parent)
                return -EINVAL;
        if (k && k->name_suffix)
                k->name_suffix(l, suffix, sizeof(suffix));
        if (k && k->name_prefix)
                prefix = k->name_prefix;
        name_cut(prefix, l->parent, suffix, ret);
        return 0;
}

void link_peer_ifname(const char *owner, const struct netns_link *l, char ret[static IFNAMSIZ]) {
        if (l->peer_name)
                (void) snprintf(ret, IFNAMSIZ, "%s", l->peer_name);
        else
                name_cut("", owner, "", ret);
}

static const char *where(const struct netns_link *l, char *buf, size_t size) {
        (void) snprintf(buf, size, "%s:%u", strempty(l->origin.file), l->origin.line);
        return buf;
}

int link_names_check(const struct netns_config *cfg) {
        _cleanup_free_ char *names = calloc(cfg->n_links ?: 1, IFNAMSIZ);
        const char *peer = cfg->has_veth ? cfg->veth.name ?: NETNS_PEER_NAME_DEFAULT : NULL;
        char w[PATH_MAX], w2[PATH_MAX];
        int r;

        if (!names)
                return log_oom();
        for (size_t i = 0; i < cfg->n_links; i++) {
                const struct netns_link *l = &cfg->links[i];
                char *name = names + i * IFNAMSIZ;

                r = link_ifname(l, name);
                if (r < 0)
                        return log_error_errno(r, "%s: [Link] without Parent=.", where(l, w, sizeof(w)));
                if (streq(name, "lo"))
                        return log_error_errno(EEXIST, "%s: [Link] Name=lo: \"lo\" is the namespace's loopback device.",
                                               where(l, w, sizeof(w)));
                if (peer && streq(name, peer))
                        return log_error_errno(EEXIST, "%s: [Link] device name '%s' inside namespace '%s' is taken by the veth ([Veth] Name=); set Name=.",
                                               where(l, w, sizeof(w)), name, cfg->name);
                for (size_t j = 0; j < i; j++)
                        if (streq(name, names + j * IFNAMSIZ))
                                return log_error_errno(EEXIST, "%s: [Link] device name '%s' inside namespace '%s' is taken by the [Link] at %s; set Name=.",
                                                       where(l, w, sizeof(w)), name, cfg->name,
                                                       where(&cfg->links[j], w2, sizeof(w2)));
        }
        return 0;
}
