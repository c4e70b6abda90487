/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-firewall.c - [Firewall]: the rules a configuration makes, their record lines, their words */

#include <arpa/inet.h>

#include "conf.h"
#include "firewall.h"
#include "log.h"
#include "record.h"
#include "util.h"
#include "tap.h"

static struct netns_config *parse(const char *text) {
        struct netns_config *c = netns_config_new("t");

        if (!c || netns_config_parse_text(c, "t.conf", text, strlen(text)) < 0 || netns_config_verify(c) < 0)
                exit(EXIT_FAILURE);
        return c;
}

static void test_make(void) {
        struct netns_config *c;
        struct fw_rule *rules = NULL;
        struct netns_prefix host[3];
        size_t n = 99;
        char buf[128];

        CHECK(parse_prefix("10.66.0.1/24", &host[0]) == 0);
        CHECK(parse_prefix("fe80::1/64", &host[1]) == 0);
        CHECK(parse_prefix("fd00::1/64", &host[2]) == 0);

        /* Inbound=accept: no rules, whatever else is configured */
        c = parse("[Veth]\n[NAT]\nPort=8080:80\n");
        CHECK(fw_rules_make(c, "host0", host, 3, &rules, &n) == 0 && n == 0 && !rules);
        netns_config_free(c);

        c = parse("[Veth]\nAddress=10.66.0.2/24\n[NAT]\nPort=tcp:8080:80 udp:5353-5354:53 8080:80\n"
                  "[Firewall]\nInbound=drop\nAllowInbound=9001 udp:6881-6889 9001\n");
        CHECK(fw_rules_make(c, "host0", host, 3, &rules, &n) == 0);
        CHECK(n == 6);
        if (n == 6) {
                /* the host end (not its link-local address), the forwards' ports inside (once),
                 * then AllowInbound= (once) */
                CHECK_STREQ(fw_rule_describe(&rules[0], buf, sizeof(buf)), "iifname host0 ip saddr 10.66.0.1 accept");
                CHECK_STREQ(fw_rule_describe(&rules[1], buf, sizeof(buf)), "iifname host0 ip6 saddr fd00::1 accept");
                CHECK_STREQ(fw_rule_describe(&rules[2], buf, sizeof(buf)), "iifname host0 tcp dport 80 accept");
                CHECK_STREQ(fw_rule_describe(&rules[3], buf, sizeof(buf)), "iifname host0 udp dport 53-54 accept");
                CHECK_STREQ(fw_rule_describe(&rules[4], buf, sizeof(buf)), "tcp dport 9001 accept");
                CHECK_STREQ(fw_rule_describe(&rules[5], buf, sizeof(buf)), "udp dport 6881-6889 accept");
        }
        /* each rule as its record line and back */
        for (size_t i = 0; i < n; i++) {
                struct fw_rule back;
                char line[160];

                CHECK(fw_rule_format(&rules[i], buf, sizeof(buf)) == 0);
                CHECK(fw_rule_parse(buf, &back) == 0 && fw_rule_eq(&rules[i], &back));
                (void) snprintf(line, sizeof(line), "firewall %s", buf);
                CHECK(record_line_check(line, NULL) == 0);
        }
        free(rules);
        rules = NULL;

        /* without a veth: only AllowInbound= */
        CHECK(fw_rules_make(c, NULL, host, 3, &rules, &n) == 0 && n == 2 && rules[0].type == FW_RULE_ALLOW);
        free(rules);
        netns_config_free(c);
}

static void test_lines(void) {
        static const char *const good[] = {
                "firewall table", "firewall host host0 10.66.0.1", "firewall host lan0 2001:db8::1",
                "firewall forward host0 tcp 80", "firewall forward host0 sctp 1-65535", "firewall allow udp 51413",
        };
        static const char *const bad[] = {
                "firewall", "firewall tables", "firewall table x", "firewall host host0", "firewall host host0 10.66.0.300",
                "firewall host a/b 10.0.0.1", "firewall forward host0 icmp 80", "firewall forward host0 tcp 0",
                "firewall allow tcp 90-80", "firewall allow tcp 70000", "firewall allow tcp 80 x", "firewall allow tcp -80",
                "firewall allow tcp 80-", "firewall allow 80",
        };
        char *lines[] = { (char *) "pin", (char *) "netns 1 2", (char *) "firewall table", (char *) "firewall allow tcp 9001",
                          (char *) "veth nn-t", (char *) "complete", NULL };
        struct fw_rule *rules = NULL;
        size_t n = 0;
        struct fw_rule r;
        char buf[96];

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                const char *reason = NULL;

                CHECK(record_line_check(good[i], &reason) == 0);
                if (reason)
                        fprintf(stderr, "%s: %s\n", good[i], reason);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                const char *reason = NULL;

                CHECK(record_line_check(bad[i], &reason) == -EBADMSG && reason);
                if (!reason)
                        fprintf(stderr, "accepted: %s\n", bad[i]);
        }

        CHECK(record_fw(lines, &rules, &n) == 1 && n == 1 && rules[0].type == FW_RULE_ALLOW && rules[0].port == 9001);
        free(rules);
        lines[2] = (char *) "veth x";
        lines[3] = NULL;
        CHECK(record_fw(lines, &rules, &n) == 0 && n == 0 && !rules);

        /* what cannot be written is not written */
        r = (struct fw_rule) { .type = FW_RULE_ALLOW, .protocol = IPPROTO_ICMP, .port = 1, .port_end = 1 };
        CHECK(fw_rule_format(&r, buf, sizeof(buf)) == -EINVAL);
        r = (struct fw_rule) { .type = FW_RULE_FORWARD, .protocol = IPPROTO_TCP, .port = 9, .port_end = 8 };
        strcpy(r.ifname, "host0");
        CHECK(fw_rule_format(&r, buf, sizeof(buf)) == -EINVAL);
        r = (struct fw_rule) { .type = FW_RULE_HOST, .family = AF_INET };
        CHECK(fw_rule_format(&r, buf, sizeof(buf)) == -EINVAL); /* no interface name */
}

int main(void) {
        log_set_target(LOG_TARGET_CONSOLE);
        log_set_max_level(LOG_INFO);

        test_make();
        test_lines();
        return TAP_END();
}
