/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-sysctl.h - holds on host sysctls that namespaces share: marker files under RUNDIR/.host-sysctl/KEY.holders/ */
#pragma once

/* The longest value kept (with its NUL): the sysctls held are 0/1 switches */
#define HOST_SYSCTL_VALUE_MAX 64

/*
 * A host sysctl (net.ipv4.ip_forward) that several namespaces need at one value is changed
 * by the first of them and restored by the last, to what it was before, unless someone else
 * changed it meanwhile. The store: RUNDIR/.host-sysctl/KEY ("BEFORE SET") and an empty file
 * per holding namespace in RUNDIR/.host-sysctl/KEY.holders/. Callers hold netns_lock().
 */

/**
 * host_sysctl_hold() - namespace @name needs host sysctl @key to be @value
 * @name: the namespace
 * @key: "net.ipv4.ip_forward"
 * @value: the value it needs
 * @ret_before: when it was changed, the value before
 *
 * The note of the value before is written before the change, so a crash in between restores
 * a value never changed. A sysctl that is @value already, not by us, is not noted.
 * Return: 1 when the sysctl was changed, 0 when it was @value already, -errno
 */
int host_sysctl_hold(const char *name, const char *key, const char *value, char ret_before[static HOST_SYSCTL_VALUE_MAX]);

enum {
        HOST_SYSCTL_RESTORED = 1, /* the last holder left: the value before is back */
        HOST_SYSCTL_LEFT = 2,     /* the last holder left, but the value had been changed meanwhile: kept */
};

/**
 * host_sysctl_release() - namespace @name no longer needs host sysctl @key
 * @name: the namespace
 * @key: as held
 * @ret_value: with HOST_SYSCTL_RESTORED the value restored, with HOST_SYSCTL_LEFT the value kept
 *
 * Idempotent: after a crash anywhere in here, running it again finishes the job.
 * Return: 0 when others still hold it (or nothing was noted), HOST_SYSCTL_RESTORED,
 * HOST_SYSCTL_LEFT, or -errno
 */
int host_sysctl_release(const char *name, const char *key, char ret_value[static HOST_SYSCTL_VALUE_MAX]);
