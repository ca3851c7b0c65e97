/* sh.c: lark's shell. Reads command lines, splits them into words, and runs
 * pipelines with posix_spawn (never fork). Quotes, $?, < > >>, |, ;, # comments,
 * and the builtins cd, exit and pwd. Usage: sh [-c command | file] */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int last_status; /* $?: the status of the last pipeline */

/* Signals the shell ignores for itself but its programs must get with their
 * default action (posix_spawn would otherwise pass SIG_IGN on to them). */
static sigset_t reset_in_children;

/* ---------------------------------------------------------------------------
 * Memory and strings. */

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p) {
        dprintf(2, "sh: out of memory\n");
        exit(2);
    }
    return p;
}

/* A growable string. */
struct str {
    char *s;
    size_t len, cap;
};

static void str_addc(struct str *b, char c)
{
    if (b->len + 2 > b->cap) {
        b->cap = b->cap ? 2 * b->cap : 32;
        b->s = xrealloc(b->s, b->cap);
    }
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

static void str_adds(struct str *b, const char *s)
{
    while (*s)
        str_addc(b, *s++);
}

/* The finished string: the caller frees it. "" if nothing was added. */
static char *str_get(struct str *b)
{
    if (!b->s) {
        b->s = xrealloc(NULL, 1);
        b->s[0] = '\0';
    }
    return b->s;
}

/* ---------------------------------------------------------------------------
 * Input. */

/* Reads one line (without its '\n') from fd into a new string; NULL at end of
 * input. Reads one byte at a time, on purpose: the programs we start share our
 * stdin, and whatever we read ahead of the line would be lost to them. */
static char *read_line(int fd)
{
    struct str line = {0};
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) /* end of input (an error ends it too) */
            return line.len ? line.s : NULL;
        if (c == '\n')
            return str_get(&line);
        str_addc(&line, c);
    }
}

/* ---------------------------------------------------------------------------
 * Lexing: a line becomes a list of tokens ending with END. A word keeps its
 * source text, quotes included; it is expanded only when its command runs, so
 * that $? in "false; echo $?" is the status of false. */

enum token_kind { WORD, PIPE, SEMI, REDIR_IN, REDIR_OUT, REDIR_APPEND, END };

struct token {
    enum token_kind kind;
    const char *text; /* for WORD: where it starts in the line */
    size_t len;
};

struct tokens {
    struct token *v;
    size_t n, cap;
};

static void add_token(struct tokens *t, enum token_kind kind, const char *text,
                      size_t len)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->v = xrealloc(t->v, t->cap * sizeof t->v[0]);
    }
    t->v[t->n++] = (struct token){kind, text, len};
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool ends_word(char c)
{
    return c == '\0' || is_blank(c) || strchr("|;<>\n", c);
}

/* Splits line into tokens; returns NULL, or a syntax error message. */
static const char *lex(const char *line, struct tokens *out)
{
    const char *p = line;
    for (;;) {
        while (is_blank(*p))
            p++;
        if (*p == '\0') {
            add_token(out, END, p, 0);
            return NULL;
        }
        if (*p == '#') { /* a comment, up to the end of the line */
            while (*p && *p != '\n')
                p++;
        } else if (*p == '|') {
            add_token(out, PIPE, p++, 1);
        } else if (*p == ';' || *p == '\n') { /* sh -c allows newlines */
            add_token(out, SEMI, p++, 1);
        } else if (*p == '<') {
            add_token(out, REDIR_IN, p++, 1);
        } else if (p[0] == '>' && p[1] == '>') {
            add_token(out, REDIR_APPEND, p, 2);
            p += 2;
        } else if (*p == '>') {
            add_token(out, REDIR_OUT, p++, 1);
        } else {
            const char *start = p;
            while (!ends_word(*p)) {
                if (*p == '\'' || *p == '"') { /* skip to the closing quote */
                    const char *close = strchr(p + 1, *p);
                    if (!close)
                        return "unterminated quote";
                    p = close;
                }
                p++;
            }
            add_token(out, WORD, start, p - start);
        }
    }
}

static const char *token_name(enum token_kind kind)
{
    static const char *const names[] = {
        [WORD] = "word",       [PIPE] = "'|'",      [SEMI] = "';'",
        [REDIR_IN] = "'<'",    [REDIR_OUT] = "'>'", [REDIR_APPEND] = "'>>'",
        [END] = "end of line",
    };
    return names[kind];
}

