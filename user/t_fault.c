/* t_fault: a user-mode fault kills only that process, with Linux's signal (#PF/#GP ->
 * SIGSEGV, #SS -> SIGBUS, #UD -> SIGILL, #DE -> SIGFPE, #BP -> SIGTRAP); each in a forked
 * child, in inline asm so the compiler keeps the instruction. The parent must survive,
 * also a child's SYSCALL from 32-bit code. */
#define _GNU_SOURCE
#include "test.h"
#include "proctest.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define KERNEL_ADDR   0xffff800000000000UL
#define NONCANONICAL  0x0000800000000000UL /* just above the lower half */
#define NONCANONICAL2 0x8000000000000000UL

static void write_null(void)
{
    __asm__ volatile("movl $1, (%0)" ::"r"(0L) : "memory");
}

static void read_kernel(void)
{
    long v;
    __asm__ volatile("mov (%1), %0" : "=r"(v) : "r"(KERNEL_ADDR));
}

static void read_noncanonical(void)
{
    long v;
    __asm__ volatile("mov (%1), %0" : "=r"(v) : "r"(NONCANONICAL));
}

static void write_noncanonical(void)
{
    __asm__ volatile("movl $1, (%0)" ::"r"(NONCANONICAL2) : "memory");
}

/* An rbp-based address uses the stack segment: non-canonical is #SS, not #GP. */
static void read_noncanonical_via_rbp(void)
{
    long v;
    __asm__ volatile("push %%rbp\n"
                     "mov %1, %%rbp\n"
                     "mov (%%rbp), %0\n"
                     "pop %%rbp"
                     : "=r"(v)
                     : "r"(NONCANONICAL2));
}

static void jump_noncanonical(void)
{
    __asm__ volatile("jmp *%0" ::"r"(NONCANONICAL));
}

static void jump_kernel(void)
{
    __asm__ volatile("jmp *%0" ::"r"(KERNEL_ADDR));
}

static void undefined_instruction(void)
{
    __asm__ volatile("ud2");
}

static void divide_by_zero(void)
{
    __asm__ volatile("xor %%edx, %%edx\n"
                     "mov $1, %%eax\n"
                     "xor %%ecx, %%ecx\n"
                     "div %%ecx" ::
                         : "rax", "rcx", "rdx");
}

static void divide_overflow(void) /* INT_MIN / -1 */
{
    __asm__ volatile("mov $0x80000000, %%eax\n"
                     "cdq\n"
                     "mov $-1, %%ecx\n"
                     "idiv %%ecx" ::
                         : "rax", "rcx", "rdx");
}

static void write_text(void)
{
    __asm__ volatile("movb $0xc3, (%0)" ::"r"((void *)write_text) : "memory");
}

static const char rodata_string[] = "read-only";
static void write_rodata(void)
{
    __asm__ volatile("movb $1, (%0)" ::"r"(rodata_string) : "memory");
}

/* A `ret` in a writable, non-executable place; calling it must fault (NX). The call
 * steps over the red zone, where the compiler may keep locals. */
static void execute_stack(void)
{
    volatile unsigned char code[16] = {0xc3};
    __asm__ volatile("sub $128, %%rsp\n"
                     "call *%0\n"
                     "add $128, %%rsp" ::"r"(code)
                     : "memory");
}

static unsigned char data_code[16] = {0xc3};
static void execute_data(void)
{
    __asm__ volatile("sub $128, %%rsp\n"
                     "call *%0\n"
                     "add $128, %%rsp" ::"r"(data_code)
                     : "memory");
}

static void privileged_hlt(void)
{
    __asm__ volatile("hlt");
}

static void privileged_cli(void)
{
    __asm__ volatile("cli");
}

static void privileged_port_in(void)
{
    __asm__ volatile("inb $0x80, %%al" ::: "rax");
}

static void privileged_read_cr3(void)
{
    long v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
}

static void breakpoint(void)
{
    __asm__ volatile("int3");
}

/* `int $14` from user mode: the page-fault gate must not be callable (DPL 0). */
static void int_page_fault_vector(void)
{
    __asm__ volatile("int $14");
}

static void int_timer_vector(void)
{
    __asm__ volatile("int $32");
}

/* Push until the stack runs out (the child caps its stack rlimit first). */
static void stack_overflow(void)
{
    __asm__ volatile("1: push %%rax\n"
                     "jmp 1b" ::
                         : "memory");
}

