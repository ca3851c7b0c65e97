/* echo.c: prints its arguments separated by blanks, then a newline unless -n.
 * Builds the whole line first so it goes out in one write (one pipe message). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int first = 1;
    int newline = 1;
    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        newline = 0;
        first = 2;
    }

    size_t size = 1;
    for (int i = first; i < argc; i++)
        size += strlen(argv[i]) + 1;
    char *line = malloc(size);
    if (!line)
        return 1;
    size_t len = 0;
    for (int i = first; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i > first)
            line[len++] = ' ';
        memcpy(line + len, argv[i], n);
        len += n;
    }
    if (newline)
        line[len++] = '\n';

    for (size_t done = 0; done < len;) {
        ssize_t n = write(1, line + done, len - done);
        if (n <= 0)
            return 1;
        done += n;
    }
    return 0;
}