static bool is_redirect(enum token_kind kind)
{
    return kind == REDIR_IN || kind == REDIR_OUT || kind == REDIR_APPEND;
}

/* Checks the grammar before anything runs:
 *   line     = [pipeline { ';' pipeline }] [';']
 *   pipeline = command { '|' command }
 *   command  = (WORD | redirect WORD) { WORD | redirect WORD }
 * Returns NULL, or a syntax error message. */
static const char *check_syntax(const struct token *t)
{
    static char msg[64];
    int items = 0;                /* words and redirections in the current command */
    enum token_kind after = SEMI; /* the separator before the current command */
    for (;; t++) {
        if (t->kind == WORD) {
            items++;
            continue;
        }
        if (is_redirect(t->kind)) {
            if (t[1].kind != WORD) {
                snprintf(msg, sizeof msg, "missing file name after %s",
                         token_name(t->kind));
                return msg;
            }
            t++;
            items++;
            continue;
        }
        /* An empty command is an error, except for an empty line or a last ';'. */
        if (items == 0 && (t->kind != END || after == PIPE)) {
            snprintf(msg, sizeof msg, "unexpected %s", token_name(t->kind));
            return msg;
        }
        if (t->kind == END)
            return NULL;
        after = t->kind;
        items = 0;
    }
}

/* Removes the quotes of a word and replaces $? outside single quotes. */
static char *expand_word(const struct token *t)
{
    struct str out = {0};
    char quote = 0; /* the quote we are inside of, or 0 */
    for (size_t i = 0; i < t->len; i++) {
        char c = t->text[i];
        if (quote == 0 && (c == '\'' || c == '"')) {
            quote = c;
        } else if (c == quote) {
            quote = 0;
        } else if (c == '$' && i + 1 < t->len && t->text[i + 1] == '?' && quote != '\'') {
            char num[16];
            snprintf(num, sizeof num, "%d", last_status);
            str_adds(&out, num);
            i++;
        } else {
            str_addc(&out, c);
        }
    }
    return str_get(&out);
}

/* ---------------------------------------------------------------------------
 * Builtins. They run in the shell itself (cd and exit must), even inside a
 * pipeline; out is their standard output. */

static int builtin_cd(int argc, char **argv, int out)
{
    (void)out;
    if (argc > 2) {
        dprintf(2, "sh: cd: too many arguments\n");
        return 1;
    }
    const char *dir = argv[1];
    if (!dir)
        dir = getenv("HOME");
    if (!dir || !*dir)
        dir = "/";
    if (chdir(dir) < 0) {
        dprintf(2, "sh: cd: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    return 0;
}

static int builtin_pwd(int argc, char **argv, int out)
{
    (void)argc, (void)argv;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        dprintf(2, "sh: pwd: %s\n", strerror(errno));
        return 1;
    }
    if (dprintf(out, "%s\n", cwd) < 0)
        return 1; /* e.g. a pipe nobody reads any more: not worth a message */
    return 0;
}

static int builtin_exit(int argc, char **argv, int out)
{
    (void)out;
    if (argc > 2) {
        dprintf(2, "sh: exit: too many arguments\n");
        return 1;
    }
    if (argc == 1)
        exit(last_status);
    char *end;
    errno = 0;
    long n = strtol(argv[1], &end, 10);
    if (errno || end == argv[1] || *end) {
        dprintf(2, "sh: exit: %s: numeric argument required\n", argv[1]);
        exit(2);
    }
    exit(n & 0xff);
}

static const struct builtin {
    const char *name;
    int (*run)(int argc, char **argv, int out);
} builtins[] = {
    {"cd", builtin_cd},
    {"exit", builtin_exit},
    {"pwd", builtin_pwd},
};

static const struct builtin *find_builtin(const char *name)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return &builtins[i];
    return NULL;
}

/* ---------------------------------------------------------------------------
 * Running programs. */

/* Finds the file to run for name: name itself if it has a '/', else the first
 * executable regular file dir/name for dir in PATH (default /bin). Returns a
 * new string, or NULL after printing why (*status is then 127 or 126). */
