/* ls.c: lists directories (sorted by name) and files. Usage: ls [-al] [name...]
 * -a shows names starting with '.'; -l shows each entry's mode, size and name.
 * With several names, each directory's list is headed by "name:". */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int show_all, long_format;

/* Writes the mode as ls -l does, e.g. "drwxr-xr-x". */
static void mode_string(mode_t mode, char *s)
{
    s[0] = S_ISDIR(mode)    ? 'd'
           : S_ISCHR(mode)  ? 'c'
           : S_ISBLK(mode)  ? 'b'
           : S_ISFIFO(mode) ? 'p'
           : S_ISLNK(mode)  ? 'l'
           : S_ISSOCK(mode) ? 's'
                            : '-';
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        s[1 + i] = mode & (0400 >> i) ? rwx[i] : '-';
    s[10] = '\0';
}

static int digits(long long n)
{
    int d = 1;
    for (; n >= 10; n /= 10)
        d++;
    return d;
}

/* Prints names[0..n), which are in directory dir (NULL: as given); returns 0,
 * or 1 if one could not be looked at. */
static int print_entries(const char *dir, char **names, int n)
{
    if (!long_format) {
        for (int i = 0; i < n; i++)
            dprintf(1, "%s\n", names[i]);
        return 0;
    }
    struct stat *st = calloc(n ? n : 1, sizeof *st);
    char *ok = calloc(n ? n : 1, 1);
    int status = 0, width = 1;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s%s%s", dir ? dir : "", dir ? "/" : "", names[i]);
        ok[i] = stat(path, &st[i]) == 0;
        if (!ok[i]) {
            dprintf(2, "ls: %s: %s\n", path, strerror(errno));
            status = 1;
        } else if (digits(st[i].st_size) > width) {
            width = digits(st[i].st_size);
        }
    }
    for (int i = 0; i < n; i++) {
        if (!ok[i])
            continue;
        char mode[11];
        mode_string(st[i].st_mode, mode);
        dprintf(1, "%s %*lld %s\n", mode, width, (long long)st[i].st_size, names[i]);
    }
    free(st);
    free(ok);
    return status;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists directory dir, sorted; returns 0, or 1 after saying what failed. */
static int list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        dprintf(2, "ls: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && !show_all)
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int status = print_entries(dir, names, n);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return status;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'a')
                show_all = 1;
            else if (*o == 'l')
                long_format = 1;
            else {
                dprintf(2, "usage: ls [-al] [name...]\n");
                return 2;
            }
        }
    if (i == argc)
        return list_dir(".");

    /* As ls does: first the names that are not directories, then each
     * directory's entries, headed by its name if there are several names. */
    int status = 0, nfiles = 0, ndirs = 0, several = argc - i > 1;
    char **files = calloc(argc, sizeof *files), **dirs = calloc(argc, sizeof *dirs);
    for (; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            dprintf(2, "ls: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        } else if (S_ISDIR(st.st_mode)) {
            dirs[ndirs++] = argv[i];
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles > 0)
        status |= print_entries(NULL, files, nfiles);
    for (int k = 0; k < ndirs; k++) {
        if (nfiles > 0 || k > 0)
            dprintf(1, "\n");
        if (several)
            dprintf(1, "%s:\n", dirs[k]);
        status |= list_dir(dirs[k]);
    }
    return status;
}
