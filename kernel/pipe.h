/* pipe.h: pipes: a 64 KiB ring buffer (as Linux's default) between a read end and a
 * write end. */
#pragma once
#include "types.h"

struct pipe;
struct file;

#define PIPE_SIZE 65536 /* bytes the buffer holds */
#define PIPE_BUF  4096  /* writes of at most this many bytes are atomic (POSIX) */

/* A new pipe and its two ends, files with one reference each (flags O_RDONLY and
 * O_WRONLY). 0, -ENFILE or -ENOMEM. */
int pipe_create(struct file **read_end, struct file **write_end);
/* Read up to n bytes into user memory: what is there, waiting for something if the
 * pipe is empty; 0 once it is empty and no write end is left. */
ssize_t pipe_read(struct pipe *p, uint64_t ubuf, size_t n, bool nonblock);
/* Write all n bytes from user memory, waiting for room as needed. With no read end
 * left: SIGPIPE for the caller and -EPIPE (or the count written so far). */
ssize_t pipe_write(struct pipe *p, uint64_t ubuf, size_t n, bool nonblock);
/* The same from a kernel buffer (writev gathers small writes to keep them atomic). */
ssize_t pipe_write_kernel(struct pipe *p, const char *buf, size_t n, bool nonblock);
void pipe_close(struct pipe *p, bool write_end); /* the end's last reference is gone */
uint64_t pipe_ino(struct pipe *p);               /* for fstat */
