/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* step-firewall.c - up step "firewall": [Firewall] Inbound=drop as a table inside the namespace, and its reload */

#include <string.h>

#include "firewall.h"
#include "log.h"
#include "nft.h"
#include "steps.h"
#include "util.h"

/*
 * Record lines (all "firewall ..."), written before the table is loaded:
 *
 *   firewall table                       the table inside; undo deletes it (if it is ours)
 *   firewall host|forward|allow ...      one per configured rule (firewall.h): what status
 *                                        shows and reload compares; undone with the table
 *
 * The step runs before any link enters the namespace, so with Inbound=drop nothing reaches
 * it unfiltered, not even for a moment. The rules name the veth by name and the host end by
 * its addresses, both known from the veth's plan.
 */

static const struct conf_origin *fw_origin(const struct netns_config *cfg) {
        return cfg->inbound_origin.file ? &cfg->inbound_origin : &cfg->firewall_origin;
}

static int fw_load(const struct netns_config *cfg, const char *name, int netns_fd, const struct fw_rule *rules, size_t n) {
        _cleanup_free_ char *err = NULL;
        const struct conf_origin *o = fw_origin(cfg);
        int r;

        r = nft_fw_load(netns_fd, rules, n, &err);
        if (r == -EUCLEAN)
                return log_error_errno(r, "%s:%u: Failed to load the firewall of namespace '%s': it has a table %s %s that netnsctl did not make.",
                                       strempty(o->file), o->line, name, NFT_NAT_FAMILY, NFT_FW_TABLE);
        if (r < 0)
                return log_error_errno(r, "%s:%u: Failed to load the firewall (Inbound=drop) of namespace '%s': %s",
                                       strempty(o->file), o->line, name, err ?: strerror(-r));
        return 0;
}

static int rules_for(struct up_ctx *c, struct fw_rule **ret, size_t *ret_n) {
        int r = fw_rules_make(c->cfg, c->cfg->has_veth ? c->peer_ifname : NULL, c->host_addrs, c->n_host_addrs, ret, ret_n);

        return r < 0 ? log_oom() : 0;
}

/**
 * step_firewall() - up step "firewall": the table of [Firewall] Inbound=drop inside the namespace
 * @c: the up context, planned (the veth's names and the host end's addresses known)
 * Return: 0, or -errno after logging what failed
 */
int step_firewall(struct up_ctx *c) {
        _cleanup_free_ struct fw_rule *rules = NULL;
        size_t n = 0;
        int r;

        if (c->cfg->inbound != NETNS_INBOUND_DROP)
                return 0;
        r = rules_for(c, &rules, &n);
        if (r < 0)
                return r;
        r = record_add_fw_table(c->rec);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = record_add_fw_rule(c->rec, &rules[i]);
        if (r < 0)
                return log_error_errno(r, "Failed to write state record: %m");
        return fw_load(c->cfg, c->name, c->netns_fd, rules, n);
}

/**
 * undo_firewall() - undo a "firewall ..." record line
 * @u: the undo context
 * @e: the line; only "firewall table" has something to undo
 *
 * Deletes the table inside the recorded namespace, if it is still there and ours; a namespace
 * that is gone took its table with it.
 * Return: 0 or -errno (logged)
 */
