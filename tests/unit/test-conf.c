/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-conf.c - the netns.conf(5) parser: syntax, every key, drop-ins, checks, messages */

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "name.h"
#include "util.h"
#include "tap.h"
#include "capture.h"

/* Parse @text as "t.conf" into a fresh config named "t"; verify too when parsing succeeded.
 * Returns the result; *ret_log gets what was logged, *ret the config. */
static int parse_full(const char *text, bool verify, struct netns_config **ret, char **ret_log) {
        struct netns_config *c = netns_config_new("t");
        char *out;
        int r;

        if (!c)
                exit(EXIT_FAILURE);
        capture_start();
        r = netns_config_parse_text(c, "t.conf", text, strlen(text));
        if (r == 0 && verify)
                r = netns_config_verify(c);
        out = capture_end();
        if (ret)
                *ret = c;
        else
                netns_config_free(c);
        if (ret_log)
                *ret_log = out;
        else
                free(out);
        return r;
}

/* ok: parses and verifies with nothing logged */
static bool ok(const char *text) {
        char *log;
        int r = parse_full(text, true, NULL, &log);
        bool good = r == 0 && !*log;

        if (!good)
                fprintf(stderr, "unexpected failure (%d) for:\n%s\nlog:\n%s", r, text, log);
        free(log);
        return good;
}

/* bad: fails with exactly the one message @expect (NULL = any single message) */
static bool bad(const char *text, const char *expect) {
        char *log;
        int r = parse_full(text, true, NULL, &log);
        bool good = r == -EINVAL && count_lines(log) == 1 && (!expect || strncmp(log, expect, strlen(expect)) == 0);

        if (!good)
                fprintf(stderr, "expected one error%s%s for:\n%s\ngot %d, log:\n%s", expect ? " " : "",
                        strempty(expect), text, r, log);
        free(log);
        return good;
}

static struct netns_config *parse_ok(const char *text) {
        struct netns_config *c;
        char *log;
        int r = parse_full(text, true, &c, &log);

        if (r != 0 || *log)
                fprintf(stderr, "unexpected failure (%d) for:\n%s\nlog:\n%s", r, text, log);
        CHECK(r == 0);
        free(log);
        return c;
}

static const char *ntop(int family, const void *a) {
        static char buf[4][INET6_ADDRSTRLEN];
        static int i;

        i = (i + 1) % 4;
        return inet_ntop(family, a, buf[i], sizeof(buf[i]));
}

/* ---- defaults and value parsers ---- */

static void test_defaults(void) {
        _cleanup_config_ struct netns_config *c = netns_config_new("vpn");

        CHECK(c);
        CHECK_STREQ(c->name, "vpn");
        CHECK(c->boot);
        CHECK(!c->has_veth);
        CHECK(c->veth.default_route);
        CHECK(c->veth.pool.family == AF_INET && c->veth.pool.prefixlen == 16);
        CHECK_STREQ(ntop(AF_INET, &c->veth.pool.addr), "10.250.0.0");
        CHECK(c->masquerade == NETNS_MASQ_NO);
        CHECK(!c->units && !c->domains && c->n_sysctls == 0 && c->n_links == 0);

        /* an empty file and a file of comments are fine */
        CHECK(ok(""));
        CHECK(ok("# nothing\n; nothing\n\n   \n"));
        CHECK(ok("[Namespace]\n"));
}

static void test_parse_boolean(void) {
        const char *yes[] = { "1", "yes", "y", "true", "t", "on", "YES", "True", "On", "Y" };
        const char *no[] = { "0", "no", "n", "false", "f", "off", "NO", "False", "OFF", "N" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                CHECK(parse_boolean(yes[i]) == 1);
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                CHECK(parse_boolean(no[i]) == 0);
        CHECK(parse_boolean("") == -EINVAL);
        CHECK(parse_boolean("2") == -EINVAL);
        CHECK(parse_boolean("yess") == -EINVAL);
        CHECK(parse_boolean("ye") == -EINVAL);
        CHECK(parse_boolean(NULL) == -EINVAL);
}

static void test_parse_prefix_addr(void) {
        struct netns_prefix p;
        struct netns_addr a;

        CHECK(parse_prefix("192.0.2.1/24", &p) == 0 && p.family == AF_INET && p.prefixlen == 24);
        CHECK_STREQ(ntop(AF_INET, &p.addr), "192.0.2.1");
        CHECK(parse_prefix("192.0.2.1", &p) == 0 && p.prefixlen == 32);
        CHECK(parse_prefix("192.0.2.1/0", &p) == 0 && p.prefixlen == 0);
        CHECK(parse_prefix("192.0.2.1/32", &p) == 0 && p.prefixlen == 32);
        CHECK(parse_prefix("2001:db8::1/64", &p) == 0 && p.family == AF_INET6 && p.prefixlen == 64);
        CHECK(parse_prefix("2001:db8::1", &p) == 0 && p.prefixlen == 128);
        CHECK(parse_prefix("::/0", &p) == 0 && p.prefixlen == 0);
        CHECK(parse_prefix("2001:db8::1/128", &p) == 0);
        CHECK(parse_prefix("192.0.2.1/33", &p) == -EINVAL);
        CHECK(parse_prefix("2001:db8::1/129", &p) == -EINVAL);
        CHECK(parse_prefix("192.0.2.1/", &p) == -EINVAL);
        CHECK(parse_prefix("192.0.2.1/-1", &p) == -EINVAL);
        CHECK(parse_prefix("192.0.2.1/+8", &p) == -EINVAL);
        CHECK(parse_prefix("192.0.2.1/ 8", &p) == -EINVAL);
        CHECK(parse_prefix("192.0.2.1/99999999999999999999", &p) == -EINVAL);
        CHECK(parse_prefix("/24", &p) == -EINVAL);
        CHECK(parse_prefix("192.0.2/24", &p) == -EINVAL);
        CHECK(parse_prefix("192.0.2.256", &p) == -EINVAL);
        CHECK(parse_prefix("auto", &p) == -EINVAL);
        CHECK(parse_prefix("", &p) == -EINVAL);
        CHECK(parse_prefix("fe80::1%eth0", &p) == -EINVAL);

        CHECK(parse_addr("192.0.2.53", &a) == 0 && a.family == AF_INET);
        CHECK(parse_addr("2001:db8::53", &a) == 0 && a.family == AF_INET6);
        CHECK(parse_addr("192.0.2.53/32", &a) == -EINVAL);
        CHECK(parse_addr("example.org", &a) == -EINVAL);
        CHECK(parse_addr("", &a) == -EINVAL);
}

static void test_parse_masquerade(void) {
        CHECK(parse_masquerade("no") == NETNS_MASQ_NO);
        CHECK(parse_masquerade("false") == NETNS_MASQ_NO);
        CHECK(parse_masquerade("ipv4") == NETNS_MASQ_IPV4);
        CHECK(parse_masquerade("IPv6") == NETNS_MASQ_IPV6);
        CHECK(parse_masquerade("both") == NETNS_MASQ_BOTH);
        CHECK(parse_masquerade("yes") == NETNS_MASQ_BOTH);
        CHECK(parse_masquerade("ipv5") == -EINVAL);
        CHECK(parse_masquerade("") == -EINVAL);
}

static void test_parse_port(void) {
        static const struct {
                const char *s;
                int proto, family;
                const char *addr;
                unsigned hp, hpe, np;
        } good[] = {
                { "80",                           IPPROTO_TCP, AF_UNSPEC, NULL,          80, 80, 80 },
                { "8080:80",                      IPPROTO_TCP, AF_UNSPEC, NULL,          8080, 8080, 80 },
                { "tcp:8080:80",                  IPPROTO_TCP, AF_UNSPEC, NULL,          8080, 8080, 80 },
                { "udp:53",                       IPPROTO_UDP, AF_UNSPEC, NULL,          53, 53, 53 },
                { "UDP:5353:53",                  IPPROTO_UDP, AF_UNSPEC, NULL,          5353, 5353, 53 },
                { "192.0.2.1:8080",               IPPROTO_TCP, AF_INET,   "192.0.2.1",   8080, 8080, 8080 },
                { "192.0.2.1:8080:80",            IPPROTO_TCP, AF_INET,   "192.0.2.1",   8080, 8080, 80 },
                { "udp:192.0.2.1:53:5353",        IPPROTO_UDP, AF_INET,   "192.0.2.1",   53, 53, 5353 },
                { "[2001:db8::1]:443:8443",       IPPROTO_TCP, AF_INET6,  "2001:db8::1", 443, 443, 8443 },
                { "[2001:db8::1]:443",            IPPROTO_TCP, AF_INET6,  "2001:db8::1", 443, 443, 443 },
                { "udp:[::1]:53",                 IPPROTO_UDP, AF_INET6,  "::1",         53, 53, 53 },
                { "sctp:80",                      IPPROTO_SCTP, AF_UNSPEC, NULL,         80, 80, 80 },
                { "SCTP:[2001:db8::1]:3868:3869", IPPROTO_SCTP, AF_INET6, "2001:db8::1", 3868, 3868, 3869 },
                { "10000-10010",                  IPPROTO_TCP, AF_UNSPEC, NULL,          10000, 10010, 10000 },
                { "10000-10010:20000",            IPPROTO_TCP, AF_UNSPEC, NULL,          10000, 10010, 20000 },
                { "10000-10010:20000-20010",      IPPROTO_TCP, AF_UNSPEC, NULL,          10000, 10010, 20000 },
                { "1",                            IPPROTO_TCP, AF_UNSPEC, NULL,          1, 1, 1 },
                { "65535",                        IPPROTO_TCP, AF_UNSPEC, NULL,          65535, 65535, 65535 },
                { "5-5",                          IPPROTO_TCP, AF_UNSPEC, NULL,          5, 5, 5 },
        };
        static const char *const badv[] = {
                "", "0", "65536", "-1", "80-79", "80:0", "80:65536", "quic:80", "sctp:", "tcp:", "tcp", "udp:80:90:100",
                "1.2.3.4", "1.2.3.4:", "1.2.3.4:80:90:100", "1.2.3:80", "2001:db8::1:80", "[2001:db8::1]",
                "[2001:db8::1]80", "[1.2.3.4]:80", "[]:80", "[2001:db8::1]:80:90:100", "80:90:100",
                "10-20:30-35", "65000-65535:1000-1535x", "80 ", "abc", ":80", "80:",
                "65530-65535:65531", "0x50", "80a",
        };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                struct netns_port p;
                int r = parse_port_spec(good[i].s, &p);

                CHECK(r == 0);
                if (r < 0) {
                        fprintf(stderr, "  Port=%s rejected\n", good[i].s);
                        continue;
                }
                CHECK(p.protocol == good[i].proto);
                CHECK(p.host_family == good[i].family);
                if (good[i].addr)
                        CHECK_STREQ(ntop(p.host_family, &p.host_addr), good[i].addr);
                CHECK(p.host_port == good[i].hp && p.host_port_end == good[i].hpe && p.ns_port == good[i].np);
        }
        for (size_t i = 0; i < ELEMENTSOF(badv); i++) {
                struct netns_port p;
                int r = parse_port_spec(badv[i], &p);

                CHECK(r == -EINVAL);
                if (r == 0)
                        fprintf(stderr, "  Port=%s accepted\n", badv[i]);
        }
        /* the message explains */
        CHECK(bad("[Veth]\nAddress=auto\n[NAT]\nPort=2001:db8::1:80\n",
                  "t.conf:4: Port=2001:db8::1:80: too many fields (IPv6 host addresses go in brackets"));
        CHECK(bad("[Veth]\nAddress=auto\n[NAT]\nPort=90-80\n",
                  "t.conf:4: Port=90-80: the end of a port range must not be below its start."));
        CHECK(bad("[Veth]\nAddress=auto\n[NAT]\nPort=0\n", "t.conf:4: Port=0: ports are numbers 1...65535."));
}

