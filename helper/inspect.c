/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* inspect.c - what list, status, monitor and gc look at: pins, records, processes, units, rtnetlink dumps */

#include <dirent.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <sys/stat.h>

#include "inspect.h"
#include "log.h"
#include "name.h"
#include "ns.h"
#include "record.h"
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

/* --- rtnetlink dumps --- */

struct dump_arr {
        void **arr;
        size_t *n;
        size_t size;
};

static int attr_cb(const struct nlattr *attr, void *data) {
        const struct nlattr **tb = data;

        /* the callers size @tb for the largest type of their family; unknown types are skipped */
        tb[mnl_attr_get_type(attr)] = attr;
        return MNL_CB_OK;
}

static int attr_cb_max(const struct nlattr *attr, void *data, uint16_t max) {
        if (mnl_attr_get_type(attr) > max)
                return MNL_CB_OK;
        return attr_cb(attr, data);
}

static int link_attr_cb(const struct nlattr *attr, void *data) {
        return attr_cb_max(attr, data, IFLA_MAX);
}

static int linkinfo_attr_cb(const struct nlattr *attr, void *data) {
        return attr_cb_max(attr, data, IFLA_INFO_MAX);
}

static int addr_attr_cb(const struct nlattr *attr, void *data) {
        return attr_cb_max(attr, data, IFA_MAX);
}

static int route_attr_cb(const struct nlattr *attr, void *data) {
        return attr_cb_max(attr, data, RTA_MAX);
}

int rt_link_parse(const struct nlmsghdr *h, struct rt_link *ret) {
        const struct nlattr *tb[IFLA_MAX + 1] = {};
        const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
        struct rt_link *l = ret;

        if ((h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) || mnl_nlmsg_get_payload_len(h) < sizeof(*ifi))
                return -EBADMSG;
        if (mnl_attr_parse(h, sizeof(*ifi), link_attr_cb, tb) < 0)
                return -EBADMSG;
        *l = (struct rt_link) { .ifindex = ifi->ifi_index, .flags = ifi->ifi_flags, .link_netnsid = -1 };
        if (tb[IFLA_IFNAME] && mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) >= 0)
                (void) snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
        if (tb[IFLA_MTU] && mnl_attr_validate(tb[IFLA_MTU], MNL_TYPE_U32) >= 0)
                l->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
        if (tb[IFLA_OPERSTATE] && mnl_attr_validate(tb[IFLA_OPERSTATE], MNL_TYPE_U8) >= 0)
                l->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
        if (tb[IFLA_LINK_NETNSID] && mnl_attr_validate(tb[IFLA_LINK_NETNSID], MNL_TYPE_U32) >= 0)
                l->link_netnsid = (int) (int32_t) mnl_attr_get_u32(tb[IFLA_LINK_NETNSID]);
        if (tb[IFLA_LINK] && mnl_attr_validate(tb[IFLA_LINK], MNL_TYPE_U32) >= 0)
                l->link = (int) mnl_attr_get_u32(tb[IFLA_LINK]);
        if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
                const uint8_t *m = mnl_attr_get_payload(tb[IFLA_ADDRESS]);

                (void) snprintf(l->mac, sizeof(l->mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
        }
        if (tb[IFLA_LINKINFO]) {
                const struct nlattr *info[IFLA_INFO_MAX + 1] = {};

                if (mnl_attr_parse_nested(tb[IFLA_LINKINFO], linkinfo_attr_cb, info) >= 0 && info[IFLA_INFO_KIND] &&
                    mnl_attr_validate(info[IFLA_INFO_KIND], MNL_TYPE_STRING) >= 0)
                        (void) snprintf(l->kind, sizeof(l->kind), "%.*s",
                                        (int) strnlen(mnl_attr_get_payload(info[IFLA_INFO_KIND]),
                                                      mnl_attr_get_payload_len(info[IFLA_INFO_KIND])),
                                        (const char *) mnl_attr_get_payload(info[IFLA_INFO_KIND]));
        }
        return 0;
}

static int link_cb(const struct nlmsghdr *h, void *data) {
        struct dump_arr *d = data;
        struct rt_link l, *p;

        if (h->nlmsg_type != RTM_NEWLINK || rt_link_parse(h, &l) < 0)
                return MNL_CB_OK;
        p = array_append(d->arr, d->n, d->size);
        if (!p)
                return MNL_CB_ERROR;
        *p = l;
        return MNL_CB_OK;
}