static char *find_program(const char *name, int *status)
{
    if (strchr(name, '/'))
        return strdup(name);
    const char *path = getenv("PATH");
    if (!path)
        path = "/bin";
    bool denied = false; /* found name somewhere, but not executable */
    for (const char *dir = path;; dir++) {
        size_t dirlen = strcspn(dir, ":");
        struct str file = {0};
        if (dirlen == 0) /* an empty PATH entry means the current directory */
            str_addc(&file, '.');
        for (size_t i = 0; i < dirlen; i++)
            str_addc(&file, dir[i]);
        str_addc(&file, '/');
        str_adds(&file, name);

        struct stat st;
        if (stat(file.s, &st) == 0 && S_ISREG(st.st_mode)) {
            if (access(file.s, X_OK) == 0)
                return file.s;
            denied = true;
        }
        free(file.s);
        dir += dirlen;
        if (*dir == '\0')
            break;
    }
    dprintf(2, "sh: %s: %s\n", name, denied ? "Permission denied" : "command not found");
    *status = denied ? 126 : 127;
    return NULL;
}

/* Starts argv[0] with stdin and stdout replaced by in and out (-1: keep the
 * shell's). Returns its pid, or 0 with *status set if it could not start. */
static pid_t spawn_program(char **argv, int in, int out, int *status)
{
    char *file = find_program(argv[0], status);
    if (!file)
        return 0;

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (in >= 0)
        posix_spawn_file_actions_adddup2(&actions, in, 0);
    if (out >= 0)
        posix_spawn_file_actions_adddup2(&actions, out, 1);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &reset_in_children);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

    pid_t pid;
    int err = posix_spawn(&pid, file, &actions, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    free(file);
    if (err) {
        dprintf(2, "sh: %s: %s\n", argv[0], strerror(err));
        *status = err == ENOENT ? 127 : 126;
        return 0;
    }
    return pid;
}

/* Waits for pid and returns its status as $? shows it (128+N for signal N). */
static int wait_program(pid_t pid, const char *name)
{
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR) {
            dprintf(2, "sh: wait: %s\n", strerror(errno));
            return 1;
        }
    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    int sig = WTERMSIG(ws);
    /* ^C and a reader that went away are normal endings: no message. */
    if (sig != SIGINT && sig != SIGPIPE)
        dprintf(2, "sh: %s: %s\n", name, strsignal(sig));
    return 128 + sig;
}

/* Opens the file of a redirection; prints why on failure. */
static int open_redirect(enum token_kind kind, const char *file)
{
    int flags = O_CLOEXEC;
    if (kind == REDIR_IN)
        flags |= O_RDONLY;
    else if (kind == REDIR_OUT)
        flags |= O_WRONLY | O_CREAT | O_TRUNC;
    else
        flags |= O_WRONLY | O_CREAT | O_APPEND;
    int fd = open(file, flags, 0666);
    if (fd < 0)
        dprintf(2, "sh: %s: %s\n", file, strerror(errno));
    return fd;
}

/* One command of a pipeline: its tokens [first, end), and once started, the
 * process running it (pid 0: finished already, status is its status). */
struct command {
    const struct token *first, *end;
    pid_t pid;
    int status;
    char *name;
};

/* Starts cmd with stdin in and stdout out (-1: the shell's own). Redirections
 * are opened here, in the shell, so that their errors are easy to report. */
static void start_command(struct command *cmd, int in, int out)
{
    char **argv = NULL;
    int argc = 0;
    int file_in = -1, file_out = -1; /* opened for < and for > or >> */
    cmd->pid = 0;
    cmd->status = 0;

    for (const struct token *t = cmd->first; t < cmd->end; t++) {
        if (t->kind == WORD) {
            argv = xrealloc(argv, (argc + 2) * sizeof argv[0]);
            argv[argc++] = expand_word(t);
            continue;
        }
        char *file = expand_word(++t); /* a redirection: the next token is the file */
        int fd = open_redirect(t[-1].kind, file);
        free(file);
        if (fd < 0) {
            cmd->status = 1;
            goto done;
        }
        int *slot = t[-1].kind == REDIR_IN ? &file_in : &file_out;
        if (*slot >= 0) /* "a >x >y" creates x but writes into y */
            close(*slot);
        *slot = fd;
    }
    if (argc == 0) /* only redirections, e.g. ">file" to empty a file */
        goto done;
    argv[argc] = NULL;
    cmd->name = strdup(argv[0]);

    if (file_in >= 0)
        in = file_in;
    if (file_out >= 0)
        out = file_out;
    const struct builtin *b = find_builtin(argv[0]);
    if (b)
        cmd->status = b->run(argc, argv, out >= 0 ? out : 1);
    else
        cmd->pid = spawn_program(argv, in, out, &cmd->status);

done:
    if (file_in >= 0)
        close(file_in);
    if (file_out >= 0)
        close(file_out);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
}

