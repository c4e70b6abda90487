/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bus.c - talking to the system manager over D-Bus: connecting, transient units and their jobs */

#include <unistd.h>

#include "bus.h"
#include "log.h"
#include "util.h"

int unit_bus_open(sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        if (geteuid() == 0 && access("/run/systemd/private", F_OK) >= 0) {
                r = sd_bus_new(&bus);
                if (r < 0)
                        return r;
                r = sd_bus_set_address(bus, "unix:path=/run/systemd/private");
                if (r >= 0)
                        r = sd_bus_start(bus);
                if (r >= 0) {
                        *ret = bus;
                        return 0;
                }
                bus = sd_bus_unref(bus);
        }
        if (access("/run/systemd/system", F_OK) < 0)
                return -EHOSTDOWN; /* not booted with systemd: don't wait for a bus */
        r = sd_bus_open_system(&bus);
        if (r < 0)
                return r;
        *ret = bus;
        return 0;
}

static int get_prop(sd_bus *bus, const char *path, const char *prop, char *buf, size_t size) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char *s = NULL;
        int r;

        r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, "org.freedesktop.systemd1.Unit",
                                       prop, &error, &s);
        if (r < 0)
                return r;
        (void) snprintf(buf, size, "%s", s);
        free(s);
        return 0;
}

int unit_get_state(sd_bus *bus, const char *unit, struct unit_state *ret) {
        _cleanup_free_ char *path = NULL;
        int r;

        /* the object path of a unit works whether it is loaded or not: systemd loads it on access */
        r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit, &path);
        if (r < 0)
                return r;
        r = get_prop(bus, path, "LoadState", ret->load, sizeof(ret->load));
        if (r >= 0)
                r = get_prop(bus, path, "ActiveState", ret->active, sizeof(ret->active));
        if (r >= 0)
                r = get_prop(bus, path, "SubState", ret->sub, sizeof(ret->sub));
        return r;
}

int bus_transient_unit_new(sd_bus *bus, const char *name, const char *mode, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "StartTransientUnit");
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "ss", name, mode);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

struct job_wait {
        const char *path; /* the job's object path, once the reply is in */
        char result[32];  /* its result, once JobRemoved named it */
        char **early;     /* JobRemoved paths seen before the reply (a fast job) */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct job_wait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;
        int r;

        (void) error;
        r = sd_bus_message_read(m, "uoss", &id, &path, &unit, &result);
        if (r < 0)
                return 0;
        if (!w->path) {
                /* the reply is not processed yet: remember, the job may be ours */
                char *s = strdup_printf("%s %s", path, result);
                if (s)
                        (void) strv_consume(&w->early, s);
                return 0;
        }
        if (streq(path, w->path))
                (void) snprintf(w->result, sizeof(w->result), "%s", result);
        return 0;
}

int bus_transient_unit_start(sd_bus *bus, sd_bus_message *m, uint64_t timeout_usec, sd_bus_error *error) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        struct job_wait w = {};
        uint64_t deadline = now_usec(CLOCK_MONOTONIC) + timeout_usec;
        const char *path;
        int r;

        r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r < 0)
                return r;
        /* Before the call: systemd sends JobRemoved to the connection that asked for the job
         * (on its private socket to every connection) and a fast job ends before the reply. */
        r = sd_bus_match_signal(bus, &slot, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                "org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed, &w);
        if (r < 0)
                return r;
        r = sd_bus_call(bus, m, timeout_usec, error, &reply);
        if (r < 0)
                goto out;
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                goto out;
        w.path = path;
        STRV_FOREACH(e, w.early) {
                size_t n = strlen(path);

                if (strncmp(*e, path, n) == 0 && (*e)[n] == ' ')
                        (void) snprintf(w.result, sizeof(w.result), "%s", *e + n + 1);
        }
        while (!w.result[0]) {
                uint64_t now = now_usec(CLOCK_MONOTONIC);

                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        goto out;
                if (r > 0)
                        continue;
                if (now >= deadline) {
                        r = -ETIMEDOUT;
                        goto out;
                }
                r = sd_bus_wait(bus, deadline - now);
                if (r < 0)
                        goto out;
        }
        if (!streq(w.result, "done")) {
                log_debug("Job %s finished '%s'.", path, w.result);
                r = -EIO;
                goto out;
        }
        r = 0;
out:
        strv_free(w.early);
        return r;
}

int bus_log_error(int r, const sd_bus_error *error, const char *what) {
        if (error && sd_bus_error_is_set(error) && error->message)
                return log_error_errno(r, "%s: %s", what, error->message);
        return log_error_errno(r, "%s: %m", what);
}
