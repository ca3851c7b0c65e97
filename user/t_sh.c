/* t_sh.c: tests the shell. Runs small scripts with sh (as a file, through its
 * stdin, and with -c) and checks exactly what they print and their exit status.
 * sh and the tools are found beside this program; files go in a mkdtemp dir. */
#include "test.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char bindir[512]; /* where sh and the tools are; absolute */
static char tmpdir[64];  /* this run's directory, also our working directory */
static char cwd[512];    /* tmpdir as getcwd spells it */

/* What one run of sh did. */
struct run {
    int status; /* exit status; 1000+N if killed by signal N, -1 if not started */
    char out[8192];
    char err[1024];
};

/* bindir = the directory of argv0, made absolute since scripts cd around.
 * Without a '/', we were found through PATH: in lark, that is /bin. */
static void find_bindir(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    if (!slash) {
        strcpy(bindir, "/bin");
        return;
    }
    int n = slash - argv0;
    char here[256];
    if (argv0[0] == '/')
        snprintf(bindir, sizeof bindir, "%.*s", n ? n : 1, argv0);
    else if (getcwd(here, sizeof here))
        snprintf(bindir, sizeof bindir, "%s/%.*s", here, n, argv0);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        dprintf(2, "t_sh: cannot write %s/%s: %s\n", tmpdir, name, strerror(errno));
        exit(1);
    }
    close(fd);
}

/* Reads fd to its end into buf (NUL-terminated, truncated to size-1). */
static void read_all(int fd, char *buf, size_t size)
{
    size_t len = 0;
    for (;;) {
        char chunk[512];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n && len < size - 1; i++)
            buf[len++] = chunk[i];
    }
    buf[len] = '\0';
}

/* Runs bindir/sh with argv and PATH=bindir, HOME=tmpdir; input goes to its
 * stdin through a pipe, its stdout comes back through a pipe, and its stderr
 * goes to a file (read after it exits, so neither pipe can fill up unread). */
static void run_sh(char *const argv[], const char *input, struct run *r)
{
    char sh[600], path_env[600], home_env[100];
    snprintf(sh, sizeof sh, "%s/sh", bindir);
    snprintf(path_env, sizeof path_env, "PATH=%s", bindir);
    snprintf(home_env, sizeof home_env, "HOME=%s", tmpdir);
    char *envp[] = {path_env, home_env, NULL};
    memset(r, 0, sizeof *r);

    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
        r->status = -1;
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "stderr.txt",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_t attr; /* sh gets SIGPIPE as default, though we ignore it */
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &pipe_signal);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int err = posix_spawn(&pid, sh, &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(in[0]);
    close(out[1]);
    if (err) {
        snprintf(r->err, sizeof r->err, "cannot run %s: %s", sh, strerror(err));
        r->status = -1;
        close(in[1]);
        close(out[0]);
        return;
    }

    /* Our inputs are small: they fit in the pipe even if sh reads none of it. */
    if (write(in[1], input, strlen(input)) < 0)
        dprintf(2, "t_sh: writing sh's input: %s\n", strerror(errno));
    close(in[1]);
    read_all(out[0], r->out, sizeof r->out);
    close(out[0]);

    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 1000 + WTERMSIG(ws);
    int fd = open("stderr.txt", O_RDONLY);
    if (fd >= 0) {
        read_all(fd, r->err, sizeof r->err);
        close(fd);
    }
}

/* Runs "sh script" with the script's text in a file. */
static void run_script(const char *text, struct run *r)
{
    write_file("script.sh", text, 0644);
    char *argv[] = {"sh", "script.sh", NULL};
    run_sh(argv, "", r);
}

/* Runs "sh" with the script's text on its stdin. */
static void run_stdin(const char *text, struct run *r)
{
    char *argv[] = {"sh", NULL};
    run_sh(argv, text, r);
}

/* s with newlines shown as \n, cut to fit a result line. */
static const char *show(const char *s, char *buf)
{
    size_t len = 0;
    for (; *s && len < 150; s++) {
        if (*s == '\n') {
            buf[len++] = '\\';
            buf[len++] = 'n';
        } else {
            buf[len++] = *s;
        }
    }
    strcpy(buf + len, *s ? "..." : "");
    return buf;
}

static void check_text(const char *name, const char *what, const char *got,
                       const char *want)
{
    char a[160], b[160];
    if (strcmp(got, want) == 0)
        pass(name);
    else
        fail(name, "expected %s \"%s\", got \"%s\"", what, show(want, a), show(got, b));
}

/* One check of a whole run: its stdout and its exit status. */
static void check_run(const char *name, const struct run *r, const char *want_out,
                      int want_status)
{
    char a[160], b[160], c[160];
    if (strcmp(r->out, want_out) == 0 && r->status == want_status)
        pass(name);
    else
        fail(name,
             "expected output \"%s\" and status %d, got \"%s\" and %d (stderr \"%s\")",
             show(want_out, a), want_status, show(r->out, b), r->status, show(r->err, c));
}