/* ---- ExecUsers=, ExecGroups= ---- */

static void test_exec_principals(void) {
        struct netns_config *c;

        c = parse_ok("[Namespace]\nExecUsers=alice 1000 svc-x_1.a\nExecGroups=vpn-users\nExecGroups=2000\n");
        CHECK(strv_length(c->exec_users) == 3);
        CHECK_STREQ(c->exec_users[1], "1000");
        CHECK(c->n_exec_groups == 2);
        CHECK_STREQ(c->exec_groups[0], "vpn-users");
        netns_config_free(c);
        /* empty resets, as for the other lists */
        c = parse_ok("[Namespace]\nExecUsers=alice\nExecUsers=\nExecUsers=bob\n");
        CHECK(c->n_exec_users == 1);
        CHECK_STREQ(c->exec_users[0], "bob");
        netns_config_free(c);
        c = parse_ok("[Namespace]\n");
        CHECK(c->n_exec_users == 0 && c->n_exec_groups == 0);
        netns_config_free(c);
        CHECK(bad("[Namespace]\nExecUsers=../root\n", "t.conf:2: ExecUsers=../root: not a valid user or group name or number."));
        CHECK(bad("[Namespace]\nExecGroups=-x\n", "t.conf:2: ExecGroups=-x: not a valid user or group name or number."));
        CHECK(bad("[Namespace]\nExecUsers=a:b\n", "t.conf:2: ExecUsers=a:b: not a valid user or group name or number."));
        CHECK(bad("[Namespace]\nExecUsers=4294967295\n", "t.conf:2: ExecUsers=4294967295: ID out of range."));
        CHECK(bad("[Namespace]\nExecUsers=..\n", "t.conf:2: ExecUsers=..: not a valid user or group name or number."));
}

/* ---- syntax ---- */

static void test_syntax(void) {
        struct netns_config *c;
        char *log;
        int r;

        /* whitespace around keys and values, comments, CRLF, BOM */
        c = parse_ok("\xef\xbb\xbf# comment\r\n; another\r\n  [Namespace]  \r\n  Boot  =  no  \r\n\tDomains =\texample.org\t\r\n");
        CHECK(!c->boot);
        CHECK(strv_length(c->domains) == 1);
        CHECK_STREQ(c->domains[0], "example.org");
        netns_config_free(c);

        /* a comment at the end of a line is part of the value, as in systemd */
        CHECK(bad("[Namespace]\nBoot=yes # comment\n",
                  "t.conf:2: Boot=yes # comment: not a boolean (yes/no, true/false, on/off, 1/0)."));

        /* continuation lines: the backslash becomes a space; comment lines inside are skipped;
         * the reported line is where the assignment starts */
        c = parse_ok("[Namespace]\nDomains=a.example \\\n  b.example \\\n# in between\n  c.example\nBoot=no\n");
        CHECK(strv_length(c->domains) == 3);
        CHECK_STREQ(c->domains[2], "c.example");
        CHECK(!c->boot);
        netns_config_free(c);
        CHECK(bad("[Namespace]\nDomains=a.example \\\n  b.example \\\n  bad..example\n",
                  "t.conf:2: Domains=bad..example: not a valid domain name."));
        CHECK(bad("[Namespace]\nBoot=\\\nmaybe\nUnits=x\n", "t.conf:2: Boot=maybe: not a boolean"));
        /* an escaped backslash at the end is no continuation */
        CHECK(bad("[Namespace]\nDomains=a\\\\\nBoot=no\n", "t.conf:2: Domains=a\\\\: not a valid domain name."));
        /* a continuation at the end of the file */
        c = parse_ok("[Namespace]\nBoot=no \\");
        CHECK(!c->boot);
        netns_config_free(c);
        /* a key split over lines is not a continuation of the key name */
        CHECK(ok("[Namespace]\nUnits=a \\\n\nBoot=no\n"));
        /* no newline at the end */
        c = parse_ok("[Namespace]\nBoot=off");
        CHECK(!c->boot);
        netns_config_free(c);

        /* keys and sections are case-sensitive, like systemd's */
        CHECK(bad("[Namespace]\nboot=no\n", "t.conf:2: Unknown key boot= in section [Namespace]."));
        CHECK(bad("[namespace]\nBoot=no\n", "t.conf:1: Unknown section [namespace]"));
        CHECK(bad("Boot=no\n", "t.conf:1: Assignment Boot= outside of any section."));
        CHECK(bad("[Namespace]\nBoot\n", "t.conf:2: Missing '=' in 'Boot'."));
        CHECK(bad("[Namespace]\n=yes\n", "t.conf:2: Missing key name before '='."));
        CHECK(bad("[Namespace\n", "t.conf:1: Invalid section header '[Namespace'."));
        CHECK(bad("[]\n", "t.conf:1: Invalid section header '[]'."));
        CHECK(bad("[Namespace]\nDNS=192.0.2.1\nFoo=bar\n", "t.conf:3: Unknown key Foo= in section [Namespace]."));
        /* a key of another section */
        CHECK(bad("[Namespace]\nMTU=1500\n", "t.conf:2: Unknown key MTU= in section [Namespace]."));
        /* keys of an unknown section are not reported again */
        CHECK(bad("[Bogus]\nA=1\nB=2\n[Namespace]\nBoot=no\n", "t.conf:1: Unknown section [Bogus]"));
        /* X- sections and keys are for the user */
        CHECK(ok("[X-Mine]\nAnything=goes\n[Namespace]\nX-Note=hello\nBoot=yes\n"));
        /* NUL bytes */
        {
                static const char text[] = "[Namespace]\nBoot=n\0o\nBoot=no\n";

                c = netns_config_new("t");
                capture_start();
                r = netns_config_parse_text(c, "t.conf", text, sizeof(text) - 1);
                log = capture_end();
                CHECK(r == -EINVAL);
                CHECK_STREQ(log, "t.conf:2: Line contains a NUL byte.\n");
                CHECK(!c->boot); /* the next line was still read */
                netns_config_free(c);
                free(log);
        }
        /* the text need not be NUL-terminated */
        {
                char text[] = "[Namespace]\nBoot=noXXXX";

                c = netns_config_new("t");
                r = netns_config_parse_text(c, "t.conf", text, strlen(text) - 4);
                CHECK(r == 0 && !c->boot);
                netns_config_free(c);
        }

        /* every problem of a file is reported, each with its line */
        r = parse_full("[Namespace]\nBoot=maybe\nFoo=1\n[Veth]\nMTU=1\nHostName=ve-x\nName=a/b\n"
                       "[NAT]\nMasquerade=ipv5\nPort=0\n[Link]\nType=bogus\nVLANId=5000\n[Nope]\n",
                       true, NULL, &log);
        CHECK(r == -EINVAL);
        CHECK(count_lines(log) == 10);
        CHECK(strstr(log, "t.conf:2: Boot=maybe:") != NULL);
        CHECK(strstr(log, "t.conf:3: Unknown key Foo=") != NULL);
        CHECK(strstr(log, "t.conf:5: MTU=1:") != NULL);
        CHECK(strstr(log, "t.conf:6: HostName=ve-x:") != NULL);
        CHECK(strstr(log, "t.conf:7: Name=a/b:") != NULL);
        CHECK(strstr(log, "t.conf:9: Masquerade=ipv5:") != NULL);
        CHECK(strstr(log, "t.conf:10: Port=0:") != NULL);
        CHECK(strstr(log, "t.conf:12: Type=bogus:") != NULL);
        CHECK(strstr(log, "t.conf:13: VLANId=5000:") != NULL);
        CHECK(strstr(log, "t.conf:14: Unknown section [Nope]") != NULL);
        free(log);
}

/* ---- [Namespace] ---- */

