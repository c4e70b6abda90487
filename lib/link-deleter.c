/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link-deleter.c - delete a link in a detached process, return when the kernel announces it gone */

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "link-deleter.h"

/*
 * RTM_DELLINK returns only when the device is freed. The part anyone can see is quick: under
 * the RTNL lock the kernel unlists the link, flushes its addresses, routes and sysctls, and
 * announces RTM_DELLINK (about a millisecond). Then the caller waits in netdev_run_todo() for
 * an RCU barrier and the device's last references (15-35 ms here), which nobody can observe.
 *
 * So link_delete_detached() hands the request to a detached process (the deleter) and
 * returns as soon as the kernel announces the link gone: from then on the host is exactly as after a synchronous
 * delete, and the name is free for the next "up" (whose requests queue behind the deleter's
 * RTNL section anyway). Nothing is left to chance or to the namespace's destruction:
 *  - the deleter is a grandchild (no zombie for a long-running caller such as gc), in a
 *    session of its own (no terminal's signal reaches it), ignores SIGTERM (under systemd it
 *    stays in the unit's cgroup, and the stop job waits for it: milliseconds), and keeps no
 *    fd of the caller's but a pipe, whose EOF says it is done or dead;
 *  - should it die before its request (SIGKILL), the EOF comes without the announcement,
 *    and the caller deletes the link itself after all.
 * It also keeps the caller's netfilter netlink sockets: the kernel makes whoever closes the
 * last reference to one wait for the RCU grace period of the nftables deletions just made
 * (NETLINK_URELEASE flushes the destroy work; "down" removes the namespace's NAT elements a
 * moment before its veth). The deleter closes them when it exits, so the caller's exit does not wait. */

struct dellink_wait {
        int ifindex;
        bool gone;
};

static int dellink_cb(const struct nlmsghdr *h, void *data) {
        struct dellink_wait *w = data;
        const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);

        /* AF_BRIDGE DELLINKs announce a port leaving its bridge, not the link's end */
        if (h->nlmsg_type == RTM_DELLINK && mnl_nlmsg_get_payload_len(h) >= sizeof(*ifi) &&
            ifi->ifi_family == AF_UNSPEC && ifi->ifi_index == w->ifindex)
                w->gone = true;
        return MNL_CB_OK;
}

static bool is_nfnl_socket(int fd) {
        int v = 0;
        socklen_t len = sizeof(v);

        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) < 0 || v != AF_NETLINK)
                return false;
        len = sizeof(v);
        return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) >= 0 && v == NETLINK_NETFILTER;
}

/* In the deleter: stdin/out/err on /dev/null (a caller reading our output sees its end now),
 * every other fd closed but @keep and the netfilter netlink sockets. */
static void deleter_fds(int keep) {
        DIR *d;
        struct dirent *de;
        int null;

        null = open("/dev/null", O_RDWR | O_CLOEXEC);
        for (int i = 0; i < 3; i++)
                if (null >= 0 && null != i)
                        (void) dup2(null, i);
        if (null > 2)
                (void) close(null);

        d = opendir("/proc/self/fd");
        if (!d) {
                /* no /proc: close all but @keep (above stdio: the pipe was made after it) */
                if (keep > 3)
                        (void) close_range(3, (unsigned) keep - 1, 0);
                (void) close_range((unsigned) keep + 1, ~0U, 0);
                return;
        }
        while ((de = readdir(d))) {
                int fd = atoi(de->d_name); /* "." and ".." give 0 */

                if (fd < 3 || fd == keep || fd == dirfd(d) || is_nfnl_socket(fd))
                        continue;
                (void) close(fd);
        }
        (void) closedir(d);
}

/* The deleter's body: delete link @ifindex, exit. Never returns. */
_noreturn_ static void deleter(int ifindex, int done_fd) {
        char buf[256] = {};
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
        struct nlmsghdr *nlh;
        struct ifinfomsg *ifi;
        int fd;

        (void) setsid();
        (void) signal(SIGTERM, SIG_IGN);
        (void) signal(SIGINT, SIG_IGN);
        (void) signal(SIGHUP, SIG_IGN);
        (void) signal(SIGPIPE, SIG_IGN);
        deleter_fds(done_fd);

        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
                _exit(EXIT_FAILURE);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_DELLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST; /* no ACK: nobody reads it; the announcement tells */
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        /* returns when the kernel is done with the device, RCU barrier included */
        if (sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                _exit(EXIT_FAILURE);
        _exit(EXIT_SUCCESS);
}

/* Whether link @ifindex exists: 1, 0, -errno */
static int link_exists(struct nl_sock *nl, int ifindex) {
        char buf[512];
        struct nlmsghdr *nlh = nl_msg_new(nl, buf, RTM_GETLINK, 0);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        int r;

        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        r = nl_call(nl, nlh, NULL, NULL);
        if (r == -ENODEV)
                return 0;
        return r < 0 ? r : 1;
}

int link_delete_detached(struct nl_sock *nl, int ifindex) {
        _cleanup_close_ int done_r = -1, done_w = -1;
        struct mnl_socket *mon;
        struct dellink_wait w = { .ifindex = ifindex };
        bool ended = false;
        int fds[2], status, r;
        pid_t pid;

        /* subscribed before the request is made, so its announcement cannot be missed */
        mon = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (!mon)
                return negative_errno();
        if (mnl_socket_bind(mon, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0 || pipe2(fds, O_CLOEXEC) < 0) {
                r = negative_errno();
                goto out;
        }
        done_r = fds[0];
        done_w = fds[1];

        pid = fork();
        if (pid < 0) {
                r = negative_errno();
                goto out;
        }
        if (pid == 0) {
                pid_t grandchild = fork();

                if (grandchild == 0)
                        deleter(ifindex, done_w);
                _exit(grandchild < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
        }
        done_w = safe_close(done_w);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) {
                        r = negative_errno();
                        goto out;
                }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != EXIT_SUCCESS) {
                r = -ECHILD; /* no deleter */
                goto out;
        }

        while (!w.gone && !ended) {
                struct pollfd p[2] = {
                        { .fd = mnl_socket_get_fd(mon), .events = POLLIN },
                        { .fd = done_r, .events = POLLIN },
                };
                char buf[16384];
                ssize_t k;

                if (poll(p, ELEMENTSOF(p), -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                /* on ENOBUFS (announcements lost) the loop goes on until the deleter's end */
                while (!w.gone && (k = recv(p[0].fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
                        (void) mnl_cb_run(buf, (size_t) k, 0, 0, dellink_cb, &w);
                ended = p[1].revents != 0;
        }
        if (w.gone)
                r = 1;
        else {
                /* the deleter ended (done, or killed before its request) unannounced */
                r = link_exists(nl, ifindex);
                r = r == 0;
        }
out:
        mnl_socket_close(mon);
        return r;
}

