/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-conf.c - libFuzzer target: netns.conf parsing, drop-in merging and the checks */

#include <stdint.h>

#include "conf.h"
#include "log.h"

#define DROPIN_MARKER "\n---dropin---\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input is one file, or a main file and drop-ins separated by DROPIN_MARKER: each
 * piece goes through netns_config_parse_text() into the same config, as
 * netns_config_load() does with files, then netns_config_verify() runs on the result. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_config_ struct netns_config *c = NULL;
        const char *p = (const char *) data, *end = p + size;
        unsigned n = 0;

        log_set_max_level(-1);
        c = netns_config_new("fuzz");
        if (!c)
                return 0;

        for (;;) {
                const char *m = memmem(p, (size_t) (end - p), DROPIN_MARKER, STRLEN(DROPIN_MARKER));
                size_t len = m ? (size_t) (m - p) : (size_t) (end - p);
                char name[64];
                int r;

                (void) snprintf(name, sizeof(name), n == 0 ? "fuzz.conf" : "fuzz.conf.d/%u.conf", n);
                r = netns_config_parse_text(c, name, p, len);
                if (r == -ENOMEM)
                        return 0;
                n++;
                if (!m)
                        break;
                p = m + STRLEN(DROPIN_MARKER);
        }

        /* verify on broken configs too: it must cope with whatever the parser left */
        (void) netns_config_verify(c);
        return 0;
}
