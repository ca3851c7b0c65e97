/* t_pipe: pipes: pipe/pipe2, order and short reads, EOF and EPIPE, a transfer larger
 * than the pipe buffer (the writer must block and be woken), its 64 KiB capacity, and
 * a ping-pong between two processes (each blocked read is woken from the other side,
 * often another CPU). */
#include "test.h"
#include "proctest.h"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define BIG_TRANSFER (256 * 1024) /* 4x Linux's default pipe buffer */
#define PING_PONGS   1000

static void test_basics(void)
{
    int p[2] = {-1, -1};
    check_long("pipe_ok", pipe(p), 0);
    check("pipe_fds_distinct", p[0] >= 0 && p[1] >= 0 && p[0] != p[1],
          "expected two distinct fds");
    check_long("pipe_no_cloexec", fcntl(p[0], F_GETFD) | fcntl(p[1], F_GETFD), 0);
    check_long("pipe_read_end_rdonly", fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    check_long("pipe_write_end_wronly", fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    struct stat st;
    check("pipe_fstat_is_fifo", fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode),
          "expected S_IFIFO");

    check_long("pipe_write_returns_count", write(p[1], "abc", 3), 3);
    write(p[1], "def", 3);
    char buf[16] = {0};
    check_long("pipe_read_short_count", read(p[0], buf, 4), 4);
    check("pipe_data_in_order_1", memcmp(buf, "abcd", 4) == 0, "expected \"abcd\"");
    /* A read returns what is there; it does not wait to fill the buffer. */
    check_long("pipe_read_returns_available", read(p[0], buf, sizeof buf), 2);
    check("pipe_data_in_order_2", memcmp(buf, "ef", 2) == 0, "expected \"ef\"");

    check_errno("pipe_read_on_write_end_ebadf", read(p[1], buf, 1), EBADF);
    check_errno("pipe_write_on_read_end_ebadf", write(p[0], "x", 1), EBADF);
    check_errno("pipe_lseek_espipe", lseek(p[0], 0, SEEK_SET), ESPIPE);
    check_errno("pipe_lseek_write_end_espipe", lseek(p[1], 0, SEEK_CUR), ESPIPE);

    /* EOF comes only when the last write end closes, not the first. */
    int w2 = dup(p[1]);
    close(p[1]);
    write(w2, "z", 1);
    check("pipe_dup_write_end_still_works", read(p[0], buf, 1) == 1 && buf[0] == 'z',
          "expected \"z\" written through the dup");
    close(w2);
    check_long("pipe_eof_after_last_writer_closes", read(p[0], buf, sizeof buf), 0);
    check_long("pipe_eof_again", read(p[0], buf, sizeof buf), 0);
    close(p[0]);

    int q[2];
    check_long("pipe2_cloexec_ok", pipe2(q, O_CLOEXEC), 0);
    check_long("pipe2_cloexec_read_end", fcntl(q[0], F_GETFD), FD_CLOEXEC);
    check_long("pipe2_cloexec_write_end", fcntl(q[1], F_GETFD), FD_CLOEXEC);
    close(q[0]);
    close(q[1]);
    check_errno("pipe2_bad_flags_einval", syscall(SYS_pipe2, q, O_APPEND), EINVAL);
}

static void test_epipe(void)
{
    int p[2];
    pipe(p);
    signal(SIGPIPE, SIG_IGN); /* else the write below kills us with SIGPIPE */
    close(p[0]);
    check_errno("pipe_write_no_reader_epipe", write(p[1], "x", 1), EPIPE);
    close(p[1]);
}

static unsigned char pattern(long i)
{
    return (unsigned char)(i % 251); /* 251 is prime: misplaced chunks show */
}

/* Child: write BIG_TRANSFER bytes in odd-sized chunks, then exit (closing the end). */
static int big_writer(int wfd)
{
    static unsigned char chunk[10007];
    for (long sent = 0; sent < BIG_TRANSFER;) {
        long n = BIG_TRANSFER - sent < (long)sizeof chunk ? BIG_TRANSFER - sent
                                                          : (long)sizeof chunk;
        for (long i = 0; i < n; i++)
            chunk[i] = pattern(sent + i);
        if (write(wfd, chunk, n) != n)
            return 1; /* a blocking pipe write completes in full */
        sent += n;
    }
    return 0;
}

static void test_big_transfer(void)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        _exit(big_writer(p[1]));
    }
    close(p[1]);
    static unsigned char buf[3001];
    long total = 0, bad = -1, n;
    while ((n = read(p[0], buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++)
            if (buf[i] != pattern(total + i) && bad < 0)
                bad = total + i;
        total += n;
    }
    check_long("pipe_big_transfer_ends_with_eof", n, 0);
    check_long("pipe_big_transfer_byte_count", total, BIG_TRANSFER);
    check_long("pipe_big_transfer_first_bad_byte", bad, -1);
    check_exited("pipe_big_transfer_writer_full_writes", wait_status(pid), 0);
    close(p[0]);
}

