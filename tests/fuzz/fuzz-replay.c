/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-replay.c - run a libFuzzer target over every file of a corpus directory (or files) */

#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>

#include "macro.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
        _cleanup_free_ char *buf = NULL;
        size_t size;
        int r;

        r = read_full_file(path, 16 * 1024 * 1024, &buf, &size);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(-r));
                return r;
        }
        /* a copy of exactly @size bytes, so ASan sees reads past the end */
        _cleanup_free_ uint8_t *copy = malloc(size ?: 1);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, buf, size);
        (void) LLVMFuzzerTestOneInput(copy, size);
        return 0;
}

static int run_dir(const char *dir, unsigned *count) {
        _cleanup_strv_free_ char **files = NULL;
        DIR *d = opendir(dir);
        struct dirent *de;
        int r = 0;

        if (!d) {
                fprintf(stderr, "%s: %s\n", dir, strerror(errno));
                return -errno;
        }
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && strv_extend(&files, de->d_name) < 0) {
                        closedir(d);
                        return -ENOMEM;
                }
        closedir(d);
        strv_sort(files);
        STRV_FOREACH(f, files) {
                _cleanup_free_ char *p = strdup_printf("%s/%s", dir, *f);

                if (!p)
                        return -ENOMEM;
                if (run_file(p) < 0)
                        r = -EIO;
                else
                        (*count)++;
        }
        return r;
}

int main(int argc, char *argv[]) {
        unsigned count = 0;
        int r = 0;

        if (argc < 2) {
                fprintf(stderr, "Usage: %s CORPUS-DIR|FILE...\n", program_invocation_short_name);
                return EXIT_FAILURE;
        }
        for (int i = 1; i < argc; i++) {
                struct stat st;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
                        r = -errno;
                } else if (S_ISDIR(st.st_mode)) {
                        if (run_dir(argv[i], &count) < 0)
                                r = -EIO;
                } else if (run_file(argv[i]) < 0)
                        r = -EIO;
                else
                        count++;
        }
        printf("%u inputs replayed\n", count);
        if (count == 0) {
                printf("no inputs found\n");
                return EXIT_FAILURE;
        }
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
