/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.c - logging to stderr, the journal or kmsg, systemd style */

#include <endian.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "log.h"
#include "util.h"

static int max_level = LOG_INFO;
static enum log_target target = LOG_TARGET_AUTO;
static const char *prefix;
static char netns_field[80];
static char unit_field[96]; /* OBJECT_SYSTEMD_UNIT=netns@NAME.service */
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
        /* "journalctl -u netns@NAME.service" matches this field (with _UID=0) too. It finds the
         * line also when journald could not tell the unit of the process, which it reads from
         * /proc when the datagram arrives: a netnsctl that logged its failure and exited at
         * once is gone by then on a busy machine. */
        if (!name || !snprintf_ok(unit_field, sizeof(unit_field), "netns@%s.service", name))
                unit_field[0] = 0;
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

/*
 * An entry in the journal's native protocol (what sd_journal_send() does, without linking
 * libsystemd into every process): one datagram of FIELD=VALUE lines; a value that holds a
 * newline goes as FIELD, newline, its length as 64-bit little endian, the bytes, newline.
 */
static size_t field_put(char *buf, size_t at, size_t size, const char *name, const char *value) {
        size_t nl = strlen(name), vl = strlen(value);

        if (at + nl + vl + 2 + sizeof(uint64_t) > size)
                return at; /* does not fit: left out (the message is cut to fit before) */
        memcpy(buf + at, name, nl);
        at += nl;
        if (strchr(value, '\n')) {
                uint64_t le = htole64((uint64_t) vl);

                buf[at++] = '\n';
                memcpy(buf + at, &le, sizeof(le));
                at += sizeof(le);
        } else
                buf[at++] = '=';
        memcpy(buf + at, value, vl);
        at += vl;
        buf[at++] = '\n';
        return at;
}

static int journal_send(int level, int error, const char *file, int line, const char *func, const char *msg) {
        static const union {
                struct sockaddr sa;
                struct sockaddr_un un;
        } addr = { .un = { .sun_family = AF_UNIX, .sun_path = "/run/systemd/journal/socket" } };
        static int fd = -1;
        char buf[4096], num[32];
        size_t at = 0;

        if (fd < 0) {
                fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd < 0)
                        return -errno;
        }
        at = field_put(buf, at, sizeof(buf), "MESSAGE", msg);
        (void) snprintf(num, sizeof(num), "%d", level);
        at = field_put(buf, at, sizeof(buf), "PRIORITY", num);
        at = field_put(buf, at, sizeof(buf), "SYSLOG_IDENTIFIER", prefix ?: program_invocation_short_name);
        if (error > 0) {
                (void) snprintf(num, sizeof(num), "%d", error);
                at = field_put(buf, at, sizeof(buf), "ERRNO", num);
        }
        if (netns_field[0])
                at = field_put(buf, at, sizeof(buf), "NETNS", netns_field + STRLEN("NETNS="));
        if (unit_field[0])
                at = field_put(buf, at, sizeof(buf), "OBJECT_SYSTEMD_UNIT", unit_field);
        at = field_put(buf, at, sizeof(buf), "CODE_FILE", file);
        (void) snprintf(num, sizeof(num), "%d", line);
        at = field_put(buf, at, sizeof(buf), "CODE_LINE", num);
        at = field_put(buf, at, sizeof(buf), "CODE_FUNC", func);
        if (sendto(fd, buf, at, MSG_NOSIGNAL, &addr.sa, sizeof(addr.un)) < 0)
                return -errno;
        return 0;
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
                if (journal_send(level, e, file, line, func, msg) < 0)
                        fprintf(stderr, "%s\n", msg);
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
