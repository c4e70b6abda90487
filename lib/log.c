/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.c - logging to stderr, the journal or kmsg, systemd style */

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

#include "log.h"

static int max_level = LOG_INFO;
static enum log_target target = LOG_TARGET_AUTO;
static const char *prefix;
static char netns_field[80];
static int journal_checked = -1; /* -1 unknown, 0 no, 1 yes */

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

void log_set_target(enum log_target t) {
        target = t;
        journal_checked = -1;
}

void log_set_prefix(const char *p) {
        prefix = p;
}

void log_set_namespace(const char *name) {
        if (name)
                (void) snprintf(netns_field, sizeof(netns_field), "NETNS=%s", name);
        else
                netns_field[0] = 0;
}

void log_parse_environment(void) {
        const char *e = secure_getenv("NETNSCTL_LOG_LEVEL") ?: secure_getenv("SYSTEMD_LOG_LEVEL");
        static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };

        if (!e)
                return;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(e, names[i]) || (e[0] == '0' + (int) i && e[1] == 0)) {
                        max_level = (int) i;
                        return;
                }
}

/* stderr goes to the journal when JOURNAL_STREAM names the device and inode of our fd 2
 * (systemd sets it for StandardError=journal), so we can log structured fields instead. */
static bool stderr_is_journal(void) {
        const char *e;
        unsigned long long dev, ino;
        struct stat st;

        if (journal_checked >= 0)
                return journal_checked;
        journal_checked = 0;
        e = getenv("JOURNAL_STREAM");
        if (e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) >= 0 &&
            (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino)
                journal_checked = 1;
        return journal_checked;
}

bool log_target_is_journal(void) {
        return target == LOG_TARGET_AUTO && stderr_is_journal();
}

static void write_kmsg(int level, const char *msg) {
        static int fd = -2;
        char buf[2048];
        int n;

        if (fd == -2)
                fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "%s\n", msg);
                return;
        }
        n = snprintf(buf, sizeof(buf), "<%d>%s[%d]: %s\n", level, prefix ?: "netnsctl", (int) getpid(), msg);
        if (n > 0)
                (void) !write(fd, buf, (size_t) n < sizeof(buf) ? (size_t) n : sizeof(buf) - 1);
}

int log_internalv(int level, int error, const char *file, int line, const char *func,
                  const char *format, va_list ap) {
        char msg[2048];
        int saved = errno;
        int e = error < 0 ? -error : error;

        if (level > max_level) {
                errno = saved;
                return -e;
        }

        errno = e;
        (void) vsnprintf(msg, sizeof(msg), format, ap);

        if (target == LOG_TARGET_KMSG)
                write_kmsg(level, msg);
        else if (target == LOG_TARGET_AUTO && stderr_is_journal()) {
                char code_file[256], code_line[32], ident[64];

                (void) snprintf(code_file, sizeof(code_file), "CODE_FILE=%s", file);
                (void) snprintf(code_line, sizeof(code_line), "CODE_LINE=%d", line);
                (void) snprintf(ident, sizeof(ident), "SYSLOG_IDENTIFIER=%s", prefix ?: program_invocation_short_name);
                if (netns_field[0])
                        (void) sd_journal_send_with_location(code_file, code_line, func, "MESSAGE=%s", msg,
                                                             "PRIORITY=%d", level, "%s", ident,
                                                             "ERRNO=%d", e, "%s", netns_field, NULL);
                else
                        (void) sd_journal_send_with_location(code_file, code_line, func, "MESSAGE=%s", msg,
                                                             "PRIORITY=%d", level, "%s", ident,
                                                             "ERRNO=%d", e, NULL);
        } else
                fprintf(stderr, "%s\n", msg);

        errno = saved;
        return -e;
}

int log_internal(int level, int error, const char *file, int line, const char *func, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = log_internalv(level, error, file, line, func, format, ap);
        va_end(ap);
        return r;
}

int log_syntax_internal(const char *file, unsigned line, const char *format, ...) {
        char msg[1536];
        va_list ap;

        va_start(ap, format);
        (void) vsnprintf(msg, sizeof(msg), format, ap);
        va_end(ap);
        if (line > 0)
                (void) log_internal(LOG_ERR, 0, __FILE__, __LINE__, __func__, "%s:%u: %s", file, line, msg);
        else
                (void) log_internal(LOG_ERR, 0, __FILE__, __LINE__, __func__, "%s: %s", file, msg);
        return -EINVAL;
}
