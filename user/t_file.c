/* t_file: file and directory syscalls (open/openat flags, read/write/readv/writev,
 * lseek, pread64, stat family, getdents64, dup*, fcntl, chdir/getcwd, mkdir, unlink,
 * umask, access) in a fresh directory under /tmp, plus reading from the read-only image. */
#include "test.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

static char tmpdir[64]; /* the mkdtemp directory all files live in */

/* tmpdir/name, in one of a few rotating buffers so a call can use two paths. */
static const char *in_tmp(const char *name)
{
    static char bufs[4][128];
    static int next;
    char *p = bufs[next++ % 4];
    snprintf(p, sizeof bufs[0], "%s/%s", tmpdir, name);
    return p;
}

/* Create (or truncate) a file holding `text`, with permission bits `mode`. */
static void make_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        fail("setup_make_file", "could not create %s: %s", path, strerrorname(errno));
        exit(test_done("t_file"));
    }
    close(fd);
}

/* Read up to size-1 bytes of a file into buf as a string; returns bytes read or -1. */
static long slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long n = read(fd, buf, size - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = '\0';
    return n;
}

static int fd_flags(int fd)
{
    return fcntl(fd, F_GETFD);
}

static void test_open_flags(void)
{
    const char *f = in_tmp("f");
    int fd = open(f, O_CREAT | O_WRONLY, 0600);
    check("open_creat", fd >= 0, "expected a new fd for O_CREAT on a missing file");
    check_long("write_returns_count", write(fd, "hello", 5), 5);
    check_long("close_ok", close(fd), 0);
    check_errno("close_twice_ebadf", close(fd), EBADF);
    check_errno("close_never_opened_ebadf", close(999), EBADF);

    char buf[64];
    fd = open(f, O_RDONLY);
    check_long("read_returns_count", read(fd, buf, sizeof buf), 5);
    check("read_data", memcmp(buf, "hello", 5) == 0, "expected \"hello\"");
    check_long("read_at_eof_returns_0", read(fd, buf, sizeof buf), 0);
    check_errno("write_on_rdonly_fd_ebadf", write(fd, "x", 1), EBADF);
    close(fd);

    check_errno("open_missing_enoent", open(in_tmp("missing"), O_RDONLY), ENOENT);
    check_errno("open_excl_existing_eexist", open(f, O_CREAT | O_EXCL | O_WRONLY, 0600),
                EEXIST);
    check_errno("open_directory_on_file_enotdir", open(f, O_RDONLY | O_DIRECTORY),
                ENOTDIR);
    fd = open(tmpdir, O_RDONLY | O_DIRECTORY);
    check("open_directory_on_dir", fd >= 0,
          "expected an fd for O_DIRECTORY on a directory");
    close(fd);
    check_errno("open_dir_for_writing_eisdir", open(tmpdir, O_WRONLY), EISDIR);

    fd = open(f, O_WRONLY | O_TRUNC);
    struct stat st;
    fstat(fd, &st);
    check_long("open_trunc_size_0", st.st_size, 0);
    check_long("write_after_trunc", write(fd, "ab", 2), 2);
    close(fd);

    /* O_APPEND: every write goes to the end, whatever the offset was. */
    fd = open(f, O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "cd", 2);
    check_long("append_offset_at_end", lseek(fd, 0, SEEK_CUR), 4);
    close(fd);
    slurp(f, buf, sizeof buf);
    check_str("append_writes_at_end", buf, "abcd");

    /* Raw: musl's open() sets FD_CLOEXEC itself afterwards, hiding the kernel's. */
    fd = syscall(SYS_open, f, O_RDONLY | O_CLOEXEC);
    check("open_cloexec_sets_fd_cloexec", fd_flags(fd) == FD_CLOEXEC,
          "expected F_GETFD == FD_CLOEXEC");
    close(fd);
    fd = open(f, O_RDONLY);
    check_long("open_without_cloexec_fd_flags_0", fd_flags(fd), 0);
    close(fd);

    /* openat: a relative path starts at dirfd, an absolute one ignores it. */
    int dfd = open(tmpdir, O_RDONLY | O_DIRECTORY);
    fd = openat(dfd, "g", O_CREAT | O_WRONLY, 0600);
    check("openat_creat_relative_to_dirfd", fd >= 0 && access(in_tmp("g"), F_OK) == 0,
          "expected tmpdir/g to exist");
    close(fd);
    fd = openat(dfd, f, O_RDONLY);
    check("openat_absolute_ignores_dirfd", fd >= 0, "expected an fd");
    close(fd);
    check_errno("openat_bad_dirfd_ebadf", openat(999, "g", O_RDONLY), EBADF);
    close(dfd);
    int ffd = open(f, O_RDONLY);
    check_errno("openat_file_as_dirfd_enotdir", openat(ffd, "g", O_RDONLY), ENOTDIR);
    close(ffd);
    unlink(in_tmp("g"));
}

