/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns.h - creating, pinning, inspecting and entering named network namespaces */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

enum pin_state {
        PIN_ABSENT,      /* no file at the pin path */
        PIN_NSFS,        /* an nsfs mount: a live network namespace */
        PIN_STALE,       /* a file that is not an nsfs mount (e.g. the mode-000 placeholder of a killed "ip netns add") */
};

/* RUN_DIR/NAME, malloc'd; NULL on OOM */
char *netns_pin_path(const char *name);

/**
 * netns_pin_inspect() - what is at a pin path
 * @path: e.g. /run/netns/vpn
 * @ret_ino: if not NULL and the pin is live, the namespace's inode (as /proc/PID/ns/net shows it)
 * Return: enum pin_state, or -errno
 */
int netns_pin_inspect(const char *path, unsigned long long *ret_ino);

/**
 * netns_run_dir_prepare() - mkdir the pin directory and make it a shared mount
 *
 * Exactly as "ip netns add" does: pins made in one mount namespace then show up in every
 * other, and an unmount in one removes them everywhere. A flock on the directory keeps
 * parallel netnsctl runs from stacking bind mounts on it (Debian #949235).
 * Return: 0 or -errno
 */
int netns_run_dir_prepare(void);

/**
 * netns_create_pinned() - make a new network namespace and bind-mount it at @path
 * @path: the pin path; must not exist (it is created with O_EXCL, mode 0, like iproute2)
 * @ret_ino: the new namespace's inode
 * @ret_fd: if not NULL, an O_CLOEXEC fd of the new namespace
 *
 * The caller's own network namespace is unchanged on return.
 * @on_created is called with an fd and the inode of the new namespace after the placeholder
 * exists and before the mount, so the caller can record its identity first (crash safety);
 * may be NULL.
 * Return: 0 or -errno; on error nothing is left at @path.
 */
int netns_create_pinned(const char *path, int (*on_created)(int netns_fd, unsigned long long ino, void *userdata),
                        void *userdata, unsigned long long *ret_ino, int *ret_fd);

/**
 * netns_unpin() - unmount (lazily) and remove a pin
 * Return: 1 if something was removed, 0 if nothing was there, -errno
 */
int netns_unpin(const char *path);

/**
 * netns_open() - open the pin of namespace @name
 * Return: an O_CLOEXEC fd, -ENOENT when absent, -ENOMEDIUM when the pin is stale, -errno
 */
int netns_open(const char *name);

/**
 * netns_run_in() - call @fn inside network namespace @netns_fd, then return to the current one
 * Return: what @fn returned, or -errno when entering/leaving failed
 */
int netns_run_in(int netns_fd, int (*fn)(void *userdata), void *userdata);

/**
 * netns_sysctl_set() - write a net.* sysctl inside a namespace
 * @netns_fd: namespace fd, or -1 for the current namespace
 * @key: "net.ipv4.ip_forward" ('.'-separated)
 * @value: the value to write
 * Return: 0 or -errno (-ENOENT: no such sysctl)
 */
int netns_sysctl_set(int netns_fd, const char *key, const char *value);
int netns_sysctl_get(int netns_fd, const char *key, char *buf, size_t size);
/**
 * netns_sysctl_known() - does the kernel have sysctl @key (in the caller's namespace)
 * @key: a normalised net.* key (struct netns_sysctl)
 *
 * A per-link key (net.ipv4.conf.IFNAME.x, net.ipv6.neigh.IFNAME.x) is looked up for
 * "default": the link may exist only inside the namespace.
 * Return: 1 if so, 0 if not, -errno if it cannot be told
 */
int netns_sysctl_known(const char *key);

/* inode of /proc/self/ns/net of @pid (0 = self) or -errno */
long long netns_inode_of_pid(int pid);

/**
 * netns_cookie() - the cookie of a network namespace (SO_NETNS_COOKIE)
 * @netns_fd: namespace fd, or -1 for the current one
 * @ret: the cookie
 *
 * Unlike the inode number, which the kernel hands out again (lowest free first) once a
 * namespace is gone, the cookie is never reused while the machine runs: "inode and cookie
 * match" proves it is the very namespace, "inode matches" does not.
 * Return: 0, -ENOPROTOOPT on kernels without namespace cookies (before 5.14), -errno
 */
int netns_cookie(int netns_fd, uint64_t *ret);

/**
 * netns_open_by_id() - find a live namespace that has no pin (any more) through its processes
 * @ino: its inode
 * @cookie: its cookie; 0 = unknown (only on kernels without cookies)
 *
 * Scans /proc/PID/ns/net. A namespace with the inode but another cookie is not it.
 * Return: an O_CLOEXEC fd, -ENOENT when no process is in it, -errno
 */
int netns_open_by_id(unsigned long long ino, uint64_t cookie);