static void test_namespace(void) {
        struct netns_config *c;

        CHECK(bad("[Namespace]\nBoot=2\n", "t.conf:2: Boot=2: not a boolean"));
        c = parse_ok("[Namespace]\nBoot=no\nBoot=\n");
        CHECK(c->boot); /* empty = default */
        netns_config_free(c);

        /* Sysctl= */
        c = parse_ok("[Namespace]\nSysctl=net.ipv4.ip_forward=1\nSysctl = net/ipv4/conf/eth0.100/rp_filter = 2 \n"
                     "Sysctl=net.ipv4.ping_group_range=0 2147483647\nSysctl=net.core.somaxconn=4096\n");
        CHECK(c->n_sysctls == 4);
        CHECK_STREQ(c->sysctls[0].key, "net.ipv4.ip_forward");
        CHECK_STREQ(c->sysctls[0].value, "1");
        CHECK(c->sysctls[0].origin.line == 2);
        CHECK_STREQ(c->sysctls[0].origin.file, "t.conf");
        CHECK_STREQ(c->sysctls[1].key, "net.ipv4.conf.eth0/100.rp_filter");
        CHECK_STREQ(c->sysctls[1].value, "2");
        CHECK_STREQ(c->sysctls[2].value, "0 2147483647");
        netns_config_free(c);
        c = parse_ok("[Namespace]\nSysctl=net.ipv4.ip_forward=1\nSysctl=\nSysctl=net.ipv6.conf.all.forwarding=1\n");
        CHECK(c->n_sysctls == 1);
        CHECK_STREQ(c->sysctls[0].key, "net.ipv6.conf.all.forwarding");
        netns_config_free(c);
        CHECK(bad("[Namespace]\nSysctl=kernel.hostname=x\n",
                  "t.conf:2: Sysctl=kernel.hostname=x: only net.* sysctls belong to a network namespace."));
        CHECK(bad("[Namespace]\nSysctl=net=1\n", "t.conf:2: Sysctl=net=1: only net.*"));
        CHECK(bad("[Namespace]\nSysctl=network.x=1\n", "t.conf:2: Sysctl=network.x=1: only net.*"));
        CHECK(bad("[Namespace]\nSysctl=net.ipv4.ip_forward\n", "t.conf:2: Sysctl=net.ipv4.ip_forward: expected KEY=VALUE"));
        CHECK(bad("[Namespace]\nSysctl=net.ipv4.ip_forward=\n", "t.conf:2: Sysctl=net.ipv4.ip_forward=: the sysctl needs a value."));
        CHECK(bad("[Namespace]\nSysctl==1\n", "t.conf:2: Sysctl==1: the sysctl name is empty."));
        CHECK(bad("[Namespace]\nSysctl=net.ipv4 .ip_forward=1\n", "t.conf:2: Sysctl=net.ipv4 .ip_forward=1: invalid character"));
        CHECK(bad("[Namespace]\nSysctl=net/ipv4/../../kernel/x=1\n", "t.conf:2: Sysctl=net/ipv4/../../kernel/x=1: invalid sysctl name"));
        CHECK(bad("[Namespace]\nSysctl=net/./ipv4=1\n", NULL));
        CHECK(bad("[Namespace]\nSysctl=net..ipv4=1\n", NULL));
        CHECK(bad("[Namespace]\nSysctl=net.ipv4.=1\n", NULL));
        CHECK(bad("[Namespace]\nSysctl=net.ipv4.conf.*.rp_filter=1\n", NULL));
        CHECK(bad("[Namespace]\nSysctl=/net/ipv4/ip_forward=1\n", NULL));

        /* DNS= */
        c = parse_ok("[Namespace]\nDNS=192.0.2.53 2001:db8::53\nDNS=192.0.2.54\n");
        CHECK(c->n_dns == 3);
        CHECK(c->dns[0].family == AF_INET && c->dns[1].family == AF_INET6);
        CHECK_STREQ(ntop(AF_INET, &c->dns[2].addr), "192.0.2.54");
        netns_config_free(c);
        c = parse_ok("[Namespace]\nDNS=192.0.2.53\nDNS=\nDNS=192.0.2.99\n");
        CHECK(c->n_dns == 1);
        CHECK_STREQ(ntop(AF_INET, &c->dns[0].addr), "192.0.2.99");
        netns_config_free(c);
        CHECK(bad("[Namespace]\nDNS=192.0.2.53 dns.example 192.0.2.54\n", "t.conf:2: DNS=dns.example: not an IPv4 or IPv6 address."));
        CHECK(bad("[Namespace]\nDNS=192.0.2.53/32\n", NULL));

        /* Domains= */
        c = parse_ok("[Namespace]\nDomains=example.org corp.example.com.\nDomains=x_y.example\n");
        CHECK(strv_length(c->domains) == 3);
        CHECK_STREQ(c->domains[1], "corp.example.com.");
        netns_config_free(c);
        c = parse_ok("[Namespace]\nDomains=a.example\nDomains=\nDomains=b.example\n");
        CHECK(strv_length(c->domains) == 1);
        CHECK_STREQ(c->domains[0], "b.example");
        netns_config_free(c);
        CHECK(bad("[Namespace]\nDomains=.\n", NULL));
        CHECK(bad("[Namespace]\nDomains=a..b\n", NULL));
        CHECK(bad("[Namespace]\nDomains=exa$mple.org\n", NULL));
        CHECK(bad("[Namespace]\nDomains=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example\n", NULL)); /* 64 */
        CHECK(ok("[Namespace]\nDomains=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example\n")); /* 63 */

        /* Units= */
        c = parse_ok("[Namespace]\nUnits=bird dnsmasq.service\nUnits=getty@tty9.service a.socket bird.service\n"
                     "Units=home.mount\n");
        CHECK(strv_length(c->units) == 5); /* bird.service once */
        CHECK_STREQ(c->units[0], "bird.service");
        CHECK_STREQ(c->units[1], "dnsmasq.service");
        CHECK_STREQ(c->units[2], "getty@tty9.service");
        CHECK_STREQ(c->units[3], "a.socket");
        CHECK_STREQ(c->units[4], "home.mount");
        netns_config_free(c);
        c = parse_ok("[Namespace]\nUnits=a b\nUnits=\nUnits=c\n");
        CHECK(strv_length(c->units) == 1);
        CHECK_STREQ(c->units[0], "c.service");
        netns_config_free(c);
        CHECK(bad("[Namespace]\nUnits=foo.timer\n", "t.conf:2: Units=foo.timer: only units that run processes"));
        CHECK(bad("[Namespace]\nUnits=multi-user.target\n", NULL));
        CHECK(bad("[Namespace]\nUnits=getty@.service\n", "t.conf:2: Units=getty@.service: a template cannot run"));
        CHECK(bad("[Namespace]\nUnits=netns@other.service\n", "t.conf:2: Units=netns@other.service: the namespace services"));
        CHECK(bad("[Namespace]\nUnits=a$b\n", "t.conf:2: Units=a$b: not a valid unit name."));
        CHECK(bad("[Namespace]\nUnits=a@b@c\n", NULL));
}

/* ---- [Veth] ---- */

static void test_veth(void) {
        struct netns_config *c;

        /* IPv6 below MTU 1280: named at the address, not left to the kernel's EINVAL */
        CHECK(bad("[Veth]\nMTU=1000\nAddress=fd00::2/64\n",
                  "t.conf:3: Address=fd00::2/64: IPv6 needs an MTU of at least 1280, and this [Veth] has MTU=1000"));
        CHECK(bad("[Veth]\nMTU=1000\nHostAddress=fd00::1/64\nAddress=10.0.0.2/24\n", "t.conf:3: HostAddress=fd00::1/64: IPv6 needs"));
        CHECK(ok("[Veth]\nMTU=1000\n")); /* auto: IPv6 is left out */
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nMTU=1200\nAddress=2001:db8::5/64\n",
                  "t.conf:5: Address=2001:db8::5/64: IPv6 needs an MTU of at least 1280, and this [Link] has MTU=1200"));
        CHECK(ok("[Link]\nType=physical\nParent=eth0\nMTU=1200\nAddress=192.0.2.5/24\n"));

        /* the 0.1 spellings: refused, with the keys to write now; never taken with the old meaning */
        CHECK(bad("[Veth]\nPeerAddress=10.66.0.2/24\n",
                  "t.conf:2: PeerAddress= is the old spelling: [Veth] speaks from inside the namespace now, "
                  "Address= and Name= are the end inside, HostAddress= and HostName= the host end."));
        CHECK(bad("[Veth]\nPeerName=uplink\n", "t.conf:2: PeerName= is the old spelling: [Veth] speaks from inside"));
        CHECK(bad("[Veth]\nPeerAddress=\n", "t.conf:2: PeerAddress= is the old spelling"));
        /* Address= is inside: the namespace's end gets it, the host end nothing automatic */
        c = parse_ok("[Veth]\nAddress=10.66.0.2/24\n");
        CHECK(c->veth.n_addresses == 1 && c->veth.n_host_addresses == 0);
        CHECK(!c->veth.address_auto && !c->veth.host_address_auto);
        CHECK_STREQ(ntop(AF_INET, &c->veth.addresses[0].addr), "10.66.0.2");
        netns_config_free(c);

        /* a bare [Veth]: automatic addresses on both ends */
        c = parse_ok("[Veth]\n");
        CHECK(c->has_veth);
        CHECK(!c->veth.host_name && !c->veth.name && c->veth.host_address_auto && c->veth.address_auto);
        CHECK(c->veth.n_host_addresses == 0 && c->veth.n_addresses == 0);
        CHECK(c->veth.origin.line == 1);
        netns_config_free(c);
        /* any Address= or HostAddress=, even empty, turns that off */
        c = parse_ok("[Veth]\nAddress=192.0.2.2/31\n");
        CHECK(!c->veth.host_address_auto && !c->veth.address_auto && c->veth.n_addresses == 1);
        netns_config_free(c);
        c = parse_ok("[Veth]\nHostAddress=\n");
        CHECK(!c->veth.host_address_auto && !c->veth.address_auto);
        netns_config_free(c);
        c = parse_ok("[Veth]\nHostAddress=auto\n");
        CHECK(c->veth.host_address_auto && !c->veth.address_auto);
        netns_config_free(c);

        c = parse_ok("[Veth]\nHostName=to-vpn\nName=uplink\nHostAddress=auto 192.0.2.1/31\nHostAddress=2001:db8::1/64\n"
                     "Address=192.0.2.0/31 auto\nDefaultRoute=no\nMTU=1400\nAddressPool=10.99.0.0/20\n");
        CHECK_STREQ(c->veth.host_name, "to-vpn");
        CHECK_STREQ(c->veth.name, "uplink");
        CHECK(c->veth.host_address_auto && c->veth.address_auto);
        CHECK(c->veth.n_host_addresses == 2 && c->veth.n_addresses == 1);
        CHECK(c->veth.host_addresses[0].prefixlen == 31 && c->veth.host_addresses[1].family == AF_INET6);
        CHECK(c->veth.host_addresses[1].origin.line == 5);
        CHECK(!c->veth.default_route);
        CHECK(c->veth.mtu == 1400);
        CHECK(c->veth.pool.prefixlen == 20);
        CHECK_STREQ(ntop(AF_INET, &c->veth.pool.addr), "10.99.0.0");
        netns_config_free(c);

        /* empty assignments: back to the defaults; Address= clears auto too */
        c = parse_ok("[Veth]\nHostName=x\nHostName=\nHostAddress=auto 192.0.2.1/24\nHostAddress=\nAddress=auto\nAddress=\n"
                     "HostAddress=192.0.2.9/24\nMTU=1400\nMTU=\nDefaultRoute=no\nDefaultRoute=\nAddressPool=10.1.0.0/16\nAddressPool=\n");
        CHECK(!c->veth.host_name);
        CHECK(!c->veth.host_address_auto && !c->veth.address_auto);
        CHECK(c->veth.n_host_addresses == 1 && c->veth.n_addresses == 0);
        CHECK_STREQ(ntop(AF_INET, &c->veth.host_addresses[0].addr), "192.0.2.9");
        CHECK(c->veth.mtu == 0);
        CHECK(c->veth.default_route);
        CHECK(c->veth.pool.prefixlen == 16);
        CHECK_STREQ(ntop(AF_INET, &c->veth.pool.addr), "10.250.0.0");
        netns_config_free(c);

        CHECK(bad("[Veth]\nHostName=ve-foo\n", "t.conf:2: HostName=ve-foo: names starting with \"ve-\" or \"vb-\" belong to systemd-networkd."));
        CHECK(bad("[Veth]\nHostName=vb-foo\n", NULL));
        CHECK(ok("[Veth]\nName=ve-inside\n")); /* inside the namespace networkd is not looking */
        CHECK(bad("[Veth]\nHostName=0123456789abcdef\n", "t.conf:2: HostName=0123456789abcdef: not a valid interface name"));
        CHECK(ok("[Veth]\nHostName=0123456789abcde\n"));
        CHECK(bad("[Veth]\nHostName=a:b\n", NULL));
        CHECK(bad("[Veth]\nName=eth%d\n", NULL));
        CHECK(bad("[Veth]\nName=..\n", NULL));
        CHECK(bad("[Veth]\nHostName=a b\n", NULL));

        CHECK(bad("[Veth]\nHostAddress=192.0.2.1/33\n", "t.conf:2: HostAddress=192.0.2.1/33: expected ADDRESS[/PREFIXLENGTH] or auto"));
        CHECK(bad("[Veth]\nAddress=2001:db8::1/129\n", NULL));
        CHECK(bad("[Veth]\nHostAddress=automatic\n", NULL));
        CHECK(bad("[Veth]\nHostAddress=192.0.2.1/24 bogus 192.0.2.2/24\n", "t.conf:2: HostAddress=bogus:"));

        CHECK(ok("[Veth]\nMTU=68\n"));
        CHECK(ok("[Veth]\nMTU=65535\n"));
        CHECK(bad("[Veth]\nMTU=67\n", "t.conf:2: MTU=67: an MTU is a number 68...65535."));
        CHECK(bad("[Veth]\nMTU=65536\n", NULL));
        CHECK(bad("[Veth]\nMTU=-1500\n", NULL));
        CHECK(bad("[Veth]\nMTU=1500b\n", NULL));
        CHECK(bad("[Veth]\nMTU=4294967297\n", NULL));

        CHECK(bad("[Veth]\nDefaultRoute=perhaps\n", NULL));

        CHECK(ok("[Veth]\nAddressPool=10.0.0.0/8\n"));
        CHECK(ok("[Veth]\nAddressPool=192.168.7.0/24\n"));
        CHECK(bad("[Veth]\nAddressPool=10.0.0.0/7\n", "t.conf:2: AddressPool=10.0.0.0/7: the prefix length must be 8...24."));
        CHECK(bad("[Veth]\nAddressPool=192.168.7.0/25\n", NULL));
        CHECK(bad("[Veth]\nAddressPool=10.250.1.0/16\n", "t.conf:2: AddressPool=10.250.1.0/16: host bits are set; the network is 10.250.0.0/16."));
        CHECK(bad("[Veth]\nAddressPool=fd00::/16\n", NULL));
        CHECK(bad("[Veth]\nAddressPool=10.0.0.0\n", NULL));
        CHECK(bad("[Veth]\nAddressPool=auto\n", NULL));
}

