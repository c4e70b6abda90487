/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-wgquick.c - libFuzzer target: the wg-quick file parser (ConfigFile= of [WireGuard]) */

#include <stdint.h>

#include "log.h"
#include "wgquick.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One file through wgquick_parse_text(), then what "up" reads of the result: every peer's
 * allowed IPs and endpoint, so a parse that leaves a half-made peer shows under ASan. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct wgquick q = {};
        size_t sum = 0;

        log_set_max_level(-1);
        (void) wgquick_parse_text(&q, "fuzz.conf", (const char *) data, size);
        for (size_t i = 0; i < q.dev.n_peers; i++) {
                const struct wg_peer *p = &q.dev.peers[i];

                for (size_t j = 0; j < p->n_allowed_ips; j++)
                        sum += p->allowed_ips[j].prefixlen;
                if (p->endpoint_host)
                        sum += strlen(p->endpoint_host);
        }
        for (size_t i = 0; i < q.n_addresses; i++)
                sum += q.addresses[i].prefixlen;
        STRV_FOREACH(d, q.domains)
                sum += strlen(*d);
        wgquick_done(&q);
        return sum == SIZE_MAX;
}
