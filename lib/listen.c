/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* listen.c - the sockets listening in the caller's network namespace: TCP by sock_diag, UDP and SCTP as /proc/net lists them */

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <stdio.h>

#include "listen.h"
#include "nl.h"
#include "proc.h"
#include "util.h"

#define TCP_LISTEN 0x0A
#define TCP_CLOSE 0x07  /* what an unconnected UDP socket shows */

static bool addr_is_any(int family, const union in_addr_union *a) {
        static const union in_addr_union zero;

        return memcmp(a, &zero, family == AF_INET ? 4 : 16) == 0;
}

static bool addr_is_v4mapped(const union in_addr_union *a, const union in_addr_union *v4) {
        static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

        return memcmp(a->bytes, prefix, sizeof(prefix)) == 0 && memcmp(a->bytes + 12, v4->bytes, 4) == 0;
}

/* Does a forward of @p take traffic that @l would get? */
static bool covers(const struct netns_port *p, const struct listener *l) {
        if (l->protocol != p->protocol || l->port < p->host_port || l->port > p->host_port_end)
                return false;
        if (p->host_family == AF_UNSPEC)
                return true; /* every local address of the host */
        if (addr_is_any(l->family, &l->addr))
                return l->family == p->host_family || (l->family == AF_INET6 && p->host_family == AF_INET);
        if (l->family == p->host_family)
                return memcmp(&l->addr, &p->host_addr, l->family == AF_INET ? 4 : 16) == 0;
        return l->family == AF_INET6 && addr_is_v4mapped(&l->addr, &p->host_addr);
}

/* /proc/net/tcp's hex address: 32-bit words, each printed as the host reads it */
static int parse_hex_addr(const char *s, int family, union in_addr_union *ret) {
        size_t words = family == AF_INET ? 1 : 4;

        if (strlen(s) != words * 8)
                return -EINVAL;
        for (size_t i = 0; i < words; i++) {
                char w[9];
                uint32_t v;

                memcpy(w, s + i * 8, 8);
                w[8] = 0;
                v = (uint32_t) strtoul(w, NULL, 16);
                memcpy(ret->bytes + i * 4, &v, 4);
        }
        return 0;
}

static int scan_inet(const char *path, uint8_t protocol, int family, const struct netns_port *p, struct listener *ret) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char line[512];

        if (!f)
                return errno == ENOENT ? 0 : -errno; /* no IPv6 in this kernel, say */
        if (!fgets(line, sizeof(line), f))
                return 0; /* the header */
        while (fgets(line, sizeof(line), f)) {
                char local[33], remote[33];
                unsigned lport, rport, state;
                unsigned long long inode;
                struct listener l = { .protocol = protocol, .family = family };

                if (sscanf(line, " %*u: %32[0-9A-Fa-f]:%X %32[0-9A-Fa-f]:%X %X %*s %*s %*s %*u %*u %llu",
                           local, &lport, remote, &rport, &state, &inode) != 6)
                        continue;
                if (protocol == IPPROTO_TCP ? state != TCP_LISTEN : (state != TCP_CLOSE || rport != 0))
                        continue;
                if (parse_hex_addr(local, family, &l.addr) < 0)
                        continue;
                l.port = (uint16_t) lport;
                l.inode = inode;
                if (covers(p, &l)) {
                        *ret = l;
                        return 1;
                }
        }
        return 0;
}

/* /proc/net/sctp/eps: "ENDPT SOCK STY SST HBKT LPORT UID INODE LADDRS...", the addresses as text */
static int scan_sctp(const struct netns_port *p, struct listener *ret) {
        _cleanup_fclose_ FILE *f = fopen("/proc/net/sctp/eps", "re");
        char line[1024];

        if (!f)
                return errno == ENOENT ? 0 : -errno; /* no SCTP loaded: nobody listens */
        if (!fgets(line, sizeof(line), f))
                return 0;
        while (fgets(line, sizeof(line), f)) {
                unsigned lport;
                unsigned long long inode;
                int off = 0;

                if (sscanf(line, " %*s %*s %*u %*u %*u %u %*u %llu %n", &lport, &inode, &off) != 2 || off == 0)
                        continue;
                for (char *save = NULL, *a = strtok_r(line + off, " \t\n", &save); a; a = strtok_r(NULL, " \t\n", &save)) {
                        struct listener l = { .protocol = IPPROTO_SCTP, .port = (uint16_t) lport, .inode = inode };

                        l.family = strchr(a, ':') ? AF_INET6 : AF_INET;
                        if (inet_pton(l.family, a, &l.addr) != 1)
                                continue;
                        if (covers(p, &l)) {
                                *ret = l;
                                return 1;
                        }
                }
        }
        return 0;
}

