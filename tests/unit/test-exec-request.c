/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-exec-request.c - the request of an unprivileged "netnsctl exec": allow-list, rules, round trip */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec-request.h"
#include "macro.h"
#include "tap.h"

/* ITEMS separated by '|' become NUL-terminated items */
static int parse(const char *items, struct exec_request *req, const char **reason) {
        size_t n = strlen(items) + 1;
        char *buf = malloc(n);
        int r;

        memcpy(buf, items, n);
        for (size_t i = 0; i < n; i++)
                if (buf[i] == '|')
                        buf[i] = 0;
        r = exec_request_parse(buf, n, req, reason);
        free(buf);
        return r;
}

static bool refused(const char *items, const char *why) {
        struct exec_request req = {};
        const char *reason = NULL;
        int r = parse(items, &req, &reason);

        if (r == 0)
                exec_request_done(&req);
        if (r != -EBADMSG || !reason || !strstr(reason, why)) {
                printf("# '%s': r=%d reason='%s', expected '%s'\n", items, r, reason ?: "", why);
                return false;
        }
        return true;
}

#define BASE "netnsctl-exec/1|name=vpn|cwd=/home/alice|exe=/usr/bin/id|arg=id"

static void test_env_allowed(void) {
        CHECK(exec_env_allowed("DISPLAY=:0"));
        CHECK(exec_env_allowed("WAYLAND_DISPLAY=wayland-0"));
        CHECK(exec_env_allowed("XDG_RUNTIME_DIR=/run/user/1000"));
        CHECK(exec_env_allowed("LC_ALL=C.UTF-8"));
        CHECK(exec_env_allowed("LC_TIME=de_DE.UTF-8"));
        CHECK(exec_env_allowed("PATH=/usr/bin:/bin"));
        CHECK(exec_env_allowed("TERM="));
        CHECK(!exec_env_allowed("LC_=x"));
        CHECK(!exec_env_allowed("LD_PRELOAD=/tmp/x.so"));
        CHECK(!exec_env_allowed("LD_LIBRARY_PATH=/tmp"));
        CHECK(!exec_env_allowed("GCONV_PATH=/tmp"));
        CHECK(!exec_env_allowed("PYTHONPATH=/tmp"));
        CHECK(!exec_env_allowed("DISPLAYX=:0"));
        CHECK(!exec_env_allowed("display=:0"));
        CHECK(!exec_env_allowed("DISPLAY"));
        CHECK(!exec_env_allowed("=x"));
        CHECK(!exec_env_allowed("TERM=a\nLD_PRELOAD=x"));
        CHECK(!exec_env_allowed("TERM=a\x1b"));
}