static void test_pipes_and_redirections(void)
{
    struct run r;
    run_script("echo a b c | wc -w\n", &r);
    check_run("sh_pipeline", &r, "3\n", 0);

    run_script("true | false; echo $?; false | true; echo $?\n", &r);
    check_run("sh_pipeline_status_is_last", &r, "1\n0\n", 0);

    run_script("pwd | cat\n", &r);
    char want[600];
    snprintf(want, sizeof want, "%s\n", cwd);
    check_run("sh_builtin_in_pipeline", &r, want, 0);

    run_script("echo hello > out.txt\ncat out.txt\n", &r);
    check_run("sh_redirect_out", &r, "hello\n", 0);

    run_script("echo one >f2\necho two >>f2\ncat f2\n", &r);
    check_run("sh_redirect_append", &r, "one\ntwo\n", 0);

    run_script("cat < f2; wc -l <f2\n", &r);
    check_run("sh_redirect_in", &r, "one\ntwo\n2\n", 0);

    /* wc's line is as long as the name needs (it once overflowed a buffer). */
    char name[201], script[300];
    memset(name, 'n', 200);
    name[200] = '\0';
    write_file(name, "abc\n", 0600);
    snprintf(script, sizeof script, "wc -c %s\n", name);
    run_script(script, &r);
    snprintf(want, sizeof want, "4 %s\n", name);
    check_run("wc_long_file_name", &r, want, 0);

    run_script("cat < missing.txt\necho $?\n", &r);
    check_run("sh_redirect_failure_status", &r, "1\n", 0);
    check_text("sh_redirect_failure_message", "stderr", r.err,
               "sh: missing.txt: No such file or directory\n");
}

static void test_status(void)
{
    struct run r;
    run_script("false\necho $?\ntrue\necho $?\n", &r);
    check_run("sh_status_false_true", &r, "1\n0\n", 0);

    run_script("nosuchcmd_xyz\necho $?\n", &r);
    check_run("sh_not_found_status", &r, "127\n", 0);
    check_text("sh_not_found_message", "stderr", r.err,
               "sh: nosuchcmd_xyz: command not found\n");

    write_file("noexec", "echo hi\n", 0644);
    run_script("./noexec\necho $?\n", &r);
    check_run("sh_not_executable_status", &r, "126\n", 0);
    check_text("sh_not_executable_message", "stderr", r.err,
               "sh: ./noexec: Permission denied\n");

    run_script("echo before\nexit 3\necho after\n", &r);
    check_run("sh_exit_status", &r, "before\n", 3);

    run_stdin("true\nfalse\n", &r);
    check_run("sh_eof_exits_with_last_status", &r, "", 1);
}

static void test_words(void)
{
    struct run r;
    run_script("echo \"a  b\" 'c $? d'\n", &r);
    check_run("sh_quotes", &r, "a  b c $? d\n", 0);

    run_script("false; echo \"x$?y\" x$?y a\"b c\"d ''\n", &r);
    check_run("sh_status_in_words", &r, "x1y x1y ab cd \n", 0);

    run_script("echo a # b c\n# a whole line\necho d#e\n", &r);
    check_run("sh_comments", &r, "a\nd#e\n", 0);

    /* A line of more than 4 KiB, with 1000 arguments. */
    char line[8192] = "echo";
    for (int i = 0; i < 1000; i++)
        strcat(line, " word");
    strcat(line, " | wc -w\n");
    run_script(line, &r);
    check_run("sh_long_line", &r, "1000\n", 0);
}

static void test_cd(void)
{
    struct run r;
    char want[600];
    snprintf(want, sizeof want, "/\n%s\n", cwd);
    run_script("cd /\npwd\ncd\npwd\n", &r);
    check_run("sh_cd_pwd", &r, want, 0);

    run_script("cd /no/such/dir\necho $?\n", &r);
    check_run("sh_cd_failure_status", &r, "1\n", 0);
}

static void test_syntax_errors(void)
{
    struct run r;
    run_script("| echo x\n", &r);
    check_run("sh_syntax_error_status", &r, "", 2);
    check("sh_syntax_error_message", strncmp(r.err, "sh: syntax error: ", 18) == 0,
          "expected stderr starting with \"sh: syntax error: \"");

    run_script("echo x >\n", &r);
    check_run("sh_syntax_missing_file", &r, "", 2);

    run_script("echo 'x\n", &r);
    check_run("sh_syntax_unterminated_quote", &r, "", 2);

    run_script("echo a; echo b |\n", &r);
    check_run("sh_syntax_error_runs_nothing", &r, "", 2);
}

static void test_input_modes(void)
{
    struct run r;
    run_stdin("echo piped | wc -c\nfalse\necho $?\n", &r);
    check_run("sh_stdin_script", &r, "6\n1\n", 0);
    check_text("sh_no_prompt_without_tty", "stderr", r.err, "");

    char *argv[] = {"sh", "-c", "echo c; exit 4", NULL};
    run_sh(argv, "", &r);
    check_run("sh_dash_c", &r, "c\n", 4);
}

/* Removes every file of tmpdir, then tmpdir (it has no subdirectories). */
static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            unlink(e->d_name);
    if (d)
        closedir(d);
    chdir("/");
    rmdir(tmpdir);
}

int main(int argc, char **argv)
{
    (void)argc;
    signal(SIGPIPE, SIG_IGN); /* a sh that dies early must not kill us */
    find_bindir(argv[0]);
    strcpy(tmpdir, "/tmp/t_sh.XXXXXX");
    if (!mkdtemp(tmpdir) || chdir(tmpdir) < 0 || !getcwd(cwd, sizeof cwd)) {
        dprintf(2, "t_sh: cannot make a directory in /tmp: %s\n", strerror(errno));
        return 1;
    }

    test_pipes_and_redirections();
    test_status();
    test_words();
    test_cd();
    test_syntax_errors();
    test_input_modes();

    remove_tmpdir();
    return test_done("t_sh");
}
