/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.h - the mounts netnsctl makes: a namespace's sysfs, binds over /etc, resolver masks, mount namespace pins */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include <stdbool.h>

/*
 * Directories whose sockets reach the host's resolver (systemd-resolved's varlink socket,
 * nscd's socket). When a namespace has its own DNS=, processes inside must not reach them, or
 * their queries would be answered by the host, around the namespace. NULL-terminated.
 */
extern const char *const resolver_socket_dirs[];

/**
 * mount_private_dir() - make @dir (created if missing) a mount point with private propagation
 * @dir: /run/netnsctl
 *
 * Bound onto itself when not a mount point yet. Private, so that nothing mounted below it
 * propagates anywhere: a mount namespace pin (mntns_create_pinned()) can sit right on its
 * placeholder file (the kernel refuses to propagate mount namespace files, so binding one
 * under a mount with peers or slaves fails with EINVAL, and on a systemd host every service
 * with private mounts holds a slave of a shared mount), and the namespaces' mounts cost nothing
 * in the mount namespaces made before them. Those made later (a unit's, which binds
 * /run/netnsctl/NAME/sys) copy what is there then; removing a mount point (rmdir(2),
 * unlink(2)) detaches the copies everywhere. A prepared namespace (mntns_create_pinned()) can
 * drop the whole subtree at once. Call with netnsctl's lock held (two runs would otherwise
 * stack binds).
 * Return: 0 or -errno
 */
int mount_private_dir(const char *dir);

/**
 * sysfs_submounts() - the mounts directly below the /sys the caller sees
 * @ret: NULL-terminated list of paths relative to /sys ("fs/cgroup", "kernel/debug", ...)
 *
 * From /proc/self/mountinfo: the children of the mount statx() reports for /sys, except sysfs
 * ones (parts of another sysfs, as systemd-nspawn binds into a tmpfs on /sys: they show the
 * devices of another network namespace). Nested mounts (kernel/debug/tracing) are not listed
 * separately; a recursive bind of their parent takes them.
 * Return: the number of entries, or -errno
 */
int sysfs_submounts(char ***ret);

/**
 * mount_sysfs() - mount a bare sysfs of the caller's network namespace at @where
 * @where: an existing directory
 *
 * One mount, nothing below it (see mount_sysfs_tree() for one with the /sys submounts). Call
 * while setns()'d into the network namespace. Read-only when the current /sys is.
 * Return: 0 or -errno
 */
int mount_sysfs(const char *where);

/**
 * mount_sysfs_tree() - mount a sysfs of the caller's network namespace at @where, with the
 * submounts of /sys (cgroup, bpf, debugfs, ...) bound into it recursively
 * @where: an existing directory; may be "/sys" itself (the submounts are cloned before it is covered)
 *
 * sysfs shows the network devices of the namespace of the task that mounts it, so call this
 * while setns()'d into the network namespace. Read-only when the current /sys is. A submount
 * whose mount point does not exist in the new sysfs is left out.
 * Return: 0 or -errno; on error a sysfs may be left mounted at @where (the caller undoes it)
 */
int mount_sysfs_tree(const char *where);

/**
 * umount_all_lazy() - lazily unmount whatever is mounted at @path, stacked mounts too
 * @path: mount point (not followed if a symlink)
 * Return: the number of mounts removed (0: @path is no mount point or does not exist), or -errno
 */
int umount_all_lazy(const char *path);

enum {
        BIND_FOLLOW_TARGET = 1 << 0, /* follow the target if it is a symlink */
        BIND_READ_ONLY     = 1 << 1,
};

/**
 * mount_clone() - a detached recursive copy of the mount tree at @dfd/@src, to attach later
 * @dfd: directory fd for a relative @src, AT_FDCWD, or (with @src "") the source itself (O_PATH fd)
 * @src: source path; a symlink is followed
 * @flags: BIND_READ_ONLY
 *
 * The copy is private (it does not join the source's peer group) and can be attached with mount_attach() in another mount namespace than the one it was
 * taken from (the source must be in the caller's current one). Closing the fd drops it.
 * Return: an O_CLOEXEC fd, or -errno
 */
int mount_clone(int dfd, const char *src, unsigned flags);

/**
 * mount_attach() - attach a tree from mount_clone() at @target
 * @flags: BIND_FOLLOW_TARGET. Without it a symlink at @target is covered itself, so the mount
 *         still holds when the symlink's target is replaced or missing (only for a
 *         non-directory tree: the kernel does not mount a directory on a symlink)
 * Return: 0 or -errno (-EINVAL: one is a directory and the other not)
 */
int mount_attach(int fd, const char *target, unsigned flags);