/* A pipe holds 64 KiB, as Linux's: a program may write that much to its own pipe
 * before reading (non-blocking here, so that a smaller pipe fails, not hangs). */
static void test_capacity(void)
{
    enum { CAPACITY = 65536 };
    static unsigned char buf[CAPACITY + 1];
    for (long i = 0; i < CAPACITY; i++)
        buf[i] = pattern(i);
    int p[2];
    pipe2(p, O_NONBLOCK);
    check_long("pipe_holds_64k_in_one_write", write(p[1], buf, CAPACITY), CAPACITY);
    check_errno("pipe_full_at_64k_eagain", write(p[1], "x", 1), EAGAIN);
    memset(buf, 0, sizeof buf);
    check_long("pipe_read_takes_all_64k", read(p[0], buf, sizeof buf), CAPACITY);
    long bad = -1;
    for (long i = 0; i < CAPACITY && bad < 0; i++)
        if (buf[i] != pattern(i))
            bad = i;
    check_long("pipe_64k_first_bad_byte", bad, -1);
    long filled = 0, n;
    while ((n = write(p[1], buf, 4096)) > 0) /* again (Linux: whole pages) */
        filled += n;
    check_long("pipe_refills_to_64k", filled, CAPACITY);
    close(p[0]);
    close(p[1]);
}

/* A writer blocked on a full pipe gets EPIPE (after any partial count) when the
 * reader goes away. */
static void test_blocked_writer_epipe(void)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        static char junk[BIG_TRANSFER];
        signal(SIGPIPE, SIG_IGN);
        close(p[0]);
        while (write(p[1], junk, sizeof junk) > 0)
            ;
        _exit(errno == EPIPE ? 0 : 1);
    }
    close(p[1]);
    close(p[0]);
    check_exited("pipe_blocked_writer_epipe_when_reader_closes", wait_status(pid), 0);
}

/* Child of the ping-pong: reply to each number n with ~n until EOF; exit status 0
 * only if it saw exactly 0, 1, ..., PING_PONGS-1. */
static int ponger(int rfd, int wfd)
{
    uint32_t n, want = 0;
    long got;
    while ((got = read(rfd, &n, sizeof n)) == sizeof n) {
        if (n != want++)
            return 2;
        n = ~n;
        if (write(wfd, &n, sizeof n) != sizeof n)
            return 3;
    }
    return got == 0 && want == PING_PONGS ? 0 : 4;
}

static void test_ping_pong(void)
{
    int to_child[2], to_parent[2];
    pipe(to_child);
    pipe(to_parent);
    pid_t pid = fork();
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        _exit(ponger(to_child[0], to_parent[1]));
    }
    close(to_child[0]);
    close(to_parent[1]);
    uint32_t i, reply = 0;
    for (i = 0; i < PING_PONGS; i++) {
        if (write(to_child[1], &i, sizeof i) != sizeof i)
            break;
        if (read(to_parent[0], &reply, sizeof reply) != sizeof reply || reply != ~i)
            break;
    }
    if (i == PING_PONGS)
        pass("pipe_ping_pong_round_trips");
    else
        fail("pipe_ping_pong_round_trips", "round trip %u: expected reply %#x, got %#x",
             i, ~i, reply);
    close(to_child[1]); /* the child's read now returns 0 */
    check_exited("pipe_ping_pong_child_saw_all_and_eof", wait_status(pid), 0);
    check_long("pipe_eof_after_child_exits", read(to_parent[0], &reply, sizeof reply), 0);
    close(to_parent[0]);
}

int main(void)
{
    test_basics();
    test_epipe();
    test_big_transfer();
    test_capacity();
    test_blocked_writer_epipe();
    test_ping_pong();
    return test_done("t_pipe");
}
