/* sysfile.c: the file system calls: open, read and write, the stat family, directory
 * listings, descriptors (dup, fcntl, pipe), terminal ioctls, access, the working
 * directory, mkdir and unlink, umask and chmod. Linux's behaviour and error numbers are the model. */
#include "errno.h"
#include "file.h"
#include "fs.h"
#include "kalloc.h"
#include "mmu.h"
#include "pipe.h"
#include "proc.h"
#include "string.h"
#include "syscall.h"
#include "time.h"
#include "uaccess.h"

/* Linux's values for flags this file handles. */
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_EACCESS          0x200
#define AT_NO_AUTOMOUNT     0x800
#define AT_EMPTY_PATH       0x1000
#define AT_STATX_SYNC_TYPE  0x6000
#define F_OK                0
#define X_OK                1
#define W_OK                2
#define R_OK                4
#define F_DUPFD             0
#define F_GETFD             1
#define F_SETFD             2
#define F_GETFL             3
#define F_SETFL             4
#define F_DUPFD_CLOEXEC     1030
#define FD_CLOEXEC          1
#define MAX_RW_COUNT        0x7ffff000UL /* Linux's cap on one read or write */
#define IOV_MAX             1024

/* --- helpers ------------------------------------------------------------------------ */

/* A path from user memory, in a kalloc'd page (kfree it): NULL and *err on error. */
static char *path_get(uint64_t upath, long *err)
{
    char *path = kalloc_nozero();
    if (!path) {
        *err = -ENOMEM;
        return 0;
    }
    long n = strncpy_from_user(path, upath, PATH_MAX, ENAMETOOLONG);
    if (n < 0) {
        kfree(path);
        *err = n;
        return 0;
    }
    return path;
}

static bool ends_with_slash(const char *path)
{
    size_t len = strlen(path);
    return len > 0 && path[len - 1] == '/';
}

/* Where a relative path starts for the *at calls: dirfd's directory, or the working
 * directory for AT_FDCWD. Absolute and empty paths ignore dirfd, as on Linux. The
 * result is not referenced: it lives while the descriptor is open. */
static long at_dir(int dirfd, const char *path, struct inode **dir)
{
    struct proc *p = myproc();
    *dir = p->cwd;
    if (path[0] == '/' || path[0] == '\0' || dirfd == AT_FDCWD)
        return 0;
    struct file *f = fd_get(p, dirfd);
    if (!f)
        return -EBADF;
    if (f->type != FILE_INODE || !S_ISDIR(f->ip->mode))
        return -ENOTDIR;
    *dir = f->ip;
    return 0;
}

/* The inode path names (relative to dirfd): referenced, or an error pointer. */
static struct inode *lookup_at(int dirfd, const char *path)
{
    struct inode *dir;
    long err = at_dir(dirfd, path, &dir);
    if (err)
        return ERR_PTR(err);
    return namei(path, dir);
}

static struct file *fd_file(uint64_t fd)
{
    return fd_get(myproc(), (int)fd);
}

static bool is_dot_or_dotdot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* --- open and close ------------------------------------------------------------------
 */

/* Linux's checks for opening an existing inode (see may_open in fs/namei.c). */
static long may_open(struct inode *ip, int flags)
{
    bool dir = S_ISDIR(ip->mode);
    if ((flags & O_CREAT) && dir)
        return -EISDIR;
    if ((flags & O_DIRECTORY) && !dir)
        return -ENOTDIR;
    /* O_TRUNC needs write permission; access mode 3 means read and write. */
    bool write = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
    if (write && dir)
        return -EISDIR;
    if (write && S_ISREG(ip->mode) && !ip->writable_fs)
        return -EROFS;
    return 0;
}

/* The inode to open: looked up, or found or made by O_CREAT. *created says which. */
static struct inode *open_lookup(struct inode *base, const char *path, int flags,
                                 uint32_t mode, bool *created)
{
    *created = false;
    if (!(flags & O_CREAT))
        return namei(path, base);
    if (ends_with_slash(path))
        return ERR_PTR(-EISDIR); /* O_CREAT can only make a file */
    char name[NAME_MAX + 1];
    struct inode *dir = namei_parent(path, base, name);
    if (IS_ERR(dir))
        return dir;
    mode &= 07777 & ~myproc()->umask;
    struct inode *ip = inode_create(dir, name, S_IFREG | mode, flags & O_EXCL, created);
    inode_put(dir);
    return ip;
}

