/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* proc.h - processes and the network namespace each is in, read from /proc */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* A process and its network namespace, as stat(/proc/PID/ns/net) saw it. */
struct proc_netns {
        pid_t pid;
        dev_t dev;
        unsigned long long ino;
        const char *path;   /* "/proc/PID/ns/net": valid during the callback only */
};

/**
 * proc_netns_foreach() - call @f for every process whose /proc/PID/ns/net can be looked at
 * @f: called with each process; a return value other than 0 ends the walk with that value
 * @userdata: passed to @f
 *
 * One walk of /proc, one stat() per process; processes that exit meanwhile, or whose
 * namespace we may not look at, are skipped. The namespace is named by inode only: who needs
 * the very namespace opens @path and checks what the fd says (it may have changed since).
 * Return: what @f returned to end the walk, 0 after the last process, or -errno
 */
int proc_netns_foreach(int (*f)(const struct proc_netns *p, void *userdata), void *userdata);

/* Every process and its network namespace, read once. */
struct proc_table {
        struct proc_netns *entries; /* path is NULL */
        size_t n;
};

/**
 * proc_table_load() - stat /proc/PID/ns/net of every process (see proc_netns_foreach())
 * @t: filled; free with proc_table_done()
 *
 * All or nothing: when not root and the namespace of some process may not be looked at, the
 * table would miss it, so there is none (root is refused only for processes the kernel hides
 * from everyone; those are left out).
 * Return: 0, -EACCES when some process was not ours to look at, other -errno
 */
int proc_table_load(struct proc_table *t);
void proc_table_done(struct proc_table *t);
/* The number of processes in the namespace with inode @ino */
size_t proc_table_count(const struct proc_table *t, unsigned long long ino);

/* The command line of @pid, spaces between arguments, "[comm]" for kernel threads; malloc'd or NULL */
char *proc_cmdline(pid_t pid);
/* The unit @pid belongs to (the first .service, .scope, ... in its cgroup path); malloc'd or NULL */
char *proc_unit(pid_t pid);

/* The short name of @pid (/proc/PID/comm); malloc'd or NULL */
char *proc_comm(pid_t pid);

/**
 * proc_socket_owner() - a process that holds the socket with inode @inode
 * @inode: as /proc/net/tcp and "socket:[INODE]" in /proc/PID/fd name it
 *
 * One walk of /proc/PID/fd for every process we may look into (all of them as root).
 * Return: the lowest such PID, 0 when none was found, -errno when /proc cannot be read
 */
pid_t proc_socket_owner(unsigned long long inode);

/**
 * proc_netns_pids() - the processes in the network namespace with inode @ino
 * @ino: the namespace's inode
 * @pids: filled with the first @max PIDs found
 * @max: room in @pids
 * @ret_n: how many processes there are (may exceed @max)
 * Return: 0 or -errno (see proc_netns_foreach())
 */
int proc_netns_pids(unsigned long long ino, pid_t *pids, size_t max, size_t *ret_n);
