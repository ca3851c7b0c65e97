/* uart.c: a polled-output, interrupt-input driver for the 16550 UART at COM1. */
#include "uart.h"
#include "x86.h"

/* Register offsets from the base port. */
#define RBR            0 /* receive buffer (read) */
#define THR            0 /* transmit holding (write) */
#define IER            1 /* interrupt enable */
#define FCR            2 /* FIFO control */
#define LCR            3 /* line control */
#define MCR            4 /* modem control */
#define LSR            5 /* line status */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20

static bool probed;  /* uart_init has run */
static bool present; /* false when the machine has no COM1 (reads give 0xff) */

/* What the kernel prints before uart_init (the per-CPU area is set up before the
 * console): kept here and sent once the UART is ready, so that it is not lost. */
static char early[1024];
static unsigned early_len;

static void put(char c)
{
    for (int i = 0; i < 100000 && !(inb(COM1 + LSR) & LSR_THR_EMPTY); i++)
        pause();
    outb(COM1 + THR, c);
}

void uart_init(void)
{
    outb(COM1 + 7, 0x5a); /* the scratch register: a real UART keeps what we write */
    present = inb(COM1 + 7) == 0x5a;
    probed = true;
    if (!present)
        return;
    outb(COM1 + IER, 0);    /* no interrupts yet */
    outb(COM1 + LCR, 0x80); /* divisor latch access */
    outb(COM1 + 0, 1);      /* 115200 baud */
    outb(COM1 + 1, 0);
    outb(COM1 + LCR, 0x03); /* 8 data bits, no parity, 1 stop bit */
    /* FIFOs stay off: in QEMU, switching them on empties the receive side, losing
     * input typed (or piped) before boot. One byte at a time is plenty here. */
    outb(COM1 + FCR, 0x00);
    outb(COM1 + MCR, 0x0b); /* DTR, RTS, OUT2 (OUT2 gates the interrupt line) */
    for (unsigned i = 0; i < early_len; i++)
        put(early[i]);
}

void uart_enable_rx_interrupt(void)
{
    if (!present)
        return;
    outb(COM1 + IER, 0x01); /* interrupt when data arrives */
}

void uart_putc(char c)
{
    if (!probed && early_len < sizeof early)
        early[early_len++] = c;
    if (!present)
        return;
    put(c);
}

int uart_getc(void)
{
    if (!present)
        return -1;
    if (!(inb(COM1 + LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + RBR);
}
