/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nl.c - rtnetlink over libmnl: one socket per namespace, one builder per message */

#include <linux/netlink.h>
#include <net/if.h>
#include <time.h>

#include "log.h"
#include "nl.h"
#include "ns.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

struct open_args {
        struct mnl_socket *mnl;
};

static int open_cb(void *userdata) {
        struct open_args *a = userdata;

        a->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        return a->mnl ? 0 : negative_errno();
}

int nl_open(int netns_fd, struct nl_sock **ret) {
        struct open_args a = {};
        struct nl_sock *s;
        int one = 1, r;

        r = netns_run_in(netns_fd, open_cb, &a);
        if (r < 0)
                return r;
        s = calloc(1, sizeof(*s));
        if (!s) {
                mnl_socket_close(a.mnl);
                return -ENOMEM;
        }
        s->mnl = a.mnl;
        s->buf_size = MNL_SOCKET_BUFFER_SIZE > 32768 ? MNL_SOCKET_BUFFER_SIZE : 32768;
        s->buf = malloc(s->buf_size);
        if (!s->buf) {
                nl_close(s);
                return -ENOMEM;
        }
        (void) mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
        (void) mnl_socket_setsockopt(s->mnl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
        if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
                r = negative_errno();
                nl_close(s);
                return r;
        }
        s->portid = mnl_socket_get_portid(s->mnl);
        s->seq = (uint32_t) time(NULL);
        *ret = s;
        return 0;
}

void nl_close(struct nl_sock *s) {
        if (!s)
                return;
        if (s->mnl)
                mnl_socket_close(s->mnl);
        free(s->buf);
        free(s);
}

struct nlmsghdr *nl_msg_new(struct nl_sock *s, void *buf, uint16_t type, uint16_t flags) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
        nlh->nlmsg_seq = ++s->seq;
        return nlh;
}

/* Pull NLMSGERR_ATTR_MSG out of an error message carrying an extended ACK. */
static void parse_extack(struct nl_sock *s, const struct nlmsghdr *nlh) {
        const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *attr;
        size_t off = sizeof(*err);

        if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
                return;
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
                off += mnl_nlmsg_get_payload_len(&err->msg);
        if (mnl_nlmsg_get_payload_len(nlh) < off)
                return;
        const void *payload = (const char *) err + off;

        mnl_attr_for_each_payload(payload, mnl_nlmsg_get_payload_len(nlh) - off) {
                if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
                        (void) snprintf(s->extack, sizeof(s->extack), "%s", mnl_attr_get_str(attr));
                        return;
                }
        }
}

int nl_call(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data) {
        uint32_t seq = nlh->nlmsg_seq;
        int r = MNL_CB_OK;

        s->extack[0] = 0;
        if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
                return negative_errno();

        for (;;) {
                ssize_t n = mnl_socket_recvfrom(s->mnl, s->buf, s->buf_size);
                const struct nlmsghdr *h;
                size_t len;

                if (n < 0)
                        return negative_errno();
                len = (size_t) n;
                /* Walk the messages ourselves rather than through mnl_cb_run(), which turns
                 * NLMSG_ERROR into errno but drops the extended ACK text. */
                for (h = (const struct nlmsghdr *) s->buf; mnl_nlmsg_ok(h, (int) len);
                     h = mnl_nlmsg_next(h, (int *) &len)) {
                        if (h->nlmsg_seq != seq || h->nlmsg_pid != s->portid)
                                continue;
                        if (h->nlmsg_type == NLMSG_ERROR) {
                                const struct nlmsgerr *err = mnl_nlmsg_get_payload(h);

                                if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
                                        return -EBADMSG;
                                if (err->error != 0)
                                        parse_extack(s, h);
                                /* an ACK (error 0) ends a request; a dump ends with NLMSG_DONE */
                                return err->error < 0 ? err->error : r;
                        }
                        if (h->nlmsg_type == NLMSG_DONE)
                                return r;
                        if (cb) {
                                r = cb(h, data);
                                if (r == MNL_CB_ERROR)
                                        return -EIO;
                                if (r == MNL_CB_STOP)
                                        return 0;
                        }
                }
        }
}

static int ifindex_cb(const struct nlmsghdr *h, void *data) {
        if (h->nlmsg_type == RTM_NEWLINK)
                *(int *) data = ((const struct ifinfomsg *) mnl_nlmsg_get_payload(h))->ifi_index;
        return MNL_CB_OK;
}

int nl_link_ifindex(struct nl_sock *s, const char *name) {
        char buf[512];
        struct nlmsghdr *nlh = nl_msg_new(s, buf, RTM_GETLINK, 0);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        int idx = 0, r;

        ifi->ifi_family = AF_UNSPEC;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        /* the link comes back as one RTM_NEWLINK before the ACK */
        r = nl_call(s, nlh, ifindex_cb, &idx);
        if (r == -ENODEV || (r >= 0 && idx <= 0))
                return -ENODEV;
        if (r < 0)
                return r;
        return idx;
}

int nl_link_set_up(struct nl_sock *s, int ifindex) {
        char buf[512];
        struct nlmsghdr *nlh = nl_msg_new(s, buf, RTM_NEWLINK, 0);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        return nl_call(s, nlh, NULL, NULL);
}

const char *nl_extack(const struct nl_sock *s) {
        static char out[300];

        if (!s->extack[0])
                return "";
        (void) snprintf(out, sizeof(out), " (kernel: %s)", s->extack);
        return out;
}
