/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-name.c - namespace, interface and unit name rules, derived names */

#include <errno.h>

#include "name.h"
#include "tap.h"

static void test_netns_name(void) {
        char n64[66];

        CHECK(netns_name_is_valid("vpn"));
        CHECK(netns_name_is_valid("a"));
        CHECK(netns_name_is_valid("A_b.c-9"));
        CHECK(!netns_name_is_valid(""));
        CHECK(!netns_name_is_valid(NULL));
        CHECK(!netns_name_is_valid("."));
        CHECK(!netns_name_is_valid(".."));
        CHECK(!netns_name_is_valid(".hidden"));
        CHECK(!netns_name_is_valid("-x"));
        CHECK(!netns_name_is_valid("a/b"));
        CHECK(!netns_name_is_valid("a b"));
        CHECK(!netns_name_is_valid("a@b"));
        CHECK(!netns_name_is_valid("a\\x2db"));
        CHECK(!netns_name_is_valid("caf\xc3\xa9"));
        memset(n64, 'x', 64);
        n64[64] = 0;
        CHECK(netns_name_is_valid(n64));
        n64[64] = 'x';
        n64[65] = 0;
        CHECK(!netns_name_is_valid(n64));
}

static void test_ifname(void) {
        char a[IFNAMSIZ], b[IFNAMSIZ];

        CHECK(ifname_is_valid("eth0"));
        CHECK(ifname_is_valid("123456789012345"));
        CHECK(!ifname_is_valid("1234567890123456"));
        CHECK(!ifname_is_valid(""));
        CHECK(!ifname_is_valid("a b"));
        CHECK(!ifname_is_valid("a/b"));
        CHECK(!ifname_is_valid("a:b"));
        CHECK(!ifname_is_valid("eth%d"));
        CHECK(!ifname_is_valid("."));

        CHECK(netns_ifname_host("vpn", a) == 0);
        CHECK_STREQ(a, "nn-vpn");
        CHECK(netns_ifname_host("abcdefghijkl", a) == 0); /* 12 chars: fits */
        CHECK_STREQ(a, "nn-abcdefghijkl");
        CHECK(netns_ifname_host("abcdefghijklm", a) == 0); /* 13: truncated + hash */
        CHECK(strlen(a) == 15);
        CHECK(strncmp(a, "nn-abcdef+", 10) == 0);
        CHECK(ifname_is_valid(a));
        CHECK(netns_ifname_host("abcdefghijklmn", b) == 0);
        CHECK(strcmp(a, b) != 0);
        CHECK(netns_ifname_host("bad/name", a) == -EINVAL);

        /* 1000 long names with a common prefix: all distinct, all valid, none ve-/vb- */
        char names[1000][IFNAMSIZ];
        for (int i = 0; i < 1000; i++) {
                char n[40];
                snprintf(n, sizeof(n), "customer-namespace-%d", i);
                CHECK(netns_ifname_host(n, names[i]) == 0);
                CHECK(ifname_is_valid(names[i]));
                CHECK(strncmp(names[i], "ve-", 3) != 0 && strncmp(names[i], "vb-", 3) != 0);
        }
        int dup = 0;
        for (int i = 0; i < 1000; i++)
                for (int j = i + 1; j < 1000; j++)
                        dup += strcmp(names[i], names[j]) == 0;
        CHECK(dup == 0);
}

static void test_unit_name(void) {
        CHECK(unit_name_is_valid("bird.service"));
        CHECK(unit_name_is_valid("dnsmasq.socket"));
        CHECK(unit_name_is_valid("getty@tty1.service"));
        CHECK(unit_name_is_valid("foo\\x2dbar.service"));
        CHECK(!unit_name_is_valid("bird"));
        CHECK(!unit_name_is_valid("bird.conf"));
        CHECK(!unit_name_is_valid(".service"));
        CHECK(!unit_name_is_valid("a b.service"));
        CHECK(!unit_name_is_valid("a\nb.service"));
        CHECK(!unit_name_is_valid("a@b@c.service"));
        CHECK(!unit_name_is_valid("%i.service"));
}

int main(void) {
        test_netns_name();
        test_ifname();
        test_unit_name();
        return TAP_END();
}