static const struct fault {
    const char *name;
    void (*cause)(void);
    int sig;
    int alt_sig; /* also right, when the CPU raises another exception (see below) */
} faults[] = {
    {"fault_write_null_sigsegv", write_null, SIGSEGV, 0},
    {"fault_read_kernel_address_sigsegv", read_kernel, SIGSEGV, 0},
    {"fault_read_noncanonical_sigsegv", read_noncanonical, SIGSEGV, 0},
    {"fault_write_noncanonical_sigsegv", write_noncanonical, SIGSEGV, 0},
    /* Hardware raises #SS here (Linux: SIGBUS), but QEMU's emulator raises #GP for
     * every non-canonical address (Linux in QEMU: SIGSEGV). Either signal shows the
     * kernel turned the CPU's exception into the right one. */
    {"fault_noncanonical_stack_segment_sigbus", read_noncanonical_via_rbp, SIGBUS,
     SIGSEGV},
    {"fault_jump_noncanonical_sigsegv", jump_noncanonical, SIGSEGV, 0},
    {"fault_jump_kernel_address_sigsegv", jump_kernel, SIGSEGV, 0},
    {"fault_ud2_sigill", undefined_instruction, SIGILL, 0},
    {"fault_divide_by_zero_sigfpe", divide_by_zero, SIGFPE, 0},
    {"fault_divide_overflow_sigfpe", divide_overflow, SIGFPE, 0},
    {"fault_write_text_sigsegv", write_text, SIGSEGV, 0},
    {"fault_write_rodata_sigsegv", write_rodata, SIGSEGV, 0},
    {"fault_execute_stack_nx_sigsegv", execute_stack, SIGSEGV, 0},
    {"fault_execute_data_nx_sigsegv", execute_data, SIGSEGV, 0},
    {"fault_hlt_sigsegv", privileged_hlt, SIGSEGV, 0},
    {"fault_cli_sigsegv", privileged_cli, SIGSEGV, 0},
    {"fault_port_in_sigsegv", privileged_port_in, SIGSEGV, 0},
    {"fault_read_cr3_sigsegv", privileged_read_cr3, SIGSEGV, 0},
    {"fault_int3_sigtrap", breakpoint, SIGTRAP, 0},
    {"fault_int_14_from_user_sigsegv", int_page_fault_vector, SIGSEGV, 0},
    {"fault_int_32_from_user_sigsegv", int_timer_vector, SIGSEGV, 0},
    {"fault_stack_overflow_sigsegv", stack_overflow, SIGSEGV, 0},
};

/* --- SYSCALL from 32-bit code ----------------------------------------------------
 * The GDT has a 32-bit user code segment just below the 64-bit one (Linux's
 * __USER32_CS 0x23, needed by SYSRET's selector layout): a 64-bit program can far-jump
 * into it. There `syscall` (eax 20: i386 getpid) takes the CPU's compatibility-mode
 * path: Linux with IA32 emulation runs getpid, a kernel without it returns -ENOSYS
 * (on AMD CPUs and QEMU), and Intel CPUs raise #UD (SIGILL). The code stores eax in
 * compat_eax (in the bss, below 4 GiB, so a 32-bit absolute address reaches it) and
 * runs hlt: SIGSEGV. It uses no stack: in 32-bit mode esp is not a usable address. */
#define COMPAT_UNTOUCHED 0x5a5a5a5a

int compat_eax;
static struct {
    uint32_t eip;
    uint16_t cs;
} __attribute__((packed)) compat_target;

void compat_code(void);
__asm__(".text\n"
        ".code32\n"
        "compat_code:\n"
        "  movl $20, %eax\n"
        "  syscall\n"
        "  movl %eax, compat_eax\n"
        "  hlt\n"
        ".code64\n");

static void compat_mode_syscall(void)
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    compat_target.eip = (uint32_t)(uintptr_t)compat_code;
    compat_target.cs = cs - 16;
    compat_eax = COMPAT_UNTOUCHED;
    /* vfork: the child's store is in our memory. It must not return from here. */
    pid_t pid = vfork();
    if (pid == 0) {
        struct rlimit zero = {0, 0};
        setrlimit(RLIMIT_CORE, &zero); /* no core file (see no_core_dumps) */
        prctl(PR_SET_DUMPABLE, 0);
        __asm__ volatile("ljmpl *%0" ::"m"(compat_target) : "memory");
        __builtin_unreachable();
    }
    int st = wait_status(pid);
    int sig = st != -1 && WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    int eax = compat_eax;
    if (sig != SIGSEGV && sig != SIGILL)
        fail("fault_compat_mode_syscall", "expected killed by SIGSEGV or SIGILL, got %s",
             status_str(st));
    else if (eax != -ENOSYS && eax != pid && eax != COMPAT_UNTOUCHED)
        fail("fault_compat_mode_syscall",
             "expected -ENOSYS (or the pid, or no syscall) from SYSCALL in 32-bit code, "
             "got %d",
             eax);
    else
        pass("fault_compat_mode_syscall");
}

/* In the child: no core files (limit 0; not dumpable, for piped core patterns). */
static void no_core_dumps(void)
{
    struct rlimit zero = {0, 0}, small_stack = {1 << 20, 1 << 20};
    setrlimit(RLIMIT_CORE, &zero);
    setrlimit(RLIMIT_STACK, &small_stack);
    prctl(PR_SET_DUMPABLE, 0);
}

static void run_fault(const struct fault *f)
{
    pid_t pid = fork();
    if (pid == 0) {
        no_core_dumps();
        f->cause();
        _exit(0); /* no fault: the parent reports "exited 0" */
    }
    int status = wait_status(pid);
    if (f->alt_sig && WIFSIGNALED(status) && WTERMSIG(status) == f->alt_sig)
        pass(f->name);
    else
        check_signaled(f->name, status, f->sig);
}

int main(int argc, char **argv)
{
    (void)argc;
    proctest_init(argv[0]);
    pid_t me = getpid();
    static char keep[4096];
    memset(keep, 0x5a, sizeof keep);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        run_fault(&faults[i]);
    compat_mode_syscall();

    check_long("fault_parent_pid_unchanged", getpid(), me);
    int same = 1;
    for (size_t i = 0; i < sizeof keep; i++)
        same &= keep[i] == 0x5a;
    check("fault_parent_memory_intact", same, "expected the parent's buffer unchanged");
    char *argv_true[] = {"true", NULL};
    char *envp[] = {NULL};
    check_exited("fault_parent_can_still_spawn",
                 spawn_wait(helper_path("true"), argv_true, envp, NULL), 0);
    check_errno("fault_children_all_reaped", waitpid(-1, NULL, WNOHANG), ECHILD);
    return test_done("t_fault");
}