static long do_open(int dirfd, uint64_t upath, int flags, uint32_t mode)
{
    if ((flags & O_CREAT) && (flags & O_DIRECTORY))
        return -EINVAL; /* as Linux since 6.4 */
    long err;
    char *path = path_get(upath, &err);
    if (!path)
        return err;
    struct inode *base, *ip = 0;
    bool created = false;
    err = at_dir(dirfd, path, &base);
    if (!err) {
        ip = open_lookup(base, path, flags, mode, &created);
        if (IS_ERR(ip)) {
            err = PTR_ERR(ip);
            ip = 0;
        }
    }
    kfree(path);
    /* A file we just made opens whatever its mode says, as on Linux. */
    if (!err && !created)
        err = may_open(ip, flags);
    struct file *f = 0;
    if (!err)
        f = file_open_inode(ip, flags, &err);
    if (ip)
        inode_put(ip);
    if (!f)
        return err;
    int fd = fd_install(myproc(), f, 0, flags & O_CLOEXEC);
    if (fd < 0)
        file_put(f);
    return fd;
}

long sys_open(ARGS6)
{
    IGNORE_ARGS;
    return do_open(AT_FDCWD, a0, (int)a1, (uint32_t)a2);
}

long sys_openat(ARGS6)
{
    IGNORE_ARGS;
    return do_open((int)a0, a1, (int)a2, (uint32_t)a3);
}

long sys_close(ARGS6)
{
    IGNORE_ARGS;
    return fd_close(myproc(), (int)a0);
}

/* --- read and write ------------------------------------------------------------------
 */

long sys_read(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f || !file_readable(f))
        return -EBADF;
    if (!user_range_ok(a1, a2))
        return -EFAULT;
    return file_read(f, a1, MIN(a2, MAX_RW_COUNT));
}

long sys_write(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f || !file_writable(f))
        return -EBADF;
    if (!user_range_ok(a1, a2))
        return -EFAULT;
    return file_write(f, a1, MIN(a2, MAX_RW_COUNT));
}

long sys_pread64(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f || !file_readable(f))
        return -EBADF;
    if ((int64_t)a3 < 0)
        return -EINVAL;
    if (!user_range_ok(a1, a2))
        return -EFAULT;
    return file_pread(f, a1, MIN(a2, MAX_RW_COUNT), a3);
}

long sys_pwrite64(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f || !file_writable(f))
        return -EBADF;
    if ((int64_t)a3 < 0)
        return -EINVAL;
    if (!user_range_ok(a1, a2))
        return -EFAULT;
    return file_pwrite(f, a1, MIN(a2, MAX_RW_COUNT), a3);
}

long sys_readv(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f)
        return -EBADF;
    if (a2 > IOV_MAX)
        return -EINVAL;
    return file_readv(f, a1, (int)a2);
}

long sys_writev(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f)
        return -EBADF;
    if (a2 > IOV_MAX)
        return -EINVAL;
    return file_writev(f, a1, (int)a2);
}

long sys_lseek(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f)
        return -EBADF;
    if ((uint32_t)a2 > 2)
        return -EINVAL; /* SEEK_DATA and SEEK_HOLE are not supported */
    return file_lseek(f, (int64_t)a1, (int)a2);
}

/* --- the stat family ------------------------------------------------------------------
 */

/* struct stat as the Linux x86-64 system calls lay it out. */
struct linux_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks; /* in 512-byte units */
    uint64_t st_atime, st_atime_nsec;
    uint64_t st_mtime, st_mtime_nsec;
    uint64_t st_ctime, st_ctime_nsec;
    int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "Linux x86-64 struct stat");

/* Device numbers: one per kind of file system, as Linux's would differ. */
#define DEV_IMAGE           1
#define DEV_TMP             2
#define DEV_DEV             3
#define DEV_PROC            4
#define DEV_PIPE            5
#define MKDEV(major, minor) (((major) << 8) | (minor))