static void test_vectors(void)
{
    int fd = open(in_tmp("v"), O_CREAT | O_RDWR | O_TRUNC, 0600);
    struct iovec out[3] = {{"one", 3}, {"", 0}, {"two!", 4}};
    check_long("writev_returns_total", writev(fd, out, 3), 7);
    lseek(fd, 0, SEEK_SET);
    char a[2] = {0}, b[8] = {0};
    struct iovec in[2] = {{a, 2}, {b, sizeof b}};
    check_long("readv_returns_total", readv(fd, in, 2), 7);
    check("readv_fills_in_order", memcmp(a, "on", 2) == 0 && memcmp(b, "etwo!", 5) == 0,
          "expected \"on\" then \"etwo!\"");
    close(fd);
    unlink(in_tmp("v"));
}

static void test_lseek_pread(void)
{
    int fd = open(in_tmp("s"), O_CREAT | O_RDWR | O_TRUNC, 0600);
    write(fd, "0123456789", 10);
    check_long("lseek_set", lseek(fd, 2, SEEK_SET), 2);
    check_long("lseek_cur", lseek(fd, 3, SEEK_CUR), 5);
    check_long("lseek_end", lseek(fd, -1, SEEK_END), 9);
    char c = 0;
    read(fd, &c, 1);
    check("read_after_lseek", c == '9', "expected '9'");
    check_errno("lseek_negative_einval", lseek(fd, -1, SEEK_SET), EINVAL);
    check_errno("lseek_cur_negative_einval", lseek(fd, -100, SEEK_CUR), EINVAL);
    check_errno("lseek_bad_whence_einval", lseek(fd, 0, 42), EINVAL);
    check_long("lseek_offset_kept_after_einval", lseek(fd, 0, SEEK_CUR), 10);

    char buf[4] = {0};
    lseek(fd, 1, SEEK_SET);
    check_long("pread64_returns_count", syscall(SYS_pread64, fd, buf, 3, 4), 3);
    check("pread64_reads_at_offset", memcmp(buf, "456", 3) == 0, "expected \"456\"");
    check_long("pread64_keeps_offset", lseek(fd, 0, SEEK_CUR), 1);
    check_long("pread64_past_eof_returns_0", syscall(SYS_pread64, fd, buf, 3, 100), 0);
    /* An end past the largest offset, INT64_MAX, is refused before any I/O. */
    check_errno("pread64_end_overflows_einval",
                syscall(SYS_pread64, fd, buf, 3, INT64_MAX - 1), EINVAL);
    check_errno("pwrite64_end_overflows_einval",
                syscall(SYS_pwrite64, fd, "abc", 3, INT64_MAX - 1), EINVAL);
    /* The same for read and write, where the file offset may be there (tmpfs and
     * lark's /tmp: yes; ext4: no, lseek says EINVAL). */
    if (lseek(fd, INT64_MAX - 1, SEEK_SET) == INT64_MAX - 1) {
        check_errno("read_end_overflows_einval", read(fd, buf, 3), EINVAL);
        check_errno("write_end_overflows_einval", write(fd, "abc", 3), EINVAL);
    }
    close(fd);

    int p[2];
    pipe(p);
    check_errno("lseek_pipe_espipe", lseek(p[0], 0, SEEK_CUR), ESPIPE);
    check_errno("pread64_pipe_espipe", syscall(SYS_pread64, p[0], buf, 1, 0), ESPIPE);
    close(p[0]);
    close(p[1]);
    unlink(in_tmp("s"));
}

