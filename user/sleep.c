/* sleep.c: waits for the given number of seconds, e.g. "2" or "0.25".
 * Usage: sleep seconds. Parses the number by hand: whole seconds, then up to
 * nine digits of fraction, exactly (no floating point). */
#include <errno.h>
#include <stdio.h>
#include <time.h>

/* Parses "S" or "S.F" into t; returns 0, or -1 if s is not such a number. */
static int parse_seconds(const char *s, struct timespec *t)
{
    const char *p = s;
    t->tv_sec = 0;
    t->tv_nsec = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        t->tv_sec = t->tv_sec * 10 + (*p - '0');
    int whole_digits = p - s;
    if (*p == '.') {
        long scale = 100000000; /* the value of the first fraction digit, in ns */
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
            t->tv_nsec += (*p - '0') * scale;
        if (whole_digits == 0 && p == s + 1)
            return -1; /* just "." */
    } else if (whole_digits == 0) {
        return -1;
    }
    return *p == '\0' ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct timespec t;
    if (argc != 2) {
        dprintf(2, "usage: sleep seconds\n");
        return 1;
    }
    if (parse_seconds(argv[1], &t) < 0) {
        dprintf(2, "sleep: invalid time interval '%s'\n", argv[1]);
        return 1;
    }
    while (nanosleep(&t, &t) < 0)
        if (errno != EINTR)
            return 1;
    return 0;
}