/* ---- [NAT] ---- */

static void test_nat(void) {
        struct netns_config *c;

        c = parse_ok("[Veth]\nAddress=auto\n[NAT]\nMasquerade=ipv4\nPort=tcp:8080:80 udp:53\nPort=[2001:db8::1]:443:8443\n");
        CHECK(c->masquerade == NETNS_MASQ_IPV4);
        CHECK(c->n_ports == 3);
        CHECK(c->ports[0].host_port == 8080 && c->ports[0].ns_port == 80 && c->ports[0].origin.line == 5);
        CHECK(c->ports[1].protocol == IPPROTO_UDP);
        CHECK(c->ports[2].host_family == AF_INET6 && c->ports[2].origin.line == 6);
        CHECK(c->nat_origin.line == 3);
        netns_config_free(c);

        c = parse_ok("[Veth]\nAddress=auto\n[NAT]\nMasquerade=yes\nPort=80\nPort=\nPort=81\n");
        CHECK(c->masquerade == NETNS_MASQ_BOTH);
        CHECK(c->n_ports == 1 && c->ports[0].host_port == 81);
        CHECK(!c->override_listeners);
        netns_config_free(c);
        c = parse_ok("[Veth]\n[NAT]\nPort=22\nOverrideHostListeners=yes\n");
        CHECK(c->override_listeners);
        netns_config_free(c);
        CHECK(bad("[Veth]\n[NAT]\nOverrideHostListeners=sure\n", "t.conf:3: OverrideHostListeners=sure: not a boolean"));
        c = parse_ok("[Veth]\n[NAT]\nMasquerade=both\nMasquerade=\n");
        CHECK(c->masquerade == NETNS_MASQ_NO);
        netns_config_free(c);
        c = parse_ok("[Veth]\n[NAT]\nMasquerade=ipv6\n");
        CHECK(c->masquerade == NETNS_MASQ_IPV6);
        netns_config_free(c);
        CHECK(bad("[Veth]\n[NAT]\nMasquerade=sometimes\n", "t.conf:3: Masquerade=sometimes: expected no, ipv4, ipv6, both or yes."));

        /* forwarding goes to the veth peer */
        CHECK(bad("[NAT]\nPort=80\n", "t.conf:2: Port= needs a [Veth] section (ports are forwarded to the veth peer address)."));
        CHECK(ok("[Veth]\n[NAT]\nPort=80\n")); /* auto */
        CHECK(bad("[Veth]\nHostAddress=\nAddress=\n[NAT]\nPort=80\n", "t.conf:5: Port= needs an Address= in [Veth] to forward to."));
        CHECK(bad("[Veth]\nHostAddress=192.0.2.1/31\n[NAT]\nPort=80\n", "t.conf:4: Port= needs an Address= in [Veth] to forward to."));
        CHECK(bad("[Veth]\nAddress=192.0.2.2/31\n[NAT]\nPort=[2001:db8::1]:80\n",
                  "t.conf:4: Port= needs an IPv6 Address= in [Veth] to forward to."));
        CHECK(ok("[Veth]\nAddress=192.0.2.2/31\n[NAT]\nPort=192.0.2.10:80\n"));
        CHECK(bad("[NAT]\nMasquerade=ipv4\n", "t.conf:1: Masquerade= needs a [Veth] section"));
        CHECK(ok("[NAT]\nMasquerade=no\n"));
}

/* ---- [Link] ---- */

