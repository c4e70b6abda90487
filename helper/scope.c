/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* scope.c - netnsctl exec under systemd: the command joins a transient scope bound to netns@NAME.service */

#include <unistd.h>

#include "bus.h"
#include "inspect.h"
#include "log.h"
#include "util.h"
#include "verbs.h"

/*
 * What "systemd-run --scope" does, for ourselves: StartTransientUnit() of a scope with our PID,
 * BindsTo= and After= netns@NAME.service, then wait for its start job. The process is moved into
 * the scope's cgroup before the job finishes; after that we exec in place as always, so the scope's
 * process is the command. "systemctl stop netns@NAME" stops the scope first (After= reverses on
 * stop), which ends the command before "down" removes the namespace.
 */
int exec_scope_bind(const char *name) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *unit = NULL, *scope = NULL, *desc = NULL;
        struct unit_state st;
        int r;

        unit = strdup_printf("netns@%s.service", name);
        scope = strdup_printf("netns-%s-%d.scope", name, (int) getpid());
        desc = strdup_printf("netnsctl exec in namespace %s", name);
        if (!unit || !scope || !desc)
                return log_oom();

        r = unit_bus_open(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd to bind the command to %s: %m", unit);
        r = unit_get_state(bus, unit, &st);
        if (r < 0)
                return log_error_errno(r, "Failed to read the state of %s: %m", unit);
        if (!streq(st.active, "active") && !streq(st.active, "reloading")) {
                /* "netnsctl up" run by hand: nothing to bind to; starting the scope would start it */
                log_debug("%s is %s; not binding the command to it.", unit, st.active);
                return 0;
        }

        r = bus_transient_unit_new(bus, scope, "fail", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)",
                                          "Description", "s", desc,
                                          "PIDs", "au", 1, (uint32_t) getpid(),
                                          "BindsTo", "as", 1, unit,
                                          "After", "as", 1, unit,
                                          "CollectMode", "s", "inactive-or-failed");
        if (r < 0)
                return log_error_errno(r, "Failed to build the request for scope %s: %m", scope);
        r = bus_transient_unit_start(bus, m, 30 * USEC_PER_SEC, &error);
        if (r < 0)
                return bus_log_error(r, &error, scope);
        log_debug("Running in %s, bound to %s.", scope, unit);
        return 1;
}
