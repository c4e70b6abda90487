/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec.c - netnsctl exec: run a command in a named network namespace with its /sys, /etc files and DNS */

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "conf.h"
#include "log.h"
#include "mount.h"
#include "name.h"
#include "ns.h"
#include "record.h"
#include "util.h"
#include "verbs.h"

struct exec_ctx {
        const char *name;
        int netns_fd;
        int mntns_fd;   /* the mount namespace "up" prepared, or -1: unshare from the caller's */
        int resolv_fd;  /* the generated resolv.conf (a detached read-only bind) when DNS= is set, or -1 */
        bool managed;   /* "up" finished and the pin holds its namespace (exec_load_record()) */
};

/* /run/netnsctl/NAME/LEAF; NULL on OOM. (step-mount.c's state_path(), without linking the steps:
 * exec is also built into the libc-only netnsctl binary, see launcher.c.) */
static char *exec_state_path(const char *name, const char *leaf) {
        return strdup_printf("%s/%s/%s", netnsctl_run_dir(), name, leaf);
}

/* "ip netns add" accepts any file name; so does exec, which only opens /run/netns/NAME. */
static bool exec_name_is_valid(const char *name) {
        return netns_name_is_valid(name) ||
               (*name && strlen(name) <= NAME_MAX && !strchr(name, '/') && !streq(name, ".") && !streq(name, ".."));
}

/*
 * Is this a namespace "up" finished, the very one pinned now? Then its prepared mount namespace
 * and resolv.conf apply, and under systemd the command is bound to netns@NAME.service. Anything
 * else (made by "ip netns add", an "up" in progress or crashed, a pin replaced behind our back)
 * gets the plain path: a fresh sysfs, /etc/netns binds, no scope.
 */
static void exec_load_record(struct exec_ctx *x) {
        _cleanup_strv_free_ char **lines = NULL;
        struct record_netns id = {};
        struct stat st;
        int r;

        r = record_load(x->name, &lines);
        if (r < 0) {
                if (r != -ENOENT)
                        log_debug_errno(r, "Ignoring state of '%s': %m", x->name);
                return;
        }
        (void) record_netns_id(lines, &id);
        if (!record_complete(lines) || fstat(x->netns_fd, &st) < 0 || (unsigned long long) st.st_ino != id.ino) {
                log_debug("State of '%s' does not describe the namespace pinned now; not using it.", x->name);
                return;
        }
        x->managed = true;
}

