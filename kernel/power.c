/* power.c: power off through QEMU's isa-debug-exit device (port 0xf4), which ends
 * QEMU with exit code (status << 1) | 1; ACPI shutdown if that device is absent. */
#include "power.h"
#include "printf.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4
#define PIIX4_PM1A_CNT  0x604 /* QEMU's i440fx ACPI: SLP_EN with S5 type 0 */

noreturn void power_off(int status)
{
    kprintf("lark: power off, status %d\n", status);
    outl(DEBUG_EXIT_PORT, status & 0x7f);
    outw(PIIX4_PM1A_CNT, 0x2000);
    cli();
    for (;;)
        hlt();
}