static uint64_t inode_dev(struct inode *ip)
{
    switch (ip->kind) {
    case INODE_CONSOLE:
    case INODE_NULL:
        return DEV_DEV;
    case INODE_PROC:
        return DEV_PROC;
    default:
        return ip->writable_fs ? DEV_TMP : DEV_IMAGE;
    }
}

/* Every file's times are the boot time. */
static void stat_times(struct linux_stat *st)
{
    uint64_t boot = (time_realtime_ns() - time_ns()) / 1000000000;
    st->st_atime = st->st_mtime = st->st_ctime = boot;
}

static void stat_inode(struct inode *ip, struct linux_stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_dev = inode_dev(ip);
    st->st_ino = ip->ino;
    st->st_nlink = inode_nlink(ip);
    st->st_mode = ip->mode;
    if (ip->kind == INODE_CONSOLE)
        st->st_rdev = MKDEV(5, 1);
    else if (ip->kind == INODE_NULL)
        st->st_rdev = MKDEV(1, 3);
    st->st_size = ip->size;
    st->st_blksize = PGSIZE;
    if (ip->kind == INODE_IMAGE_FILE || ip->kind == INODE_MEM_FILE)
        st->st_blocks = ALIGN_UP(ip->size, PGSIZE) / 512;
    stat_times(st);
}

static void stat_file(struct file *f, struct linux_stat *st)
{
    if (f->type == FILE_INODE) {
        stat_inode(f->ip, st);
        return;
    }
    memset(st, 0, sizeof *st);
    st->st_dev = DEV_PIPE;
    st->st_ino = pipe_ino(f->pipe);
    st->st_nlink = 1;
    st->st_mode = S_IFIFO | 0600;
    st->st_blksize = PGSIZE;
    stat_times(st);
}

static long do_fstatat(int dirfd, uint64_t upath, uint64_t ust, int flags)
{
    if (flags &
        ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    long err = 0;
    char *path = path_get(upath, &err);
    if (!path)
        return err;
    struct linux_stat st;
    if (path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
        /* The file dirfd itself refers to (AT_FDCWD: the working directory). */
        struct file *f = dirfd == AT_FDCWD ? 0 : fd_file(dirfd);
        if (f)
            stat_file(f, &st);
        else if (dirfd == AT_FDCWD)
            stat_inode(myproc()->cwd ? myproc()->cwd : fs_root(), &st);
        else
            err = -EBADF;
    } else {
        struct inode *ip = lookup_at(dirfd, path);
        if (IS_ERR(ip)) {
            err = PTR_ERR(ip);
        } else {
            stat_inode(ip, &st);
            inode_put(ip);
        }
    }
    kfree(path);
    if (err)
        return err;
    return copy_to_user(ust, &st, sizeof st);
}

long sys_stat(ARGS6)
{
    IGNORE_ARGS;
    return do_fstatat(AT_FDCWD, a0, a1, 0);
}

long sys_lstat(ARGS6)
{
    IGNORE_ARGS;
    return do_fstatat(AT_FDCWD, a0, a1, AT_SYMLINK_NOFOLLOW); /* no symbolic links */
}

long sys_newfstatat(ARGS6)
{
    IGNORE_ARGS;
    return do_fstatat((int)a0, a1, a2, (int)a3);
}

long sys_fstat(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f)
        return -EBADF;
    struct linux_stat st;
    stat_file(f, &st);
    return copy_to_user(a1, &st, sizeof st);
}

/* --- getdents64 --------------------------------------------------------------------- */

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off; /* where the next entry is (dir_iterate's positions) */
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
} __attribute__((packed));
_Static_assert(offsetof(struct linux_dirent64, d_name) == 19, "linux_dirent64 layout");

struct dirent_buf {
    char *buf; /* a zeroed page, so the padding after each name is zeros */
    size_t size, used;
    bool full; /* an entry did not fit */
};

