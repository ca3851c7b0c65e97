/* console.c: the console on COM1. Output: each kernel message is written whole
 * under one lock, starting on a new line, so messages from different CPUs never
 * mix (file.c makes each user write() call whole too). Input: the UART interrupt
 * feeds a line editor (backspace, ^U kills the line, ^D ends it: alone, it is end
 * of file); readers sleep until a whole line is ready, or get EAGAIN if O_NONBLOCK. */
#include "console.h"
#include "errno.h"
#include "proc.h"
#include "spinlock.h"
#include "uart.h"

#define INPUT_SIZE 1024
#define CTRL(x)    ((x) - '@')
#define BACKSPACE  0x7f

static struct {
    struct spinlock lock;
    char buf[INPUT_SIZE];
    uint32_t r; /* next byte a reader takes */
    uint32_t w; /* end of the lines that are complete */
    uint32_t e; /* end of the line being edited */
} input = {.lock = SPINLOCK_INIT("console input")};

static struct spinlock outlock = SPINLOCK_INIT("console output");
static bool at_line_start = true;
static volatile bool panicking;

void console_init(void)
{
    uart_init();
}

static void put(char c)
{
    uart_putc(c);
    at_line_start = (c == '\n');
}

static void out_acquire(void)
{
    if (!panicking)
        acquire(&outlock);
}

static void out_release(void)
{
    if (!panicking)
        release(&outlock);
}

void console_write_kernel(const char *s, size_t n)
{
    out_acquire();
    if (!at_line_start)
        put('\n'); /* never start a kernel message in the middle of a user's line */
    for (size_t i = 0; i < n; i++)
        put(s[i]);
    out_release();
}

void console_write(const char *s, size_t n)
{
    out_acquire();
    for (size_t i = 0; i < n; i++)
        put(s[i]);
    out_release();
}

void console_panic_mode(void)
{
    panicking = true;
}

/* Echo typed input. Called with input.lock held (interrupts off). */
static void echo(const char *s)
{
    out_acquire();
    for (; *s; s++)
        put(*s);
    out_release();
}

static void input_char(int c)
{
    if (c == '\r')
        c = '\n';
    switch (c) {
    case CTRL('U'): /* kill the line being edited */
        while (input.e != input.w && input.buf[(input.e - 1) % INPUT_SIZE] != '\n') {
            input.e--;
            echo("\b \b");
        }
        break;
    case CTRL('H'):
    case BACKSPACE:
        if (input.e != input.w) {
            input.e--;
            echo("\b \b");
        }
        break;
    default:
        if (c == 0 || input.e - input.r >= INPUT_SIZE)
            break;
        input.buf[input.e++ % INPUT_SIZE] = c;
        if (c != CTRL('D')) {
            char s[2] = {(char)c, 0};
            echo(s);
        }
        if (c == '\n' || c == CTRL('D') || input.e - input.r == INPUT_SIZE) {
            input.w = input.e; /* the line is complete: readers may have it */
            wakeup(&input.r);
        }
    }
}

/* The UART interrupt: take every waiting character. */
void console_intr(void)
{
    acquire(&input.lock);
    int c;
    while ((c = uart_getc()) >= 0)
        input_char(c);
    release(&input.lock);
}

ssize_t console_read(char *dst, size_t n, bool nonblock)
{
    size_t got = 0;
    acquire(&input.lock);
    while (got < n) {
        while (input.r == input.w) {
            int err = nonblock ? -EAGAIN : sleep_intr(&input.r, &input.lock);
            if (err < 0) {
                release(&input.lock);
                return got ? (ssize_t)got : err;
            }
        }
        char c = input.buf[input.r++ % INPUT_SIZE];
        /* As Linux's n_tty: ^D ends the line without being part of it, so alone
         * on a line it reads as end of file (0), and after text it hands over
         * just the text. Either way it is used up. */
        if (c == CTRL('D'))
            break;
        dst[got++] = c;
        if (c == '\n')
            break;
    }
    release(&input.lock);
    return got;
}
