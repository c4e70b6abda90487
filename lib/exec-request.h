/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec-request.h - what an unprivileged "netnsctl exec" asks netnsctl-execd for, and its parser */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The request, sent over the service's socket in one message whose ancillary data holds the
 * caller's standard input, output and error (SCM_RIGHTS, exactly 3 descriptors):
 *
 *   u32 SIZE (little endian), then SIZE bytes of NUL-terminated items:
 *     "netnsctl-exec/1"      first, exactly once
 *     "name=NAME"            the namespace, exactly once
 *     "cwd=/PATH"            the working directory, absolute, normalised; exactly once
 *     "exe=/PATH"            the program, absolute, normalised; exactly once
 *     "arg=WORD"             argv, in order, at least one
 *     "env=KEY=VALUE"        zero or more; KEY in the allow-list, each KEY once
 *
 * Nothing else: no user, group, capability, mount or other key exists, so a request cannot
 * ask for them; an unknown item, a missing or repeated one, or a value that breaks a rule is
 * refused whole. Who the caller is comes from the socket (SO_PEERCRED, SO_PEERGROUPS), never
 * from the request.
 *
 * After it: the client sends one byte per signal it got (the signal number), to be forwarded to
 * the command; the service answers with one line: "exit N", "signal N" or "error MESSAGE".
 */
#define EXEC_REQUEST_MAGIC "netnsctl-exec/1"
#define EXEC_REQUEST_SIZE_MAX (256u * 1024u)
#define EXEC_REQUEST_ARGS_MAX 4096u
#define EXEC_REQUEST_ENV_VALUE_MAX 4096u
#define EXEC_SOCKET_PATH "/run/netnsctl-exec.sock"

struct exec_request {
        char *name;
        char *cwd;
        char *exe;
        char **argv; /* NULL-terminated */
        size_t n_argv;
        char **env;  /* NULL-terminated KEY=VALUE */
        size_t n_env;
};

/**
 * exec_env_allowed() - is @assignment ("KEY=VALUE") one the service passes on?
 * The allow-list (netnsctl(8)): what desktop and terminal programs need to find their display,
 * session bus, sound server, locale and terminal, nothing that changes how programs are loaded
 * or what they trust (LD_*, *PATH except PATH itself, ...). The value must have no control
 * characters and be at most EXEC_REQUEST_ENV_VALUE_MAX bytes.
 */
bool exec_env_allowed(const char *assignment);

/**
 * exec_request_parse() - check and split a request's payload
 * @buf: the SIZE bytes after the length (need not be NUL-terminated)
 * @size: their number
 * @ret: filled on success; free with exec_request_done()
 * @reason: on -EBADMSG, what is wrong, a static string for the one-line refusal
 * Return: 0, -EBADMSG (malformed, refused) or -ENOMEM
 */
int exec_request_parse(const void *buf, size_t size, struct exec_request *ret, const char **reason);

/**
 * exec_request_format() - the payload for @req (without the length), as the client sends it
 * Return: 0 or -ENOMEM, -E2BIG when it would exceed EXEC_REQUEST_SIZE_MAX
 */
int exec_request_format(const struct exec_request *req, char **ret, size_t *ret_size);

void exec_request_done(struct exec_request *req);