/* The stat family through the raw syscalls, so libc cannot pick another one. */
static void test_stat(void)
{
    const char *f = in_tmp("st");
    make_file(f, "12345", 0600); /* 0600 and 0700 survive any usual umask */
    struct stat st;
    int fd = open(f, O_RDONLY);
    check_long("fstat_ok", syscall(SYS_fstat, fd, &st), 0);
    check("fstat_is_regular", S_ISREG(st.st_mode), "expected S_IFREG");
    check_long("fstat_permissions", st.st_mode & 07777, 0600);
    check_long("fstat_size", st.st_size, 5);
    close(fd);
    check_errno("fstat_bad_fd_ebadf", syscall(SYS_fstat, 999, &st), EBADF);

    memset(&st, 0, sizeof st);
    check_long("stat_ok", syscall(SYS_stat, f, &st), 0);
    check("stat_is_regular", S_ISREG(st.st_mode) && st.st_size == 5,
          "expected S_IFREG, size 5");
    check_errno("stat_missing_enoent", syscall(SYS_stat, in_tmp("nope"), &st), ENOENT);
    check_errno("stat_through_file_enotdir", syscall(SYS_stat, in_tmp("st/x"), &st),
                ENOTDIR);

    memset(&st, 0, sizeof st);
    int dfd = open(tmpdir, O_RDONLY | O_DIRECTORY);
    check_long("newfstatat_ok", syscall(SYS_newfstatat, dfd, "st", &st, 0), 0);
    check("newfstatat_relative_to_dirfd", S_ISREG(st.st_mode) && st.st_size == 5,
          "expected S_IFREG, size 5");
    check_long("newfstatat_empty_path_is_fstat",
               syscall(SYS_newfstatat, dfd, "", &st, AT_EMPTY_PATH), 0);
    check("newfstatat_dir_is_s_ifdir", S_ISDIR(st.st_mode), "expected S_IFDIR");
    close(dfd);
    unlink(f);
}

/* What getdents64 writes: records of d_reclen bytes, each with a NUL-ended name. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

#define LISTING_MAX 256

/* A whole directory as getdents64 returned it. */
struct listing {
    long last; /* the final getdents64 result: 0 at the end, -1 on error */
    int count; /* entries returned (only the first LISTING_MAX are kept) */
    char name[LISTING_MAX][64];
    unsigned char type[LISTING_MAX];
};

/* Read directory fd to its end, in as many getdents64 calls as it takes. */
static void list_dir(int fd, struct listing *l)
{
    char buf[1024] __attribute__((aligned(8)));
    l->count = 0;
    while ((l->last = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < l->last;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            if (l->count < LISTING_MAX) {
                snprintf(l->name[l->count], sizeof l->name[0], "%s", d->d_name);
                l->type[l->count] = d->d_type;
            }
            l->count++;
            off += d->d_reclen;
        }
    }
}

/* The index of `name` in the listing, or -1. */
static int find_name(const struct listing *l, const char *name)
{
    for (int i = 0; i < l->count && i < LISTING_MAX; i++)
        if (strcmp(l->name[i], name) == 0)
            return i;
    return -1;
}

static int has_entry(const struct listing *l, const char *name, int type)
{
    int i = find_name(l, name);
    return i >= 0 && l->type[i] == type;
}

static void test_getdents(void)
{
    static struct listing l;
    mkdir(in_tmp("d"), 0700);
    make_file(in_tmp("d/a"), "", 0600);
    make_file(in_tmp("d/bb"), "", 0600);
    mkdir(in_tmp("d/sub"), 0700);

    int fd = open(in_tmp("d"), O_RDONLY | O_DIRECTORY);
    list_dir(fd, &l);
    check_long("getdents64_ends_with_0", l.last, 0);
    check("getdents64_lists_dot_and_dotdot",
          find_name(&l, ".") >= 0 && find_name(&l, "..") >= 0, "expected . and ..");
    check("getdents64_lists_created_names",
          find_name(&l, "a") >= 0 && find_name(&l, "bb") >= 0 &&
              find_name(&l, "sub") >= 0,
          "expected a, bb and sub");
    /* Five distinct names found among five entries: nothing else, nothing twice. */
    check_long("getdents64_entry_count", l.count, 5);
    check("getdents64_d_type",
          has_entry(&l, ".", DT_DIR) && has_entry(&l, "..", DT_DIR) &&
              has_entry(&l, "a", DT_REG) && has_entry(&l, "bb", DT_REG) &&
              has_entry(&l, "sub", DT_DIR),
          "expected DT_DIR for . .. sub and DT_REG for a bb");
    char buf[64] __attribute__((aligned(8)));
    check_long("getdents64_again_at_end_returns_0",
               syscall(SYS_getdents64, fd, buf, sizeof buf), 0);
    lseek(fd, 0, SEEK_SET);
    check_errno("getdents64_tiny_buffer_einval", syscall(SYS_getdents64, fd, buf, 8),
                EINVAL);
    close(fd);

    fd = open(in_tmp("d/a"), O_RDONLY);
    check_errno("getdents64_on_file_enotdir",
                syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
    close(fd);
    unlink(in_tmp("d/a"));
    unlink(in_tmp("d/bb"));
    rmdir(in_tmp("d/sub"));
    rmdir(in_tmp("d"));
}

/* rm -r's loop: unlinking each name readdir returns must not make it skip others
 * (the directory's offsets must not shift when entries go). */
static void test_unlink_while_listing(void)
{
    enum { NFILES = 200 };
    mkdir(in_tmp("many"), 0700);
    for (int i = 0; i < NFILES; i++) {
        char name[32];
        snprintf(name, sizeof name, "many/file_with_a_long_name_%03d", i);
        make_file(in_tmp(name), "", 0600);
    }
    DIR *d = opendir(in_tmp("many"));
    int seen = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0)
            seen++;
    }
    if (d)
        closedir(d);
    check_long("readdir_while_unlinking_sees_all", seen, NFILES);
    check_long("rmdir_after_readdir_unlink_loop", rmdir(in_tmp("many")), 0);
}