/* Called under the namespace spinlock: only fills the kernel buffer. */
static bool emit_dirent(void *ctx, const char *name, uint64_t ino, uint32_t mode,
                        uint64_t next)
{
    struct dirent_buf *d = ctx;
    size_t namelen = strlen(name);
    size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + namelen + 1, 8);
    if (d->used + reclen > d->size) {
        d->full = true;
        return false;
    }
    struct linux_dirent64 *e = (struct linux_dirent64 *)(d->buf + d->used);
    e->d_ino = ino;
    e->d_off = next;
    e->d_reclen = reclen;
    e->d_type =
        (mode & S_IFMT) >> 12; /* DT_DIR, DT_REG, DT_CHR, DT_FIFO: Linux's trick */
    memcpy(e->d_name, name, namelen + 1);
    d->used += reclen;
    return true;
}

long sys_getdents64(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f)
        return -EBADF;
    if (f->type != FILE_INODE || !S_ISDIR(f->ip->mode))
        return -ENOTDIR;
    /* At most a page per call: a caller loops until it gets 0 anyway. */
    struct dirent_buf d = {kalloc(), MIN((uint32_t)a2, PGSIZE), 0, false};
    if (!d.buf)
        return -ENOMEM;
    acquiresleep(&f->lock);
    long next = dir_iterate(f->ip, f->off, emit_dirent, &d);
    long ret = next;
    if (next >= 0) {
        if (d.used == 0 && d.full)
            ret = -EINVAL; /* the buffer cannot hold even one entry */
        else if (copy_to_user(a1, d.buf, d.used))
            ret = -EFAULT;
        else
            ret = d.used;
    }
    if (ret >= 0)
        f->off = next;
    releasesleep(&f->lock);
    kfree(d.buf);
    return ret;
}

/* --- descriptors: dup, fcntl, pipe ----------------------------------------------------
 */

static void set_cloexec(struct proc *p, int fd, bool on)
{
    if (on)
        p->cloexec |= 1UL << fd;
    else
        p->cloexec &= ~(1UL << fd);
}

/* f at the lowest free descriptor >= min_fd, sharing the open file. */
static long dup_from(struct file *f, int min_fd, bool cloexec)
{
    file_get(f);
    int fd = fd_install(myproc(), f, min_fd, cloexec);
    if (fd < 0)
        file_put(f);
    return fd;
}

static long dup_to(int oldfd, uint32_t newfd, bool cloexec)
{
    struct proc *p = myproc();
    struct file *f = fd_get(p, oldfd);
    if (!f || newfd >= NOFILE)
        return -EBADF;
    file_get(f);
    return fd_replace(p, (int)newfd, f, cloexec);
}

long sys_dup(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f)
        return -EBADF;
    return dup_from(f, 0, false);
}

long sys_dup2(ARGS6)
{
    IGNORE_ARGS;
    if ((uint32_t)a0 == (uint32_t)a1) /* nothing to do, if oldfd is open */
        return fd_file(a0) ? (long)(uint32_t)a1 : -EBADF;
    return dup_to((int)a0, (uint32_t)a1, false);
}

long sys_dup3(ARGS6)
{
    IGNORE_ARGS;
    if (a2 & ~(uint64_t)O_CLOEXEC)
        return -EINVAL;
    if ((uint32_t)a0 == (uint32_t)a1)
        return -EINVAL;
    return dup_to((int)a0, (uint32_t)a1, a2 & O_CLOEXEC);
}

long sys_fcntl(ARGS6)
{
    IGNORE_ARGS;
    struct proc *p = myproc();
    int fd = (int)a0;
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    switch ((int)a1) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if ((int)a2 < 0 || (int)a2 >= NOFILE)
            return -EINVAL;
        return dup_from(f, (int)a2, (int)a1 == F_DUPFD_CLOEXEC);
    case F_GETFD:
        return (p->cloexec >> fd) & 1 ? FD_CLOEXEC : 0;
    case F_SETFD:
        set_cloexec(p, fd, a2 & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return f->flags;
    case F_SETFL: {
        /* Only these can change; the access mode and the rest are kept. */
        const int changeable = O_APPEND | O_NONBLOCK;
        f->flags = (f->flags & ~changeable) | ((int)a2 & changeable);
        return 0;
    }
    default:
        return -EINVAL;
    }
}