static void test_parse(void) {
        struct exec_request req = {};
        const char *reason;
        char *buf = NULL;
        size_t n;

        CHECK(parse(BASE "|arg=-u|env=LANG=C.UTF-8|env=DISPLAY=:1", &req, &reason) == 0);
        CHECK_STREQ(req.name, "vpn");
        CHECK_STREQ(req.cwd, "/home/alice");
        CHECK_STREQ(req.exe, "/usr/bin/id");
        CHECK(req.n_argv == 2);
        CHECK_STREQ(req.argv[1], "-u");
        CHECK(req.n_env == 2);
        CHECK_STREQ(req.env[1], "DISPLAY=:1");
        /* format and parse again: the same request */
        CHECK(exec_request_format(&req, &buf, &n) == 0);
        exec_request_done(&req);
        CHECK(exec_request_parse(buf, n, &req, &reason) == 0);
        CHECK(req.n_argv == 2 && req.n_env == 2);
        exec_request_done(&req);
        free(buf);

        /* cwd "/" and an empty argument are fine */
        CHECK(parse("netnsctl-exec/1|name=vpn|cwd=/|exe=/bin/echo|arg=echo|arg=", &req, &reason) == 0);
        CHECK(req.n_argv == 2 && req.env && !req.env[0]);
        exec_request_done(&req);

        CHECK(refused(BASE "|uid=0", "unknown field"));
        CHECK(refused(BASE "|user=root", "unknown field"));
        CHECK(refused(BASE "|env=LD_PRELOAD=/tmp/x.so", "allow-list"));
        CHECK(refused(BASE "|env=TERM=a|env=TERM=b", "twice"));
        CHECK(refused(BASE "|name=other", "twice"));
        CHECK(refused(BASE "|cwd=/", "twice"));
        CHECK(refused("netnsctl-exec/1|name=..|cwd=/|exe=/bin/true|arg=true", "invalid namespace name"));
        CHECK(refused("netnsctl-exec/1|name=a/b|cwd=/|exe=/bin/true|arg=true", "invalid namespace name"));
        CHECK(refused("netnsctl-exec/1|name=vpn|cwd=/tmp/../root|exe=/bin/true|arg=true", "working directory"));
        CHECK(refused("netnsctl-exec/1|name=vpn|cwd=tmp|exe=/bin/true|arg=true", "working directory"));
        CHECK(refused("netnsctl-exec/1|name=vpn|cwd=/tmp/|exe=/bin/true|arg=true", "working directory"));
        CHECK(refused("netnsctl-exec/1|name=vpn|cwd=//tmp|exe=/bin/true|arg=true", "working directory"));
        CHECK(refused("netnsctl-exec/1|name=vpn|cwd=/|exe=true|arg=true", "program"));
        CHECK(refused("netnsctl-exec/1|name=vpn|cwd=/|exe=/|arg=true", "program"));
        CHECK(refused("netnsctl-exec/1|name=vpn|cwd=/|exe=/bin/true", "missing"));
        CHECK(refused("netnsctl-exec/1|cwd=/|exe=/bin/true|arg=true", "missing"));
        CHECK(refused("netnsctl-exec/2|name=vpn|cwd=/|exe=/bin/true|arg=true", "not a netnsctl-exec/1 request"));
        CHECK(refused(BASE "||arg=x", "unknown field"));

        /* not NUL-terminated, empty, too large */
        CHECK(exec_request_parse("netnsctl-exec/1", 15, &req, &reason) == -EBADMSG);
        CHECK(exec_request_parse("", 0, &req, &reason) == -EBADMSG);
        buf = calloc(1, EXEC_REQUEST_SIZE_MAX + 1);
        CHECK(exec_request_parse(buf, EXEC_REQUEST_SIZE_MAX + 1, &req, &reason) == -EBADMSG);
        CHECK_STREQ(reason, "request too large");
        free(buf);
}

static void test_limits(void) {
        struct exec_request req = { .name = (char *) "vpn", .cwd = (char *) "/", .exe = (char *) "/bin/true" };
        const char *reason;
        char **argv = calloc(EXEC_REQUEST_ARGS_MAX + 2, sizeof(char *));
        char *buf = NULL, *big;
        size_t n;

        for (size_t i = 0; i <= EXEC_REQUEST_ARGS_MAX; i++)
                argv[i] = (char *) "a";
        req.argv = argv;
        CHECK(exec_request_format(&req, &buf, &n) == 0);
        CHECK(exec_request_parse(buf, n, &req, &reason) == -EBADMSG);
        CHECK_STREQ(reason, "too many arguments");
        free(buf);
        /* a command line over the size limit: the client says so before sending */
        big = malloc(EXEC_REQUEST_SIZE_MAX + 1);
        memset(big, 'x', EXEC_REQUEST_SIZE_MAX);
        big[EXEC_REQUEST_SIZE_MAX] = 0;
        argv[0] = big;
        argv[1] = NULL;
        CHECK(exec_request_format(&req, &buf, &n) == -E2BIG);
        free(big);
        free(argv);
}

int main(void) {
        test_env_allowed();
        test_parse();
        test_limits();
        return TAP_END();
}
