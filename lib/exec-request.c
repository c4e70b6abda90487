/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec-request.c - what an unprivileged "netnsctl exec" asks netnsctl-execd for, and its parser */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "exec-request.h"
#include "macro.h"
#include "name.h"
#include "util.h"

/* no control characters (systemd refuses them in Environment= too), bounded */
static bool env_value_ok(const char *v) {
        size_t n = 0;

        for (; *v; v++, n++)
                if ((unsigned char) *v < 0x20 || *v == 0x7f)
                        return false;
        return n <= EXEC_REQUEST_ENV_VALUE_MAX;
}

/* KEY exactly, or a prefix when it ends in '_' (LC_) */
static const char *const env_allowed[] = {
        "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "XDG_RUNTIME_DIR", "XDG_SESSION_TYPE",
        "XDG_CURRENT_DESKTOP", "XDG_SESSION_DESKTOP", "DBUS_SESSION_BUS_ADDRESS", "PULSE_SERVER",
        "TERM", "COLORTERM", "LANG", "LANGUAGE", "LC_", "TZ", "PATH",
};

bool exec_env_allowed(const char *assignment) {
        const char *eq = strchr(assignment, '=');
        size_t klen;

        if (!eq || eq == assignment)
                return false;
        klen = (size_t) (eq - assignment);
        for (const char *k = assignment; k < eq; k++)
                if (!((*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_'))
                        return false;
        for (size_t i = 0; i < ELEMENTSOF(env_allowed); i++) {
                size_t n = strlen(env_allowed[i]);

                if (env_allowed[i][n - 1] == '_' ? klen > n && strncmp(assignment, env_allowed[i], n) == 0
                                                 : klen == n && strncmp(assignment, env_allowed[i], n) == 0)
                        return env_value_ok(eq + 1);
        }
        return false;
}

/* absolute, no "." or ".." component, no "//", no trailing '/' (but "/"), shorter than PATH_MAX */
static bool path_is_normalised_absolute(const char *p) {
        size_t n = strlen(p);

        if (p[0] != '/' || n >= PATH_MAX)
                return false;
        if (n > 1 && p[n - 1] == '/')
                return false;
        for (const char *c = p; *c; ) {
                size_t l;

                c++; /* past '/' */
                l = strcspn(c, "/");
                if (n > 1 && (l == 0 || (l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.')))
                        return false;
                c += l;
        }
        return true;
}

/* the KEY of an env item, for "each KEY once" */
static bool env_key_seen(char **env, size_t n, const char *a) {
        size_t klen = strcspn(a, "=");

        for (size_t i = 0; i < n; i++)
                if (strncmp(env[i], a, klen + 1) == 0)
                        return true;
        return false;
}

static int set_once(char **field, const char *value, const char **reason, const char *what) {
        if (*field) {
                *reason = what;
                return -EBADMSG;
        }
        *field = strdup(value);
        return *field ? 0 : -ENOMEM;
}

static int push(char ***l, size_t *n, const char *value) {
        char **nl = realloc(*l, (*n + 2) * sizeof(char *));

        if (!nl)
                return -ENOMEM;
        *l = nl;
        nl[*n] = strdup(value);
        if (!nl[*n])
                return -ENOMEM;
        nl[++*n] = NULL;
        return 0;
}

static int parse_item(struct exec_request *req, const char *item, const char **reason) {
        const char *v;

        if ((v = startswith(item, "name="))) {
                if (!netns_name_is_valid(v)) {
                        *reason = "invalid namespace name";
                        return -EBADMSG;
                }
                return set_once(&req->name, v, reason, "namespace named twice");
        }
        if ((v = startswith(item, "cwd="))) {
                if (!path_is_normalised_absolute(v)) {
                        *reason = "working directory is not an absolute, normalised path";
                        return -EBADMSG;
                }
                return set_once(&req->cwd, v, reason, "working directory given twice");
        }
        if ((v = startswith(item, "exe="))) {
                if (!path_is_normalised_absolute(v) || streq(v, "/")) {
                        *reason = "program is not an absolute, normalised path";
                        return -EBADMSG;
                }
                return set_once(&req->exe, v, reason, "program given twice");
        }
        if ((v = startswith(item, "arg="))) {
                if (req->n_argv >= EXEC_REQUEST_ARGS_MAX) {
                        *reason = "too many arguments";
                        return -EBADMSG;
                }
                return push(&req->argv, &req->n_argv, v);
        }
        if ((v = startswith(item, "env="))) {
                if (!exec_env_allowed(v)) {
                        *reason = "environment variable not in the allow-list, or its value has control characters or is too long";
                        return -EBADMSG;
                }
                if (env_key_seen(req->env, req->n_env, v)) {
                        *reason = "environment variable given twice";
                        return -EBADMSG;
                }
                return push(&req->env, &req->n_env, v);
        }
        *reason = "unknown field";
        return -EBADMSG;
}

int exec_request_parse(const void *buf, size_t size, struct exec_request *ret, const char **reason) {
        struct exec_request req = {};
        const char *p = buf, *end = p + size;
        bool first = true;
        int r = 0;

        *reason = NULL;
        if (size == 0 || size > EXEC_REQUEST_SIZE_MAX || p[size - 1] != 0) {
                *reason = size > EXEC_REQUEST_SIZE_MAX ? "request too large" : "request not NUL-terminated";
                return -EBADMSG;
        }
        while (p < end) {
                size_t n = strlen(p); /* bounded: the last byte is NUL */

                if (first) {
                        if (!streq(p, EXEC_REQUEST_MAGIC)) {
                                *reason = "not a netnsctl-exec/1 request";
                                r = -EBADMSG;
                                break;
                        }
                        first = false;
                } else {
                        r = parse_item(&req, p, reason);
                        if (r < 0)
                                break;
                }
                p += n + 1;
        }
        if (r >= 0 && (!req.name || !req.cwd || !req.exe || req.n_argv == 0)) {
                *reason = "namespace, working directory, program or arguments missing";
                r = -EBADMSG;
        }
        if (r < 0) {
                exec_request_done(&req);
                return r;
        }
        if (!req.env) {
                req.env = calloc(1, sizeof(char *));
                if (!req.env) {
                        exec_request_done(&req);
                        return -ENOMEM;
                }
        }
        *ret = req;
        return 0;
}

static int put(FILE *f, const char *prefix, const char *value) {
        return fprintf(f, "%s%s", prefix, value) < 0 || fputc(0, f) == EOF ? -ENOMEM : 0;
}

int exec_request_format(const struct exec_request *req, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        r = put(f, "", EXEC_REQUEST_MAGIC);
        if (r >= 0)
                r = put(f, "name=", req->name);
        if (r >= 0)
                r = put(f, "cwd=", req->cwd);
        if (r >= 0)
                r = put(f, "exe=", req->exe);
        for (size_t i = 0; r >= 0 && req->argv && req->argv[i]; i++)
                r = put(f, "arg=", req->argv[i]);
        for (size_t i = 0; r >= 0 && req->env && req->env[i]; i++)
                r = put(f, "env=", req->env[i]);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        if (size > EXEC_REQUEST_SIZE_MAX)
                return -E2BIG;
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

void exec_request_done(struct exec_request *req) {
        free(req->name);
        free(req->cwd);
        free(req->exe);
        strv_free(req->argv);
        strv_free(req->env);
        *req = (struct exec_request) {};
}