static void test_dup(void)
{
    int fd = open(in_tmp("dup"), O_CREAT | O_RDWR | O_TRUNC, 0600);
    int lowest = open("/", O_RDONLY | O_DIRECTORY); /* the lowest free fd, for dup */
    close(lowest);
    int d = dup(fd);
    check_long("dup_returns_lowest_free_fd", d, lowest);
    write(fd, "abc", 3);
    check_long("dup_shares_offset", lseek(d, 0, SEEK_CUR), 3);
    check_long("dup_clears_cloexec", fd_flags(d), 0);
    check_errno("dup_bad_fd_ebadf", dup(999), EBADF);

    check_long("dup2_same_fd_returns_it", dup2(fd, fd), fd);
    check_errno("dup2_same_bad_fd_ebadf", dup2(999, 999), EBADF);
    check_long("dup2_to_chosen_fd", dup2(fd, 40), 40);
    int other = open("/", O_RDONLY | O_DIRECTORY);
    check_long("dup2_over_open_fd", dup2(fd, other), other);
    check_long("dup2_replaced_fd_shares_offset", lseek(other, 0, SEEK_CUR), 3);
    check_errno("dup2_bad_oldfd_ebadf", dup2(999, 41), EBADF);

    check_errno("dup3_same_fd_einval", syscall(SYS_dup3, fd, fd, 0), EINVAL);
    check_long("dup3_cloexec", syscall(SYS_dup3, fd, 41, O_CLOEXEC), 41);
    check_long("dup3_cloexec_sets_fd_cloexec", fd_flags(41), FD_CLOEXEC);
    check_errno("dup3_bad_flags_einval", syscall(SYS_dup3, fd, 42, O_APPEND), EINVAL);
    close(d);
    close(other);
    close(40);
    close(41);
    close(fd);
    unlink(in_tmp("dup"));
}

static void test_fcntl(void)
{
    int fd = open(in_tmp("fc"), O_CREAT | O_RDWR | O_TRUNC, 0600);
    check_long("fcntl_setfd_cloexec", fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
    check_long("fcntl_getfd_after_set", fcntl(fd, F_GETFD), FD_CLOEXEC);
    fcntl(fd, F_SETFD, 0);
    check_long("fcntl_getfd_after_clear", fcntl(fd, F_GETFD), 0);

    int fl = fcntl(fd, F_GETFL);
    check_long("fcntl_getfl_accmode", fl & O_ACCMODE, O_RDWR);
    check_long("fcntl_getfl_no_append", fl & O_APPEND, 0);
    write(fd, "0123", 4);
    check_long("fcntl_setfl_append", fcntl(fd, F_SETFL, fl | O_APPEND), 0);
    check("fcntl_getfl_shows_append", fcntl(fd, F_GETFL) & O_APPEND, "expected O_APPEND");
    lseek(fd, 0, SEEK_SET);
    write(fd, "x", 1);
    check_long("fcntl_append_write_at_end", lseek(fd, 0, SEEK_CUR), 5);
    fcntl(fd, F_SETFL, fl);
    check_long("fcntl_getfl_append_cleared", fcntl(fd, F_GETFL) & O_APPEND, 0);
    lseek(fd, 0, SEEK_SET);
    write(fd, "y", 1);
    char buf[8];
    slurp(in_tmp("fc"), buf, sizeof buf);
    check_str("fcntl_no_append_writes_at_offset", buf, "y123x");
    fcntl(fd, F_SETFL, fl | O_WRONLY); /* F_SETFL cannot change the access mode */
    check_long("fcntl_setfl_keeps_accmode", fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);

    check_long("fcntl_dupfd_at_arg_when_free", fcntl(fd, F_DUPFD, 50), 50);
    check_long("fcntl_dupfd_lowest_above_arg", fcntl(fd, F_DUPFD, 50), 51);
    check_long("fcntl_dupfd_clears_cloexec", fd_flags(51), 0);
    /* Raw, as musl sets FD_CLOEXEC again after F_DUPFD_CLOEXEC. */
    check_long("fcntl_dupfd_cloexec", syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 50), 52);
    check_long("fcntl_dupfd_cloexec_sets_flag", fd_flags(52), FD_CLOEXEC);
    check_errno("fcntl_bad_fd_ebadf", fcntl(999, F_GETFD), EBADF);
    close(50);
    close(51);
    close(52);
    close(fd);
    unlink(in_tmp("fc"));
}

