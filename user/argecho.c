/* argecho: a helper for the process tests; writes its argv and then its envp to stdout
 * in pack_strings() format (proctest.h), so the caller can compare them exactly. */
#include "test.h"
#include "proctest.h"

static void write_fully(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w <= 0)
            _exit(2);
        p += w;
        n -= w;
    }
}

int main(int argc, char **argv, char **envp)
{
    (void)argc;
    size_t alen = pack_strings(argv, NULL), elen = pack_strings(envp, NULL);
    char *buf = malloc(alen + elen);
    if (!buf)
        return 3;
    pack_strings(argv, buf);
    pack_strings(envp, buf + alen);
    write_fully(buf, alen + elen);
    return 0;
}
