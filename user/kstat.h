/* kstat.h: reading lark's /proc/kstat counters (free frames, used process slots,
 * ...) for leak checks, and waiting until they settle back. On Linux there is no
 * /proc/kstat: kstat_read() fails and the callers skip their lark-only checks. */
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

struct kstat {
    long frames_free, frames_total, procs_used, files_used, tmp_pages;
};

/* The value of "name N" in text, or -1. */
static inline long kstat_field(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = text; line && *line; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        if (strncmp(line, name, n) == 0 && line[n] == ' ')
            return strtol(line + n + 1, NULL, 10);
    }
    return -1;
}

/* 0 and *k filled in, or -1 if there is no /proc/kstat (not lark). */
static inline int kstat_read(struct kstat *k)
{
    char text[512];
    int fd = open("/proc/kstat", O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = 0;
    k->frames_free = kstat_field(text, "frames_free");
    k->frames_total = kstat_field(text, "frames_total");
    k->procs_used = kstat_field(text, "procs_used");
    k->files_used = kstat_field(text, "files_used");
    k->tmp_pages = kstat_field(text, "tmp_pages");
    return k->frames_free < 0 || k->procs_used < 0 ? -1 : 0;
}

static inline int kstat_same(const struct kstat *a, const struct kstat *b)
{
    return a->frames_free == b->frames_free && a->procs_used == b->procs_used &&
           a->files_used == b->files_used && a->tmp_pages == b->tmp_pages;
}

/* Read the counters until they equal `want` or `ms` milliseconds have passed: other
 * processes (init reaping orphans, CPUs letting go of an address space when they
 * go idle) may need a moment after the last wait. The last reading is left in *now;
 * returns 1 if it matched. */
static inline int kstat_settle(const struct kstat *want, struct kstat *now, int ms)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int waited = 0;; waited += 10) {
        if (kstat_read(now) != 0)
            return 0;
        if (kstat_same(want, now))
            return 1;
        if (waited >= ms)
            return 0;
        nanosleep(&tick, NULL);
    }
}

/* A reading taken when the counters have stopped moving (three equal readings in a
 * row): a process that just started us may still be closing its end of a pipe. */
static inline int kstat_stable(struct kstat *k)
{
    struct kstat prev;
    struct timespec tick = {0, 10 * 1000 * 1000};
    if (kstat_read(&prev) != 0)
        return -1;
    for (int same = 0, tries = 0; same < 2 && tries < 100; tries++) {
        nanosleep(&tick, NULL);
        if (kstat_read(k) != 0)
            return -1;
        same = kstat_same(&prev, k) ? same + 1 : 0;
        prev = *k;
    }
    *k = prev;
    return 0;
}

/* Run body(arg) (if not NULL) in a child; add its check counts to ours. */
static inline void run_counted_child(void (*body)(void *), void *arg)
{
    int fds[2];
    if (pipe(fds) != 0)
        _exit(96);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        int checks0 = test_checks, failed0 = test_failed; /* ours, copied by fork */
        if (body)
            body(arg);
        int counts[2] = {test_checks - checks0, test_failed - failed0};
        if (write(fds[1], counts, sizeof counts) != sizeof counts)
            _exit(96);
        _exit(0);
    }
    close(fds[1]);
    int counts[2] = {0, 0};
    if (read(fds[0], counts, sizeof counts) != sizeof counts)
        fail("leak_checked_child_finished", "it died before reporting its checks");
    close(fds[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    test_checks += counts[0];
    test_failed += counts[1];
}

/* Run body(arg) in a child process, then check (on lark) that free frames, used
 * process slots, open files and /tmp pages are back to what they were before, once
 * the child and everything it started are gone. The child's checks are counted in
 * ours (their totals come back through a pipe). Include after test.h. */
static inline void run_leak_checked(const char *check_name, void (*body)(void *),
                                    void *arg)
{
    /* A first round with an empty child: whatever pages of our own stack, data and
     * heap the round touches are then there already when the counters are read. */
    struct kstat before = {0}, after;
    run_counted_child(NULL, NULL);
    kstat_settle(&before, &after, 0);
    int have_kstat = kstat_stable(&before) == 0;
    run_counted_child(body, arg);
    if (!have_kstat) {
        test_line("%s: no /proc/kstat (not lark): leak check skipped", check_name);
    } else if (kstat_settle(&before, &after, 2000)) {
        pass(check_name);
    } else {
        fail(check_name,
             "expected frames_free %ld procs_used %ld files_used %ld tmp_pages %ld, got "
             "%ld %ld %ld %ld",
             before.frames_free, before.procs_used, before.files_used, before.tmp_pages,
             after.frames_free, after.procs_used, after.files_used, after.tmp_pages);
    }
}
