/* floor.S: the smallest Multiboot kernel. Its first instruction powers QEMU off
 * through isa-debug-exit, so the time of a run is QEMU's own: make bench's floor.
 * Assembled to a flat file (objcopy -O binary) that QEMU loads at LOAD. */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010000 /* the "a.out kludge": load addresses are in the header */
#define LOAD     0x100000
#define DEBUG_EXIT_PORT 0xf4

    .text
    .code32
header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)     /* checksum: the three fields add up to 0 */
    .long LOAD                       /* header_addr: the header starts the file */
    .long LOAD                       /* load_addr: where the file's first byte goes */
    .long 0                          /* load_end_addr: 0 = load the whole file */
    .long 0                          /* bss_end_addr: 0 = no bss */
    .long LOAD + (start - header)    /* entry_addr */

start:
    xorl %eax, %eax
    outl %eax, $DEBUG_EXIT_PORT      /* QEMU exits with status (0 << 1) | 1 = 1 */
1:  hlt
    jmp 1b