/* Runs the pipeline in tokens [first, end) and returns its status, the status
 * of its last command. The commands start from right to left: that way, when a
 * builtin writes into a pipe, the program reading that pipe already runs. */
static int run_pipeline(const struct token *first, const struct token *end)
{
    int n = 1;
    for (const struct token *t = first; t < end; t++)
        n += t->kind == PIPE;
    struct command *cmds = xrealloc(NULL, n * sizeof cmds[0]);
    memset(cmds, 0, n * sizeof cmds[0]);
    int i = 0;
    cmds[0].first = first;
    for (const struct token *t = first; t < end; t++)
        if (t->kind == PIPE) {
            cmds[i++].end = t;
            cmds[i].first = t + 1;
        }
    cmds[i].end = end;

    int out = -1; /* stdout of command i: the pipe to command i+1 */
    for (i = n - 1; i >= 0; i--) {
        int pipefd[2] = {-1, -1}; /* from command i-1 to command i */
        if (i > 0 && pipe2(pipefd, O_CLOEXEC) < 0) {
            dprintf(2, "sh: pipe: %s\n", strerror(errno));
            cmds[i].status = 1;
            break;
        }
        start_command(&cmds[i], pipefd[0], out);
        if (pipefd[0] >= 0)
            close(pipefd[0]);
        if (out >= 0)
            close(out);
        out = pipefd[1];
    }
    if (out >= 0)
        close(out);

    for (i = 0; i < n; i++) {
        if (cmds[i].pid > 0)
            cmds[i].status = wait_program(cmds[i].pid, cmds[i].name);
        free(cmds[i].name);
    }
    int status = cmds[n - 1].status;
    free(cmds);
    return status;
}

/* Runs one line of input: checks all of it, then runs its pipelines in turn. */
static void run_line(const char *line)
{
    struct tokens tokens = {0};
    const char *error = lex(line, &tokens);
    if (!error)
        error = check_syntax(tokens.v);
    if (error) {
        dprintf(2, "sh: syntax error: %s\n", error);
        last_status = 2;
        free(tokens.v);
        return;
    }
    const struct token *t = tokens.v;
    while (t->kind != END) {
        const struct token *end = t;
        while (end->kind != SEMI && end->kind != END)
            end++;
        last_status = run_pipeline(t, end);
        t = end->kind == SEMI ? end + 1 : end;
    }
    free(tokens.v);
}

/* Runs every line of fd; returns the last status, as end of input exits. */
static int run_input(int fd, bool interactive)
{
    for (;;) {
        if (interactive)
            write(2, "$ ", 2);
        char *line = read_line(fd);
        if (!line)
            break;
        run_line(line);
        free(line);
    }
    if (interactive) /* after ^D, leave the cursor on a fresh line */
        write(2, "\n", 1);
    return last_status;
}

int main(int argc, char **argv)
{
    /* A builtin writing into a pipe that nobody reads must not kill the shell. */
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&reset_in_children);
    sigaddset(&reset_in_children, SIGPIPE);

    if (argc >= 2 && argv[1][0] == '-') {
        if (strcmp(argv[1], "-c") != 0 || argc < 3) {
            dprintf(2, "usage: sh [-c command | file]\n");
            return 2;
        }
        run_line(argv[2]);
        return last_status;
    }
    if (argc >= 2) {
        int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            dprintf(2, "sh: %s: %s\n", argv[1], strerror(errno));
            return 127;
        }
        return run_input(fd, false);
    }
    bool interactive = isatty(0);
    if (interactive) { /* ^C is for the program running, not for us */
        signal(SIGINT, SIG_IGN);
        sigaddset(&reset_in_children, SIGINT);
    }
    return run_input(0, interactive);
}
