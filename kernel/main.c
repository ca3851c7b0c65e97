/* main.c: the boot sequence of the boot CPU, the kernel command line, the kernel
 * self-tests, and the start of the first process, /bin/init. */
#include "acpi.h"
#include "boot.h"
#include "console.h"
#include "errno.h"
#include "file.h"
#include "fs.h"
#include "gdt.h"
#include "ioapic.h"
#include "kalloc.h"
#include "lapic.h"
#include "mm.h"
#include "mmu.h"
#include "power.h"
#include "printf.h"
#include "proc.h"
#include "smp.h"
#include "string.h"
#include "syscall.h"
#include "time.h"
#include "trap.h"
#include "uart.h"
#include "vm.h"
#include "x86.h"

/* The most words the command line can hold (each takes a byte and a blank at least):
 * no word is ever dropped for want of room. */
#define MAX_INIT_WORDS (CMDLINE_MAX / 2)

/* What the command line says. Words are `option`, `NAME=value` (passed to init
 * in its environment) and, after the first `--`, init's arguments (a later `--` is
 * one of them). Words are separated by blanks. Quoting, so that any argv gets
 * through (grade/boot writes it so): double quotes group words, "" is an empty
 * word, and \" and \\ stand for " and \ anywhere; any other \ is itself.
 *   -- /bin/echo "two words" "" q\"uo\\te     argv: [two words] [] [q"uo\te] */
static struct {
    bool quiet;                     /* no informational kernel messages */
    const char *selftest;           /* selftest=NAME: run a kernel self-test */
    const char *racedelay;          /* racedelay=FUNCTION: widen its races (spinlock.c) */
    bool too_long;                  /* the line may have been cut short */
    char *argv[MAX_INIT_WORDS + 2]; /* init's argv, argv[0] = "/bin/init" */
    char *envp[MAX_INIT_WORDS + 1];
} cmd;

static char cmdline[CMDLINE_MAX];

/* Split the next word off *s, undoing the quoting in place; NULL at the end. */
static char *next_word(char **s)
{
    char *p = *s;
    while (*p == ' ')
        p++;
    if (!*p)
        return 0;
    char *word = p, *out = p;
    bool quoted = false;
    for (; *p && (quoted || *p != ' '); p++) {
        if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
            *out++ = *++p;
        else if (*p == '"')
            quoted = !quoted;
        else
            *out++ = *p;
    }
    *s = *p ? p + 1 : p;
    *out = 0;
    return word;
}

static void parse_cmdline(void)
{
    /* The boot loader's copy keeps CMDLINE_MAX - 1 bytes: a line that fills them
     * may have lost its end, and with it arguments. Better to stop (once a panic
     * can be reported, in main) than to run the program with some of them. */
    cmd.too_long = strlen(boot_info.cmdline) >= CMDLINE_MAX - 1;
    strlcpy(cmdline, boot_info.cmdline, sizeof cmdline);
    int argc = 0, envc = 0;
    cmd.argv[argc++] = "/bin/init";
    bool args = false;
    char *s = cmdline, *w;
    next_word(&s); /* the boot loader puts the kernel's own file name first */
    while ((w = next_word(&s)) != 0) {
        if (args) {
            if (argc < MAX_INIT_WORDS + 1)
                cmd.argv[argc++] = w;
        } else if (strcmp(w, "--") == 0) {
            args = true;
        } else if (strcmp(w, "quiet") == 0) {
            cmd.quiet = true;
        } else if (strncmp(w, "selftest=", 9) == 0) {
            cmd.selftest = w + 9;
        } else if (strncmp(w, "racedelay=", 10) == 0) {
            cmd.racedelay = w + 10;
        } else if (strchr(w, '=')) {
            if (envc < MAX_INIT_WORDS)
                cmd.envp[envc++] = w;
        } else {
            kprintf("lark: unknown kernel option '%s' ignored\n", w);
        }
    }
}

/* --- self-tests: ways to make the kernel fail on purpose, for its tests --------- */

__attribute__((noinline)) static void selftest_fault(void)
{
    volatile uint64_t *bad = (uint64_t *)0xdead000; /* nothing is mapped there */
    *bad = 1;
}

static volatile uint64_t overflow_limit =
    ~0UL; /* keeps the compiler from seeing "forever" */

__attribute__((noinline)) static uint64_t selftest_overflow(uint64_t n)
{
    volatile char pad[512]; /* run into the guard page under the kernel stack */
    pad[0] = (char)n;
    return (n < overflow_limit ? selftest_overflow(n + 1) : 0) + pad[0];
}

/* SMEP and SMAP: map a user page holding `ret` in a new address space, load it on
 * this CPU, then call into it (smep) or read it without stac (smap). With the
 * protection on, that is a page fault in kernel mode: a panic whose report names
 * the protection. Returning means it is off: a failure (power-off status 1). A CPU
 * without the feature can't be tested: SKIP (status 0). */