static void test_link(void) {
        struct netns_config *c;

        c = parse_ok("[Link]\nType=physical\nParent=eth1\n"
                     "[Link]\nMode=bridge\nType=macvlan\nParent=eth0\nName=mv0\nMTU=1400\nAddress=192.0.2.10/24 2001:db8::10/64\nGateway=192.0.2.1\n"
                     "[Link]\nType=ipvlan\nParent=eth0\nName=iv0\nMode=l3s\n"
                     "[Link]\nType=vlan\nParent=eth0\nVLANId=42\nName=vlan42\nMTUBytes=1496\n"
                     "[Link]\nType=macvlan\nParent=eth0\nName=mv1\n");
        CHECK(c->n_links == 5);
        CHECK(c->links[0].kind == NETNS_LINK_PHYSICAL);
        CHECK_STREQ(c->links[0].parent, "eth1");
        CHECK(c->links[0].name == NULL && c->links[0].mode == -1 && c->links[0].origin.line == 1);
        CHECK(c->links[1].kind == NETNS_LINK_MACVLAN && c->links[1].mode == NETNS_MACVLAN_BRIDGE);
        CHECK_STREQ(c->links[1].name, "mv0");
        CHECK(c->links[1].mtu == 1400);
        CHECK(c->links[1].n_addresses == 2 && c->links[1].n_gateways == 1);
        CHECK(c->links[1].origin.line == 4);
        CHECK(c->links[2].kind == NETNS_LINK_IPVLAN && c->links[2].mode == NETNS_IPVLAN_L3S);
        CHECK(c->links[3].kind == NETNS_LINK_VLAN && c->links[3].vlan_id == 42 && c->links[3].mtu == 1496);
        CHECK(c->links[4].mode == -1);
        netns_config_free(c);

        static const char *const macvlan[] = { "private", "vepa", "bridge", "passthru", "source" };
        for (size_t i = 0; i < ELEMENTSOF(macvlan); i++) {
                char buf[128];

                snprintf(buf, sizeof(buf), "[Link]\nType=macvlan\nParent=eth0\nMode=%s\n", macvlan[i]);
                c = parse_ok(buf);
                CHECK(c->links[0].mode == (int) i);
                netns_config_free(c);
        }
        static const char *const ipvlan[] = { "l2", "l3", "l3s" };
        for (size_t i = 0; i < ELEMENTSOF(ipvlan); i++) {
                char buf[128];

                snprintf(buf, sizeof(buf), "[Link]\nMode=%s\nType=ipvlan\nParent=eth0\n", ipvlan[i]);
                c = parse_ok(buf);
                CHECK(c->links[0].mode == (int) i);
                netns_config_free(c);
        }
        CHECK(bad("[Link]\nType=ipvlan\nParent=eth0\nMode=bridge\n", "t.conf:4: Mode=bridge is not a mode of Type=ipvlan."));
        CHECK(bad("[Link]\nMode=l2\nType=macvlan\nParent=eth0\n", "t.conf:2: Mode=l2 is not a mode of Type=macvlan."));
        CHECK(bad("[Link]\nType=vlan\nVLANId=3\nParent=eth0\nMode=bridge\n",
                  "t.conf:5: Mode=bridge is not a mode of Type=vlan (Mode= is for macvlan and ipvlan)."));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nMode=l3\n", NULL));
        CHECK(bad("[Link]\nType=macvlan\nParent=eth0\nMode=fast\n", "t.conf:4: Mode=fast: expected private, vepa"));
        CHECK(ok("[Link]\nType=macvlan\nParent=eth0\nMode=l2\nMode=\n"));

        CHECK(bad("[Link]\nType=bridge\nParent=eth0\n", "t.conf:2: Type=bridge: expected physical, macvlan, ipvlan, vlan, veth or vxlan."));
        CHECK(bad("[Link]\nParent=eth0\n", "t.conf:1: [Link] without Type="));
        CHECK(bad("[Link]\nType=macvlan\n", "t.conf:1: [Link] without Parent="));
        CHECK(bad("[Link]\nType=vlan\nParent=eth0\n", "t.conf:1: [Link] with Type=vlan needs VLANId=."));
        CHECK(bad("[Link]\nType=macvlan\nParent=eth0\nVLANId=3\n", "t.conf:4: VLANId= is only valid for Type=vlan."));
        CHECK(bad("[Link]\nType=vlan\nParent=eth0\nVLANId=0\n", "t.conf:4: VLANId=0: a VLAN id is a number 1...4094."));
        CHECK(bad("[Link]\nType=vlan\nParent=eth0\nVLANId=4095\n", NULL));
        CHECK(ok("[Link]\nType=vlan\nParent=eth0\nVLANId=4094\n"));
        CHECK(ok("[Link]\nType=vlan\nParent=eth0\nVLANId=1\n"));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nMTU=50\n", NULL));
        CHECK(bad("[Link]\nType=physical\nParent=bad/name\n", "t.conf:3: Parent=bad/name: not a valid interface name"));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nName=0123456789abcdef\n", NULL));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nAddress=auto\n",
                  "t.conf:4: Address=auto: automatic addresses exist only for the veth ([Veth] section)."));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nGateway=192.0.2.1/24\n", "t.conf:4: Gateway=192.0.2.1/24: not an IPv4 or IPv6 address."));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nBogus=1\n", "t.conf:4: Unknown key Bogus= in section [Link]."));

        /* list resets inside a [Link] */
        c = parse_ok("[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24\nAddress=\nAddress=198.51.100.5/24\n"
                     "Gateway=192.0.2.1\nGateway=\nGateway=198.51.100.1\n");
        CHECK(c->links[0].n_addresses == 1 && c->links[0].n_gateways == 1);
        CHECK_STREQ(ntop(AF_INET, &c->links[0].gateways[0].addr), "198.51.100.1");
        netns_config_free(c);

        /* Gateway= family needs an address of that family on the link; IPv6 link-local is fine */
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nAddress=2001:db8::5/64\nGateway=192.0.2.1\n",
                  "t.conf:1: Gateway=192.0.2.1 needs an IPv4 Address= on the same [Link]."));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24\nGateway=2001:db8::1\n",
                  "t.conf:1: Gateway=2001:db8::1 needs an IPv6 Address= on the same [Link]."));
        CHECK(ok("[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24\nGateway=fe80::1\n"));

        /* one default route per family */
        CHECK(bad("[Veth]\nHostAddress=auto\n[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24\nGateway=192.0.2.1\n",
                  "t.conf:3: Gateway=192.0.2.1: an IPv4 default route is already set by the veth"));
        CHECK(ok("[Veth]\nHostAddress=auto\nDefaultRoute=no\n[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24\nGateway=192.0.2.1\n"));
        CHECK(ok("[Veth]\nHostAddress=2001:db8::1/64\n[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24\nGateway=192.0.2.1\n"));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24\nGateway=192.0.2.1\n"
                  "[Link]\nType=physical\nParent=eth1\nAddress=198.51.100.5/24\nGateway=198.51.100.1\n",
                  "t.conf:6: Gateway=198.51.100.1: an IPv4 default route is already set by the Gateway= of the [Link] at t.conf:1."));

        /* names inside the namespace */
        CHECK(bad("[Veth]\n[Link]\nType=physical\nParent=host0\n",
                  "t.conf:2: Interface name \"host0\" inside the namespace is already used by [Veth] Name= at t.conf:1."));
        CHECK(bad("[Veth]\nName=uplink\n[Link]\nType=macvlan\nParent=eth0\nName=uplink\n", NULL));
        CHECK(ok("[Veth]\nName=uplink\n[Link]\nType=physical\nParent=host0\n"));
        CHECK(bad("[Link]\nType=macvlan\nParent=eth0\nName=a\n[Link]\nType=ipvlan\nParent=eth1\nName=a\n",
                  "t.conf:5: Interface name \"a\" inside the namespace is already used by [Link] Name= at t.conf:1."));
        CHECK(bad("[Veth]\nName=lo\n", "t.conf:1: [Veth] Name=lo: \"lo\" is the namespace's loopback device."));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nName=lo\n", NULL));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nName=x\n[Link]\nType=physical\nParent=eth0\nName=y\n",
                  "t.conf:5: Host link \"eth0\" is already moved into the namespace by the [Link] at t.conf:1."));
        CHECK(ok("[Link]\nType=macvlan\nParent=eth0\nName=a\n[Link]\nType=macvlan\nParent=eth0\nName=b\n"));
}

/* ---- [Link] Type=vxlan ---- */

static void test_link_vxlan(void) {
        struct netns_config *c;
        char name[IFNAMSIZ];

        c = parse_ok("[Link]\nType=vxlan\nVNI=42\nRemote=192.0.2.2\nAddress=10.42.0.1/24\n"
                     "[Link]\nVNI=16777215\nGroup=ff05::42\nLocal=2001:db8::1\nParent=eth0\nDestinationPort=8472\nType=vxlan\nName=seg\nMTU=1400\n");
        CHECK(c->n_links == 2);
        CHECK(c->links[0].kind == NETNS_LINK_VXLAN && c->links[0].vni == 42 && c->links[0].dport == 0);
        CHECK(c->links[0].remote.family == AF_INET && streq(ntop(AF_INET, &c->links[0].remote.addr), "192.0.2.2"));
        CHECK(c->links[0].group.family == AF_UNSPEC && c->links[0].local.family == AF_UNSPEC && !c->links[0].parent);
        CHECK(link_ifname(&c->links[0], name) == 0 && streq(name, "vxlan42"));
        CHECK(c->links[1].vni == 16777215 && c->links[1].dport == 8472 && c->links[1].mtu == 1400);
        CHECK(c->links[1].group.family == AF_INET6 && streq(ntop(AF_INET6, &c->links[1].group.addr), "ff05::42"));
        CHECK(c->links[1].local.family == AF_INET6 && c->links[1].remote.family == AF_UNSPEC);
        CHECK(link_ifname(&c->links[1], name) == 0 && streq(name, "seg"));
        netns_config_free(c);
        /* the row: born on the host, a tunnel whose MTU derives from the underlay */
        CHECK(link_kind_get(NETNS_LINK_VXLAN)->birth == LINK_BORN_ON_HOST_THEN_MOVED);
        CHECK(link_kind_made_by_kernel_kind("vxlan") == link_kind_get(NETNS_LINK_VXLAN));
        c = parse_ok("[Link]\nType=vxlan\nVNI=1\nRemote=2001:db8::2\n[Link]\nType=vxlan\nVNI=2\nRemote=192.0.2.2\n");
        CHECK(link_kind_get(NETNS_LINK_VXLAN)->overhead(&c->links[0]) == 70);
        CHECK(link_kind_get(NETNS_LINK_VXLAN)->overhead(&c->links[1]) == 50);
        netns_config_free(c);

        /* each key's value at its line */
        CHECK(bad("[Link]\nType=vxlan\nVNI=0\nRemote=192.0.2.2\n", "t.conf:3: VNI=0: a VNI is a number 1...16777215."));
        CHECK(bad("[Link]\nType=vxlan\nVNI=16777216\nRemote=192.0.2.2\n", "t.conf:3: VNI=16777216:"));
        CHECK(bad("[Link]\nType=vxlan\nVNI=x\nRemote=192.0.2.2\n", "t.conf:3: VNI=x:"));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nRemote=239.1.1.1\n", "t.conf:4: Remote=239.1.1.1: expected one unicast"));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nRemote=0.0.0.0\n", "t.conf:4: Remote=0.0.0.0:"));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nRemote=192.0.2.2/24\n", "t.conf:4: Remote=192.0.2.2/24:"));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nParent=eth0\nGroup=192.0.2.9\n", "t.conf:5: Group=192.0.2.9: expected one multicast"));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nRemote=192.0.2.2\nLocal=::\n", "t.conf:5: Local=:::"));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nRemote=192.0.2.2\nDestinationPort=65536\n", "t.conf:5: DestinationPort=65536: a port is a number 1...65535."));
        CHECK(bad("[Link]\nType=vlan\nParent=eth0\nVLANId=3\nRemote=192.0.2.2\n", "t.conf:5: Remote= is only valid for Type=vxlan."));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nRemote=192.0.2.2\nVLANId=3\n", "t.conf:5: VLANId= is only valid for Type=vlan."));
        /* across keys, at the [Link] */
        CHECK(bad("[Link]\nType=vxlan\nRemote=192.0.2.2\n", "t.conf:1: [Link] with Type=vxlan needs VNI="));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\n", "t.conf:1: [Link] with Type=vxlan needs Remote= (the other host's address on the underlay) or Group="));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nParent=eth0\nRemote=192.0.2.2\nGroup=239.1.1.1\n",
                  "t.conf:1: [Link] with Type=vxlan: Remote= and Group= exclude each other"));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nGroup=239.1.1.1\n", "t.conf:1: [Link] with Type=vxlan and Group= needs Parent="));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nRemote=192.0.2.2\nLocal=2001:db8::1\n",
                  "t.conf:1: [Link] with Type=vxlan: Local= and Remote= are of different address families."));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nParent=eth0\nGroup=ff05::1\nLocal=192.0.2.1\n",
                  "t.conf:1: [Link] with Type=vxlan: Local= and Group= are of different address families."));
        CHECK(bad("[Link]\nType=vxlan\nVNI=1\nRemote=fe80::2\n", "t.conf:1: [Link] with Type=vxlan and an IPv6 link-local Remote="));
        CHECK(ok("[Link]\nType=vxlan\nVNI=1\nRemote=fe80::2\nParent=eth0\n"));
        CHECK(ok("[Link]\nType=vxlan\nVNI=1\nRemote=192.0.2.2\nRemote=192.0.2.3\n"));
}

/* ---- [Route], HostRoute= ---- */

