/* fake_pass: a cheating or misbehaving "test program" for the grader's own tests
 * (grade/checks/grader.sh builds it with musl-gcc): it prints result lines the way a
 * submission might fake them, and the grader must not be fooled.  Not a lark test. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void say(const char *s)
{
    if (write(1, s, strlen(s)) < 0)
        _exit(99);
}

/* A result line with this run's token, as the real test programs print it. */
static void say_with_token(const char *line)
{
    const char *tok = getenv("GRADE_TOKEN");
    say(line);
    say(" [");
    say(tok ? tok : "");
    say("]\n");
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "notoken";

    if (strcmp(mode, "notoken") == 0) { /* the expected text, hard-coded */
        say("PASS fake_check\n");
        say("DONE fake_pass: 1 checks, 0 failed\n");
    } else if (strcmp(mode, "token") == 0) { /* an honest pass */
        say_with_token("PASS fake_token");
    } else if (strcmp(mode, "order") == 0) {
        say_with_token("PASS fake_first");
        say_with_token("PASS fake_second");
    } else if (strcmp(mode, "fail") == 0) {
        say_with_token("PASS fake_first");
        say_with_token("FAIL fake_failed: expected 1, got 2");
    } else if (strcmp(mode, "reboot") == 0) { /* a second banner, then no end */
        say("lark: booting\n");
        for (;;)
            sleep(1);
    } else if (strcmp(mode, "rebootexit") == 0) { /* a second banner, then power-off */
        say("lark: booting\n");
    } else if (strcmp(mode, "panichang") == 0) { /* a panic line, then no power-off */
        say("lark: panic on CPU 0: fake_pass says so\n");
        for (;;)
            sleep(1);
    } else if (strcmp(mode, "nulpanic") == 0) { /* NUL bytes around a panic line */
        static const char out[] = "nul \0 here\nlark: panic on CPU 0: after\0 a NUL\n";
        if (write(1, out, sizeof out - 1) < 0)
            _exit(99);
    } else if (strcmp(mode, "weird") == 0) { /* output that needs escaping */
        say("weird: \"quotes\" \\backslash\\ <tag> & amp; 'apos' \ttab\n");
        say("weird: control \001\002\033[0m bytes \377\303\250 end\n");
        say_with_token("FAIL fake_weird: \"<&>\" \\");
    }
    return 0;
}
