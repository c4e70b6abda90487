/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* view.h - what a unit in a namespace must be given to see it: its /sys, /etc files and DNS */
#pragma once

#include "conf.h"

/**
 * netns_view_lines() - the unit-file lines (BindPaths=, BindReadOnlyPaths=, TemporaryFileSystem=,
 * InaccessiblePaths=) that show a unit namespace @c's sysfs, /etc/netns/NAME/ files and resolv.conf
 * @c: the namespace's configuration (its name, DNS= and ConfigFile= matter)
 * @ret: the lines, newline-terminated; NULL when the run directory cannot be named in a unit file
 *
 * The generator writes them into the drop-ins of attached units; netnsctl-execd turns them into
 * the properties of the transient unit it asks for. Reads /etc/netns/NAME/, /etc/resolv.conf and
 * a [WireGuard] ConfigFile= (its DNS= counts when [Namespace] has none).
 * Return: 0 or -ENOMEM
 */
int netns_view_lines(const struct netns_config *c, char **ret);
