/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.h - logging to stderr or the journal, systemd style */
#pragma once

#include <stdarg.h>
#include <syslog.h>

#include "macro.h"

enum log_target {
        LOG_TARGET_AUTO,    /* journal when stderr is connected to it (JOURNAL_STREAM), else stderr */
        LOG_TARGET_CONSOLE, /* stderr only */
        LOG_TARGET_KMSG,    /* /dev/kmsg: generators run before the journal */
};

void log_set_max_level(int level);
int log_get_max_level(void);
void log_set_target(enum log_target target);
void log_set_prefix(const char *prefix);
/* Structured fields attached to every journal entry: "NETNS=vpn" and
 * "OBJECT_SYSTEMD_UNIT=netns@vpn.service" (found by journalctl -u). NULL clears. */
void log_set_namespace(const char *name);
void log_parse_environment(void);
/* true when messages go to the journal (stderr connected to it, as under systemd) */
bool log_target_is_journal(void);

/**
 * log_internal() - log a message at @level
 * @level: syslog level
 * @error: errno-style error (positive or negative) for %m, or 0
 * Return: -abs(@error), so callers can "return log_error_errno(r, ...)".
 */
int log_internal(int level, int error, const char *file, int line, const char *func,
                 const char *format, ...) _printf_(6, 7);
int log_internalv(int level, int error, const char *file, int line, const char *func,
                  const char *format, va_list ap) _printf_(6, 0);

#define log_full_errno(level, error, ...) \
        log_internal((level), (error), __FILE__, __LINE__, __func__, __VA_ARGS__)
#define log_full(level, ...) (void) log_full_errno((level), 0, __VA_ARGS__)

#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)

#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, (e), __VA_ARGS__)
#define log_info_errno(e, ...) log_full_errno(LOG_INFO, (e), __VA_ARGS__)
#define log_notice_errno(e, ...) log_full_errno(LOG_NOTICE, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, (e), __VA_ARGS__)

/* For the config parser: "FILE:LINE: message". Returns -EINVAL. */
#define log_syntax(file, line, ...) log_syntax_internal((file), (line), __VA_ARGS__)
int log_syntax_internal(const char *file, unsigned line, const char *format, ...) _printf_(3, 4);

/* Out of memory: logs and returns -ENOMEM */
#define log_oom() log_error_errno(ENOMEM, "Out of memory.")
