/* mkdir.c: creates directories. Usage: mkdir [-p] dir...
 * -p also creates missing parents, and an existing directory is not an error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Creates path and its missing parents, like mkdir -p. */
static int make_parents(char *path)
{
    /* Cut the path after each component in turn ("a", "a/b", "a/b/c"). */
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        int r = mkdir(path, 0777);
        int err = errno;
        struct stat st;
        if (r < 0 && !(err == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
            errno = err;
            *p = saved;
            return -1;
        }
        *p = saved;
        if (saved == '\0')
            return 0;
    }
}

int main(int argc, char **argv)
{
    int parents = 0, i = 1, status = 0;
    if (i < argc && strcmp(argv[i], "-p") == 0) {
        parents = 1;
        i++;
    }
    if (i == argc) {
        dprintf(2, "usage: mkdir [-p] dir...\n");
        return 2;
    }
    for (; i < argc; i++) {
        int r = parents ? make_parents(argv[i]) : mkdir(argv[i], 0777);
        if (r < 0) {
            dprintf(2, "mkdir: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