/**
 * mount_bind_over() - mount_clone() and mount_attach() in one: bind @dfd/@src over @target, recursively
 * Return: 0 or -errno
 */
int mount_bind_over(int dfd, const char *src, const char *target, unsigned flags);

/**
 * mount_mask_dir() - cover directory @path with an empty read-only tmpfs
 * Return: 1 if covered, 0 if @path is not a directory (nothing to hide), or -errno
 */
int mount_mask_dir(const char *path);

/**
 * mntns_open() - open a mount namespace pin made by mntns_create_pinned()
 * @pin: /run/netnsctl/NAME/mnt
 * Return: an O_CLOEXEC fd of the mount namespace; -ENOMEDIUM when @pin is not an nsfs file of
 *         a mount namespace (the placeholder under a pin, a stale file), -errno
 */
int mntns_open(const char *pin);

/**
 * mntns_create_pinned() - prepare a mount namespace for one network namespace and pin it
 * @pin: the pin path (a file is created there; it must not exist)
 * @netns_fd: the network namespace: a sysfs mounted from inside it is shown on /sys
 * @base_fd: the prepared mount namespace of another network namespace (mntns_open()) to copy
 *           instead of the caller's, or -1
 * @netns_dir: /run/netns: hidden (an empty read-only tmpfs) inside
 * @state_dir: /run/netnsctl: detached inside
 *
 * The new namespace is a copy of the caller's, slave to it (host mounts and unmounts
 * propagate in, nothing propagates out). Copies of the other namespaces' pins and state are
 * dropped from it: each would cost a mount per prepared namespace, one more per namespace
 * started later (quadratic in the number of namespaces). /sys is the namespace's own sysfs with
 * the caller's /sys submounts (/sys/fs/cgroup, ...) cloned onto it, as slaves.
 *
 * Copying the caller's namespace costs a copy of every mount in it, i.e. of every pin of every
 * namespace up. A copy of @base_fd costs what its small table costs, and is the same namespace
 * once its /sys is replaced and the drops are redone (they find nothing); it is used when its
 * root is the caller's and a slave of the caller's root (so it followed, and its copy follows,
 * the caller's mounts), else, or when that fails, the caller's namespace is copied.
 *
 * The pin is a bind of the namespace's nsfs file onto the file @pin, which must be on a mount
 * without peers or slaves (mount_private_dir()): the kernel refuses to propagate mount
 * namespace files. "netnsctl exec" enters it with setns(2) instead of copying the whole mount
 * table.
 * Return: 0 or -errno; on error nothing is left at @pin
 */
int mntns_create_pinned(const char *pin, int netns_fd, int base_fd, const char *netns_dir, const char *state_dir);

/* mntns_create_pinned() in two halves, so that the caller can do other work while a child
 * prepares the namespace; the fields are mntns_create_start()'s business. */
struct mntns_prep {
        int netns_fd;       /* the network namespace whose sysfs goes on /sys */
        int base_fd;        /* a prepared mount namespace to copy instead of ours, or -1 */
        const char *netns_dir;
        const char *state_dir;
        uint64_t parent_id; /* our mount namespace's id, 0 = unknown */
};

struct mntns_job {
        struct mntns_prep prep;
        char *pin;
        pid_t pid;          /* the child preparing it, 0 = none */
        int ready, hold;    /* its pipes: its result; EOF lets it go */
};

/**
 * mntns_create_start() - the first half of mntns_create_pinned(): create the file @pin and
 * start a child preparing the namespace (the fds it is given must stay open until the other
 * half). Return: 0 or -errno (nothing left at @pin)
 */
int mntns_create_start(const char *pin, int netns_fd, int base_fd, const char *netns_dir, const char *state_dir,
                       struct mntns_job *ret);

/**
 * mntns_create_finish() - the second half: wait for the child, pin its namespace at @j's pin
 * (with the same fallback as mntns_create_pinned()), let the child go.
 * Return: 0 or -errno (then nothing is left at the pin)
 */
int mntns_create_finish(struct mntns_job *j);

/**
 * mntns_job_abort() - a started job that will not be finished: the child goes, its namespace
 * with it; the file at the pin stays for the caller's undo (mntns_release()).
 */
void mntns_job_abort(struct mntns_job *j);

/**
 * mntns_release() - unpin a mount namespace made by mntns_create_pinned() and remove the file
 *
 * Removing the file also detaches the copies of the pin that mount namespaces made meanwhile
 * (the kernel drops mounts on an unlinked mount point everywhere), so the namespace goes away
 * with its last process.
 * Return: 1 if something was removed, 0 if nothing was there, -errno
 */
int mntns_release(const char *pin);