static void test_route(void) {
        struct netns_config *c;

        c = parse_ok("[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24 2001:db8:1::5/64\n"
                     "[Route]\nDestination=198.51.100.0/24\nGateway=192.0.2.1\nMetric=20\nTable=100\nMTU=1400\n"
                     "PreferredSource=192.0.2.5\nGatewayOnLink=yes\n"
                     "[Route]\nGateway=2001:db8:1::1\n"
                     "[Route]\nDestination=203.0.113.0/24\nType=blackhole\n"
                     "[Route]\nDestination=2001:db8:dead::/48\nType=prohibit\nTable=main\n");
        CHECK(c->n_routes == 4);
        CHECK(c->routes[0].destination.family == AF_INET && c->routes[0].destination.prefixlen == 24);
        CHECK(streq(ntop(AF_INET, &c->routes[0].gateway.addr), "192.0.2.1"));
        CHECK(c->routes[0].metric == 20 && c->routes[0].table == 100 && c->routes[0].mtu == 1400);
        CHECK(c->routes[0].gateway_onlink && c->routes[0].prefsrc.family == AF_INET);
        CHECK(c->routes[0].origin.line == 5);
        /* no Destination=: the default route of the gateway's family */
        CHECK(c->routes[1].destination.family == AF_INET6 && c->routes[1].destination.prefixlen == 0);
        CHECK(c->routes[2].type == NETNS_ROUTE_BLACKHOLE && c->routes[3].type == NETNS_ROUTE_PROHIBIT);
        CHECK(c->routes[3].table == 254);
        netns_config_free(c);

        /* values */
        CHECK(bad("[Route]\nDestination=10.1.2.0/16\nType=blackhole\n", "t.conf:2: Destination=10.1.2.0/16: host bits are set; the network is 10.1.0.0/16."));
        CHECK(bad("[Route]\nDestination=10.0.0.0/8\nType=anycast\n", "t.conf:3: Type=anycast: expected unicast, blackhole, unreachable or prohibit."));
        CHECK(bad("[Route]\nDestination=10.0.0.0/8\nType=blackhole\nTable=0\n", "t.conf:4: Table=0: expected default, main, local or a number"));
        CHECK(bad("[Route]\nDestination=10.0.0.0/8\nType=blackhole\nMetric=-1\n", "t.conf:4: Metric=-1: expected a number"));
        CHECK(bad("[Route]\nGateway=10.0.0.300\n", "t.conf:2: Gateway=10.0.0.300: not an IPv4 or IPv6 address."));
        CHECK(bad("[Route]\nFoo=1\n", NULL));

        /* checks across keys and sections */
        CHECK(bad("[Route]\nMetric=5\n", "t.conf:1: [Route] needs Destination= (or Gateway=, for a default route)."));
        CHECK(bad("[Route]\nDestination=10.0.0.0/8\n", "t.conf:1: [Route] Destination=10.0.0.0/8 needs Gateway="));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24\n[Route]\nDestination=10.0.0.0/8\nGateway=192.0.2.1\nType=unreachable\n",
                  "t.conf:5: [Route] Type=unreachable takes no Gateway="));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24\n[Route]\nDestination=10.0.0.0/8\nGateway=198.51.100.1\n",
                  "t.conf:5: [Route] Gateway=198.51.100.1 is on no link of the namespace"));
        CHECK(bad("[Route]\nDestination=10.0.0.0/8\nGateway=2001:db8::1\n", "t.conf:1: [Route] mixes IPv4 and IPv6"));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/24\n[Route]\nDestination=10.0.0.0/8\nGateway=192.0.2.1\nPreferredSource=192.0.2.6\n",
                  "t.conf:5: [Route] PreferredSource=192.0.2.6 is no address of the namespace"));
        /* on-link: the only link; with two links of the family it is ambiguous */
        CHECK(ok("[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/32\n[Route]\nGateway=192.0.2.1\nGatewayOnLink=yes\n"));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nAddress=192.0.2.5/32\n[Link]\nType=physical\nParent=eth1\nAddress=192.0.2.6/32\n"
                  "[Route]\nGateway=192.0.2.1\nGatewayOnLink=yes\n", "t.conf:9: [Route] Gateway=192.0.2.1: no address covers it and several links"));
        CHECK(ok("[Link]\nType=physical\nParent=eth0\n[Route]\nGateway=fe80::1\n"));
        /* the veth's automatic addresses: a gateway in the pool is on the veth */
        CHECK(ok("[Veth]\nDefaultRoute=no\n[Route]\nDestination=10.0.0.0/8\nGateway=10.250.3.4\n"));
        /* one route per destination, table and metric; one default per family and table */
        CHECK(bad("[Route]\nDestination=10.0.0.0/8\nType=blackhole\n[Route]\nDestination=10.0.0.0/8\nType=unreachable\n",
                  "t.conf:4: [Route] Destination=10.0.0.0/8: the same route is already set by the [Route] at t.conf:1."));
        CHECK(ok("[Route]\nDestination=10.0.0.0/8\nType=blackhole\n[Route]\nDestination=10.0.0.0/8\nType=unreachable\nMetric=10\n"));
        CHECK(ok("[Route]\nDestination=10.0.0.0/8\nType=blackhole\n[Route]\nDestination=10.0.0.0/8\nType=unreachable\nTable=5\n"));
        CHECK(bad("[Veth]\n[Route]\nDestination=0.0.0.0/0\nType=unreachable\n",
                  "t.conf:2: [Route]: an IPv4 default route is already set by the veth (DefaultRoute=yes in [Veth]) at t.conf:1."));
        CHECK(ok("[Veth]\n[Route]\nDestination=0.0.0.0/0\nType=unreachable\nTable=7\n"));
        CHECK(ok("[Veth]\n[Route]\nDestination=::/0\nType=unreachable\nMetric=4000\n[Veth]\nHostAddress=192.0.2.1/31\nAddress=192.0.2.0/31\n"));

        /* [Link] Type=veth to another namespace */
        c = parse_ok("[Link]\nType=veth\nPeerNamespace=r2\nAddress=10.12.0.1/30\nPeerAddress=10.12.0.2/30\nPeerName=up\n"
                     "[Route]\nDestination=10.23.0.0/30\nGateway=10.12.0.2\n");
        CHECK(c->n_links == 1 && streq(c->links[0].peer_namespace, "r2") && streq(c->links[0].peer_name, "up"));
        CHECK(c->links[0].n_peer_addresses == 1);
        {
                char a[IFNAMSIZ], b[IFNAMSIZ];

                CHECK(link_ifname(&c->links[0], a) == 0 && streq(a, "r2"));
                link_peer_ifname("r1", &c->links[0], b);
                CHECK(streq(b, "up"));
                free(c->links[0].peer_name);
                c->links[0].peer_name = NULL;
                link_peer_ifname("a-very-long-namespace-name", &c->links[0], b);
                CHECK(strlen(b) == 15 && b[10] == '+');
        }
        netns_config_free(c);
        CHECK(bad("[Link]\nType=veth\n", "t.conf:1: [Link] with Type=veth needs PeerNamespace="));
        CHECK(bad("[Link]\nType=veth\nPeerNamespace=t\n", "t.conf:1: [Link] PeerNamespace=t is this namespace itself."));
        CHECK(bad("[Link]\nType=veth\nPeerNamespace=r2\nParent=eth0\n", "t.conf:1: [Link] with Type=veth takes no Parent="));
        CHECK(bad("[Link]\nType=physical\nParent=eth0\nPeerNamespace=r2\n", "t.conf:1: [Link] PeerNamespace= is only valid for Type=veth."));
        CHECK(bad("[Link]\nType=veth\nPeerNamespace=-x\n", "t.conf:3: PeerNamespace=-x: not a valid namespace name"));

        /* HostRoute= */
        c = parse_ok("[Veth]\nHostRoute=198.51.100.0/24 2001:db8:100::/48\nHostRoute=203.0.113.7\n");
        CHECK(c->veth.n_host_routes == 3 && c->veth.host_routes[2].prefixlen == 32);
        netns_config_free(c);
        CHECK(bad("[Veth]\nAddress=192.0.2.1/31\nHostRoute=2001:db8::/64\n", "t.conf:3: HostRoute=2001:db8::/64 needs an IPv6 Address= in [Veth]"));
        CHECK(bad("[Veth]\nHostRoute=198.51.100.1/24\n", "t.conf:2: HostRoute=198.51.100.1/24: host bits are set; the network is 198.51.100.0/24."));
}

/* ---- loading from a directory ---- */

static char tmpdir[] = "/tmp/test-conf-XXXXXX";

static void write_file(const char *rel, const char *text) {
        char path[512];

        snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
        CHECK(write_file_atomic(path, text) == 0);
}

static int load(const char *name, struct netns_config **ret, char **ret_log) {
        int r;

        capture_start();
        r = netns_config_load(tmpdir, name, ret);
        *ret_log = capture_end();
        return r;
}

