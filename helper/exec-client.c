/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec-client.c - "netnsctl exec" as a user: ask netnsctl-execd to run the command as ourselves */

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "exec-request.h"
#include "log.h"
#include "util.h"
#include "verbs.h"

/* Signals a terminal or a supervisor sends that the command should get; the others stay ours. */
static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

/* 0, 1, 2 open (else the socket could become our "stdin", and be handed over as such) */
static void stdio_fill(void) {
        for (int fd = 0; fd < 3; fd++)
                if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
                        int n = open("/dev/null", O_RDWR | O_NOCTTY);

                        if (n >= 0 && n != fd) {
                                (void) dup2(n, fd);
                                (void) close(n);
                        }
                }
}

/* The program, absolute: as execvp() would find it in our $PATH, then realpath()'d. */
static char *find_program(const char *cmd) {
        const char *path;

        if (strchr(cmd, '/'))
                return realpath(cmd, NULL);
        path = getenv("PATH") ?: "/usr/local/bin:/usr/bin:/bin";
        while (*path) {
                size_t l = strcspn(path, ":");
                _cleanup_free_ char *p = strdup_printf("%.*s/%s", (int) l, l ? path : ".", cmd);

                if (p && access(p, X_OK) >= 0)
                        return realpath(p, NULL);
                path += l;
                if (*path == ':')
                        path++;
        }
        return NULL;
}

static int send_request(int fd, const char *payload, size_t size) {
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int) * 3)];
        } control = {};
        uint8_t hdr[4] = { size & 0xff, (size >> 8) & 0xff, (size >> 16) & 0xff, (size >> 24) & 0xff };
        struct iovec iov = { .iov_base = hdr, .iov_len = sizeof(hdr) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof(control) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        int stdio[3] = { 0, 1, 2 };
        size_t sent = 0;

        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(stdio));
        memcpy(CMSG_DATA(c), stdio, sizeof(stdio));
        if (sendmsg(fd, &mh, MSG_NOSIGNAL) != (ssize_t) sizeof(hdr))
                return -errno ?: -EIO;
        while (sent < size) {
                ssize_t n = send(fd, payload + sent, size - sent, MSG_NOSIGNAL);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                sent += (size_t) n;
        }
        return 0;
}

/* The answer line; signals meanwhile go to the service as one byte each. */
static int wait_answer(int fd, int sfd, char *line, size_t size) {
        size_t got = 0;

        for (;;) {
                struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };

                if (poll(pfd, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (pfd[1].revents & POLLIN) {
                        struct signalfd_siginfo si;

                        if (read(sfd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
                                uint8_t b = (uint8_t) si.ssi_signo;
                                (void) send(fd, &b, 1, MSG_NOSIGNAL);
                        }
                }
                if (pfd[0].revents) {
                        ssize_t n = recv(fd, line + got, size - 1 - got, 0);

                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0)
                                return -errno;
                        if (n == 0)
                                return -ECONNRESET;
                        got += (size_t) n;
                        line[got] = 0;
                        if (strchr(line, '\n') || got == size - 1) {
                                line[strcspn(line, "\n")] = 0;
                                return 0;
                        }
                }
        }
}

int exec_client(const char *name, char **cmd) {
        struct exec_request req = { .name = (char *) name, .argv = cmd };
        _cleanup_free_ char *exe = NULL, *cwd = NULL, *payload = NULL;
        _cleanup_strv_free_ char **env = NULL;
        struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = EXEC_SOCKET_PATH };
        _cleanup_close_ int fd = -1, sfd = -1;
        char line[1024];
        sigset_t mask;
        size_t size;
        int r, status;

        stdio_fill();
        exe = find_program(cmd[0]);
        if (!exe) {
                log_error("%s: command not found.", cmd[0]);
                return 127;
        }
        cwd = get_current_dir_name();
        for (char **e = environ; *e; e++)
                if (exec_env_allowed(*e) && strv_extend(&env, *e) < 0)
                        return log_oom();
        req.exe = exe;
        req.cwd = cwd ?: (char *) "/";
        req.env = env;
        r = exec_request_format(&req, &payload, &size);
        if (r == -E2BIG)
                return log_error_errno(r, "exec: the command line and environment are too long (more than %u bytes).",
                                       EXEC_REQUEST_SIZE_MAX);
        if (r < 0)
                return log_oom();

        sigemptyset(&mask);
        for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
                sigaddset(&mask, forwarded_signals[i]);
        /* from now on a signal is queued for the command, not the end of us */
        (void) sigprocmask(SIG_BLOCK, &mask, NULL);
        sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || sfd < 0)
                return log_error_errno(errno, "exec: failed to create a socket: %m");
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                if (errno == ENOENT || errno == ECONNREFUSED)
                        return log_error_errno(errno, "netnsctl exec needs root, or netnsctl-exec.socket running for users "
                                               "(%s: %m).", EXEC_SOCKET_PATH);
                return log_error_errno(errno, "exec: failed to connect to %s: %m", EXEC_SOCKET_PATH);
        }
        r = send_request(fd, payload, size);
        if (r < 0)
                return log_error_errno(r, "exec: failed to send the request: %m");
        r = wait_answer(fd, sfd, line, sizeof(line));
        if (r < 0)
                return log_error_errno(r, "exec: netnsctl-execd ended without an answer: %m");
        if (sscanf(line, "exit %d", &status) == 1 && status >= 0 && status < 256)
                return status;
        if (sscanf(line, "signal %d", &status) == 1 && status > 0 && status < 128)
                return 128 + status;
        if (startswith(line, "error "))
                log_error("exec: %s", line + 6);
        else
                log_error("exec: unexpected answer from netnsctl-execd: %s", line);
        return -EPROTO;
}