static size_t family_addr_len(int family) {
        return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static int addr_cb(const struct nlmsghdr *h, void *data) {
        const struct nlattr *tb[IFA_MAX + 1] = {};
        const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
        struct dump_arr *d = data;
        const struct nlattr *a;
        struct rt_addr *e;
        size_t alen;

        if (h->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(h) < sizeof(*ifa))
                return MNL_CB_OK;
        alen = family_addr_len(ifa->ifa_family);
        if (alen == 0)
                return MNL_CB_OK;
        if (mnl_attr_parse(h, sizeof(*ifa), addr_attr_cb, tb) < 0)
                return MNL_CB_ERROR;
        /* IFA_LOCAL is the address itself; IFA_ADDRESS is the peer on point-to-point links */
        a = tb[IFA_LOCAL] ?: tb[IFA_ADDRESS];
        if (!a || mnl_attr_get_payload_len(a) != alen)
                return MNL_CB_OK;
        e = array_append(d->arr, d->n, d->size);
        if (!e)
                return MNL_CB_ERROR;
        *e = (struct rt_addr) {
                .ifindex = (int) ifa->ifa_index,
                .prefix = { .family = ifa->ifa_family, .prefixlen = ifa->ifa_prefixlen },
                .scope = ifa->ifa_scope,
        };
        memcpy(&e->prefix.addr, mnl_attr_get_payload(a), alen);
        return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *h, void *data) {
        const struct nlattr *tb[RTA_MAX + 1] = {};
        const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);
        struct dump_arr *d = data;
        struct rt_route *e;
        size_t alen;

        if (h->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(h) < sizeof(*rtm))
                return MNL_CB_OK;
        alen = family_addr_len(rtm->rtm_family);
        if (alen == 0 || (rtm->rtm_flags & RTM_F_CLONED))
                return MNL_CB_OK;
        if (mnl_attr_parse(h, sizeof(*rtm), route_attr_cb, tb) < 0)
                return MNL_CB_ERROR;
        e = array_append(d->arr, d->n, d->size);
        if (!e)
                return MNL_CB_ERROR;
        *e = (struct rt_route) {
                .family = rtm->rtm_family,
                .dst = { .family = rtm->rtm_family, .prefixlen = rtm->rtm_dst_len },
                .table = rtm->rtm_table,
                .protocol = rtm->rtm_protocol,
                .type = rtm->rtm_type,
        };
        if (tb[RTA_TABLE] && mnl_attr_validate(tb[RTA_TABLE], MNL_TYPE_U32) >= 0)
                e->table = mnl_attr_get_u32(tb[RTA_TABLE]);
        if (tb[RTA_DST] && mnl_attr_get_payload_len(tb[RTA_DST]) == alen)
                memcpy(&e->dst.addr, mnl_attr_get_payload(tb[RTA_DST]), alen);
        if (tb[RTA_GATEWAY] && mnl_attr_get_payload_len(tb[RTA_GATEWAY]) == alen) {
                memcpy(&e->gateway, mnl_attr_get_payload(tb[RTA_GATEWAY]), alen);
                e->has_gateway = true;
        }
        if (tb[RTA_OIF] && mnl_attr_validate(tb[RTA_OIF], MNL_TYPE_U32) >= 0)
                e->oif = (int) mnl_attr_get_u32(tb[RTA_OIF]);
        return MNL_CB_OK;
}

static int dump(struct nl_sock *s, uint16_t type, size_t hdr, mnl_cb_t cb, struct dump_arr *d) {
        char buf[256];
        struct nlmsghdr *nlh = nl_msg_new(s, buf, type, NLM_F_DUMP);
        int r;

        /* an all-zero header: every family, every link (RTM_GETLINK wants IFLA_EXT_MASK for VF info only) */
        (void) mnl_nlmsg_put_extra_header(nlh, hdr);
        r = nl_call(s, nlh, cb, d);
        return r < 0 ? r : 0;
}

int rt_dump_links(struct nl_sock *s, struct rt_link **ret, size_t *ret_n) {
        struct dump_arr d = { .arr = (void **) ret, .n = ret_n, .size = sizeof(**ret) };

        return dump(s, RTM_GETLINK, sizeof(struct ifinfomsg), link_cb, &d);
}

int rt_dump_addrs(struct nl_sock *s, struct rt_addr **ret, size_t *ret_n) {
        struct dump_arr d = { .arr = (void **) ret, .n = ret_n, .size = sizeof(**ret) };

        return dump(s, RTM_GETADDR, sizeof(struct ifaddrmsg), addr_cb, &d);
}

int rt_dump_routes(struct nl_sock *s, struct rt_route **ret, size_t *ret_n) {
        struct dump_arr d = { .arr = (void **) ret, .n = ret_n, .size = sizeof(**ret) };

        return dump(s, RTM_GETROUTE, sizeof(struct rtmsg), route_cb, &d);
}

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