static void test_cwd(void)
{
    char cwd[256], want[256];
    char start[256]; /* restored at the end: argv[0] may be a relative path */
    getcwd(start, sizeof start);
    check_long("chdir_ok", chdir(tmpdir), 0);
    long n = syscall(SYS_getcwd, cwd, sizeof cwd);
    check_str("getcwd_after_chdir", n > 0 ? cwd : NULL, tmpdir);
    /* The raw syscall returns the length including the NUL (libc hides this). */
    check_long("getcwd_returns_length_with_nul", n, (long)strlen(tmpdir) + 1);
    check_errno("getcwd_small_buffer_erange", syscall(SYS_getcwd, cwd, 4), ERANGE);

    make_file("rel", "R", 0600);
    check_long("relative_path_uses_cwd", access(in_tmp("rel"), F_OK), 0);
    mkdir("sub", 0700);
    check_long("chdir_relative", chdir("sub"), 0);
    snprintf(want, sizeof want, "%s/sub", tmpdir);
    check_str("getcwd_in_subdir", getcwd(cwd, sizeof cwd), want);
    check_long("dotdot_resolves_from_cwd", access("../rel", F_OK), 0);
    check_long("chdir_dotdot", chdir(".."), 0);
    check_str("getcwd_after_dotdot", getcwd(cwd, sizeof cwd), tmpdir);
    check_errno("chdir_missing_enoent", chdir("nope"), ENOENT);
    check_errno("chdir_file_enotdir", chdir("rel"), ENOTDIR);
    chdir("/");
    check_str("getcwd_root", getcwd(cwd, sizeof cwd), "/");
    unlink(in_tmp("rel"));
    rmdir(in_tmp("sub"));
    chdir(start);
}

static void test_mkdir_unlink(void)
{
    struct stat st;
    check_long("mkdir_ok", mkdir(in_tmp("m"), 0700), 0);
    check("mkdir_makes_dir", stat(in_tmp("m"), &st) == 0 && S_ISDIR(st.st_mode),
          "expected S_IFDIR");
    check_long("mkdir_permissions", st.st_mode & 07777, 0700);
    check_errno("mkdir_existing_eexist", mkdir(in_tmp("m"), 0700), EEXIST);
    check_errno("mkdir_missing_parent_enoent", mkdir(in_tmp("no/m"), 0700), ENOENT);
    check_errno("unlink_dir_eisdir", unlink(in_tmp("m")), EISDIR);

    make_file(in_tmp("m/x"), "", 0600);
    check_errno("rmdir_nonempty_enotempty", rmdir(in_tmp("m")), ENOTEMPTY);
    check_long("unlink_ok", unlink(in_tmp("m/x")), 0);
    check_errno("open_after_unlink_enoent", open(in_tmp("m/x"), O_RDONLY), ENOENT);
    check_errno("unlink_missing_enoent", unlink(in_tmp("m/x")), ENOENT);
    check_long("rmdir_empty_ok", rmdir(in_tmp("m")), 0);

    /* An unlinked file stays readable through an fd that is still open. */
    make_file(in_tmp("u"), "kept", 0600);
    int fd = open(in_tmp("u"), O_RDONLY);
    unlink(in_tmp("u"));
    char buf[8] = {0};
    check("unlinked_file_readable_through_open_fd",
          read(fd, buf, sizeof buf) == 4 && strcmp(buf, "kept") == 0,
          "expected \"kept\"");
    close(fd);
}

