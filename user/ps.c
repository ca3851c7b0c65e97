/* ps.c: prints lark's process table, /proc/ps, as an aligned table. The file
 * has a header line "PID PPID STATE CPU NAME" and one line per process, fields
 * separated by spaces; columns of numbers are right-aligned, others left. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PS_FILE  "/proc/ps"
#define MAX_COLS 16

struct row {
    char *field[MAX_COLS];
};

/* Reads all of the file into a new NUL-terminated string; NULL on error. */
static char *read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t len = 0, cap = 4096;
    char *text = malloc(cap);
    for (;;) {
        if (len + 1 == cap)
            text = realloc(text, cap *= 2);
        ssize_t n = read(fd, text + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(text);
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        len += n;
    }
    close(fd);
    text[len] = '\0';
    return text;
}

/* Splits line (in place) into at most ncols fields; the last field takes the
 * rest of the line, so a NAME may contain spaces. Returns the field count. */
static int split(char *line, int ncols, struct row *row)
{
    int n = 0;
    while (n < ncols) {
        while (*line == ' ')
            line++;
        if (*line == '\0')
            break;
        row->field[n++] = line;
        if (n == ncols)
            break;
        line += strcspn(line, " ");
        if (*line)
            *line++ = '\0';
    }
    for (int i = n; i < ncols; i++)
        row->field[i] = "";
    return n;
}

static int is_number(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

int main(void)
{
    char *text = read_file(PS_FILE);
    if (!text) {
        dprintf(2, "ps: %s: %s\n", PS_FILE, strerror(errno));
        return 1;
    }

    /* Split into rows; the header decides how many columns there are. */
    int nrows = 0, ncols = 0;
    struct row *rows = NULL;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        rows = realloc(rows, (nrows + 1) * sizeof *rows);
        if (nrows == 0)
            ncols = split(line, MAX_COLS, &rows[0]);
        else
            split(line, ncols, &rows[nrows]);
        nrows++;
    }

    int width[MAX_COLS] = {0}, right[MAX_COLS];
    for (int c = 0; c < ncols; c++) {
        right[c] = nrows > 1;
        for (int r = 0; r < nrows; r++) {
            int len = strlen(rows[r].field[c]);
            if (len > width[c])
                width[c] = len;
            if (r > 0 && !is_number(rows[r].field[c]))
                right[c] = 0;
        }
    }

    for (int r = 0; r < nrows; r++) {
        char out[1024];
        int len = 0;
        for (int c = 0; c < ncols && len < (int)sizeof out - 1; c++) {
            const char *f = rows[r].field[c];
            const char *sep = c ? "  " : "";
            if (c == ncols - 1 && !right[c]) /* no trailing blanks */
                len += snprintf(out + len, sizeof out - len, "%s%s", sep, f);
            else
                len += snprintf(out + len, sizeof out - len, "%s%*s", sep,
                                right[c] ? width[c] : -width[c], f);
        }
        if (len > (int)sizeof out - 2)
            len = sizeof out - 2;
        out[len++] = '\n';
        write(1, out, len);
    }
    return 0;
}