int undo_firewall(struct undo_ctx *u, const struct record_entry *e) {
        int r;

        if (!e->fw.table || u->netns_fd < 0)
                return 0;
        r = nft_fw_remove(u->netns_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to delete the firewall table of namespace '%s': %m", u->name);
        return 0;
}

/* ---- reload ---- */

void fw_change_done(struct fw_change *ch) {
        free(ch->old_rules);
        free(ch->new_rules);
        *ch = (struct fw_change) {};
}

static bool rule_in(const struct fw_rule *r, const struct fw_rule *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (fw_rule_eq(r, &list[i]))
                        return true;
        return false;
}

int fw_reload_plan(struct up_ctx *c, char *const *old_lines, struct fw_change *ret) {
        struct fw_change ch = {};
        int r;

        r = record_fw(old_lines, &ch.old_rules, &ch.n_old);
        if (r < 0)
                return log_oom();
        ch.old_table = r > 0;
        ch.new_table = c->cfg->inbound == NETNS_INBOUND_DROP;
        r = rules_for(c, &ch.new_rules, &ch.n_new);
        if (r < 0) {
                fw_change_done(&ch);
                return r;
        }
        ch.changes = ch.old_table != ch.new_table;
        for (size_t i = 0; i < ch.n_new && !ch.changes; i++)
                ch.changes = !rule_in(&ch.new_rules[i], ch.old_rules, ch.n_old);
        for (size_t i = 0; i < ch.n_old && !ch.changes; i++)
                ch.changes = !rule_in(&ch.old_rules[i], ch.new_rules, ch.n_new);
        *ret = ch;
        return 0;
}

int fw_reload_describe(const struct fw_change *ch, FILE *f) {
        char buf[128];
        int n = 0;

        if (!ch->changes)
                return 0;
        if (ch->old_table != ch->new_table) {
                fprintf(f, "%c firewall table %s %s (Inbound=%s)\n", ch->new_table ? '+' : '-', NFT_NAT_FAMILY, NFT_FW_TABLE,
                        ch->new_table ? "drop" : "accept");
                n++;
        }
        for (size_t i = 0; i < ch->n_old; i++)
                if (!ch->new_table || !rule_in(&ch->old_rules[i], ch->new_rules, ch->n_new)) {
                        fprintf(f, "- firewall %s\n", fw_rule_describe(&ch->old_rules[i], buf, sizeof(buf)));
                        n++;
                }
        for (size_t i = 0; i < ch->n_new; i++)
                if (!ch->old_table || !rule_in(&ch->new_rules[i], ch->old_rules, ch->n_old)) {
                        fprintf(f, "+ firewall %s\n", fw_rule_describe(&ch->new_rules[i], buf, sizeof(buf)));
                        n++;
                }
        return n;
}

int fw_reload_lines(const struct fw_change *ch, char *const *lines, char ***ret) {
        _cleanup_(record_closep) struct record *mem = NULL;
        _cleanup_strv_free_ char **out = NULL, **fw = NULL;
        int r;

        if (record_new_lines(&fw, &mem) < 0)
                return -ENOMEM;
        if (ch->new_table) {
                r = record_add_fw_table(mem);
                for (size_t i = 0; i < ch->n_new && r >= 0; i++)
                        r = record_add_fw_rule(mem, &ch->new_rules[i]);
                if (r < 0)
                        return r;
        }
        /* the other lines as they are, the new firewall lines at the end (before "complete") */
        for (char *const *l = lines; l && *l; l++) {
                struct record_entry e;

                if (streq(*l, "complete") || (record_entry_parse(*l, &e, NULL) >= 0 && e.key == RECORD_FIREWALL))
                        continue;
                if (strv_extend(&out, *l) < 0)
                        return -ENOMEM;
        }
        STRV_FOREACH(l, fw)
                if (strv_extend(&out, *l) < 0)
                        return -ENOMEM;
        if (strv_contains(lines, "complete") && strv_extend(&out, "complete") < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(out);
        return 0;
}

int fw_reload_apply(struct up_ctx *c, const struct fw_change *ch) {
        int r;

        if (!ch->changes)
                return 0;
        if (ch->new_table)
                return fw_load(c->cfg, c->name, c->netns_fd, ch->new_rules, ch->n_new);
        r = nft_fw_remove(c->netns_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to delete the firewall table of namespace '%s': %m", c->name);
        return 0;
}

int fw_reload_revert(struct up_ctx *c, const struct netns_config *old, const struct fw_change *ch) {
        if (!ch->changes)
                return 0;
        if (ch->old_table)
                return fw_load(old, c->name, c->netns_fd, ch->old_rules, ch->n_old);
        return nft_fw_remove(c->netns_fd);
}