/* A managed namespace: the mount namespace "up" prepared and the generated resolv.conf. */
static void exec_load_state(struct exec_ctx *x) {
        _cleanup_free_ char *mnt = NULL, *resolv = NULL;
        struct statfs sfs;

        if (!x->managed)
                return;
        mnt = exec_state_path(x->name, "mnt");
        resolv = exec_state_path(x->name, "resolv.conf");
        if (!mnt || !resolv)
                return;
        x->mntns_fd = open(mnt, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        if (x->mntns_fd >= 0 && (fstatfs(x->mntns_fd, &sfs) < 0 || (unsigned long) sfs.f_type != NSFS_MAGIC)) {
                log_debug("%s is not a mount namespace pin; not using it.", mnt);
                x->mntns_fd = safe_close(x->mntns_fd);
        }
        /* Cloned now: the prepared namespace has no /run/netnsctl (and a bind's source must be
         * in the current mount namespace, a detached clone can go into any). */
        x->resolv_fd = mount_clone(AT_FDCWD, resolv, BIND_READ_ONLY);
        if (x->resolv_fd < 0) {
                if (x->resolv_fd != -ENOENT)
                        log_warning_errno(x->resolv_fd, "Failed to open %s: %m", resolv);
                x->resolv_fd = -1;
        }
}

/*
 * Should the command join a scope bound to netns@NAME.service? Only under a running systemd
 * (the test sd_booted() makes), and not when we are a service's process already: as a unit's
 * ExecStart= ("netnsctl exec NAME -- daemon") the command is that unit's main process and must
 * stay in its cgroup; the unit is bound to the namespace by its own drop-in. Cheap, so that the
 * netnsctl command decides without loading libsystemd.
 */
static bool exec_scope_wanted(void) {
        char buf[4096], *nl, *last;
        struct stat st;
        ssize_t n;
        int fd;

        if (lstat("/run/systemd/system", &st) < 0 || !S_ISDIR(st.st_mode))
                return false;
        fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return true;
        n = read(fd, buf, sizeof(buf) - 1);
        (void) safe_close(fd);
        if (n <= 0)
                return true;
        buf[n] = 0;
        /* the unified hierarchy's line, "0::/system.slice/foo.service" */
        last = strncmp(buf, "0::/", 4) == 0 ? buf : strstr(buf, "\n0::/");
        if (!last)
                return true;
        if (*last == '\n')
                last++;
        nl = strchr(last, '\n');
        if (nl)
                *nl = 0;
        last = strrchr(last, '/') + 1;
        n = (ssize_t) strlen(last);
        return !(n > 8 && streq(last + n - 8, ".service"));
}

/* Every entry of /etc/netns/NAME/ over its /etc counterpart, as "ip netns exec" does. */
static void bind_etc(const struct exec_ctx *x) {
        _cleanup_free_ char *dir = strdup_printf("%s/%s", netns_conf_dir(), x->name);
        struct dirent *de;
        DIR *d;

        if (!dir) {
                log_oom();
                return;
        }
        d = opendir(dir);
        if (!d) {
                if (errno != ENOENT && errno != ENOTDIR)
                        log_warning_errno(errno, "Failed to open %s, not binding its files over /etc: %m", dir);
                return;
        }
        while ((de = readdir(d))) {
                _cleanup_free_ char *target = NULL;
                struct stat src, dst;
                unsigned flags = 0;
                int r;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (x->resolv_fd >= 0 && streq(de->d_name, "resolv.conf")) {
                        log_debug("DNS= is set: the generated resolv.conf replaces %s/resolv.conf.", dir);
                        continue;
                }
                target = strdup_printf("/etc/%s", de->d_name);
                if (!target) {
                        log_oom();
                        break;
                }
                if (lstat(target, &dst) < 0) {
                        log_warning_errno(errno, "%s/%s: not binding it, %s does not exist.", dir, de->d_name, target);
                        continue;
                }
                if (fstatat(dirfd(d), de->d_name, &src, 0) < 0) {
                        log_warning_errno(errno, "%s/%s: cannot stat: %m", dir, de->d_name);
                        continue;
                }
                /* a file goes over /etc/X itself even if that is a symlink (it then holds when
                 * the symlink's target is replaced or missing); a directory cannot, so follow */
                if (S_ISLNK(dst.st_mode) && S_ISDIR(src.st_mode))
                        flags |= BIND_FOLLOW_TARGET;
                r = mount_bind_over(dirfd(d), de->d_name, target, flags);
                if (r == -EINVAL && S_ISDIR(src.st_mode) != S_ISDIR(dst.st_mode))
                        log_warning("%s/%s: not binding it over %s: one is a directory, the other not.", dir, de->d_name, target);
                else if (r < 0)
                        log_warning_errno(r, "Failed to bind %s/%s over %s: %m", dir, de->d_name, target);
        }
        closedir(d);
}

/* DNS= is set: the generated resolv.conf on /etc/resolv.conf, the host's resolver sockets hidden. */
static int bind_resolv(const struct exec_ctx *x) {
        int r;

        for (const char *const *p = resolver_socket_dirs; *p; p++) {
                r = mount_mask_dir(*p);
                if (r < 0)
                        return log_error_errno(r, "Failed to hide %s (the host's resolver) from namespace '%s': %m", *p, x->name);
        }
        r = mount_attach(x->resolv_fd, "/etc/resolv.conf", 0);
        if (r == -ENOENT) {
                log_warning("/etc/resolv.conf does not exist; not showing the namespace's resolv.conf.");
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to bind the resolv.conf of '%s' over /etc/resolv.conf: %m", x->name);
        return 0;
}

/* Enter: the network namespace, then a mount namespace of our own with its view. */
static int enter(struct exec_ctx *x) {
        int r;

        if (setns(x->netns_fd, CLONE_NEWNET) < 0)
                return log_error_errno(errno, "Failed to enter network namespace '%s': %m", x->name);
        if (x->mntns_fd >= 0 && setns(x->mntns_fd, CLONE_NEWNS) < 0) {
                log_debug_errno(errno, "Failed to enter the prepared mount namespace of '%s', not using it: %m", x->name);
                x->mntns_fd = safe_close(x->mntns_fd);
        }
        /* Per process, even from the prepared namespace: binds over /etc must be made when the
         * process starts, on the files /etc has then. Unsharing from the prepared namespace is
         * cheap: it holds no other namespace's mounts. */
        if (unshare(CLONE_NEWNS) < 0)
                return log_error_errno(errno, "Failed to create a mount namespace: %m");
        /* slave: the host's later mounts still show up, ours never reach the host */
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return log_error_errno(errno, "Failed to make the mounts private: %m");
        if (x->mntns_fd < 0) {
                /* we are in the network namespace: a sysfs mounted now shows its devices */
                r = mount_sysfs_tree("/sys");
                if (r < 0)
                        return log_error_errno(r, "Failed to mount the sysfs of namespace '%s' on /sys: %m", x->name);
        }
        bind_etc(x);
        if (x->resolv_fd >= 0) {
                r = bind_resolv(x);
                if (r < 0)
                        return r;
        }
        return 0;
}

int verb_exec(int argc, char **argv) {
        struct exec_ctx x = { .name = argv[1], .netns_fd = -1, .mntns_fd = -1, .resolv_fd = -1 };
        _cleanup_free_ char *cwd = NULL;
        char **cmd = argv + 2;
        int r;

        if (*cmd && streq(*cmd, "--"))
                cmd++;
        if (!*cmd)
                return log_error_errno(EINVAL, "exec: no command given. Usage: netnsctl exec NAME [--] CMD [ARG...]");
        if (!exec_name_is_valid(x.name))
                return log_error_errno(EINVAL, "Invalid namespace name '%s'.", x.name);
        if (geteuid() != 0) {
                /* a user: the privileged service decides and runs it (exec-client.c); we stand in
                 * for the command, so its exit status is ours */
                r = exec_client(x.name, cmd);
                if (r < 0)
                        return r;
                fflush(stdout);
                _exit(r);
        }

        x.netns_fd = netns_open(x.name);
        if (x.netns_fd == -ENOENT)
                return log_error_errno(ENOENT, "Namespace '%s' does not exist (no %s/%s).", x.name, netns_run_dir(), x.name);
        if (x.netns_fd == -ENOMEDIUM)
                return log_error_errno(ENOMEDIUM, "%s/%s is not a namespace pin (left by an interrupted 'ip netns add'?).",
                                       netns_run_dir(), x.name);
        if (x.netns_fd < 0)
                return log_error_errno(x.netns_fd, "Failed to open %s/%s: %m", netns_run_dir(), x.name);
        /* as up, check and the generator do: no files over /etc from a directory that others
         * than root can write (netns_etc_dir_check() names what is at fault) */
        r = netns_etc_dir_check(x.name);
        if (r == -EPERM) {
                (void) safe_close(x.netns_fd);
                return r;
        }
        if (r < 0) {
                (void) safe_close(x.netns_fd);
                return log_error_errno(r, "Failed to check %s/%s/: %m", netns_conf_dir(), x.name);
        }
        exec_load_record(&x);
        if (x.managed && exec_scope_wanted()) {
                r = exec_scope_bind(x.name);
                if (r < 0) {
                        (void) safe_close(x.netns_fd);
                        return r;
                }
        }
        exec_load_state(&x);

        cwd = get_current_dir_name();
        r = enter(&x);
        (void) safe_close(x.netns_fd);
        (void) safe_close(x.mntns_fd);
        (void) safe_close(x.resolv_fd);
        if (r < 0)
                return r;
        /* setns() into a mount namespace moves us to its root; come back where we were, if
         * that exists in here */
        if (!cwd || chdir(cwd) < 0) {
                log_debug("Cannot change to %s inside namespace '%s', running in /.", strempty(cwd), x.name);
                (void) chdir("/");
        }

        /* Replace ourselves: same PID, so systemd's MainPID, signals and the exit status are the
         * command's, and LISTEN_FDS/NOTIFY_SOCKET keep working. All our fds are O_CLOEXEC. */
        execvp(cmd[0], cmd);
        r = errno;
        log_error_errno(r, "Failed to execute %s: %m", cmd[0]);
        /* The one exit outside main(): exec failed, exit like env(1) and the shell do. */
        _exit(r == ENOENT ? 127 : 126);
}