struct diag_find {
        const struct netns_port *port;
        int family;
        struct listener *ret;
        bool found;
};

static int diag_cb(const struct nlmsghdr *h, void *data) {
        struct diag_find *d = data;
        const struct inet_diag_msg *m;
        struct listener l = { .protocol = IPPROTO_TCP, .family = d->family };

        if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || d->found ||
            mnl_nlmsg_get_payload_len(h) < sizeof(struct inet_diag_msg))
                return MNL_CB_OK;
        m = mnl_nlmsg_get_payload(h);
        if (m->idiag_family != d->family)
                return MNL_CB_OK;
        memcpy(l.addr.bytes, m->id.idiag_src, d->family == AF_INET ? 4 : 16);
        l.port = ntohs(m->id.idiag_sport);
        l.inode = m->idiag_inode;
        if (covers(d->port, &l)) {
                *d->ret = l;
                d->found = true;
        }
        return MNL_CB_OK;
}

/*
 * The TCP listeners of one family, from the kernel's sock_diag: asked for listening sockets only,
 * the kernel walks only its table of listeners. /proc/net/tcp walks the table of every
 * connection of every namespace (sized by the machine's memory: milliseconds per read on a big
 * host, at every "up" with a Port=). Return: 1 found, 0 none, -errno when sock_diag cannot answer.
 */
static int scan_tcp_diag(int family, const struct netns_port *p, struct listener *ret) {
        _cleanup_nl_close_ struct nl_sock *s = NULL;
        _cleanup_free_ char *buf = malloc(NL_BUFFER_SIZE);
        struct diag_find d = { .port = p, .family = family, .ret = ret };
        struct inet_diag_req_v2 *req;
        struct nlmsghdr *nlh;
        int r;

        if (!buf)
                return -ENOMEM;
        r = nl_open_protocol(-1, NETLINK_SOCK_DIAG, &s);
        if (r < 0)
                return r;
        nlh = nl_msg_new(s, buf, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP);
        req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
        req->sdiag_family = (uint8_t) family;
        req->sdiag_protocol = IPPROTO_TCP;
        req->idiag_states = 1U << TCP_LISTEN;
        r = nl_call(s, nlh, diag_cb, &d);
        if (r < 0)
                return r;
        return d.found;
}

/* What /proc/net/{tcp,udp}{,6} list */
static int scan_proc(uint8_t protocol, const struct netns_port *p, struct listener *ret) {
        bool tcp = protocol == IPPROTO_TCP;
        int r = scan_inet(tcp ? "/proc/net/tcp" : "/proc/net/udp", protocol, AF_INET, p, ret);

        if (r != 0)
                return r;
        return scan_inet(tcp ? "/proc/net/tcp6" : "/proc/net/udp6", protocol, AF_INET6, p, ret);
}

int listener_find(const struct netns_port *port, struct listener *ret) {
        int r;

        switch (port->protocol) {
        case IPPROTO_TCP:
                r = scan_tcp_diag(AF_INET, port, ret);
                if (r == 0)
                        r = scan_tcp_diag(AF_INET6, port, ret);
                if (r >= 0 || r == -ENOMEM)
                        return r;
                /* no sock_diag for TCP in this kernel: what /proc says */
                return scan_proc(IPPROTO_TCP, port, ret);
        case IPPROTO_UDP:
                return scan_proc(IPPROTO_UDP, port, ret);
        case IPPROTO_SCTP:
                return scan_sctp(port, ret);
        default:
                return 0;
        }
}

char *listener_describe(const struct listener *l) {
        _cleanup_free_ char *who = NULL;
        char addr[INET6_ADDRSTRLEN] = "?";
        pid_t pid = l->inode ? proc_socket_owner(l->inode) : 0;

        (void) inet_ntop(l->family, &l->addr, addr, sizeof(addr));
        if (pid > 0) {
                _cleanup_free_ char *comm = proc_comm(pid);

                who = strdup_printf("%s (PID %d)", comm ?: "?", (int) pid);
        } else
                who = strdup("a process netnsctl cannot see");
        if (!who)
                return NULL;
        return strdup_printf("%s on %s%s%s:%u", who, l->family == AF_INET6 ? "[" : "", addr,
                             l->family == AF_INET6 ? "]" : "", l->port);
}
