/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* proc.c - processes and the network namespace each is in, read from /proc */

#include <dirent.h>
#include <sys/stat.h>

#include "proc.h"
#include "util.h"

/* a process's directory: digits, no leading zero */
static bool is_pid(const char *s) {
        if (*s < '1' || *s > '9')
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

/* Every process directory of /proc: @f(pid, its name in /proc, @userdata) until it returns
 * other than 0. Return: what @f returned then, 0 after the last, -errno */
static int pids_walk(int (*f)(pid_t pid, const char *dname, void *userdata), void *userdata) {
        struct dirent *de;
        DIR *d;
        int r = 0;

        d = opendir("/proc");
        if (!d)
                return -errno;
        while ((errno = 0, de = readdir(d))) {
                if (!is_pid(de->d_name))
                        continue;
                r = f((pid_t) atol(de->d_name), de->d_name, userdata);
                if (r != 0)
                        break;
        }
        if (r == 0 && errno > 0)
                r = -errno;
        (void) closedir(d);
        return r;
}

struct netns_walk {
        int (*f)(const struct proc_netns *p, void *userdata);
        void *userdata;
        bool *denied;
};

static int netns_walk_one(pid_t pid, const char *dname, void *userdata) {
        struct netns_walk *w = userdata;
        char path[STRLEN("/proc//ns/net") + 256];
        struct stat st;

        (void) snprintf(path, sizeof(path), "/proc/%s/ns/net", dname);
        if (stat(path, &st) < 0) {
                /* gone meanwhile (ENOENT, ESRCH), or not ours to look at */
                if (w->denied && (errno == EACCES || errno == EPERM))
                        *w->denied = true;
                return 0;
        }
        return w->f(&(struct proc_netns) { .pid = pid, .dev = st.st_dev, .ino = st.st_ino, .path = path }, w->userdata);
}

/* The walk; @denied (if not NULL) is set when a process's namespace was not ours to look at. */
static int netns_walk(int (*f)(const struct proc_netns *p, void *userdata), void *userdata, bool *denied) {
        struct netns_walk w = { f, userdata, denied };

        return pids_walk(netns_walk_one, &w);
}

int proc_netns_foreach(int (*f)(const struct proc_netns *p, void *userdata), void *userdata) {
        return netns_walk(f, userdata, NULL);
}

static int table_add(const struct proc_netns *p, void *userdata) {
        struct proc_table *t = userdata;
        struct proc_netns *e = ARRAY_APPEND(t->entries, t->n);

        if (!e)
                return -ENOMEM;
        *e = *p;
        e->path = NULL;
        return 0;
}

int proc_table_load(struct proc_table *t) {
        int r;

        bool denied = false;

        *t = (struct proc_table) {};
        r = netns_walk(table_add, t, &denied);
        /* Not root: other users' processes are hidden, and a count would be too low; better
         * none than a wrong one. Root is refused only where the kernel hides a process from
         * everyone (a non-dumpable one of another user namespace, a container's init): those
         * are left out, as "ip netns pids" leaves them out. */
        if (r == 0 && denied && geteuid() != 0)
                r = -EACCES;
        if (r < 0)
                proc_table_done(t);
        return r;
}

void proc_table_done(struct proc_table *t) {
        free(t->entries);
        *t = (struct proc_table) {};
}

size_t proc_table_count(const struct proc_table *t, unsigned long long ino) {
        size_t n = 0;

        for (size_t i = 0; i < t->n; i++)
                if (t->entries[i].ino == ino)
                        n++;
        return n;
}

char *proc_cmdline(pid_t pid) {
        _cleanup_free_ char *text = NULL;
        char path[64];
        size_t size = 0;

        (void) snprintf(path, sizeof(path), "/proc/%d/cmdline", (int) pid);
        if (read_full_file(path, 4096, &text, &size) < 0)
                return NULL;
        while (size > 0 && text[size - 1] == 0)
                size--;
        if (size == 0) {
                _cleanup_free_ char *comm = proc_comm(pid);

                return comm ? strdup_printf("[%s]", comm) : NULL;
        }
        for (size_t i = 0; i < size; i++)
                if (text[i] == 0 || (unsigned char) text[i] < 0x20)
                        text[i] = ' ';
        text[size] = 0;
        return TAKE_PTR(text);
}

static bool is_unit_component(const char *s, size_t n) {
        static const char *const suffixes[] = { ".service", ".scope", ".socket", ".mount", ".swap" };

        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                size_t l = strlen(suffixes[i]);

                if (n > l && strneq(s + n - l, suffixes[i], l))
                        return true;
        }
        return false;
}