static long do_pipe2(uint64_t ufds, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    struct proc *p = myproc();
    struct file *rf, *wf;
    int err = pipe_create(&rf, &wf);
    if (err)
        return err;
    rf->flags |= flags & O_NONBLOCK;
    wf->flags |= flags & O_NONBLOCK;
    bool cloexec = flags & O_CLOEXEC;
    int fds[2] = {fd_install(p, rf, 0, cloexec), -1};
    if (fds[0] >= 0)
        fds[1] = fd_install(p, wf, 0, cloexec);
    if (fds[1] < 0) {
        if (fds[0] >= 0)
            fd_close(p, fds[0]);
        else
            file_put(rf);
        file_put(wf);
        return -EMFILE;
    }
    if (copy_to_user(ufds, fds, sizeof fds)) {
        fd_close(p, fds[0]);
        fd_close(p, fds[1]);
        return -EFAULT;
    }
    return 0;
}

long sys_pipe(ARGS6)
{
    IGNORE_ARGS;
    return do_pipe2(a0, 0);
}

long sys_pipe2(ARGS6)
{
    IGNORE_ARGS;
    return do_pipe2(a0, (int)a1);
}

/* --- ioctl -----------------------------------------------------------------------------
 */

#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONBIO    0x5421
#define FIONCLEX   0x5450
#define FIOCLEX    0x5451

/* The kernel's struct termios (what TCGETS writes: 36 bytes, not libc's 60). */
struct ktermios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
};
_Static_assert(sizeof(struct ktermios) == 36, "Linux struct termios");

struct winsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* What Linux reports for a freshly opened serial console (octal as in termbits.h). */
static const struct ktermios console_termios = {
    .c_iflag = 0000400,                     /* ICRNL */
    .c_oflag = 0000001 | 0000004,           /* OPOST | ONLCR */
    .c_cflag = 0000017 | 0000060 | 0000200, /* B38400 | CS8 | CREAD */
    .c_lflag = 0000001 | 0000002 | 0000010 | 0000020 |
               0000040, /* ISIG ICANON ECHO ECHOE ECHOK */
    .c_line = 0,
    /* VINTR ^C, VQUIT ^\, VERASE DEL, VKILL ^U, VEOF ^D, VTIME 0, VMIN 1, VSWTC,
     * VSTART ^Q, VSTOP ^S, VSUSP ^Z, VEOL, VREPRINT ^R, VDISCARD ^O, VWERASE ^W,
     * VLNEXT ^V, VEOL2 */
    .c_cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0},
};

static long console_ioctl(unsigned int cmd, uint64_t arg)
{
    switch (cmd) {
    case TCGETS:
        return copy_to_user(arg, &console_termios, sizeof console_termios);
    case TCSETS:
    case TCSETSW:
    case TCSETSF: {
        /* Accepted and ignored: the console keeps its line editing. */
        struct ktermios t;
        return copy_from_user(&t, arg, sizeof t);
    }
    case TIOCGWINSZ: {
        struct winsize ws = {.ws_row = 24, .ws_col = 80};
        return copy_to_user(arg, &ws, sizeof ws);
    }
    case TIOCSWINSZ:
        return 0;
    default:
        return -ENOTTY;
    }
}

long sys_ioctl(ARGS6)
{
    IGNORE_ARGS;
    struct proc *p = myproc();
    int fd = (int)a0;
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    unsigned int cmd = (unsigned int)a1;
    switch (cmd) {
    /* These work on any descriptor, as on Linux. */
    case FIOCLEX:
    case FIONCLEX:
        set_cloexec(p, fd, cmd == FIOCLEX);
        return 0;
    case FIONBIO: {
        int on;
        if (copy_from_user(&on, a2, sizeof on))
            return -EFAULT;
        f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
        return 0;
    }
    default:
        break;
    }
    if (f->type != FILE_INODE || f->ip->kind != INODE_CONSOLE)
        return -ENOTTY;
    return console_ioctl(cmd, a2);
}

/* --- access ------------------------------------------------------------------------- */

