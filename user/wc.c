/* wc.c: counts lines, words and bytes of each file (or stdin, also for "-").
 * Options -l, -w, -c choose the counts (always printed in that order); with
 * several files a "total" line follows. Numbers are right-aligned to a common
 * width, the width of the largest number printed (so `wc -w` alone prints "3"). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { LINES, WORDS, BYTES, NCOUNTS };

struct result {
    const char *name; /* NULL for stdin given no file names */
    long count[NCOUNTS];
};

/* Counts fd into r; returns 0 or -1 with errno set. */
static int count(int fd, struct result *r)
{
    static char buf[8192];
    int in_word = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n;
        r->count[BYTES] += n;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char c = buf[i];
            r->count[LINES] += c == '\n';
            if (isspace(c)) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                r->count[WORDS]++;
            }
        }
    }
}

static int digits(long n)
{
    int d = 1;
    for (; n >= 10; n /= 10)
        d++;
    return d;
}

/* Through stdio, flushed at exit: a name of any length fits. */
static void print(const struct result *r, const int *show, int width)
{
    const char *sep = "";
    for (int k = 0; k < NCOUNTS; k++) {
        if (show[k]) {
            printf("%s%*ld", sep, width, r->count[k]);
            sep = " ";
        }
    }
    if (r->name)
        printf(" %s", r->name);
    putchar('\n');
}

/* Counts the named file ("-": stdin) into r; returns 0, or 1 after saying why. */
static int count_file(const char *name, struct result *r)
{
    int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
    int ok = fd >= 0 && count(fd, r) == 0;
    if (!ok)
        dprintf(2, "wc: %s: %s\n", name, strerror(errno));
    if (fd > 0)
        close(fd);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    int show[NCOUNTS] = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'l')
                show[LINES] = 1;
            else if (*o == 'w')
                show[WORDS] = 1;
            else if (*o == 'c')
                show[BYTES] = 1;
            else {
                dprintf(2, "usage: wc [-lwc] [file...]\n");
                return 2;
            }
        }
    if (!show[LINES] && !show[WORDS] && !show[BYTES])
        show[LINES] = show[WORDS] = show[BYTES] = 1;

    /* Count everything first: the width of the columns depends on the total. */
    int nfiles = argc - i, nresults = 0, status = 0;
    struct result *results = calloc(nfiles + 1, sizeof *results);
    if (!results)
        return 1;
    if (nfiles == 0 && count(0, &results[nresults++]) < 0) {
        dprintf(2, "wc: stdin: %s\n", strerror(errno));
        status = 1;
    }
    for (; i < argc; i++) {
        struct result *r = &results[nresults];
        *r = (struct result){.name = argv[i]};
        if (count_file(argv[i], r) == 0)
            nresults++;
        else
            status = 1;
    }

    struct result total = {.name = "total"};
    for (int k = 0; k < nresults; k++)
        for (int c = 0; c < NCOUNTS; c++)
            total.count[c] += results[k].count[c];
    int width = 1;
    for (int c = 0; c < NCOUNTS; c++)
        if (show[c] && digits(total.count[c]) > width)
            width = digits(total.count[c]);

    for (int k = 0; k < nresults; k++)
        print(&results[k], show, width);
    if (nfiles > 1)
        print(&total, show, width);
    return status;
}
