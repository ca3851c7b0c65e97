/* uart.h: the 16550 serial port COM1, the console's hardware. */
#pragma once
#include "types.h"

#define COM1     0x3f8
#define IRQ_COM1 4

void uart_init(void);
void uart_enable_rx_interrupt(void);
void uart_putc(char c);
int uart_getc(void); /* -1 if no character is waiting */