static void test_load(void) {
        struct netns_config *c = NULL;
        char path[512], *log;
        int r;

        CHECK(mkdtemp(tmpdir) != NULL);

        /* missing: -ENOENT, silently */
        r = load("vpn", &c, &log);
        CHECK(r == -ENOENT && !c);
        CHECK_STREQ(log, "");
        free(log);

        /* a drop-in directory without the main file is still -ENOENT */
        snprintf(path, sizeof(path), "%s/vpn.conf.d", tmpdir);
        CHECK(mkdir(path, 0755) == 0);
        write_file("vpn.conf.d/10-a.conf", "[Namespace]\nBoot=no\n");
        r = load("vpn", &c, &log);
        CHECK(r == -ENOENT && !c);
        CHECK_STREQ(log, "");
        free(log);

        /* main file, then drop-ins in strcmp order: later ones override scalars, append to
         * lists, an empty assignment resets; non-.conf and hidden files are skipped */
        write_file("vpn.conf", "[Namespace]\nBoot=yes\nDNS=192.0.2.1\nUnits=a\n[Veth]\nHostName=main\nHostAddress=192.0.2.1/31\n");
        write_file("vpn.conf.d/20-b.conf", "[Namespace]\nBoot=yes\nDNS=192.0.2.2\nUnits=b\n[Veth]\nHostName=twenty\n");
        write_file("vpn.conf.d/3-c.conf", "[Namespace]\nDNS=\nDNS=192.0.2.3\n[Veth]\nHostName=three\nHostAddress=\nHostAddress=auto\n");
        write_file("vpn.conf.d/B-upper.conf", "[Namespace]\nUnits=c\n");
        write_file("vpn.conf.d/ignored.txt", "garbage\n");
        write_file("vpn.conf.d/.hidden.conf", "garbage\n");
        write_file("vpn.conf.d/10-a.conf", "[Namespace]\nBoot=no\nUnits=z\n[Link]\nType=physical\nParent=eth9\n");
        r = load("vpn", &c, &log);
        CHECK(r == 0 && c);
        CHECK_STREQ(log, "");
        free(log);
        if (c) {
                /* order: vpn.conf, 10-a, 20-b, 3-c, B-upper */
                CHECK(strv_length(c->files) == 5);
                CHECK(strstr(c->files[0], "/vpn.conf") && !strstr(c->files[0], ".conf.d"));
                CHECK(strstr(c->files[1], "/10-a.conf"));
                CHECK(strstr(c->files[2], "/20-b.conf"));
                CHECK(strstr(c->files[3], "/3-c.conf"));
                CHECK(strstr(c->files[4], "/B-upper.conf"));
                CHECK(c->boot); /* 10-a said no, 20-b yes again */
                CHECK_STREQ(c->veth.host_name, "three");
                CHECK(c->n_dns == 1);
                CHECK_STREQ(ntop(AF_INET, &c->dns[0].addr), "192.0.2.3");
                CHECK(c->veth.host_address_auto && c->veth.n_host_addresses == 0);
                CHECK(strv_length(c->units) == 4);
                CHECK_STREQ(c->units[0], "a.service");
                CHECK_STREQ(c->units[1], "z.service");
                CHECK_STREQ(c->units[2], "b.service");
                CHECK_STREQ(c->units[3], "c.service");
                CHECK(c->n_links == 1 && c->links[0].origin.file == c->files[1] && c->links[0].origin.line == 4);
                CHECK(c->veth.origin.file == c->files[0]);
        }
        netns_config_free(c);
        c = NULL;

        /* a [Link] is not continued by the next file; keys outside a section in a drop-in are errors */
        write_file("vpn.conf.d/50-d.conf", "Type=vlan\n");
        r = load("vpn", &c, &log);
        CHECK(r == -EINVAL && !c);
        snprintf(path, sizeof(path), "%s/vpn.conf.d/50-d.conf:1: Assignment Type= outside of any section.\n", tmpdir);
        CHECK_STREQ(log, path);
        free(log);

        /* problems in several files are all reported; checks across files run on the merged result */
        write_file("vpn.conf.d/50-d.conf", "[Veth]\nMTU=1\n");
        write_file("vpn.conf.d/60-e.conf", "[Namespace]\nBoot=sure\n");
        r = load("vpn", &c, &log);
        CHECK(r == -EINVAL && count_lines(log) == 2);
        CHECK(strstr(log, "/vpn.conf.d/50-d.conf:2: MTU=1:"));
        CHECK(strstr(log, "/vpn.conf.d/60-e.conf:2: Boot=sure:"));
        free(log);
        snprintf(path, sizeof(path), "%s/vpn.conf.d/50-d.conf", tmpdir);
        unlink(path);
        snprintf(path, sizeof(path), "%s/vpn.conf.d/60-e.conf", tmpdir);
        unlink(path);
        write_file("vpn.conf.d/70-f.conf", "[NAT]\nPort=80\n");
        r = load("vpn", &c, &log);
        CHECK(r == -EINVAL);
        CHECK(strstr(log, "/vpn.conf.d/70-f.conf:2: Port= needs an Address= in [Veth]") != NULL);
        free(log);
        write_file("vpn.conf.d/80-g.conf", "[Veth]\nAddress=auto\n");
        r = load("vpn", &c, &log);
        CHECK(r == 0);
        CHECK_STREQ(log, "");
        free(log);
        netns_config_free(c);
        c = NULL;

        /* a drop-in that masks nothing: a directory named *.conf is skipped */
        snprintf(path, sizeof(path), "%s/vpn.conf.d/90-dir.conf", tmpdir);
        CHECK(mkdir(path, 0755) == 0);
        r = load("vpn", &c, &log);
        CHECK(r == 0);
        free(log);
        netns_config_free(c);
        c = NULL;

        /* an invalid name is reported naming the file */
        r = load("-bad", &c, &log);
        CHECK(r == -EINVAL && !c);
        snprintf(path, sizeof(path), "%s/-bad.conf: Invalid namespace name \"-bad\"", tmpdir);
        CHECK(strncmp(log, path, strlen(path)) == 0);
        free(log);

        /* larger than 1 MiB */
        {
                size_t n = 1024 * 1024 + 10;
                char *big = malloc(n + 1);

                memset(big, '#', n);
                big[n] = 0;
                write_file("big.conf", big);
                free(big);
        }
        r = load("big", &c, &log);
        CHECK(r == -EINVAL && !c);
        snprintf(path, sizeof(path), "%s/big.conf: File is larger than 1 MiB, refusing it.\n", tmpdir);
        CHECK_STREQ(log, path);
        free(log);

        /* the main file unreadable (a directory) is reported */
        snprintf(path, sizeof(path), "%s/dir.conf", tmpdir);
        CHECK(mkdir(path, 0755) == 0);
        r = load("dir", &c, &log);
        CHECK(r == -EISDIR);
        CHECK(strstr(log, "dir.conf: failed to read") != NULL);
        free(log);

        /* a FIFO would block forever */
        snprintf(path, sizeof(path), "%s/fifo.conf", tmpdir);
        CHECK(mkfifo(path, 0644) == 0);
        r = load("fifo", &c, &log);
        CHECK(r == -EINVAL && !c);
        snprintf(path, sizeof(path), "%s/fifo.conf: Not a regular file, refusing it.\n", tmpdir);
        CHECK_STREQ(log, path);
        free(log);

        /* an explicit path: the name comes from the file name, drop-ins beside it are read */
        snprintf(path, sizeof(path), "%s/vpn.conf", tmpdir);
        capture_start();
        r = netns_config_load_path(path, &c);
        log = capture_end();
        CHECK(r == 0 && c && streq(c->name, "vpn") && c->n_links == 1);
        CHECK_STREQ(log, "");
        free(log);
        netns_config_free(c);
        c = NULL;
        capture_start();
        r = netns_config_load_path("/nonexistent/x.txt", &c);
        log = capture_end();
        CHECK(r == -EINVAL);
        free(log);

        /* the directory from the environment */
        setenv("NETNSCTL_CONF_DIR", tmpdir, 1);
        CHECK_STREQ(netns_conf_dir(), tmpdir);
        capture_start();
        r = netns_config_load(NULL, "vpn", &c);
        log = capture_end();
        CHECK(r == 0 && c);
        free(log);
        netns_config_free(c);
        unsetenv("NETNSCTL_CONF_DIR");
        CHECK_STREQ(netns_conf_dir(), "/etc/netns");
        setenv("NETNS_RUN_DIR", "/tmp/x", 1);
        setenv("NETNSCTL_RUN_DIR", "/tmp/y", 1);
        CHECK_STREQ(netns_run_dir(), "/tmp/x");
        CHECK_STREQ(netnsctl_run_dir(), "/tmp/y");
        unsetenv("NETNS_RUN_DIR");
        unsetenv("NETNSCTL_RUN_DIR");
        CHECK_STREQ(netns_run_dir(), "/run/netns");
        CHECK_STREQ(netnsctl_run_dir(), "/run/netnsctl");

        CHECK(rm_rf(tmpdir) == 0);
}

/* ---- no quadratic blow-ups ---- */

static double now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void test_big(void) {
        const size_t n = 100000;
        char *text = malloc(n * 64 + 64), *p = text;
        struct netns_config *c = netns_config_new("big");
        double t;
        int r;

        /* many links (names checked for duplicates), many list words, a long continuation */
        for (size_t i = 0; i < n; i++)
                p += sprintf(p, "[Link]\nType=physical\nParent=e%zx\n", i);
        p += sprintf(p, "[Namespace]\nUnits=");
        for (size_t i = 0; i < n / 4; i++)
                p += sprintf(p, "u%zu \\\n", i);
        p += sprintf(p, "x\n");
        t = now();
        r = netns_config_parse_text(c, "big.conf", text, (size_t) (p - text));
        CHECK(r == 0);
        r = netns_config_verify(c);
        CHECK(r == 0);
        t = now() - t;
        CHECK(c->n_links == n);
        CHECK(strv_length(c->units) == n / 4 + 1);
        printf("# %zu links and %zu units parsed and verified in %.2fs\n", n, n / 4 + 1, t);
        CHECK(t < 10.0);
        netns_config_free(c);
        free(text);
}

/* ---- the examples of netns.conf(5) are valid ---- */

/* troff escapes used in the examples: "\-" and "\e" */
static char *unescape_troff(const char *s, size_t n) {
        char *r = malloc(n + 1), *w = r;

        for (size_t i = 0; i < n; i++) {
                if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '-' || s[i + 1] == 'e')) {
                        *w++ = s[i + 1] == '-' ? '-' : '\\';
                        i++;
                } else
                        *w++ = s[i];
        }
        *w = 0;
        return r;
}

static void test_man_examples(void) {
        const char *src = getenv("SOURCE_DIR");
        char path[512], *man = NULL;
        size_t size, examples = 0, ports = 0;
        struct netns_config *vpn = NULL;

        snprintf(path, sizeof(path), "%s/man/netns.conf.5", src ?: "..");
        if (read_full_file(path, 1 << 20, &man, &size) < 0) {
                printf("# %s not found, man page examples not checked\n", path);
                return;
        }
        for (const char *p = man; (p = strstr(p, "\n.EX\n"));) {
                const char *b = p + 5, *e = strstr(b, ".EE\n");
                char *text;
                char *log;
                int r;

                CHECK(e != NULL);
                if (!e)
                        break;
                text = unescape_troff(b, (size_t) (e - b));
                if ((text[0] != '[' && text[0] != '#') || startswith(text, "[Unit]") ||
                    startswith(text, "[Interface]")) {
                        /* not a configuration example (e.g. nftables rules in WHAT CHANGES ON THE
                         * HOST, a unit file beside one, a provider's wg-quick file with placeholders
                         * for its keys: the systemd tier's vm-wireguard.sh runs that one) */
                        free(text);
                        p = e;
                        continue;
                }
                if (startswith(text, "[NAT]")) {
                        /* the drop-in example extends the vpn example */
                        CHECK(vpn != NULL);
                        if (vpn) {
                                capture_start();
                                r = netns_config_parse_text(vpn, "50-more.conf", text, strlen(text));
                                if (r == 0)
                                        r = netns_config_verify(vpn);
                                log = capture_end();
                                CHECK(r == 0 && !*log);
                                CHECK(vpn->n_ports == 1 && vpn->ports[0].host_port == 8080 && vpn->ports[0].ns_port == 80);
                                free(log);
                        }
                } else {
                        struct netns_config *c;

                        r = parse_full(text, true, &c, &log);
                        if (r != 0 || *log)
                                fprintf(stderr, "man page example does not parse:\n%s\n%s", text, log);
                        CHECK(r == 0 && !*log);
                        free(log);
                        if (c->has_veth && c->n_ports > 0 && !vpn)
                                vpn = c;
                        else
                                netns_config_free(c);
                }
                free(text);
                examples++;
                p = e;
        }
        netns_config_free(vpn);
        CHECK(examples >= 4);

        /* the Port= examples: ".B Port=SPEC" lines */
        for (const char *p = man; (p = strstr(p, "\n.B Port="));) {
                const char *b = p + STRLEN("\n.B Port=");
                size_t n = strcspn(b, "\n");
                char *spec;
                struct netns_port port;

                p = b;
                if (n == 0 || memchr(b, ' ', n))
                        continue; /* prose: ".B Port=" and a sentence */
                spec = unescape_troff(b, n);

                if (parse_port_spec(spec, &port) < 0)
                        fprintf(stderr, "man page example Port=%s does not parse\n", spec);
                CHECK(parse_port_spec(spec, &port) == 0);
                free(spec);
                ports++;
        }
        CHECK(ports >= 5);
        printf("# %zu man page examples and %zu Port= examples checked\n", examples, ports);
        free(man);
}

