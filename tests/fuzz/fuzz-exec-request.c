/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-exec-request.c - libFuzzer target: the request parser of netnsctl-execd, the privileged side */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec-request.h"
#include "macro.h"
#include "name.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input is the payload after the length. What the parser accepts must keep its promises
 * (the rules of exec-request.h hold for every field), and format back to a payload that parses
 * to the same request: a crash or an abort() here is a finding. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct exec_request req = {}, again = {};
        _cleanup_free_ char *buf = NULL;
        const char *reason;
        size_t n;
        int r;

        r = exec_request_parse(data, size, &req, &reason);
        if (r < 0) {
                if (r == -EBADMSG && !reason)
                        abort(); /* every refusal says why */
                return 0;
        }
        if (!netns_name_is_valid(req.name) || req.cwd[0] != '/' || req.exe[0] != '/' || req.n_argv == 0 ||
            req.n_argv > EXEC_REQUEST_ARGS_MAX || !req.argv || req.argv[req.n_argv] || !req.env || req.env[req.n_env])
                abort();
        for (size_t i = 0; i < req.n_env; i++)
                if (!exec_env_allowed(req.env[i]) || strncmp(req.env[i], "LD_", 3) == 0)
                        abort();

        r = exec_request_format(&req, &buf, &n);
        if (r == 0) {
                if (exec_request_parse(buf, n, &again, &reason) < 0 || !streq(req.name, again.name) ||
                    !streq(req.cwd, again.cwd) || !streq(req.exe, again.exe) || req.n_argv != again.n_argv ||
                    req.n_env != again.n_env)
                        abort();
                for (size_t i = 0; i < req.n_argv; i++)
                        if (!streq(req.argv[i], again.argv[i]))
                                abort();
                for (size_t i = 0; i < req.n_env; i++)
                        if (!streq(req.env[i], again.env[i]))
                                abort();
                exec_request_done(&again);
        }
        exec_request_done(&req);
        return 0;
}