/* Everyone is root: only a read-only file system and missing x bits say no. */
static long access_check(struct inode *ip, int mode)
{
    if ((mode & W_OK) && !ip->writable_fs && (S_ISREG(ip->mode) || S_ISDIR(ip->mode)))
        return -EROFS;
    if ((mode & X_OK) && !S_ISDIR(ip->mode) && !(ip->mode & 0111))
        return -EACCES; /* even root needs an x bit to execute */
    return 0;
}

static long do_faccessat(int dirfd, uint64_t upath, int mode, int flags)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    long err;
    char *path = path_get(upath, &err);
    if (!path)
        return err;
    struct inode *ip;
    if (path[0] == '\0' && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
        struct file *f = fd_file(dirfd);
        ip = !f ? ERR_PTR(-EBADF) : f->type == FILE_PIPE ? 0 : f->ip;
        if (ip && !IS_ERR(ip))
            inode_get(ip);
    } else if (path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
        ip = myproc()->cwd ? myproc()->cwd : fs_root();
        inode_get(ip);
    } else {
        ip = lookup_at(dirfd, path);
    }
    kfree(path);
    if (!ip)
        return 0; /* a pipe: its owner may read and write it */
    if (IS_ERR(ip))
        return PTR_ERR(ip);
    err = access_check(ip, mode);
    inode_put(ip);
    return err;
}

long sys_access(ARGS6)
{
    IGNORE_ARGS;
    return do_faccessat(AT_FDCWD, a0, (int)a1, 0);
}

long sys_faccessat(ARGS6)
{
    IGNORE_ARGS;
    return do_faccessat((int)a0, a1, (int)a2, 0);
}

long sys_faccessat2(ARGS6)
{
    IGNORE_ARGS;
    return do_faccessat((int)a0, a1, (int)a2, (int)a3);
}

/* --- the working directory -----------------------------------------------------------
 */

long sys_getcwd(ARGS6)
{
    IGNORE_ARGS;
    struct proc *p = myproc();
    char *buf = kalloc_nozero();
    if (!buf)
        return -ENOMEM;
    long len = inode_path(p->cwd ? p->cwd : fs_root(), buf, PGSIZE);
    long ret = len;
    if (len >= 0) {
        /* The raw system call returns the length including the NUL. */
        if ((uint64_t)len + 1 > a1)
            ret = -ERANGE;
        else if (copy_to_user(a0, buf, len + 1))
            ret = -EFAULT;
        else
            ret = len + 1;
    }
    kfree(buf);
    return ret;
}

/* Make the referenced directory ip the working directory (or say why not). */
static long set_cwd(struct inode *ip)
{
    if (!S_ISDIR(ip->mode)) {
        inode_put(ip);
        return -ENOTDIR;
    }
    struct proc *p = myproc();
    struct inode *old = p->cwd;
    p->cwd = ip;
    if (old)
        inode_put(old);
    return 0;
}

long sys_chdir(ARGS6)
{
    IGNORE_ARGS;
    long err;
    char *path = path_get(a0, &err);
    if (!path)
        return err;
    struct inode *ip = namei(path, myproc()->cwd);
    kfree(path);
    if (IS_ERR(ip))
        return PTR_ERR(ip);
    return set_cwd(ip);
}

long sys_fchdir(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f)
        return -EBADF;
    if (f->type != FILE_INODE)
        return -ENOTDIR;
    inode_get(f->ip);
    return set_cwd(f->ip);
}

/* --- mkdir, rmdir, unlink
 * --------------------------------------------------------------- */

static long do_mkdirat(int dirfd, uint64_t upath, uint32_t mode)
{
    long err;
    char *path = path_get(upath, &err);
    if (!path)
        return err;
    char name[NAME_MAX + 1];
    struct inode *base, *dir = 0;
    err = at_dir(dirfd, path, &base);
    if (!err) {
        dir = namei_parent(path, base, name);
        if (IS_ERR(dir)) {
            err = PTR_ERR(dir);
            dir = 0;
        }
    }
    kfree(path);
    if (err)
        return err;
    bool created;
    /* "", "." and ".." exist already: inode_create finds them (EEXIST). */
    mode &= 01777 & ~myproc()->umask;
    struct inode *ip = inode_create(dir, name, S_IFDIR | mode, true, &created);
    inode_put(dir);
    if (IS_ERR(ip))
        return PTR_ERR(ip);
    inode_put(ip);
    return 0;
}