static void selftest_user_access(const char *name, int cpuid7_ebx_bit)
{
    uint32_t a, b, c, d;
    cpuid(7, 0, &a, &b, &c, &d);
    if (!(b & (1u << cpuid7_ebx_bit))) {
        kprintf("lark: self-test %s: SKIP: this CPU has no %s\n", name, name);
        power_off(0);
    }
    const uint64_t va = 0x400000;
    struct mm *mm = mm_create();
    if (!mm || mm_map(mm, va, PGSIZE, PROT_READ | PROT_EXEC) < 0 || !mm_kaddr(mm, va))
        panic("self-test %s: out of memory", name);
    *(uint8_t *)mm_kaddr(mm, va) = 0xc3; /* ret */
    mm_activate(mm);
    if (strcmp(name, "smep") == 0)
        ((void (*)(void))va)();
    else
        kprintf("lark: self-test smap: read %x\n", *(volatile uint8_t *)va);
    kprintf("lark: self-test %s: FAILED: the kernel reached a user page unhindered\n",
            name);
    power_off(1);
}

static void run_selftest(const char *name)
{
    if (strcmp(name, "fault") == 0)
        selftest_fault();
    else if (strcmp(name, "overflow") == 0)
        selftest_overflow(0);
    else if (strcmp(name, "smep") == 0)
        selftest_user_access("smep", 7);
    else if (strcmp(name, "smap") == 0)
        selftest_user_access("smap", 20);
    else if (strcmp(name, "panic") == 0)
        panic("self-test: a deliberate panic");
    else if (strcmp(name, "hang") == 0) /* for the grader's tests: never finish */
        for (;;)
            hlt();
    else if (strcmp(name, "flood") == 0) /* ... print without end */
        for (uint64_t i = 0;; i++)
            kprintf("lark: self-test flood line %lu\n", i);
    else if (strcmp(name, "triplefault") == 0) { /* ... reset the machine */
        struct {
            uint16_t limit;
            uint64_t base;
        } __attribute__((packed)) none = {0, 0};
        asm volatile("lidt %0; int3" : : "m"(none));
    } else if (strcmp(name, "boot") != 0)
        kprintf("lark: unknown self-test '%s'\n", name);
    kprintf("lark: self-test %s done\n", name);
    power_off(0);
}

/* --- the first process ---------------------------------------------------------- */

long kernel_execve(const char *path, char **argv, char **envp);

static void init_entry(void)
{
    proc_first_run();
    long err = kernel_execve(cmd.argv[0], cmd.argv, cmd.envp);
    if (err)
        panic("cannot run %s: error %ld", cmd.argv[0], err);
    trapret_to(myproc()->tf);
}

/* The console as fds 0, 1 and 2 of init: everyone else inherits them. */
static void open_console(struct proc *p)
{
    struct inode *ip = namei("/dev/console", 0);
    if (IS_ERR(ip))
        panic("no /dev/console (error %ld)", PTR_ERR(ip));
    long err = 0;
    struct file *f = file_open_inode(ip, O_RDWR, &err);
    inode_put(ip);
    if (!f)
        panic("cannot open /dev/console (error %ld)", err);
    for (int fd = 0; fd < 3; fd++) {
        if (fd > 0)
            file_get(f);
        fd_install(p, f, fd, false);
    }
}

static void start_init(void)
{
    struct proc *p = proc_alloc(init_entry);
    if (!p)
        panic("no process slot for init");
    initproc = p;
    strlcpy(p->name, "init", sizeof p->name);
    p->cwd = fs_root();
    inode_get(p->cwd);
    open_console(p);
    proc_make_runnable(p);
}

/* --- the boot sequence ---------------------------------------------------------- */

void main(uint32_t magic, uint64_t multiboot_info)
{
    percpu_init(&cpus[0]); /* first: spinlocks find the CPU through GS */
    console_init();
    kprintf("lark: booting\n");
    multiboot_parse(magic, multiboot_info);
    parse_cmdline();

    kalloc_init();
    vm_init();
    vm_init_cpu();
    gdt_init(&cpus[0]);
    idt_init();
    idt_load();
    extern bool smap_enabled;
    smap_enabled = vm_has_smap();

    time_init();
    acpi_init();
    lapic_calibrate();
    lapic_init();
    ioapic_init();
    ioapic_route_isa_irq(IRQ_COM1, T_COM1, cpus[0].apic_id);
    uart_enable_rx_interrupt();
    console_intr(); /* whatever arrived before the interrupt was on */
    fpu_init_cpu();
    syscall_init();

    fs_init();
    proc_init();
    if (cmd.selftest && strcmp(cmd.selftest, "boot") != 0)
        run_selftest(cmd.selftest);
    cpus[0].started = 1;
    smp_start_aps();
    if (!cmd.quiet || cmd.selftest)
        kprintf("lark: %d CPUs up, %lu MiB free\n", cpus_online(),
                kalloc_free_frames() * 4096 / (1024 * 1024));
    if (cmd.selftest)
        run_selftest(cmd.selftest);
    if (cmd.racedelay && spinlock_race_delay(cmd.racedelay) < 0)
        kprintf("lark: racedelay: no function '%s'\n", cmd.racedelay);
    if (cmd.too_long)
        panic("kernel command line too long: lark keeps %d bytes (kernel/param.h)",
              CMDLINE_MAX - 2);
    start_init();
    scheduler();
}
