/* cat.c: copies each file named (or stdin, also for "-") to stdout.
 * A file that cannot be read is reported and skipped; the exit status is then 1. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(1, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= n;
    }
    return 0;
}

/* Copies fd to stdout; returns 0 or -1 with errno set. */
static int copy(int fd)
{
    static char buf[8192];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n;
        if (write_all(buf, n) < 0)
            return -1;
    }
}

/* Copies one file (name "-" is stdin); returns 0, or 1 after saying why. */
static int cat(const char *name)
{
    int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
    if (fd < 0 || copy(fd) < 0) {
        dprintf(2, "cat: %s: %s\n", name, strerror(errno));
        if (fd > 0)
            close(fd);
        return 1;
    }
    if (fd > 0)
        close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 1)
        return cat("-");
    int status = 0;
    for (int i = 1; i < argc; i++)
        status |= cat(argv[i]);
    return status;
}
