/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* path-safety.h - StrictModes: may netnsctl, running as root, trust a file and the directories above it */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/**
 * netns_owner_is_trusted() - may netnsctl trust what @uid owns
 * @uid: an owner
 * Return: true for root and for whoever runs netnsctl (a user checking own files trusts
 * them, as sshd trusts the user's ~/.ssh); run as root, that is root only.
 */
bool netns_owner_is_trusted(uid_t uid);

/**
 * netns_path_is_safe() - StrictModes, as sshd's secure_filename(): may netnsctl trust @path
 * @path: a file or directory netnsctl reads as root (NAME.conf, a drop-in, /etc/netns, ...)
 *
 * @path (after resolving symlinks) must be owned by root (or by the user running netnsctl)
 * and writable by neither group nor others; so must every directory above it up to "/",
 * except that a root-owned directory with the sticky bit (/tmp) may be world-writable: the
 * sticky bit keeps others from renaming or removing what is in it. POSIX ACLs that grant
 * write to anyone else show as group write in the mode and are refused with it.
 * The refusal is reported, one line naming @path and, if different, the directory at fault.
 * Return: 0 if safe, -EPERM if not (reported), -ENOENT if @path does not exist (not
 * reported), other -errno if it cannot be checked (not reported).
 */
int netns_path_is_safe(const char *path);

/**
 * netns_etc_dir_check() - may the entries of CONFDIR/NAME/ be shown over /etc
 * @name: namespace name (any name "ip netns" takes: no '/', not "." or "..")
 *
 * The directory itself and those above it must be safe (netns_path_is_safe()); the entries
 * inside stay their daemons' own (Debian ships /etc/bird as bird:bird 0750, and a copy in
 * /etc/netns/NAME/bird works the same way) and are not checked. "netnsctl exec" calls this
 * before binding anything; the config loader calls it too, so "check", "up" and the
 * generator refuse an unsafe one early.
 * Return: 1 if the directory exists and is safe, 0 if there is none (or NAME is a plain
 * file, which is no overlay), -EPERM if unsafe (reported), -EINVAL for an invalid @name
 * (not reported), other -errno (not reported).
 */
int netns_etc_dir_check(const char *name);

/**
 * netns_etc_dir_check_in() - netns_etc_dir_check() for the config directory @dir
 * @dir: the config directory (netns_etc_dir_check() passes netns_conf_dir())
 * @name: namespace name
 * Return: as netns_etc_dir_check(); -ENOMEM too.
 */
int netns_etc_dir_check_in(const char *dir, const char *name);

/* StrictModes for @path, reported under the name @shown (kernel-doc in path-safety.c) */
int netns_path_check(const char *shown, const char *path);
