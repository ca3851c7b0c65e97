/* file.h: open files and each process's file descriptor table. */
#pragma once
#include "sleeplock.h"
#include "types.h"

struct inode;
struct pipe;
struct proc;

/* open(2) flags (Linux x86-64 values). */
#define O_ACCMODE   0003
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR      02
#define O_CREAT     0100
#define O_EXCL      0200
#define O_NOCTTY    0400
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_CLOEXEC   02000000
#define O_LARGEFILE 0100000
#define AT_FDCWD    (-100)

enum file_type { FILE_INODE, FILE_PIPE };

struct file {
    int refs; /* descriptors (in any process) that refer to it; atomic */
    enum file_type type;
    int flags;             /* O_ACCMODE, O_APPEND, O_NONBLOCK: what F_GETFL reports */
    struct sleeplock lock; /* protects off */
    uint64_t off;
    struct inode *ip;  /* FILE_INODE */
    struct pipe *pipe; /* FILE_PIPE */
    bool pipe_writer;  /* FILE_PIPE: which end */
    char *text;        /* a /proc file's contents, made at open (one page) */
    size_t text_len;
};

struct file *file_alloc(void); /* refs = 1, or NULL if the system table is full */
void file_get(struct file *f);
void file_put(struct file *f); /* closes it with the last reference */
/* Open an inode as a file (access mode and flags already checked). */
struct file *file_open_inode(struct inode *ip, int flags, long *err);
ssize_t file_read(struct file *f, uint64_t ubuf, size_t n);
ssize_t file_write(struct file *f, uint64_t ubuf, size_t n);

/* Descriptor tables. */
int fd_install(struct proc *p, struct file *f, int min_fd,
               bool cloexec);                /* fd or -EMFILE */
struct file *fd_get(struct proc *p, int fd); /* not referenced: valid while p runs */
int fd_close(struct proc *p, int fd);
void files_copy(struct proc *child, struct proc *parent); /* clone: files and umask */
void files_close_cloexec(struct proc *p);                 /* execve */
void files_close_all(struct proc *p);                     /* exit */
uint64_t file_count_used(void);

/* --- Added with file.c. --- */

/* Notes on the functions above: file_open_inode takes its own reference on ip (the
 * caller still puts its own); for a /proc file it makes the text now; with O_TRUNC
 * it empties a /tmp file. file_read and file_write check the access mode (EBADF). */

bool file_readable(const struct file *f);
bool file_writable(const struct file *f);
/* pread64/pwrite64: at offset off, leaving f->off alone (ESPIPE for pipes, ttys). */
ssize_t file_pread(struct file *f, uint64_t ubuf, size_t n, uint64_t off);
ssize_t file_pwrite(struct file *f, uint64_t ubuf, size_t n, uint64_t off);
/* readv/writev with the user's iovec array (EINVAL for a bad count or length). */
ssize_t file_readv(struct file *f, uint64_t uiov, int iovcnt);
ssize_t file_writev(struct file *f, uint64_t uiov, int iovcnt);
long file_lseek(struct file *f, int64_t off, int whence); /* the new offset or -errno */
/* Put f (already referenced) at descriptor fd, closing what was there (dup2). */
int fd_replace(struct proc *p, int fd, struct file *f, bool cloexec);
