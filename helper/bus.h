/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bus.h - talking to the system manager over D-Bus: connecting, transient units and their jobs */
#pragma once

#include <systemd/sd-bus.h>

#ifndef USEC_PER_SEC
#define USEC_PER_SEC ((uint64_t) 1000000)
#endif

/**
 * unit_bus_open() - connect to the system manager: its private socket as root (works without
 * dbus-daemon, as systemctl does), else the system bus
 * Return: 0 or -errno (no systemd running: callers show "-")
 */
int unit_bus_open(sd_bus **ret);

struct unit_state {
        char load[32];    /* LoadState: loaded, not-found, ... */
        char active[32];  /* ActiveState: active, inactive, failed, activating, ... */
        char sub[32];     /* SubState: exited, dead, ... */
};

/* ActiveState/SubState/LoadState of @unit. 0 or -errno. */
int unit_get_state(sd_bus *bus, const char *unit, struct unit_state *ret);

/**
 * bus_transient_unit_new() - a StartTransientUnit() call for @name with job mode @mode, its
 * property array opened: append "(sv)" entries, then bus_transient_unit_start()
 * Return: 0 or -errno
 */
int bus_transient_unit_new(sd_bus *bus, const char *name, const char *mode, sd_bus_message **ret);

/**
 * bus_transient_unit_start() - send what bus_transient_unit_new() began and wait for the job
 * @bus: the connection (only this caller's messages are read from it meanwhile)
 * @m: the call, properties appended
 * @timeout_usec: how long to wait for the job in all
 * @error: systemd's error, when the call itself is refused (e.g. "Unit ... already exists.")
 *
 * Return: 0 when the start job finished "done", -EIO when it finished otherwise (the result is
 * logged at debug level), -ETIMEDOUT, or the call's -errno
 */
int bus_transient_unit_start(sd_bus *bus, sd_bus_message *m, uint64_t timeout_usec, sd_bus_error *error);

/**
 * bus_log_error() - log systemd's message for a failed call, falling back to %m
 * Return: @r (negative), for "return bus_log_error(...)"
 */
int bus_log_error(int r, const sd_bus_error *error, const char *what);
