/* rm.c: removes files. Usage: rm [-rf] name...
 * -r also removes directories with everything in them; -f is quiet about
 * names that do not exist. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int recursive, force;

static int remove_tree(const char *path);

/* Removes everything inside directory path; returns 0 or -1 (reported). */
static int remove_entries(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        dprintf(2, "rm: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int r = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        if (remove_tree(child) < 0)
            r = -1;
    }
    closedir(d);
    return r;
}

/* Removes path; a directory too (with its contents) under -r. */
static int remove_tree(const char *path)
{
    struct stat st;
    if (recursive && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (remove_entries(path) < 0)
            return -1;
        if (rmdir(path) == 0)
            return 0;
    } else if (unlink(path) == 0) {
        return 0;
    }
    if (force && errno == ENOENT)
        return 0;
    dprintf(2, "rm: %s: %s\n", path, strerror(errno));
    return -1;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'r')
                recursive = 1;
            else if (*o == 'f')
                force = 1;
            else {
                dprintf(2, "usage: rm [-rf] name...\n");
                return 2;
            }
        }
    if (i == argc && !force) {
        dprintf(2, "usage: rm [-rf] name...\n");
        return 2;
    }
    int status = 0;
    for (; i < argc; i++)
        if (remove_tree(argv[i]) < 0)
            status = 1;
    return status;
}