/* Creation clears the umask's bits from the mode asked for; chmod does not. */
static void test_umask(void)
{
    mode_t orig = umask(027);
    check_long("umask_returns_old_mask", umask(022), 027);
    struct stat st = {0};
    int fd = open(in_tmp("um"), O_CREAT | O_WRONLY, 0777);
    fstat(fd, &st);
    check_long("umask_022_open_creat_0777_gives_0755", st.st_mode & 07777, 0755);
    close(fd);
    mkdir(in_tmp("umd"), 0777);
    stat(in_tmp("umd"), &st);
    check_long("umask_022_mkdir_0777_gives_0755", st.st_mode & 07777, 0755);
    chmod(in_tmp("um"), 0777);
    stat(in_tmp("um"), &st);
    check_long("umask_does_not_apply_to_chmod", st.st_mode & 07777, 0777);
    umask(0);
    fd = open(in_tmp("um0"), O_CREAT | O_WRONLY, 0777);
    fstat(fd, &st);
    check_long("umask_0_open_creat_0777_gives_0777", st.st_mode & 07777, 0777);
    close(fd);
    umask(07777);
    check_long("umask_keeps_only_permission_bits", umask(077), 0777);
    pid_t pid = fork();
    if (pid == 0)
        _exit(umask(0));
    int status = -1;
    waitpid(pid, &status, 0);
    check_long("umask_inherited_by_fork", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
               077);
    umask(orig);
    unlink(in_tmp("um"));
    unlink(in_tmp("um0"));
    rmdir(in_tmp("umd"));
}

static void test_access(void)
{
    make_file(in_tmp("rw"), "", 0600);
    make_file(in_tmp("rwx"), "", 0700);
    check_long("access_f_ok_existing", access(in_tmp("rw"), F_OK), 0);
    check_long("access_r_ok_existing", access(in_tmp("rw"), R_OK), 0);
    check_errno("access_f_ok_missing_enoent", access(in_tmp("none"), F_OK), ENOENT);
    check_errno("access_x_ok_missing_enoent", access(in_tmp("none"), X_OK), ENOENT);
    check_long("access_x_ok_executable", access(in_tmp("rwx"), X_OK), 0);
    /* Even root may not execute a file without any x bit. */
    check_errno("access_x_ok_no_x_bits_eacces", access(in_tmp("rw"), X_OK), EACCES);
    check_errno("access_bad_mode_einval", access(in_tmp("rw"), 0100), EINVAL);
    unlink(in_tmp("rw"));
    unlink(in_tmp("rwx"));
}

/* Our own program file: on lark in the read-only image's /bin, on Linux build/user. */
static void test_own_program(const char *argv0)
{
    int fd = open(argv0, O_RDONLY);
    char magic[4] = {0};
    check("open_own_program", fd >= 0, "expected to open argv[0]");
    check("own_program_elf_magic",
          read(fd, magic, 4) == 4 && memcmp(magic, "\177ELF", 4) == 0,
          "expected \\177ELF");
    struct stat st;
    fstat(fd, &st);
    check("own_program_regular_with_x", S_ISREG(st.st_mode) && (st.st_mode & 0100),
          "expected S_IFREG with the owner x bit");
    check_long("own_program_lseek_end_is_size", lseek(fd, 0, SEEK_END), st.st_size);
    close(fd);

    /* Its directory lists it. */
    static struct listing l;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", argv0);
    char *slash = strrchr(dir, '/');
    const char *base = slash ? argv0 + (slash - dir) + 1 : argv0;
    if (!slash)
        strcpy(dir, ".");
    else
        slash[slash == dir] = '\0'; /* "/t_file" -> "/", "a/t_file" -> "a" */
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    list_dir(fd, &l);
    close(fd);
    check("getdents64_lists_own_program", find_name(&l, base) >= 0,
          "expected argv[0]'s name in its directory");
}

int main(int argc, char **argv)
{
    (void)argc;
    strcpy(tmpdir, "/tmp/t_file.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        fail("mkdtemp", "could not create a directory in /tmp: %s", strerrorname(errno));
        return test_done("t_file");
    }
    test_own_program(argv[0]);
    test_open_flags();
    test_vectors();
    test_lseek_pread();
    test_stat();
    test_getdents();
    test_unlink_while_listing();
    test_dup();
    test_fcntl();
    test_cwd();
    test_mkdir_unlink();
    test_umask();
    test_access();

    unlink(in_tmp("f"));
    check_long("rmdir_tmpdir_emptied", rmdir(tmpdir), 0);
    return test_done("t_file");
}
