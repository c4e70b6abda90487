/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* connrate.c - new TCP connections per second through a port forward: a connect/close client and an accept/close server */

/*
 * NAT rules are evaluated on a connection's first packet only, so bulk throughput hides
 * what they cost; the rate of new connections shows it. The client opens a connection,
 * closes it at once with a reset (SO_LINGER 0: no TIME_WAIT, so the ephemeral ports last a
 * run of any length), and counts the handshakes that completed in a fixed time. The server
 * accepts and closes, nothing else.
 *
 *   connrate server PORT                 listen on [::]:PORT (IPv4 too), until killed
 *   connrate client ADDR PORT SECONDS    print "connections=N seconds=S rate=R failed=F"
 *
 * Exit status: 0, or 1 with a message (bad arguments, or no connection completed at all).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int parse_port(const char *s, unsigned short *ret) {
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno || *end || v == 0 || v > 65535)
                return -EINVAL;
        *ret = (unsigned short) v;
        return 0;
}

static int run_server(unsigned short port) {
        struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT };
        int fd, one = 1, zero = 0;

        fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                perror("connrate server: socket");
                return 1;
        }
        (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, 4096) < 0) {
                fprintf(stderr, "connrate server: cannot listen on port %u: %s\n", port, strerror(errno));
                return 1;
        }
        for (;;) {
                int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

                if (c >= 0)
                        (void) close(c);
                else if (errno != EINTR && errno != ECONNABORTED && errno != EMFILE && errno != ENFILE) {
                        perror("connrate server: accept");
                        return 1;
                }
        }
}

static int run_client(const char *addr, unsigned short port, double seconds) {
        struct sockaddr_storage ss = {};
        struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
        struct linger reset = { .l_onoff = 1, .l_linger = 0 };
        unsigned long long ok = 0, failed = 0;
        socklen_t len;
        double start, end, t;
        int family, first_error = 0;

        if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
                family = sin->sin_family = AF_INET;
                sin->sin_port = htons(port);
                len = sizeof(*sin);
        } else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
                family = sin6->sin6_family = AF_INET6;
                sin6->sin6_port = htons(port);
                len = sizeof(*sin6);
        } else {
                fprintf(stderr, "connrate client: '%s' is no IPv4 or IPv6 address\n", addr);
                return 1;
        }

        start = now();
        end = start + seconds;
        do {
                int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

                if (fd < 0) {
                        perror("connrate client: socket");
                        return 1;
                }
                (void) setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
                if (connect(fd, (struct sockaddr *) &ss, len) == 0)
                        ok++;
                else {
                        if (!first_error)
                                first_error = errno;
                        failed++;
                }
                (void) close(fd);
                t = now();
        } while (t < end);

        printf("connections=%llu seconds=%.3f rate=%.0f failed=%llu\n", ok, t - start, (double) ok / (t - start), failed);
        if (ok == 0) {
                fprintf(stderr, "connrate client: no connection to %s port %u completed: %s\n", addr, port,
                        strerror(first_error));
                return 1;
        }
        return 0;
}

int main(int argc, char *argv[]) {
        unsigned short port;
        char *end;
        double seconds;

        if (argc == 3 && strcmp(argv[1], "server") == 0 && parse_port(argv[2], &port) == 0)
                return run_server(port);
        if (argc == 5 && strcmp(argv[1], "client") == 0 && parse_port(argv[3], &port) == 0) {
                seconds = strtod(argv[4], &end);
                if (*end == 0 && seconds > 0 && seconds <= 3600)
                        return run_client(argv[2], port, seconds);
        }
        fprintf(stderr, "Usage: %s server PORT\n       %s client ADDR PORT SECONDS\n", argv[0], argv[0]);
        return 1;
}