char *proc_unit(pid_t pid) {
        _cleanup_free_ char *text = NULL;
        char path[64];
        char *line, *p;

        (void) snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) pid);
        if (read_full_file(path, 64 * 1024, &text, NULL) < 0)
                return NULL;
        /* the unified hierarchy ("0::/system.slice/foo.service"), else the name=systemd one */
        line = strstr(text, "0::/");
        if (line && line != text && line[-1] != '\n')
                line = NULL;
        if (!line)
                line = strstr(text, ":name=systemd:/");
        if (!line)
                return NULL;
        p = strchr(line, '/');
        line[strcspn(line, "\n")] = 0;
        while (p && *p) {
                size_t n;

                p += strspn(p, "/");
                n = strcspn(p, "/");
                if (n == 0)
                        break;
                if (is_unit_component(p, n))
                        return strndup(p, n);
                p += n;
        }
        return NULL;
}

char *proc_comm(pid_t pid) {
        char path[64];
        char *s = NULL;
        size_t n;

        (void) snprintf(path, sizeof(path), "/proc/%d/comm", (int) pid);
        if (read_full_file(path, 256, &s, &n) < 0)
                return NULL;
        while (n > 0 && s[n - 1] == '\n')
                s[--n] = 0;
        return s;
}

struct socket_owner {
        char want[64];  /* "socket:[INODE]" */
        pid_t found;
};

static int socket_owner_try(pid_t pid, const char *dname, void *userdata) {
        struct socket_owner *o = userdata;
        char path[STRLEN("/proc//fd") + 256];
        struct dirent *fe;
        DIR *fds;

        if (o->found > 0 && pid > o->found)
                return 0;
        (void) snprintf(path, sizeof(path), "/proc/%s/fd", dname);
        fds = opendir(path);
        if (!fds)
                return 0; /* gone, or not ours to look into */
        while ((fe = readdir(fds))) {
                char link[64];
                ssize_t k;

                if (fe->d_name[0] == '.')
                        continue;
                k = readlinkat(dirfd(fds), fe->d_name, link, sizeof(link) - 1);
                if (k <= 0)
                        continue;
                link[k] = 0;
                if (streq(link, o->want)) {
                        o->found = pid;
                        break;
                }
        }
        (void) closedir(fds);
        return 0;
}

pid_t proc_socket_owner(unsigned long long inode) {
        struct socket_owner o = {};
        int r;

        (void) snprintf(o.want, sizeof(o.want), "socket:[%llu]", inode);
        r = pids_walk(socket_owner_try, &o);
        return r < 0 ? r : o.found;
}

struct pids_in {
        unsigned long long ino;
        pid_t *pids;
        size_t max, n;
};

static int pids_in_add(const struct proc_netns *p, void *userdata) {
        struct pids_in *x = userdata;

        if (p->ino != x->ino)
                return 0;
        if (x->n < x->max)
                x->pids[x->n] = p->pid;
        x->n++;
        return 0;
}

int proc_netns_pids(unsigned long long ino, pid_t *pids, size_t max, size_t *ret_n) {
        struct pids_in x = { .ino = ino, .pids = pids, .max = max };
        int r = proc_netns_foreach(pids_in_add, &x);

        if (r < 0)
                return r;
        *ret_n = x.n;
        return 0;
}