#define WG_KEY1 "mNt+dqTTJQcleEIrsUZL7GcqFTzBzCOO1Y58m583r38="
#define WG_KEY2 "9U0Egs+NN2GhC8HP0dA4dh/fT117qUym9VKowIdJ9U0="

static void test_wireguard(void) {
        struct netns_config *c;

        c = parse_ok("[WireGuard]\nPrivateKey=" WG_KEY1 "\nListenPort=51820\nFirewallMark=66\nMTU=1380\n"
                     "Address=10.64.0.2/32 fd00:64::2/128\n"
                     "[WireGuardPeer]\nPublicKey=" WG_KEY2 "\nPresharedKey=" WG_KEY1 "\n"
                     "Endpoint=vpn.example.net:51820\nAllowedIPs=0.0.0.0/0, ::/0\nPersistentKeepalive=25\n"
                     "[WireGuardPeer]\nPublicKey=" WG_KEY1 "\nEndpoint=[2001:db8::1]:4500\nAllowedIPs=10.1.2.3/24\n");
        CHECK(c->has_wireguard && !c->wg.name && c->wg.has_private_key);
        CHECK(c->wg.listen_port == 51820 && c->wg.fwmark == 66 && c->wg.mtu == 1380 && c->wg.n_addresses == 2);
        CHECK(c->n_wg_peers == 2);
        if (c->n_wg_peers == 2) {
                CHECK(c->wg_peers[0].has_public_key && c->wg_peers[0].has_preshared_key);
                CHECK_STREQ(c->wg_peers[0].endpoint, "vpn.example.net:51820");
                CHECK(c->wg_peers[0].n_allowed_ips == 2 && c->wg_peers[0].keepalive == 25);
                /* host bits cleared: the route inside needs the network */
                CHECK(c->wg_peers[1].n_allowed_ips == 1 && c->wg_peers[1].allowed_ips[0].prefixlen == 24 &&
                      c->wg_peers[1].allowed_ips[0].addr.bytes[3] == 0);
        }
        netns_config_free(c);

        CHECK(ok("[WireGuard]\nName=vpn0\nConfigFile=/etc/wireguard/provider.conf\nMTU=1400\n"));
        CHECK(ok("[WireGuard]\nPrivateKeyFile=/etc/netns/vpn.key\n[WireGuardPeer]\nPublicKey=" WG_KEY2
                 "\nPresharedKeyFile=/etc/netns/vpn.psk\nPersistentKeepalive=off\n"));

        CHECK(bad("[WireGuard]\nPrivateKey=nope\n", "t.conf:2: PrivateKey=: not a WireGuard key"));
        CHECK(bad("[WireGuard]\nListenPort=70000\nPrivateKey=" WG_KEY1 "\n", "t.conf:2: ListenPort=70000"));
        CHECK(bad("[WireGuard]\nPrivateKeyFile=relative.key\n", "t.conf:2: PrivateKeyFile=relative.key: expected an absolute path"));
        CHECK(bad("[WireGuard]\nAddress=10.0.0.1\n", "t.conf:1: [WireGuard] needs PrivateKey=, PrivateKeyFile= or ConfigFile=."));
        CHECK(bad("[WireGuard]\nPrivateKey=" WG_KEY1 "\nPrivateKeyFile=/k\n", "t.conf:1: [WireGuard]: PrivateKey=, PrivateKeyFile= and ConfigFile= exclude each other"));
        CHECK(bad("[WireGuard]\nConfigFile=/p.conf\nAddress=10.0.0.1\n", "t.conf:2: ConfigFile=/p.conf: Address=, ListenPort= and FirewallMark= come from its [Interface]"));
        CHECK(bad("[WireGuard]\nConfigFile=/p.conf\n[WireGuardPeer]\nPublicKey=" WG_KEY2 "\n", "t.conf:3: [WireGuardPeer] with ConfigFile=/p.conf"));
        CHECK(bad("[WireGuardPeer]\nPublicKey=" WG_KEY2 "\n", "t.conf:1: [WireGuardPeer] needs a [WireGuard] section."));
        CHECK(bad("[WireGuard]\nPrivateKey=" WG_KEY1 "\n[WireGuardPeer]\nAllowedIPs=::/0\n", "t.conf:3: [WireGuardPeer] without PublicKey=."));
        CHECK(bad("[WireGuard]\nPrivateKey=" WG_KEY1 "\n[WireGuardPeer]\nPublicKey=" WG_KEY2 "\nEndpoint=2001:db8::1:51820\n",
                  "t.conf:5: Endpoint=2001:db8::1:51820: an IPv6 address goes in brackets"));
        CHECK(bad("[WireGuard]\nPrivateKey=" WG_KEY1 "\n[WireGuardPeer]\nPublicKey=" WG_KEY2 "\n[WireGuardPeer]\nPublicKey=" WG_KEY2 "\n",
                  "t.conf:5: [WireGuardPeer] with the PublicKey= of the one at t.conf:3."));
        CHECK(bad("[Veth]\nPeerName=wg0\n[WireGuard]\nPrivateKey=" WG_KEY1 "\n", NULL));
}

/* ---- [Firewall] ---- */

static void test_firewall(void) {
        struct netns_config *c;

        c = parse_ok("[Namespace]\n");
        CHECK(c->inbound == NETNS_INBOUND_ACCEPT && c->n_allow_inbound == 0);
        netns_config_free(c);

        c = parse_ok("[Firewall]\nInbound=drop\nAllowInbound=tcp:8080 udp:51413\nAllowInbound=6881-6889 SCTP:9\n");
        CHECK(c->inbound == NETNS_INBOUND_DROP);
        CHECK(c->firewall_origin.line == 1 && c->inbound_origin.line == 2);
        CHECK(c->n_allow_inbound == 4);
        CHECK(c->allow_inbound[0].protocol == IPPROTO_TCP && c->allow_inbound[0].port == 8080 && c->allow_inbound[0].port_end == 8080);
        CHECK(c->allow_inbound[1].protocol == IPPROTO_UDP && c->allow_inbound[1].port == 51413);
        CHECK(c->allow_inbound[2].protocol == IPPROTO_TCP && c->allow_inbound[2].port == 6881 && c->allow_inbound[2].port_end == 6889);
        CHECK(c->allow_inbound[3].protocol == IPPROTO_SCTP && c->allow_inbound[3].port == 9);
        CHECK(c->allow_inbound[3].origin.line == 4 && streq(c->allow_inbound[3].origin.file, "t.conf"));
        CHECK(streq(netns_inbound_policy_to_string(c->inbound), "drop"));
        CHECK(netns_inbound_policy_to_string(_NETNS_INBOUND_MAX) == NULL);
        netns_config_free(c);

        /* an empty value resets, as everywhere: the list, and the policy to its default */
        c = parse_ok("[Firewall]\nInbound=drop\nAllowInbound=80\nAllowInbound=\nAllowInbound=443\n[Firewall]\nInbound=\nInbound=drop\n");
        CHECK(c->inbound == NETNS_INBOUND_DROP && c->n_allow_inbound == 1 && c->allow_inbound[0].port == 443);
        CHECK(c->inbound_origin.line == 8 && c->firewall_origin.line == 1);
        netns_config_free(c);
        CHECK(ok("[Firewall]\nInbound=accept\n"));
        CHECK(ok("[Firewall]\nInbound=drop\n"));
        CHECK(ok("[Firewall]\n"));

        CHECK(bad("[Firewall]\nInbound=reject\n", "t.conf:2: Inbound=reject: expected accept or drop."));
        CHECK(bad("[Firewall]\nInbound=DROP\n", "t.conf:2: Inbound=DROP: expected accept or drop."));
        CHECK(bad("[Firewall]\nInbound=drop\nAllowInbound=0\n", "t.conf:3: AllowInbound=0: ports are numbers 1...65535."));
        CHECK(bad("[Firewall]\nInbound=drop\nAllowInbound=tcp:70000\n", "t.conf:3: AllowInbound=tcp:70000: ports are numbers 1...65535."));
        CHECK(bad("[Firewall]\nInbound=drop\nAllowInbound=90-80\n",
                  "t.conf:3: AllowInbound=90-80: the end of a port range must not be below its start."));
        CHECK(bad("[Firewall]\nInbound=drop\nAllowInbound=icmp:8\n",
                  "t.conf:3: AllowInbound=icmp:8: expected [PROTO:]PORT[-END], PROTO tcp (the default), udp or sctp."));
        CHECK(bad("[Firewall]\nInbound=drop\nAllowInbound=tcp:8080:80\n",
                  "t.conf:3: AllowInbound=tcp:8080:80: expected [PROTO:]PORT[-END]"));
        CHECK(bad("[Firewall]\nInbound=drop\nAllowInbound=tcp:\n", "t.conf:3: AllowInbound=tcp:: empty port."));
        CHECK(bad("[Firewall]\nInbound=drop\nAllowInbound=80 x 443\n", "t.conf:3: AllowInbound=x: ports are numbers 1...65535."));
        CHECK(bad("[Firewall]\nOutbound=drop\n", "t.conf:2: Unknown key"));
        /* the list without drop would leave everything open: refused at its line */
        CHECK(bad("[Firewall]\nAllowInbound=8080\n",
                  "t.conf:2: AllowInbound= needs Inbound=drop in [Firewall]: with Inbound=accept (the default) every port is open."));
        CHECK(bad("[Firewall]\nInbound=drop\nAllowInbound=8080\n[Firewall]\nInbound=accept\n", "t.conf:3: AllowInbound= needs Inbound=drop"));
}

int main(void) {
        log_set_target(LOG_TARGET_CONSOLE);
        log_set_max_level(LOG_INFO);

        test_defaults();
        test_parse_boolean();
        test_parse_prefix_addr();
        test_parse_masquerade();
        test_parse_port();
        test_syntax();
        test_namespace();
        test_exec_principals();
        test_veth();
        test_nat();
        test_link();
        test_route();
        test_wireguard();
        test_firewall();
        test_load();
        test_big();
        test_link_vxlan();
        test_man_examples();
        return TAP_END();
}