long sys_mkdir(ARGS6)
{
    IGNORE_ARGS;
    return do_mkdirat(AT_FDCWD, a0, (uint32_t)a1);
}

long sys_mkdirat(ARGS6)
{
    IGNORE_ARGS;
    return do_mkdirat((int)a0, a1, (uint32_t)a2);
}

/* The error Linux gives for removing ".", ".." or "/" (name ""), or 0. */
static long special_name_error(const char *name, bool is_rmdir)
{
    if (!is_rmdir)
        return name[0] == '\0' || is_dot_or_dotdot(name) ? -EISDIR : 0;
    if (name[0] == '\0')
        return -EBUSY;
    if (strcmp(name, ".") == 0)
        return -EINVAL;
    if (strcmp(name, "..") == 0)
        return -ENOTEMPTY;
    return 0;
}

static long do_unlinkat(int dirfd, uint64_t upath, int flags)
{
    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    bool is_rmdir = flags & AT_REMOVEDIR;
    long err;
    char *path = path_get(upath, &err);
    if (!path)
        return err;
    bool trailing_slash = ends_with_slash(path);
    char name[NAME_MAX + 1];
    struct inode *base, *dir = 0;
    err = at_dir(dirfd, path, &base);
    if (!err) {
        dir = namei_parent(path, base, name);
        if (IS_ERR(dir)) {
            err = PTR_ERR(dir);
            dir = 0;
        }
    }
    kfree(path);
    if (!err)
        err = special_name_error(name, is_rmdir);
    if (!err)
        err = inode_unlink(dir, name, is_rmdir, trailing_slash);
    if (dir)
        inode_put(dir);
    return err;
}

long sys_unlink(ARGS6)
{
    IGNORE_ARGS;
    return do_unlinkat(AT_FDCWD, a0, 0);
}

long sys_rmdir(ARGS6)
{
    IGNORE_ARGS;
    return do_unlinkat(AT_FDCWD, a0, AT_REMOVEDIR);
}

long sys_unlinkat(ARGS6)
{
    IGNORE_ARGS;
    return do_unlinkat((int)a0, a1, (int)a2);
}

/* umask(mask): the old mask. */
long sys_umask(ARGS6)
{
    IGNORE_ARGS;
    struct proc *p = myproc();
    uint32_t old = p->umask;
    p->umask = a0 & 0777;
    return old;
}

/* --- chmod ----------------------------------------------------------------------------
 */

/* Everyone is root, so only a read-only file system can refuse (EROFS, as Linux). */
static long chmod_inode(struct inode *ip, uint32_t mode)
{
    if (!ip->writable_fs)
        return -EROFS;
    __atomic_store_n(&ip->mode, (ip->mode & S_IFMT) | (mode & 07777), __ATOMIC_RELAXED);
    return 0;
}

static long do_fchmodat(int dirfd, uint64_t upath, uint32_t mode)
{
    long err;
    char *path = path_get(upath, &err);
    if (!path)
        return err;
    struct inode *ip = lookup_at(dirfd, path);
    kfree(path);
    if (IS_ERR(ip))
        return PTR_ERR(ip);
    err = chmod_inode(ip, mode);
    inode_put(ip);
    return err;
}

long sys_chmod(ARGS6)
{
    IGNORE_ARGS;
    return do_fchmodat(AT_FDCWD, a0, (uint32_t)a1);
}

long sys_fchmodat(ARGS6)
{
    IGNORE_ARGS;
    return do_fchmodat((int)a0, a1, (uint32_t)a2);
}

long sys_fchmod(ARGS6)
{
    IGNORE_ARGS;
    struct file *f = fd_file(a0);
    if (!f)
        return -EBADF;
    if (f->type == FILE_PIPE)
        return 0; /* a pipe's mode means nothing here */
    return chmod_inode(f->ip, (uint32_t)a1);
}
